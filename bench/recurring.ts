/**
 * Recurring-issue detection benchmark: `npm run bench:recurring`.
 *
 * Synthetic history at a steady rate (BENCH_PER_DAY, default 300 cases a day: 20 categories, 36 areas,
 * texts drawn from varied complaint phrasings), then:
 *   1. in process, for BENCH_SIZES cases (default 10000,200000): the cost of detecting one new case
 *      with that history behind it (its vector, the candidate set by the indexed query's rule, the
 *      comparison), p50/p99 over 500 new cases;
 *   2. on the database, for BENCH_DB_SIZES cases (default 10000,200000: about 33 days and 22 months):
 *      the history stored as detection leaves it (the cases, the log, the groups, the window of the
 *      last 31 days), then BENCH_DB_NEW new cases (default 40) queued and detected one at a time by
 *      `detectRecurrences`, p50/p90/max; beside it, a bare driver query of the candidate query's
 *      shape on the same window, as the baseline. The per-case time should not grow with history;
 *   3. the rebuild of every group from scratch for the largest in-process size.
 * Results: bench/RESULTS.md, "Recurring issues".
 */
import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { detectRecurrences } from '../src/recurring/detection.service.js';
import { assign, candidatesFrom, DEFAULT_RULES, reachesFlag, rebuildGroups, type CaseForRecurrence } from '../src/recurring/grouping.js';
import { queueForRecurrence } from '../src/recurring/queue.js';
import { packVector, vectorOf } from '../src/recurring/similarity.js';
import { withBenchMongoose } from './support/database.js';
import { medianMs, percentile } from './support/stats.js';

const SIZES = (process.env.BENCH_SIZES ?? '10000,200000').split(',').map(Number);
const PER_DAY = Number(process.env.BENCH_PER_DAY ?? 300);
const DB_SIZES = (process.env.BENCH_DB_SIZES ?? '10000,200000').split(',').map(Number);
const DB_NEW = Number(process.env.BENCH_DB_NEW ?? 40);
const say = (m: string): void => console.log(`[bench] ${m}`);
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

const CATEGORIES = ['WASTE_COLLECTION', 'STRAY_ANIMALS', 'PARKS_GREENERY', 'BUILDING_VIOLATION', 'FOOD_HYGIENE', 'ABANDONED_VEHICLES', 'POWER_OUTAGE', 'WATER_SUPPLY', 'UTILITY_BILLING', 'ROAD_DAMAGE', 'SEWAGE', 'RAINWATER_FLOODING', 'STREET_LIGHTING', 'TRAFFIC_SIGNALS', 'TRAFFIC_VIOLATIONS', 'FIRE_SAFETY', 'HEALTH_SERVICES', 'SCHOOL_SERVICES', 'HOUSING_SERVICES', 'E_SERVICES'];
const AREAS = Array.from({ length: 36 }, (_, i) => `AREA_${i}`);
const SUBJECTS = ['طفح المجاري', 'انقطاع الكهرباء', 'تراكم القمامة', 'حفرة في الطريق', 'أعمدة الإنارة مطفأة', 'كلاب ضالة', 'سيارة مهملة', 'تسرب المياه', 'فاتورة مرتفعة', 'تجمع مياه الأمطار', 'إشارة المرور معطلة', 'مطعم غير نظيف', 'Sewage overflowing', 'Power cut', 'Rubbish not collected', 'Pothole on the road', 'Street lights off'];
const PLACES = ['قرب المسجد', 'في الشارع الرئيسي', 'عند الدوار', 'خلف المدرسة', 'near the mosque', 'on the main road', 'by the park', 'next to the clinic'];
const TAILS = ['منذ ثلاثة أيام', 'ولم يتم الرد', 'للمرة الثانية هذا الشهر', 'والوضع لا يطاق', 'for a week now', 'again this month', 'and nobody came'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

/** A synthetic history of `n` cases, with the text each vector was computed from. */
function syntheticWithTexts(n: number, seed: number): { cases: CaseForRecurrence[]; texts: string[] } {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const cases: CaseForRecurrence[] = [];
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const text = `${pick(SUBJECTS)} ${pick(PLACES)} ${pick(TAILS)} ${pick(PLACES)}`;
    texts.push(text);
    cases.push({ id: crypto.randomBytes(12).toString('hex'), category: pick(CATEGORIES), area: pick(AREAS), createdAt: new Date(T0 + Math.floor((i / PER_DAY) * DAY)), citizen: `c${i % 50_000}`, vector: vectorOf(text) });
  }
  return { cases, texts };
}

