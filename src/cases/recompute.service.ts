/**
 * When an administrator changes a calendar, the deadlines of the open cases that run on it are
 * recomputed from their stored start, targets and paused time, and each case's history says why.
 *
 * Driven by data, not by the request that made the change: every clock stores the calendar
 * revision it was computed with, and this pass picks cases with an older one (an indexed query on
 * `sla.calendar`, `sla.calendarRevision`). The admin request runs it once; the sweep loop runs it
 * again, so a pass cut short by a crash or a restart finishes later, and two instances running it
 * at once cannot apply it twice (each write is conditional on the revision read).
 */
import { lt } from '../shared/db/operators.js';
import { calendarsToRecompute, CLOCK_STOPPED_STATUSES, getCalendarEntry, markCalendarRecomputed, recomputeClock, storedClock } from '../sla/index.js';
import { CaseModel, type CaseDoc, type HistoryEntry } from './case.model.js';
import { withHistory } from './history.js';

/** Recomputes every clock on `code` computed with an older revision; returns how many deadlines moved. */
export async function recomputeCalendarClocks(code: string, now: Date, batch = 500): Promise<number> {
  const { calendar, revision } = await getCalendarEntry(code);
  let moved = 0;
  for (;;) {
    const rows = await CaseModel.find({ 'sla.calendar': code, 'sla.calendarRevision': lt(revision) })
      .sort({ 'sla.calendarRevision': 1 }) // rows recomputed leave the filter; the (calendar, revision) index gives the order
      .limit(batch)
      .select({ status: 1, dueAt: 1, firstResponseDueAt: 1, firstResponseAt: 1, sla: 1 })
      .lean<CaseDoc[]>();
    if (rows.length === 0) {
      // Done for this revision: later sweeps skip the calendar until it changes again.
      await markCalendarRecomputed(code, revision);
      return moved;
    }
    let progress = 0;
    for (const c of rows) {
      const clock = storedClock(c)!;
      const guard = { _id: c._id, status: c.status, 'sla.calendarRevision': clock.calendarRevision, 'sla.level': clock.level };
      if (CLOCK_STOPPED_STATUSES.includes(c.status)) {
        // A stopped clock keeps the deadline it was judged by; it only stops matching this query.
        progress += (await CaseModel.updateOne(guard, { $set: { 'sla.calendarRevision': revision } }, { timestamps: false })).modifiedCount;
        continue;
      }
      const fresh = recomputeClock(calendar, revision, clock);
      const set: Record<string, unknown> = { dueAt: fresh.dueAt, sla: fresh.sla };
      if (!c.firstResponseAt) set.firstResponseDueAt = fresh.firstResponseDueAt;
      const changed = c.dueAt?.getTime() !== fresh.dueAt.getTime() || (!c.firstResponseAt && c.firstResponseDueAt?.getTime() !== fresh.firstResponseDueAt.getTime());
      const entry: HistoryEntry = {
        at: now,
        actor: { kind: 'system' },
        event: 'sla_changed',
        visibility: 'public',
        data: { reason: 'calendar_changed', calendar: code, revision, dueAtBefore: c.dueAt ?? null, dueAtAfter: fresh.dueAt },
      };
      const result = await CaseModel.updateOne(guard, withHistory({ $set: set }, changed ? [entry] : []), { timestamps: false });
      progress += result.modifiedCount;
      if (result.modifiedCount === 1 && changed) moved++;
    }
    if (progress === 0) return moved; // everything left changed under us: the next pass takes it
  }
}

/** The pass over every calendar: the sweep loop's way to finish a recompute cut short. */
export async function recomputeStaleClocks(now: Date): Promise<number> {
  let moved = 0;
  for (const code of await calendarsToRecompute()) moved += await recomputeCalendarClocks(code, now);
  return moved;
}
