/**
 * One turn of the recurring-issue background work, as the server runs it on an interval (every
 * instance; leases decide who does what): hourly, the cases that never reached the detection queue
 * are queued again; then queued cases are detected and quiet issues resolved; nightly, the groups
 * are rebuilt from scratch and compared with the incremental result. Failures are logged, not thrown.
 */
import type { Logger } from 'pino';
import { runJob } from '../shared/jobs.js';
import { detectRecurrences, rebuildAndCompare, resolveQuietIssues } from './detection.service.js';
import { requeueMissed } from './queue.js';

export interface RecurrenceTurn {
  profile: string;
  publicUrl: string;
  /** This instance, as the holder of job leases. */
  instanceId: string;
  logger: Logger;
  /** When the turn finishes a job (the clock moves on while it runs). */
  clock: { now(): Date };
}

/** How far back the hourly requeue looks for cases that never reached the queue. */
export const REQUEUE_LOOKBACK_DAYS = 2;

export async function runRecurrenceTurn(now: Date, turn: RecurrenceTurn): Promise<void> {
  const { profile, logger } = turn;
  try {
    const requeued = await runJob('recurrence-requeue', turn.instanceId, now, 3_600_000, 10 * 60_000, turn.clock, () => requeueMissed(profile, now, REQUEUE_LOOKBACK_DAYS));
    if (requeued) logger.warn({ cases: requeued }, 'recurring issues: cases that had not been queued for detection were queued again');
    await detectRecurrences(now, { profile, publicUrl: turn.publicUrl, instanceId: turn.instanceId, clock: turn.clock });
    await resolveQuietIssues(now, profile);
    const r = await runJob('recurrence-rebuild-check', turn.instanceId, now, 24 * 3_600_000, 30 * 60_000, turn.clock, () => rebuildAndCompare(profile));
    if (r?.agree) logger.info({ cases: r.cases, groups: r.rebuiltGroups, ms: r.ms }, 'recurring issues: the rebuild agrees with incremental detection');
    else if (r) logger.warn({ onlyStored: r.onlyStored.length, onlyRebuilt: r.onlyRebuilt.length }, 'recurring issues: the rebuild DIFFERS from incremental detection (npm run cli -- recurring:rebuild lists the groups)');
  } catch (err) {
    logger.warn({ err }, 'recurring-issue detection failed');
  }
}
