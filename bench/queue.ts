/**
 * The staff queue and case page at scale: `npm run bench:queue` (issue #20, part 3).
 *
 * One database, grown in one run: first to 20,000 cases, then to 200,000 (BENCH_SIZES), across the 12
 * agencies of the `bh` profile (4 municipalities, 8 ministries), inserted with the driver in bulk through
 * the real schema's collection (indexes built first by ensureIndexes). Field distributions: created over
 * the two years before now; the older a case, the likelier it is closed; statuses, priorities, types,
 * categories by agency, a stored SLA clock and `dueAt` on open cases (some overdue), an assignee on most
 * worked cases.
 *
 * At each size, the app (createApp, in this process, on a loopback port) answers, one request at a time:
 *   queue page      GET /work as an officer: the workspace's default (open cases, own agency, sorted by
 *                   time left: sort=dueAt + the open statuses, workspace.pages.ts), its counts and links;
 *   queue API       GET /api/v1/cases?sort=dueAt&status=<open>, the same list as JSON;
 *   filters         the same with status=in_progress, with a category, with overdue=true;
 *   next page       the queue's second page, by the first page's cursor;
 *   counts          GET /api/v1/cases/counts as the agency's supervisor (countByStatus);
 *   case page       GET /work/cases/:reference and GET /api/v1/cases/:reference as the officer.
 * Reported per request: wall time (median of BENCH_REPEAT, after one warm-up; loopback, so this is the
 * server's time plus well under a millisecond of client), this process's CPU per request, the database
 * commands sent and the documents they returned (driver command monitoring), the documents the engine
 * says it examined (`explain` executionStats of each command, where the engine reports it), and the
 * query-plan check of part 1 (test/support/query-plans.ts) on every query shape the request sent: the
 * index MongoDB would answer it from, or a scan.
 *
 * Environment: MONGODB_URI (else an embedded engine, EMBEDDED_DB=auto|mongod|ferretdb),
 * BENCH_SIZES (default "20000,200000"), BENCH_REPEAT (default 5), BENCH_REPEAT_LARGE (repetitions at the
 * largest size, default 3: on FerretDB every request there scans the collection).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import { createApp } from '../src/app.js';
import { CaseModel, OPEN_STATUSES } from '../src/cases/case.model.js';
import { generateReference } from '../src/cases/reference.js';
import { loadConfig, withJwtSecret } from '../src/config/index.js';
import { readProfileData, seedDirectory } from '../src/directory/index.js';
import { registerModels } from '../src/models.js';
import { systemClock } from '../src/shared/clock.js';
import { configureMongoose, ensureIndexes, pingDatabase } from '../src/shared/db/connect.js';
import { createLogger } from '../src/shared/logger.js';
import { reportKeys } from '../src/shared/report-keys.js';
import { loadSeedCalendar } from '../src/sla/calendar.js';
import { seedCalendars } from '../src/sla/calendar.service.js';
import { slaDefaultsOf, startClock } from '../src/sla/index.js';
import { createUser, issueAccessToken, tokenSettings } from '../src/users/index.js';
import { answeringIndex, declaredIndexes, QueryRecorder, type QueryShape } from '../test/support/query-plans.js';
import { engineLabel, openBenchDatabase } from './support/database.js';
import { percentile } from './support/stats.js';

const SIZES = (process.env.BENCH_SIZES ?? '20000,200000').split(',').map(Number).filter((n) => n > 0).sort((a, b) => a - b);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const REPEAT_LARGE = Number(process.env.BENCH_REPEAT_LARGE ?? 3);
const TARGET_RATIO = 1.5;
const DAY = 86_400_000;
const say = (m: string): void => console.log(`[bench] ${m}`);

// ---- the cases

/** A small deterministic generator, so that every run writes the same history. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(r: () => number, weighted: readonly (readonly [T, number])[]): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of weighted) if ((x -= w) < 0) return v;
  return weighted[weighted.length - 1]![0];
}

interface Directory {
  agencies: string[];
  /** Agency weights: municipalities and the busiest ministries get more. */
  weights: [string, number][];
  categoriesOf: Map<string, string[]>;
  areasOf: Map<string, string[]>;
  allAreas: string[];
}

