/**
 * Who may see which case (pure). The rule behind every read, and the filter behind every list, so
 * that the two can never disagree:
 *   citizen     — their own cases (filed while signed in, or as a guest with their verified email);
 *   officer,
 *   supervisor  — cases of their agency (a supervisor with triage rights: also the triage queue);
 *   manager,
 *   admin       — every case;
 *   agent       — the contact centre answers callers about any case: reads any case found by
 *                 reference or phone, lists only the triage queue and what they filed.
 * Reading someone else's case is answered 404, never 403, so existence is not revealed.
 */
import { Types } from 'mongoose';
import type { Principal } from '../shared/principal.js';

export interface CaseAccessFacts {
  agency?: string | null;
  status?: string;
  citizenId?: { toString(): string } | null;
  filedBy?: { userId?: { toString(): string } | null } | null;
}

export function canReadCase(p: Principal, c: CaseAccessFacts): boolean {
  switch (p.role) {
    case 'citizen':
      return !!c.citizenId && c.citizenId.toString() === p.userId;
    case 'officer':
      return !!p.agency && c.agency === p.agency;
    case 'supervisor':
      return (!!p.agency && c.agency === p.agency) || (!!p.triage && isInTriage(c));
    case 'manager':
    case 'admin':
    case 'agent':
      return true;
  }
}

/** A case in the triage queue: no agency yet. */
function isInTriage(c: CaseAccessFacts): boolean {
  return !c.agency && c.status === 'triage';
}

/** Whether internal notes and staff names are shown: staff of the case's agency and managers. */
export function seesInternalNotes(p: Principal, c: CaseAccessFacts): boolean {
  if (p.role === 'manager' || p.role === 'admin') return true;
  return (p.role === 'officer' || p.role === 'supervisor') && !!p.agency && c.agency === p.agency;
}

/** The filter that limits a case list to what the principal may see (ids cast: aggregations do not cast). */
export function listScope(p: Principal): Record<string, unknown> {
  switch (p.role) {
    case 'citizen':
      return { citizenId: new Types.ObjectId(p.userId) };
    case 'officer':
      return { agency: p.agency ?? '\u0000no-agency' };
    case 'supervisor':
      return p.triage ? { $or: [{ agency: p.agency ?? '\u0000no-agency' }, { status: 'triage' }] } : { agency: p.agency ?? '\u0000no-agency' };
    case 'manager':
    case 'admin':
      return {};
    case 'agent':
      return { $or: [{ status: 'triage' }, { 'filedBy.userId': new Types.ObjectId(p.userId) }] };
  }
}
