/**
 * Recurring-issue detection benchmark: `npm run bench:recurring`.
 *
 * Synthetic history at a steady rate (BENCH_PER_DAY, default 600 cases a day: 20 categories, 36 areas,
 * texts drawn from varied complaint phrasings), of BENCH_SIZES cases (default 10000,200000: about 17
 * days and about 11 months of history), then:
 *   1. the cost of detecting one new case with that history behind it: its vector, the candidate set
 *      (the same rule as the indexed query: category, area, window, capped), and the comparison;
 *      measured in-process over 500 new cases, p50/p99 — it should not grow with the history;
 *   2. the candidate query itself on the database (`recurrence_items`, index
 *      {profile, category, area, createdAt}) with 10,000 items (BENCH_DB_ITEMS), against a bare driver
 *      query of the same shape;
 *   3. the rebuild of every group from scratch for the largest size.
 * Results: bench/RESULTS.md, "Recurring issues".
 */
import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { between } from '../src/shared/db/operators.js';
import { assign, candidatesFrom, DEFAULT_RULES, rebuildGroups, type CaseForRecurrence } from '../src/recurring/grouping.js';
import { RecurrenceItemModel } from '../src/recurring/recurring.model.js';
import { vectorOf } from '../src/recurring/similarity.js';
import { withBenchMongoose } from './support/database.js';
import { medianMs, percentile } from './support/stats.js';

const SIZES = (process.env.BENCH_SIZES ?? '10000,200000').split(',').map(Number);
const PER_DAY = Number(process.env.BENCH_PER_DAY ?? 600);
const DB_ITEMS = Number(process.env.BENCH_DB_ITEMS ?? 10_000);
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

function synthetic(n: number, seed: number): CaseForRecurrence[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: CaseForRecurrence[] = [];
  for (let i = 0; i < n; i++) {
    const text = `${pick(SUBJECTS)} ${pick(PLACES)} ${pick(TAILS)} ${pick(PLACES)}`;
    out.push({ id: crypto.randomBytes(12).toString('hex'), category: pick(CATEGORIES), area: pick(AREAS), createdAt: new Date(T0 + Math.floor((i / PER_DAY) * DAY)), citizen: `c${i % 50_000}`, vector: vectorOf(text) });
  }
  return out;
}

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

  // 2. The candidate query on the database.
  await withBenchMongoose(say, async () => {
    const items = synthetic(DB_ITEMS, 99);
    for (let i = 0; i < items.length; i += 2000) {
      await RecurrenceItemModel.collection.insertMany(
        items.slice(i, i + 2000).map((c, k) => ({ _id: new mongoose.Types.ObjectId(), profile: 'bh', reference: `TW-B-${i + k}`, category: c.category, area: c.area, createdAt: c.createdAt, citizen: c.citizen, vector: c.vector })),
      );
    }
    const at = new Date(T0 + Math.floor(DB_ITEMS / PER_DAY) * DAY);
    const from = new Date(at.getTime() - DEFAULT_RULES.windowDays * DAY);
    const filter = { profile: 'bh', category: 'SEWAGE', area: 'AREA_3', createdAt: { $gte: from, $lt: at } };
    const bare = async () => mongoose.connection.db!.collection('recurrence_items').find(filter).sort({ createdAt: -1 }).limit(DEFAULT_RULES.candidateCap).toArray();
    const ours = async () => RecurrenceItemModel.find({ profile: 'bh', category: 'SEWAGE', area: 'AREA_3', createdAt: between(from, at) }).sort({ createdAt: -1 }).limit(DEFAULT_RULES.candidateCap).lean();
    const b = { ms: await medianMs(bare, 5) };
    const o = { ms: await medianMs(ours, 5), rows: (await ours()).length };
    say(`candidate query on ${DB_ITEMS.toLocaleString('en')} items: bare driver ${b.ms.toFixed(1)} ms, ours ${o.ms.toFixed(1)} ms (ratio ${(o.ms / b.ms).toFixed(2)}), ${o.rows} candidates`);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
