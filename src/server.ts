/**
 * The only file that connects, listens and starts background loops. On SIGTERM or SIGINT it stops
 * accepting connections, lets in-flight requests finish, then closes the database.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Config } from './config/index.js';
import { createApp } from './app.js';
import { anonymiseExpiredCases, CaseModel, closeAfterRatingWindow, retentionCutoff } from './cases/index.js';
import { recomputeStaleClocks, runSlaSweep, sendMeetingReminders } from './cases/index.js';
import { forgetExpiredHistory, routingBarOf, trainAndStore } from './classification/index.js';
import { runJob } from './shared/jobs.js';
import { repeat, type Loop } from './shared/repeat.js';
import { runRecurrenceTurn } from './recurring/index.js';
import { AppError } from './shared/errors.js';
import { createMailTransport, createOutboxRelay, forgetSettledMessages, type MailTransport, type OutboxRelay } from './notifications/index.js';
import { systemClock } from './shared/clock.js';
import { pingDatabase } from './shared/db/connect.js';
import { purgeClaims } from './shared/claims.js';
import { purgeExpiredIdempotencyRecords } from './shared/idempotency.js';
import { purgeRateLimitWindows } from './shared/rate-limit.js';
import { purgeExpiredEmailVerifications, purgeExpiredRefreshTokens } from './users/index.js';
import type { Hooks } from './shared/hooks.js';
import type { Logger } from './shared/logger.js';
import { startRuntime, type Runtime } from './runtime.js';
import { wireHooks } from './wiring.js';

const SHUTDOWN_GRACE_MS = 15_000;
const RELAY_INTERVAL_MS = 5_000;
const PURGE_INTERVAL_MS = 60 * 60_000;
const DAY_MS = 24 * 3_600_000;
/** Claims (shared/claims.ts) name work settled within minutes; two days is far past any lease. */
const CLAIM_KEEP_MS = 2 * 24 * 3_600_000;
const CLOSE_INTERVAL_MS = 15 * 60_000;
const RETRAIN_CHECK_MS = 10 * 60_000;
const RECURRENCE_INTERVAL_MS = 15_000;
/** Retention runs once a day (whichever instance claims it); each instance checks hourly whether it is due. */
const RETENTION_CHECK_MS = 60 * 60_000;
const RETENTION_EVERY_MS = 24 * 3_600_000;
const RETENTION_BATCH = 200;
/** Meeting reminders (the working day before) are looked for every few minutes; each is claimed once. */
const MEETING_REMINDER_INTERVAL_MS = 5 * 60_000;

/** What the background loops need: the configuration, the logger, the hooks and this instance's name. */
interface LoopContext {
  config: Config;
  logger: Logger;
  hooks: Hooks;
  /** Names this instance in job claims (shared/jobs.ts), so one instance runs each scheduled job. */
  instance: string;
}

/** The outbox relay, started: safe with several instances (it claims each message with a lease). */
function startRelay(config: Config, logger: Logger): { relay: OutboxRelay; transport: MailTransport | null } {
  const transport = createMailTransport(config.smtpUrl);
  const relay = createOutboxRelay({
    transport,
    from: config.mailFrom,
    logger,
    clock: systemClock,
    isSubjectLive: async (subject) => subject.kind !== 'case' || (await CaseModel.exists({ _id: subject.id })) !== null,
  });
  relay.start(RELAY_INTERVAL_MS);
  return { relay, transport };
}

/** Expired records of the stores that keep them for a while (idempotency, limits, tokens, claims). */
async function purgeExpired({ config }: LoopContext): Promise<void> {
  const now = systemClock.now();
  await Promise.all([
    purgeExpiredIdempotencyRecords(now),
    purgeRateLimitWindows(now),
    purgeExpiredRefreshTokens(now),
    purgeExpiredEmailVerifications(now),
    purgeClaims(new Date(now.getTime() - CLAIM_KEEP_MS)),
    // Settled emails keep their address OUTBOX_KEEP_DAYS (notifications/outbox-retention.ts); the update is idempotent, so any instance may run it.
    forgetSettledMessages(new Date(now.getTime() - config.outboxKeepDays * DAY_MS), now),
  ]);
}

/** SLA: escalate cases whose time has come, and finish any deadline recompute a calendar change left. */
async function sweepSla({ config, logger }: LoopContext): Promise<void> {
  const now = systemClock.now();
  const r = await runSlaSweep(now, { profile: config.deploymentProfile, publicUrl: config.publicUrl });
  if (r.escalated) logger.info({ ...r }, 'SLA sweep escalated cases');
  await recomputeStaleClocks(now);
}

/** The classifier is retrained on a schedule (with the corrections staff made meanwhile), by one instance. */
async function retrainOnSchedule({ config, logger, hooks, instance }: LoopContext): Promise<void> {
  if (config.classifierRetrainHours === 0) return;
  const now = systemClock.now();
  await runJob('classifier-train', instance, now, config.classifierRetrainHours * 3_600_000, 30 * 60_000, systemClock, async () => {
    try {
      const info = await trainAndStore(config.deploymentProfile, now, routingBarOf(config), 'schedule', hooks.correctedCases);
      logger.info({ version: info.version, examples: info.examples, evaluation: info.evaluation && { agencyCorrect: info.evaluation.agencyCorrect, misrouted: info.evaluation.misrouted } }, 'classifier retrained');
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'NOT_ENOUGH_HISTORY')) throw err;
    }
  });
}