const synthetic = (n: number, seed: number): CaseForRecurrence[] => syntheticWithTexts(n, seed).cases;

async function main(): Promise<void> {
  const vectors = new Map<number, CaseForRecurrence[]>();
  say('building synthetic histories (vectors are computed as at filing)…');
  for (const n of SIZES) vectors.set(n, synthetic(n, n));

  // 1. Per-case detection, in process.
  for (const n of SIZES) {
    const history = vectors.get(n)!;
    const byCategory = new Map<string, CaseForRecurrence[]>();
    const byArea = new Map<string, CaseForRecurrence[]>();
    for (const c of history) {
      (byCategory.get(c.category) ?? byCategory.set(c.category, []).get(c.category)!).push(c);
      const k = `${c.category}|${c.area}`;
      (byArea.get(k) ?? byArea.set(k, []).get(k)!).push(c);
    }
    const end = history.at(-1)!.createdAt.getTime() + 60_000; // new cases arrive just after the history
    const fresh = synthetic(500, 7).map((c) => ({ ...c, createdAt: new Date(end) }));
    const times: number[] = [];
    let compared = 0;
    for (const c of fresh) {
      const t = process.hrtime.bigint();
      const v = vectorOf(`${SUBJECTS[0]} ${PLACES[0]} ${TAILS[0]}`); // the new case's vector, as at filing
      const candidates = candidatesFrom({ ...c, vector: v }, byCategory, byArea, DEFAULT_RULES);
      assign({ ...c, vector: v }, candidates, DEFAULT_RULES);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      compared += Math.min(candidates.length, DEFAULT_RULES.candidateCap);
    }
    say(`history ${n.toLocaleString('en')} (${Math.round(n / PER_DAY)} days): detection of one new case p50 ${percentile(times, 0.5).toFixed(3)} ms, p99 ${percentile(times, 0.99).toFixed(3)} ms; ${(compared / fresh.length).toFixed(0)} candidates compared on average (cap ${DEFAULT_RULES.candidateCap})`);
  }

  // 3. Rebuild for the largest size.
  const largest = Math.max(...SIZES);
  const t = Date.now();
  const groups = rebuildGroups(vectors.get(largest)!, DEFAULT_RULES, (f) => f.id);
  say(`rebuild of ${largest.toLocaleString('en')} cases: ${((Date.now() - t) / 1000).toFixed(1)} s, ${groups.length.toLocaleString('en')} groups`);

  // 2. Detection on the database, per new case, with each history stored as detection leaves it.
  await withBenchMongoose(say, async () => {
    for (const n of DB_SIZES) await detectOnDatabase(n);
  });
}

/**
 * Stores a history of `n` cases as the system holds it after detecting them (the cases, the log of
 * every case, the groups, and the window of the last weeks), queues new cases, and times
 * `detectRecurrences` on them one at a time; then a bare driver query of the candidate query's shape
 * on the same window, as the baseline.
 */