function directory(): Directory {
  const d = readProfileData('bh');
  const municipalities = d.municipalities.map((m) => m.code);
  const agencies = [...municipalities, ...d.agencies.map((a) => a.code)];
  const categoriesOf = new Map<string, string[]>();
  for (const agency of agencies) {
    const owned = d.categories.filter((c) => c.owner === agency || (c.owner === 'MUNICIPALITY' && municipalities.includes(agency))).map((c) => c.code);
    categoriesOf.set(agency, owned.length ? owned : d.categories.map((c) => c.code).slice(0, 1));
  }
  const areasOf = new Map(d.municipalities.map((m) => [m.code, m.areas.map((a) => a.code)] as const));
  const allAreas = d.municipalities.flatMap((m) => m.areas.map((a) => a.code));
  const weights = agencies.map((a, i) => [a, municipalities.includes(a) ? 3 : i % 3 === 0 ? 2 : 1] as [string, number]);
  return { agencies, weights, categoriesOf, areasOf, allAreas };
}

const COMPLAINT_OPEN = [['assigned', 30], ['in_progress', 40], ['awaiting_citizen', 10], ['reopened', 5], ['submitted', 5], ['triage', 10]] as const;
const SUGGESTION_OPEN = [['under_study', 1]] as const;

/** The status of a case of this age and type: recent cases are mostly open, old ones mostly closed. */
function statusFor(r: () => number, ageDays: number, type: string): string {
  const openShare = ageDays < 14 ? 0.85 : ageDays < 60 ? 0.35 : 0.03;
  if (r() < openShare) return type === 'suggestion' ? pick(r, SUGGESTION_OPEN) : pick(r, COMPLAINT_OPEN);
  if (type === 'suggestion') return pick(r, [['accepted', 3], ['declined', 3], ['implemented', 2]] as const);
  return pick(r, [['closed', 80], ['resolved', 12], ['rejected', 8]] as const);
}

type Template = ReturnType<typeof startClock>;

/** SLA clocks started at midday of each of the last 120 days (one computation per day, not per case). */
function clockTemplates(now: Date): Template[] {
  const bh = loadSeedCalendar('BH');
  return Array.from({ length: 120 }, (_, d) => startClock(bh, 1, { ...slaDefaultsOf('bh') }, [], new Date(Math.floor(now.getTime() / DAY) * DAY - d * DAY + 9 * 3_600_000)));
}

interface Generator {
  next(i: number): Record<string, unknown>;
}

function caseGenerator(now: Date, dir: Directory, officers: Map<string, { userId: mongoose.Types.ObjectId; name: string }>): Generator {
  const clocks = clockTemplates(now);
  return {
    next(i) {
      const r = rng(i + 1);
      const ageDays = r() * 730;
      const createdAt = new Date(now.getTime() - ageDays * DAY);
      const agency = pick(r, dir.weights);
      const type = pick(r, [['complaint', 70], ['suggestion', 12], ['inquiry', 13], ['compliment', 5]] as const);
      const status = statusFor(r, ageDays, type);
      const open = (OPEN_STATUSES as readonly string[]).includes(status);
      const categories = dir.categoriesOf.get(agency)!;
      const areas = dir.areasOf.get(agency) ?? dir.allAreas;
      const clock = clocks[Math.min(clocks.length - 1, Math.floor(ageDays))]!;
      const triage = status === 'triage';
      const worked = open && !triage && status !== 'submitted';
      // A unique reference from the case's number (the random part of generateReference, made deterministic).
      const reference = generateReference(createdAt, () => Buffer.from([(i >>> 24) & 255, (i >>> 16) & 255, (i >>> 8) & 255, i & 255, 0x5a]));
      const email = `citizen${i % 50_000}@bench.example`;
      return {
        profile: 'bh',
        reference,
        trackingTokenHash: 'x'.repeat(64),
        type,
        title: `Bench case ${i}`,
        description: 'A streetlight has been out for a week on the main road near the school; it is dangerous at night.',
        language: r() < 0.7 ? 'ar' : 'en',
        channel: pick(r, [['web', 55], ['app', 25], ['phone', 15], ['email', 5]] as const),
        category: pick(r, categories.map((c) => [c, 1] as const)),
        area: pick(r, areas.map((a) => [a, 1] as const)),
        ...(triage ? {} : { agency }),
        status,
        priority: pick(r, [['normal', 85], ['high', 12], ['urgent', 3]] as const),
        routing: { method: triage ? 'triage' : 'rule', confidence: 1, routedAt: createdAt },
        contact: { name: 'Bench Citizen', email, phone: '+973 3300 0000' },
        contactEmail: email,
        attachments: [],
        history: [{ at: createdAt, actor: { kind: 'citizen' }, event: 'filed', to: 'submitted', visibility: 'public' }],
        ...(worked && r() < 0.8 ? { assignee: officers.get(agency) } : {}),
        ...(open && !triage ? { dueAt: clock.dueAt, firstResponseDueAt: clock.firstResponseDueAt, sla: clock.sla } : {}),
        ...(open ? {} : { resolvedAt: new Date(createdAt.getTime() + 5 * DAY), closedAt: new Date(createdAt.getTime() + 7 * DAY) }),
        ...reportKeys(createdAt, 'Asia/Bahrain'),
        createdAt,
        updatedAt: open ? createdAt : new Date(createdAt.getTime() + 7 * DAY),
      };
    },
  };
}

