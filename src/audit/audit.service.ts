/**
 * Writing and reading the audit log. Writing never fails the request it records: a lost entry is
 * logged as a warning by the caller's logger, the user's work goes on.
 */
import { between, oneOf } from '../shared/db/operators.js';
import { afterCursor, cutPage, type Page, type PageQuery } from '../shared/pagination.js';
import type { Principal } from '../shared/principal.js';
import { AuditModel, type AuditAction } from './audit.model.js';

export interface AuditRecord {
  action: AuditAction;
  reference?: string;
  detail?: string;
  requestId?: string;
}

export function actorOf(p: Principal | undefined): { kind: string; userId?: string; role?: string; name?: string } {
  return p ? { kind: 'staff', userId: p.userId, role: p.role, name: p.name } : { kind: 'system' };
}

export async function recordAudit(p: Principal | undefined, entry: AuditRecord, now: Date): Promise<void> {
  await AuditModel.create({ at: now, actor: p && p.role === 'citizen' ? { kind: 'citizen', userId: p.userId, role: 'citizen' } : actorOf(p), ...entry });
}

export interface AuditQuery extends PageQuery {
  reference?: string;
  actor?: string;
  action?: AuditAction[];
  from?: Date;
  to?: Date;
}

export interface AuditView {
  id: string;
  at: string;
  actor: { kind: string; userId: string | null; role: string | null; name: string | null };
  action: string;
  reference: string | null;
  detail: string | null;
}

/** Newest first, with filters, in cursor pages (index-backed: each filter leads an index with `at`). */
export async function listAudit(query: AuditQuery): Promise<Page<AuditView>> {
  const and: Record<string, unknown>[] = [];
  if (query.reference) and.push({ reference: query.reference });
  if (query.actor) and.push({ 'actor.userId': query.actor });
  if (query.action?.length) and.push({ action: oneOf(query.action) });
  if (query.from || query.to) and.push({ at: between(query.from ?? new Date(0), query.to ?? new Date(8.64e15)) });
  if (query.cursor) and.push(afterCursor('at', -1, query.cursor));
  const docs = await AuditModel.find(and.length ? { $and: and } : {})
    .sort({ at: -1, _id: -1 })
    .limit(query.limit + 1)
    .lean();
  const { rows: page, nextCursor } = cutPage(docs, query.limit, (d) => d.at);
  return {
    items: page.map((d) => ({
      id: d._id.toHexString(),
      at: d.at.toISOString(),
      actor: { kind: d.actor.kind, userId: d.actor.userId ?? null, role: d.actor.role ?? null, name: d.actor.name ?? null },
      action: d.action,
      reference: d.reference ?? null,
      detail: d.detail ?? null,
    })),
    nextCursor,
  };
}
