/**
 * Gauges read from the database when `/metrics` is scraped. Each is one bounded query on an
 * indexed field, inside the subset of docs/database.md, limited to QUERY_MS. A query that fails
 * (the database is away) gives NaN, "unknown", rather than a stale or a zero value, and a warning.
 */
import type { Gauge, Registry } from 'prom-client';
import { Gauge as GaugeMetric } from 'prom-client';
import type { AppDeps } from '../shared/deps.js';
import { countCasesDueForCheck } from '../cases/index.js';
import { countOutboxMessages, oldestPendingWrittenAt } from '../notifications/index.js';
import { RecurrenceQueueModel } from '../recurring/index.js';

/** Scrapers give up after 10 s by default; the five queries run side by side. */
const QUERY_MS = 3_000;
/**
 * Pending messages read for the oldest one's age, in the relay's index order (status, nextAttemptAt, _id).
 * A message is due when it is written, so it is read first unless retries pushed it back; past this
 * many pending messages the age is that of the oldest among the first read (a lower bound), and the
 * backlog gauge is already the alarm.
 */
const OLDEST_SCAN = 1_000;

type Deps = Pick<AppDeps, 'config' | 'clock' | 'logger'>;

function ageSeconds(now: Date, then: Date | undefined): number {
  return then ? Math.max(0, (now.getTime() - then.getTime()) / 1000) : 0;
}

export function registerDatabaseGauges(registry: Registry, deps: Deps): void {
  const profile = deps.config.deploymentProfile;
  const gauge = (name: string, help: string, read: (now: Date) => Promise<number>): Gauge =>
    new GaugeMetric({
      name,
      help,
      registers: [registry],
      async collect(this: Gauge) {
        try {
          this.set(await read(deps.clock.now()));
        } catch (err) {
          deps.logger.warn({ err, metric: name }, 'metrics: could not read a gauge from the database');
          this.set(Number.NaN);
        }
      },
    });

  gauge('tawasul_outbox_pending_messages', 'Emails in the outbox waiting to be sent (status pending).', () => countOutboxMessages('pending', QUERY_MS));
  gauge('tawasul_outbox_failed_messages', 'Emails the relay gave up on (status failed).', () => countOutboxMessages('failed', QUERY_MS));
  gauge('tawasul_outbox_oldest_pending_age_seconds', 'Age of the oldest pending email (0 when none waits).', async (now) => ageSeconds(now, await oldestPendingWrittenAt(OLDEST_SCAN, QUERY_MS)));
  gauge('tawasul_sla_cases_due', 'Cases the SLA sweep should look at now (sla.nextCheckAt has passed).', (now) => countCasesDueForCheck(now, QUERY_MS));
  gauge('tawasul_recurring_queue_length', "Cases waiting for recurring-issue detection (the deployment's profile).", () =>
    RecurrenceQueueModel.countDocuments({ profile }).maxTimeMS(QUERY_MS).exec(),
  );
  gauge('tawasul_recurring_queue_oldest_age_seconds', 'How long the first case in the detection queue has waited (0 when empty).', async (now) => {
    const first = await RecurrenceQueueModel.findOne({ profile }).sort({ createdAt: 1, _id: 1 }).select({ _id: 1, createdAt: 1 }).maxTimeMS(QUERY_MS).lean();
    return ageSeconds(now, first?.createdAt ?? undefined);
  });
}