async function insertCases(gen: Generator, from: number, to: number): Promise<number> {
  const started = performance.now();
  const BATCH = 2000;
  for (let i = from; i < to; i += BATCH) {
    const docs = Array.from({ length: Math.min(BATCH, to - i) }, (_, k) => gen.next(i + k));
    await CaseModel.collection.insertMany(docs, { ordered: false });
    if ((i - from) % 20_000 === 0) say(`  inserted ${i - from} of ${to - from}...`);
  }
  return (performance.now() - started) / 1000;
}

// ---- what each request costs the database

interface Monitored {
  commands: number;
  returned: number;
  sent: Record<string, unknown>[];
}

function monitor(client: mongoose.mongo.MongoClient, dbName: string): { take: () => Monitored } {
  let current: Monitored = { commands: 0, returned: 0, sent: [] };
  const READS = new Set(['find', 'aggregate', 'count', 'getMore', 'distinct']);
  client.on('commandStarted', (e) => {
    if (e.databaseName !== dbName || !READS.has(e.commandName) && !['insert', 'update', 'findAndModify', 'delete'].includes(e.commandName)) return;
    current.commands++;
    if (READS.has(e.commandName) && e.commandName !== 'getMore') current.sent.push({ ...e.command });
  });
  client.on('commandSucceeded', (e) => {
    const reply = e.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] }; n?: number };
    if (reply.cursor) current.returned += (reply.cursor.firstBatch ?? reply.cursor.nextBatch ?? []).length;
    else if (e.commandName === 'count') current.returned += 1;
  });
  return {
    take() {
      const out = current;
      current = { commands: 0, returned: 0, sent: [] };
      return out;
    },
  };
}

/** Documents the engine says it examined for these commands; undefined when it does not say (FerretDB). */
async function examined(db: mongoose.mongo.Db, commands: Record<string, unknown>[]): Promise<{ docs?: number; keys?: number; note: string }> {
  let docs = 0;
  let keys = 0;
  const notes = new Set<string>();
  for (const raw of commands) {
    const { lsid: _l, $db: _d, $clusterTime: _c, $readPreference: _r, ...command } = raw;
    try {
      const plan = (await db.command({ explain: command, verbosity: 'executionStats' })) as { executionStats?: { totalDocsExamined?: number; totalKeysExamined?: number }; stages?: { $cursor?: { executionStats?: { totalDocsExamined?: number; totalKeysExamined?: number } } }[]; queryPlanner?: unknown; pushdown?: unknown };
      const stats = plan.executionStats ?? plan.stages?.[0]?.$cursor?.executionStats;
      if (stats?.totalDocsExamined === undefined) {
        const told = Object.entries(plan as Record<string, unknown>).filter(([k]) => /pushdown|sort|limit/i.test(k)).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
        notes.add(`no executionStats; explain gives ${Object.keys(plan).join(', ')}${told.length ? ` (${told.join(', ')})` : ''}`);
        return { note: [...notes].join('; ') };
      }
      docs += stats.totalDocsExamined;
      keys += stats.totalKeysExamined ?? 0;
    } catch (err) {
      return { note: `explain refused: ${(err as Error).message.slice(0, 80)}` };
    }
  }
  return { docs, keys, note: 'executionStats' };
}

/** The part-1 verdict on every shape a request sent: the index MongoDB would use, or "SCAN". */
function planVerdict(shapes: Iterable<QueryShape>): string {
  const indexes = declaredIndexes();
  const out = new Set<string>();
  for (const s of shapes) {
    if (s.collection !== 'cases') continue;
    for (const b of s.branches) {
      const ix = answeringIndex(indexes.get(s.collection) ?? [], b, s.sort);
      out.add(`${s.method}→${ix ? JSON.stringify(Object.fromEntries(ix.keys)).replace(/"/g, '') : 'SCAN'}`);
    }
  }
  return [...out].join('; ') || '(no case query)';
}

// ---- the requests

interface Request {
  name: string;
  path: () => string;
  token: string;
}

interface Measured {
  name: string;
  ms: number;
  cpuMs: number;
  commands: number;
  returned: number;
  examinedDocs?: number;
  examinedNote: string;
  plan: string;
  status: number;
}