async function detectOnDatabase(n: number): Promise<void> {
  const db = mongoose.connection.db!;
  for (const c of ['cases', 'recurrence_log', 'recurrence_items', 'recurrence_queue', 'recurring_issues', 'jobs']) await db.collection(c).deleteMany({});
  const { cases: history, texts } = syntheticWithTexts(n, n);
  const end = history.at(-1)!.createdAt.getTime() + 60_000;
  const started = Date.now();
  const refOf = (i: number): string => `TW-B-${n}-${i}`;
  const caseDoc = (c: CaseForRecurrence, i: number, text: string) => ({
    _id: new mongoose.Types.ObjectId(c.id),
    profile: 'bh',
    reference: refOf(i),
    type: 'complaint',
    description: text,
    language: 'ar',
    channel: 'web',
    category: c.category,
    area: c.area,
    status: 'assigned',
    contactEmail: `${c.citizen}@example.bh`,
    history: [{ at: c.createdAt, event: 'filed', to: 'submitted', visibility: 'public' }],
    createdAt: c.createdAt,
    updatedAt: c.createdAt,
  });
  const logDoc = (c: CaseForRecurrence, i: number) => ({ _id: new mongoose.Types.ObjectId(c.id), profile: 'bh', reference: refOf(i), category: c.category, area: c.area, createdAt: c.createdAt, citizen: c.citizen, vector: packVector(c.vector) });
  for (let i = 0; i < n; i += 2000) {
    const slice = history.slice(i, i + 2000);
    await db.collection('cases').insertMany(slice.map((c, k) => caseDoc(c, i + k, texts[i + k]!)));
    await db.collection('recurrence_log').insertMany(slice.map((c, k) => logDoc(c, i + k)));
  }
  // The groups, as the rebuild (= incremental detection) makes them; the window keeps the last 31 days.
  const groups = rebuildGroups(history, DEFAULT_RULES, (f) => f.id);
  const groupOf = new Map<string, mongoose.Types.ObjectId>();
  const index = new Map(history.map((c, i) => [c.id, i]));
  const issues = groups.map((g) => {
    const _id = new mongoose.Types.ObjectId();
    for (const m of g.members) groupOf.set(m.id, _id);
    const citizens = [...new Set(g.members.map((m) => m.citizen))];
    return {
      _id,
      profile: 'bh',
      status: reachesFlag(g.members, DEFAULT_RULES) ? 'flagged' : 'forming',
      category: g.members[0]!.category,
      area: g.members[0]!.area,
      caseIds: g.members.map((m) => new mongoose.Types.ObjectId(m.id)),
      references: g.members.map((m) => refOf(index.get(m.id)!)),
      citizens,
      caseCount: g.members.length,
      citizenCount: citizens.length,
      firstSeenAt: g.members[0]!.createdAt,
      lastSeenAt: g.members.at(-1)!.createdAt,
      keyTerms: [],
      terms: [],
      scores: [],
      history: [{ at: g.members[0]!.createdAt, event: 'formed', to: 'forming' }],
      createdAt: g.members[0]!.createdAt,
      updatedAt: g.members.at(-1)!.createdAt,
    };
  });
  for (let i = 0; i < issues.length; i += 2000) await db.collection('recurring_issues').insertMany(issues.slice(i, i + 2000));
  const windowFrom = end - 31 * DAY;
  const inWindow = history.map((c, i) => ({ c, i })).filter(({ c }) => c.createdAt.getTime() >= windowFrom);
  for (let i = 0; i < inWindow.length; i += 2000) {
    await db.collection('recurrence_items').insertMany(inWindow.slice(i, i + 2000).map(({ c, i: k }) => ({ ...logDoc(c, k), ...(groupOf.has(c.id) ? { groupId: groupOf.get(c.id) } : {}) })));
  }
  say(`history ${n.toLocaleString('en')} (${Math.round(n / PER_DAY)} days) stored in ${((Date.now() - started) / 1000).toFixed(0)} s: ${n.toLocaleString('en')} cases and log entries, ${issues.length.toLocaleString('en')} groups, ${inWindow.length.toLocaleString('en')} in the window`);

  // New cases arrive just after the history, one a minute, each detected on its own.
  const { cases: fresh, texts: freshTexts } = syntheticWithTexts(DB_NEW, 7 + n);
  const times: number[] = [];
  let grouped = 0;
  for (let k = 0; k < fresh.length; k++) {
    const at = new Date(end + k * 60_000);
    const c = { ...fresh[k]!, createdAt: at };
    const doc = caseDoc(c, n + k, freshTexts[k]!);
    await db.collection('cases').insertOne(doc);
    await queueForRecurrence(doc, at);
    const t = process.hrtime.bigint();
    const r = await detectRecurrences(at, { profile: 'bh', publicUrl: 'http://bench.test', batch: 1, rules: DEFAULT_RULES });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.processed !== 1) throw new Error(`expected one case detected, got ${JSON.stringify(r)}`);
    if (r.joined || r.grouped) grouped++;
  }
  // Baseline: a bare driver query of the candidate query's shape on the same window.
  const at = new Date(end);
  const filter = { profile: 'bh', category: 'SEWAGE', area: 'AREA_3', createdAt: { $gte: new Date(end - DEFAULT_RULES.windowDays * DAY), $lt: at } };
  const bare = await medianMs(async () => db.collection('recurrence_items').find(filter).sort({ createdAt: -1 }).limit(DEFAULT_RULES.candidateCap).toArray(), 5);
  const p50 = percentile(times, 0.5);
  say(
    `history ${n.toLocaleString('en')}: detection of one new case on the database p50 ${p50.toFixed(1)} ms, p90 ${percentile(times, 0.9).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms over ${times.length} cases (${grouped} joined or formed a group); ` +
      `bare driver candidate query ${bare.toFixed(1)} ms; ratio p50 / bare query ${(p50 / bare).toFixed(2)}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
