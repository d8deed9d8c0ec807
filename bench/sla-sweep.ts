/**
 * SLA sweep benchmark: `npm run bench:sla`.
 *
 * 100,000 open cases (BENCH_CASES) of which 1 % (BENCH_DUE_PERCENT) have reached their at-risk
 * point, on one database. Measured in the same process, on the same database:
 *   1. the sweep's candidate query (Mongoose, `sla.nextCheckAt <= now`, sorted, one batch of 200)
 *      against a bare driver query of the same shape: the ratio is the cost of our layer;
 *   2. the same bare query forced to a collection scan (`hint: {$natural: 1}`), to show what the
 *      index on `sla.nextCheckAt` saves (FerretDB may ignore the hint: then both read the same);
 *   3. the whole sweep (claim, recipients, emails into the outbox, record the level) until every due
 *      case is escalated: time per case, and the total against the bare query;
 *   4. a sweep with nothing due: the cost of the interval when there is no work.
 * The query plan the engine reports is printed. Results and their reading: bench/RESULTS.md ("SLA sweep").
 *
 * Environment: MONGODB_URI (else an embedded engine, EMBEDDED_DB=auto|mongod|ferretdb),
 * BENCH_CASES (default 100000), BENCH_DUE_PERCENT (default 1), BENCH_REPEAT (query repetitions, default 5),
 * BENCH_SWEEP_MAX (stop the full sweep after this many escalated cases; default: all due cases).
 */
import mongoose from 'mongoose';
import { CaseModel } from '../src/cases/case.model.js';
import { readProfileData, seedDirectory } from '../src/directory/index.js';
import { OutboxMessageModel } from '../src/notifications/index.js';
import { lte } from '../src/shared/db/operators.js';
import { loadSeedCalendar } from '../src/sla/calendar.js';
import { seedCalendars } from '../src/sla/calendar.service.js';
import { startClock } from '../src/sla/clock.js';
import { slaDefaultsOf } from '../src/sla/policy.service.js';
import { runSlaSweep } from '../src/cases/escalation.service.js';
import { reportKeys } from '../src/shared/report-keys.js';
import { createUser } from '../src/users/index.js';
import { withBenchMongoose } from './support/database.js';
import { medianMs } from './support/stats.js';

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const DUE_PERCENT = Number(process.env.BENCH_DUE_PERCENT ?? 1);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
/** Stop the full sweep after this many escalations (on FerretDB every guarded write scans the collection). */
const SWEEP_MAX = Number(process.env.BENCH_SWEEP_MAX ?? Infinity);
const BATCH = 200;
const say = (m: string): void => console.log(`[bench] ${m}`);

const AGENCIES = ['EWA', 'WORKS', 'TRAFFIC', 'HEALTH', 'EDUCATION', 'HOUSING'];