async function fetchOnce(base: string, r: Request): Promise<{ status: number; body: string }> {
  const res = await fetch(base + r.path(), { headers: { authorization: `Bearer ${r.token}`, accept: r.path().startsWith('/api/') ? 'application/json' : 'text/html' } });
  return { status: res.status, body: await res.text() };
}

async function measureRequest(base: string, r: Request, repeat: number, mon: { take: () => Monitored }, recorder: QueryRecorder, db: mongoose.mongo.Db): Promise<Measured> {
  mon.take();
  recorder.shapes.clear();
  const first = await fetchOnce(base, r); // warm-up, and the commands one request sends
  const once = mon.take();
  const plan = planVerdict(recorder.shapes.values());
  if (first.status !== 200) throw new Error(`${r.name}: ${r.path()} answered ${first.status}: ${first.body.slice(0, 300)}`);
  const ms: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    await fetchOnce(base, r);
    ms.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  mon.take();
  const ex = await examined(db, once.sent);
  return { name: r.name, ms: percentile(ms, 0.5), cpuMs: (cpu.user + cpu.system) / 1000 / repeat, commands: once.commands, returned: once.returned, examinedDocs: ex.docs, examinedNote: ex.note, plan, status: first.status };
}

// ---- the run

interface Staff {
  officer: string;
  supervisor: string;
  agency: string;
}

async function makeStaff(now: Date, dir: Directory, secret: ReturnType<typeof benchConfig>): Promise<{ staff: Staff; officers: Map<string, { userId: mongoose.Types.ObjectId; name: string }> }> {
  const officers = new Map<string, { userId: mongoose.Types.ObjectId; name: string }>();
  const tokens: Record<string, string> = {};
  for (const agency of dir.agencies) {
    const { user } = await createUser({ email: `officer-${agency.toLowerCase()}@bench.example`, password: 'a bench password 123', role: 'officer', agency, name: `Officer ${agency}`, language: 'en' }, { profile: 'bh', now });
    officers.set(agency, { userId: user._id, name: user.name ?? 'Officer' });
    if (agency === dir.agencies[0]) tokens.officer = issueAccessToken(user, tokenSettings(secret, systemClock));
  }
  const agency = dir.agencies[0]!;
  const { user: sup } = await createUser({ email: 'supervisor@bench.example', password: 'a bench password 123', role: 'supervisor', agency, name: 'Supervisor', language: 'en' }, { profile: 'bh', now });
  tokens.supervisor = issueAccessToken(sup, tokenSettings(secret, systemClock));
  return { staff: { officer: tokens.officer!, supervisor: tokens.supervisor, agency }, officers };
}

