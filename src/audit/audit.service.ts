/**
 * Writing and reading the audit log. Writing never fails the request it records: a lost entry is
 * logged as a warning by the caller's logger, the user's work goes on.
 */
import { Types } from 'mongoose';
import { BadRequestError } from '../shared/errors.js';
import { between, lt, oneOf } from '../shared/db/operators.js';
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

export interface AuditQuery {
  reference?: string;
  actor?: string;
  action?: AuditAction[];
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

export interface AuditView {
  id: string;
  at: string;
  actor: { kind: string; userId: string | null; role: string | null; name: string | null };
  action: string;
  reference: string | null;
  detail: string | null;
}

function encodeCursor(at: Date, id: Types.ObjectId): string {
  return Buffer.from(`${at.getTime()}:${id.toHexString()}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: Types.ObjectId } {
  const [ms, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  if (!ms || !/^\d+$/.test(ms) || !id || !Types.ObjectId.isValid(id)) throw new BadRequestError('INVALID_CURSOR', 'The cursor is not one this service gave out.');
  return { at: new Date(Number(ms)), id: new Types.ObjectId(id) };
}

/** Newest first, with filters, in cursor pages (index-backed: each filter leads an index with `at`). */
export async function listAudit(query: AuditQuery): Promise<{ items: AuditView[]; nextCursor: string | null }> {
  const and: Record<string, unknown>[] = [];
  if (query.reference) and.push({ reference: query.reference });
  if (query.actor) and.push({ 'actor.userId': query.actor });
  if (query.action?.length) and.push({ action: oneOf(query.action) });
  if (query.from || query.to) and.push({ at: between(query.from ?? new Date(0), query.to ?? new Date(8.64e15)) });
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    and.push({ $or: [{ at: lt(c.at) }, { at: c.at, _id: lt(c.id) }] });
  }
  const docs = await AuditModel.find(and.length ? { $and: and } : {})
    .sort({ at: -1, _id: -1 })
    .limit(query.limit + 1)
    .lean();
  const page = docs.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((d) => ({
      id: d._id.toHexString(),
      at: d.at.toISOString(),
      actor: { kind: d.actor.kind, userId: d.actor.userId ?? null, role: d.actor.role ?? null, name: d.actor.name ?? null },
      action: d.action,
      reference: d.reference ?? null,
      detail: d.detail ?? null,
    })),
    nextCursor: docs.length > query.limit && last ? encodeCursor(last.at, last._id) : null,
  };
}