/** Retention (PDPL): ended cases older than RETENTION_YEARS are anonymised, in batches, and imported history as old deleted, by one instance a day. */
async function anonymiseOnSchedule({ config, logger, hooks, instance }: LoopContext): Promise<void> {
  const now = systemClock.now();
  await runJob('case-retention', instance, now, RETENTION_EVERY_MS, 60 * 60_000, systemClock, async () => {
    let total = 0;
    for (;;) {
      const done = await anonymiseExpiredCases(now, { profile: config.deploymentProfile, years: config.retentionYears, batch: RETENTION_BATCH, forget: hooks.caseAnonymised });
      total += done;
      if (done < RETENTION_BATCH) break;
    }
    if (total) logger.info({ anonymised: total, years: config.retentionYears }, 'retention: ended cases anonymised');
    const history = await forgetExpiredHistory(config.deploymentProfile, retentionCutoff(now, config.retentionYears));
    if (history) logger.info({ deleted: history, years: config.retentionYears }, 'retention: imported history deleted');
  });
}

/**
 * The background loops besides the relay. Each loop waits for its last run to end before the next
 * (shared/repeat.ts): a slow run is never joined by a second one from the same instance, and
 * shutdown waits for the runs in flight.
 */
function startBackgroundLoops(ctx: LoopContext): Loop[] {
  const { config, logger, instance } = ctx;
  const warn = (message: string) => (err: unknown) => logger.warn({ err }, message);
  return [
    repeat(PURGE_INTERVAL_MS, () => purgeExpired(ctx), { onError: warn('purge failed') }),
    repeat(CLOSE_INTERVAL_MS, async () => {
      await closeAfterRatingWindow(systemClock.now(), config.deploymentProfile);
    }, { onError: warn('closing answered cases failed') }),
    repeat(config.slaSweepIntervalSeconds * 1000, () => sweepSla(ctx), { onError: warn('SLA sweep failed') }),
    repeat(RETRAIN_CHECK_MS, () => retrainOnSchedule(ctx), { onError: warn('scheduled classifier training failed') }),
    repeat(RETENTION_CHECK_MS, () => anonymiseOnSchedule(ctx), { onError: warn('retention (anonymising ended cases) failed') }),
    repeat(MEETING_REMINDER_INTERVAL_MS, async () => {
      const sent = await sendMeetingReminders(systemClock.now(), { publicUrl: config.publicUrl, instance });
      if (sent) logger.info({ sent }, 'meeting reminders sent');
    }, { onError: warn('meeting reminders failed') }),
    // Recurring issues: missed cases requeued, new cases grouped in filing order, quiet issues resolved, nightly check.
    repeat(RECURRENCE_INTERVAL_MS, () => runRecurrenceTurn(systemClock.now(), { profile: config.deploymentProfile, publicUrl: config.publicUrl, instanceId: instance, logger, clock: systemClock }), {
      onError: warn('recurring-issue detection failed'),
    }),
  ];
}

/** What the shutdown stops, in order: the server, the loops and the relay, the transport, the runtime. */
interface Stoppable {
  server: Server;
  runtime: Runtime;
  relay: OutboxRelay;
  loops: Loop[];
  transport: MailTransport | null;
}

const turnAway = (_req: IncomingMessage, res: ServerResponse): void => {
  res.writeHead(503, { Connection: 'close', 'Retry-After': '1', 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: { code: 'SHUTTING_DOWN', message: 'This instance is stopping; send the request again.' } }));
};

/** After the server has closed: the runs in flight may finish (a retraining takes seconds), within the grace period. */
function closeAfterServer({ runtime, relay, loops, transport }: Stoppable, logger: Logger): void {
  const finished = Promise.all([relay.stop(), ...loops.map((loop) => loop.stop())]);
  void Promise.race([finished, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())])
    .then(() => transport?.close())
    .then(() => runtime.close())
    .then(() => {
      logger.info('stopped');
      process.exit(0);
    })
    .catch((err: unknown) => {
      logger.error({ err }, 'error while closing');
      process.exit(1);
    });
}

/**
 * The graceful shutdown, run once on the first signal. Once stopping, a kept-alive connection
 * carries no new request: the answers in flight go out with `Connection: close`, and a request that
 * arrives after the signal is turned away with 503 (a load balancer sends it to another instance)
 * instead of being served for seconds more.
 */
function createShutdown(parts: Stoppable): (signal: string) => void {
  const { server, runtime } = parts;
  const { logger } = runtime;
  let stopping = false;
  const inFlight = new Set<ServerResponse>();
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  return (signal) => {
    if (stopping) return;
    stopping = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    server.removeAllListeners('request');
    server.on('request', turnAway);
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing them');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => closeAfterServer(parts, logger));
    server.closeIdleConnections();
  };
}

async function main(): Promise<void> {
  const runtime = await startRuntime(process.env, { boundedOperations: true });
  const { config, logger } = runtime;
  const hooks = wireHooks();
  const app = createApp({ config, logger, clock: systemClock, isDatabaseReady: () => pingDatabase(), hooks });
  const server: Server = app.listen(config.port, () => {
    logger.info({ port: config.port, profile: config.deploymentProfile }, `Tawasul listening on ${config.publicUrl}`);
  });

  const { relay, transport } = startRelay(config, logger);
  const loops = startBackgroundLoops({ config, logger, hooks, instance: `instance-${process.pid}-${Date.now().toString(36)}` });

  server.on('error', (err) => {
    logger.fatal({ err }, 'could not listen');
    void runtime.close().finally(() => process.exit(1));
  });

  const shutdown = createShutdown({ server, runtime, relay, loops, transport });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Tawasul could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