function benchConfig(): ReturnType<typeof withJwtSecret> {
  return withJwtSecret(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', DATA_DIR: '/tmp/tawasul-unused', RATE_LIMIT_TRACKING: '1000000000' }));
}

function requests(staff: Staff, dir: Directory, state: { cursor?: string; reference?: string }): Request[] {
  const open = `sort=dueAt&status=${OPEN_STATUSES.join(',')}`;
  const category = dir.categoriesOf.get(staff.agency)![0]!;
  return [
    { name: 'queue page (GET /work, default)', path: () => '/work', token: staff.officer },
    { name: 'queue API (open, sort dueAt)', path: () => `/api/v1/cases?${open}`, token: staff.officer },
    { name: 'filter status=in_progress', path: () => '/api/v1/cases?sort=dueAt&status=in_progress', token: staff.officer },
    { name: `filter category=${category}`, path: () => `/api/v1/cases?${open}&category=${category}`, token: staff.officer },
    { name: 'filter overdue=true', path: () => `/api/v1/cases?${open}&overdue=true`, token: staff.officer },
    { name: 'next page (cursor)', path: () => `/api/v1/cases?${open}&cursor=${encodeURIComponent(state.cursor ?? '')}`, token: staff.officer },
    { name: 'supervisor counts', path: () => '/api/v1/cases/counts', token: staff.supervisor },
    { name: 'case page (GET /work/cases/:ref)', path: () => `/work/cases/${state.reference}`, token: staff.officer },
    { name: 'case API (GET /api/v1/cases/:ref)', path: () => `/api/v1/cases/${state.reference}`, token: staff.officer },
  ];
}

async function firstPage(base: string, token: string): Promise<{ cursor?: string; reference?: string }> {
  const res = await fetch(`${base}/api/v1/cases?sort=dueAt&status=${OPEN_STATUSES.join(',')}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  const page = (await res.json()) as { items: { reference: string }[]; nextCursor?: string | null };
  return { cursor: page.nextCursor ?? undefined, reference: page.items[Math.floor(page.items.length / 2)]?.reference };
}

const f1 = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(1));

function printTables(results: Map<number, Measured[]>, engine: string): boolean {
  const sizes = [...results.keys()];
  const [small, large] = [sizes[0]!, sizes[sizes.length - 1]!];
  console.log('');
  console.log(`engine: ${engine}`);
  console.log(`| request | ${sizes.map((s) => `${s.toLocaleString('en')}: ms (CPU ms) | commands / docs returned / examined`).join(' | ')} | time ratio ${large / 1000}k/${small / 1000}k | plan on MongoDB (part 1 check) |`);
  console.log(`|---|${sizes.map(() => '---:|---|').join('')}---:|---|`);
  let allIndexed = true;
  results.get(small)!.forEach((m) => {
    const at = (s: number): Measured | undefined => results.get(s)!.find((r) => r.name === m.name);
    const cells = sizes.map((s) => {
      const r = at(s);
      return r ? `${f1(r.ms)} (${f1(r.cpuMs)}) | ${r.commands} / ${r.returned} / ${r.examinedDocs ?? 'n/a'}` : 'n/a | n/a';
    });
    const ratio = (at(large)?.ms ?? NaN) / m.ms;
    if (m.plan.includes('SCAN')) allIndexed = false;
    console.log(`| ${m.name} | ${cells.join(' | ')} | ${ratio.toFixed(2)} | ${m.plan} |`);
  });
  const notes = new Set([...results.values()].flat().map((m) => m.examinedNote));
  console.log('');
  console.log(`engine's explain: ${[...notes].join(' | ')}`);
  return allIndexed;
}

async function main(): Promise<void> {
  const db = await openBenchDatabase(say);
  say(`engine: ${engineLabel(db.engine)} — ${db.description}`);
  configureMongoose();
  await mongoose.connect(db.uri, { serverSelectionTimeoutMS: 5_000, monitorCommands: true });
  let server: http.Server | undefined;
  try {
    registerModels();
    await ensureIndexes();
    const now = new Date();
    await seedDirectory(readProfileData('bh'), now);
    await seedCalendars(now);
    const dir = directory();
    const config = benchConfig();
    const { staff, officers } = await makeStaff(now, dir, config);
    const gen = caseGenerator(now, dir, officers);
    const recorder = new QueryRecorder(path.resolve(__dirname, '..'));
    recorder.start();
    const mon = monitor(mongoose.connection.getClient(), db.dbName);
    const app = createApp({ config, logger: createLogger({ level: 'silent' }), clock: systemClock, isDatabaseReady: () => pingDatabase() });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const results = new Map<number, Measured[]>();
    let have = 0;
    for (const size of SIZES) {
      const s = await insertCases(gen, have, size);
      say(`${size} cases in the database (${size - have} inserted in ${s.toFixed(1)} s, ${((1000 * s) / (size - have)).toFixed(2)} ms per case)`);
      have = size;
      const byAgency = await CaseModel.collection.countDocuments({ agency: staff.agency });
      const openOwn = await CaseModel.collection.countDocuments({ agency: staff.agency, status: { $in: [...OPEN_STATUSES] } });
      say(`  agency ${staff.agency}: ${byAgency} cases, ${openOwn} open`);
      const state = await firstPage(base, staff.officer);
      const repeat = size === SIZES[SIZES.length - 1] && SIZES.length > 1 ? REPEAT_LARGE : REPEAT;
      const list: Measured[] = [];
      for (const r of requests(staff, dir, state)) {
        if (r.name.startsWith('next page') && !state.cursor) {
          say(`  ${size}: ${r.name}: skipped, the queue has one page only`);
          continue;
        }
        const m = await measureRequest(base, r, repeat, mon, recorder, mongoose.connection.db!);
        say(`  ${size}: ${m.name}: ${f1(m.ms)} ms, ${m.commands} commands, ${m.returned} docs returned, examined ${m.examinedDocs ?? 'n/a'}`);
        list.push(m);
      }
      results.set(size, list);
    }
    const allIndexed = printTables(results, engineLabel(db.engine));
    console.log(`every case query of these requests answered from an index on MongoDB (part 1 rules): ${allIndexed ? 'YES' : 'NO — see SCAN above'}`);
    if (SIZES.length > 1) {
      const largest = results.get(SIZES[SIZES.length - 1]!)!;
      const ratios = results.get(SIZES[0]!)!.flatMap((m) => largest.filter((r) => r.name === m.name).map((r) => r.ms / m.ms));
      console.log(`time ratio largest/smallest: median ${percentile(ratios, 0.5).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)} (target <= ${TARGET_RATIO} on MongoDB's plans)`);
    }
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await db.stop();
    say('stopped; database dropped');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