async function main(): Promise<void> {
  await withBenchMongoose(say, async () => {
    await seedDirectory(readProfileData('bh'), new Date());
    await seedCalendars(new Date());
    for (const agency of AGENCIES) {
      await createUser({ email: `supervisor-${agency.toLowerCase()}@bench.example`, password: 'a bench password 123', role: 'supervisor', agency, name: `Supervisor ${agency}`, language: 'ar' }, { profile: 'bh', now: new Date() });
    }
    await createUser({ email: 'manager@bench.example', password: 'a bench password 123', role: 'manager', name: 'Manager', language: 'en' }, { profile: 'bh', now: new Date() });

    // Cases started 1–8 working days ago on the BH calendar; 1 % have passed their at-risk point
    // (but not their deadline), the rest are due for a check later.
    const BH = loadSeedCalendar('BH');
    const now = new Date('2026-12-06T08:00:00Z'); // a Sunday, 11:00 in Bahrain
    const template = startClock(BH, 1, { ...slaDefaultsOf('bh') }, [], new Date('2026-11-22T04:00:00Z'));
    const dueEvery = Math.round(100 / DUE_PERCENT);
    const started = Date.now();
    const docs = [];
    let due = 0;
    for (let i = 0; i < CASES; i++) {
      const isDue = i % dueEvery === 0;
      if (isDue) due++;
      const atRiskAt = isDue ? new Date(now.getTime() - (1 + (i % 600)) * 60_000) : new Date(now.getTime() + (1 + (i % 20_000)) * 60_000);
      const createdAt = new Date(template.sla.startedAt.getTime() - (i % 1000) * 1000);
      docs.push({
        profile: 'bh',
        reference: `TW-26-B${String(i).padStart(3, '0').slice(-3)}-${i.toString(36).toUpperCase().padStart(4, '0')}`,
        trackingTokenHash: 'x'.repeat(64),
        type: 'complaint',
        title: `Bench case ${i}`,
        description: 'A streetlight has been out for a week on the main road near the school; it is dangerous at night.',
        language: i % 3 === 0 ? 'en' : 'ar',
        channel: 'web',
        category: 'STREET_LIGHTING',
        agency: AGENCIES[i % AGENCIES.length],
        status: 'in_progress',
        priority: 'normal',
        routing: { method: 'rule', routedAt: createdAt },
        contact: { name: 'Bench Citizen', email: `citizen${i}@bench.example` },
        contactEmail: `citizen${i}@bench.example`,
        attachments: [],
        history: [],
        dueAt: new Date(now.getTime() + 3 * 86_400_000),
        firstResponseDueAt: template.firstResponseDueAt,
        sla: { ...template.sla, atRiskAt, nextCheckAt: atRiskAt },
        ...reportKeys(createdAt, 'Asia/Bahrain'),
        createdAt,
        updatedAt: createdAt,
      });
      if (docs.length === 5000) {
        await CaseModel.collection.insertMany(docs.splice(0), { ordered: false });
      }
    }
    if (docs.length) await CaseModel.collection.insertMany(docs, { ordered: false });
    say(`inserted ${CASES} open cases (${due} due) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const filter = { 'sla.nextCheckAt': { $lte: now } };
    const bare = () => mongoose.connection.db!.collection('cases').find(filter).sort({ 'sla.nextCheckAt': 1 }).limit(BATCH).toArray();
    const scan = () => mongoose.connection.db!.collection('cases').find(filter, { hint: { $natural: 1 } }).sort({ 'sla.nextCheckAt': 1 }).limit(BATCH).toArray();
    const ours = () => CaseModel.find({ 'sla.nextCheckAt': lte(now) }).sort({ 'sla.nextCheckAt': 1 }).limit(BATCH).lean();

    const plan = (await mongoose.connection.db!.collection('cases').find(filter).sort({ 'sla.nextCheckAt': 1 }).limit(BATCH).explain()) as Record<string, unknown>;
    const planText = JSON.stringify(plan.queryPlanner ?? plan).slice(0, 600);
    say(`query plan (engine's explain, trimmed): ${planText}`);

    const bareMs = await medianMs(bare, REPEAT);
    say(`bare query: ${bareMs.toFixed(1)} ms (median of ${REPEAT})`);
    const oursMs = await medianMs(ours, REPEAT);
    let scanMs: number | null = null;
    try {
      scanMs = await medianMs(scan, Math.max(1, Math.floor(REPEAT / 2)));
    } catch (err) {
      say(`the forced scan was refused: ${(err as Error).message}`);
    }
    say(`candidate query, one batch of ${BATCH} of ${due} due among ${CASES}: bare driver ${bareMs.toFixed(1)} ms, ours (Mongoose) ${oursMs.toFixed(1)} ms → ratio ours/bare ${(oursMs / bareMs).toFixed(2)}`);
    if (scanMs !== null) say(`same bare query forced to a collection scan: ${scanMs.toFixed(1)} ms (${(scanMs / bareMs).toFixed(1)}× the indexed one)`);

    // The whole sweep until every due case is escalated (each leaves the query: its next check is the deadline).
    const sweepStarted = process.hrtime.bigint();
    let escalated = 0;
    let notifications = 0;
    let passes = 0;
    for (;;) {
      const r = await runSlaSweep(now, { profile: 'bh', publicUrl: 'http://bench.example', batch: Math.min(BATCH, Math.max(1, SWEEP_MAX - escalated)) });
      passes++;
      say(`  sweep pass ${passes}: ${r.due} due, ${r.escalated} escalated`);
      escalated += r.escalated;
      notifications += r.notifications;
      if (r.due === 0 || escalated >= SWEEP_MAX) break;
    }
    const sweepMs = Number(process.hrtime.bigint() - sweepStarted) / 1e6;
    const queued = await OutboxMessageModel.countDocuments({ template: 'sla-escalation' });
    say(`full sweep: ${passes} passes, ${escalated} cases escalated, ${notifications} emails queued (outbox holds ${queued}) in ${sweepMs.toFixed(0)} ms → ${(sweepMs / Math.max(1, escalated)).toFixed(2)} ms per escalated case`);
    say(`full sweep / one bare query of the same shape: ${(sweepMs / bareMs).toFixed(0)}× ; full sweep / (bare query per batch × ${passes} batches): ${(sweepMs / (bareMs * passes)).toFixed(1)}×`);
    if (escalated < due) say(`(stopped after ${escalated} of ${due} due cases: BENCH_SWEEP_MAX)`);
    const idleMs = escalated < due ? NaN : await medianMs(() => runSlaSweep(now, { profile: 'bh', publicUrl: 'http://bench.example', batch: BATCH }), REPEAT);
    if (!Number.isNaN(idleMs)) say(`a sweep with nothing due: ${idleMs.toFixed(1)} ms (bare query ${bareMs.toFixed(1)} ms)`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
