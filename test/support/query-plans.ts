/**
 * The query-plan checker: is every query the application sends answered from an index on MongoDB?
 *
 * While the tests run, Mongoose's debug hook records each read and write the code under src/ sends
 * (its collection, the shape of its filter, its sort, and the src/ function that sent it); queries
 * written by tests themselves are not recorded. At the end of the run, each recorded shape is decided
 * against the indexes the schemas declare, by MongoDB's rules for using an index without a blocking
 * sort: a prefix of a compound index holding equality fields first (`$in` counts as equality: MongoDB
 * merges the sorted runs), then the sort's fields in order (all in the index's direction or all
 * reversed), then at most one range field; `_id` (or any unique index) by equality or by a list is
 * answered, as it finds at most one document per value. A shape no index
 * answers fails the run, with the call site and a suggested index, unless the allow-list below names
 * it as a deliberate scan, with its reason and its bound.
 *
 * The FerretDB engine the tests run on has its own planner; this checker decides for MongoDB, which
 * production runs, from the declared indexes alone, so it needs neither.
 */
import mongoose from 'mongoose';

export type FieldUse = 'eq' | 'in' | 'range' | 'other';

/** One query as the checker sees it. */
export interface QueryShape {
  collection: string;
  method: string;
  /** Top-level fields of the filter and how each is used; `$or` branches separately. */
  branches: Record<string, FieldUse>[];
  sort: [string, 1 | -1][];
  /** `file:function` of the src/ frame that sent it. */
  site: string;
}

export type IndexKeys = [string, number][];

/** A declared index: its keys, and whether it is unique (equality on all its keys finds one document at most). */
export interface DeclaredIndex {
  keys: IndexKeys;
  unique: boolean;
}

export interface Violation {
  shape: QueryShape;
  branch: Record<string, FieldUse>;
  suggestion: IndexKeys;
}

/**
 * Deliberate scans: the collection and the sending function, with why and how much they read;
 * `when` narrows it to branches using these fields so (e.g. `title:other`), so the function's other
 * queries are still checked.
 */
export interface AllowedScan {
  collection: string;
  site: string;
  when?: string[];
  reason: string;
  bound: string;
}

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte']);

function useOf(value: unknown): FieldUse {
  if (value instanceof RegExp) return /^\^/.test(value.source) && !value.flags.includes('i') ? 'range' : 'other'; // only an anchored, case-sensitive pattern seeks
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof mongoose.Types.ObjectId || Array.isArray(value)) return 'eq';
  const ops = Object.keys(value);
  if (ops.length === 0 || !ops[0]!.startsWith('$')) return 'eq'; // an embedded document compared whole
  if (ops.every((o) => o === '$eq')) return 'eq';
  if (ops.every((o) => o === '$in')) return ((value as { $in: unknown[] }).$in.length === 1 ? 'eq' : 'in');
  if (ops.every((o) => RANGE_OPS.has(o))) return 'range';
  return 'other';
}

/** The `$or` branches of a filter, each a map of its top-level fields (with `$and` flattened). */
export function branchesOf(filter: unknown): Record<string, FieldUse>[] {
  const base: Record<string, FieldUse> = {};
  const ors: Record<string, FieldUse>[][] = [];
  const walk = (f: Record<string, unknown>): void => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and') for (const part of v as Record<string, unknown>[]) walk(part);
      else if (k === '$or' || k === '$nor') ors.push((v as unknown[]).flatMap((b) => branchesOf(b)));
      else if (!k.startsWith('$')) base[k] = useOf(v);
    }
  };
  walk((filter ?? {}) as Record<string, unknown>);
  let out: Record<string, FieldUse>[] = [base];
  for (const alternatives of ors) out = out.flatMap((b) => alternatives.map((alt) => ({ ...b, ...alt })));
  return out;
}

export function sortOf(sort: unknown): [string, 1 | -1][] {
  if (!sort || typeof sort !== 'object') return [];
  const entries = sort instanceof Map ? [...sort.entries()] : Object.entries(sort);
  return entries.map(([k, v]) => [k, v === -1 || v === 'desc' || v === 'descending' ? -1 : 1] as [string, 1 | -1]);
}

/** Whether `index` answers the branch with `sort` without a blocking sort (see the file's comment). */
export function indexAnswers(index: IndexKeys, branch: Record<string, FieldUse>, sort: readonly [string, 1 | -1][]): boolean {
  const filtered = Object.keys(branch).length > 0;
  let i = 0;
  let seeks = 0;
  while (i < index.length && (branch[index[i]![0]] === 'eq' || branch[index[i]![0]] === 'in')) {
    i++;
    seeks++;
  }
  // Sort fields fixed by equality are already in order; the rest must follow in the index.
  const rest = sort.filter(([f]) => branch[f] !== 'eq');
  if (rest.length > 0) {
    const direction = index[i]?.[0] === rest[0]![0] ? Math.sign(index[i]![1]) * rest[0]![1] : 0;
    if (direction === 0) return false;
    for (const [field, dir] of rest) {
      if (index[i]?.[0] !== field || Math.sign(index[i]![1]) * dir !== direction) return false;
      if (branch[field] === 'range' || branch[field] === 'other') seeks++;
      i++;
    }
    return seeks > 0 || !filtered;
  }
  if (i < index.length && (branch[index[i]![0]] === 'range' || branch[index[i]![0]] === 'other')) seeks++;
  return seeks > 0;
}

/** The index that would answer the branch: equality fields, then the sort, then one range field. */
export function suggestIndex(branch: Record<string, FieldUse>, sort: readonly [string, 1 | -1][]): IndexKeys {
  const eq = Object.entries(branch).filter(([f, u]) => (u === 'eq' || u === 'in') && !sort.some(([s]) => s === f)).map(([f]) => [f, 1] as [string, number]);
  const range = Object.entries(branch).find(([f, u]) => (u === 'range' || u === 'other') && !sort.some(([s]) => s === f));
  return [...eq, ...sort.map(([f, d]) => [f, d] as [string, number]), ...(range ? [[range[0], 1] as [string, number]] : [])];
}

const ID_INDEX: DeclaredIndex = { keys: [['_id', 1]], unique: true };

/** The declared index that answers the branch, if any: by the rules above, or a unique index fixed by equality. */
export function answeringIndex(declared: readonly DeclaredIndex[], branch: Record<string, FieldUse>, sort: readonly [string, 1 | -1][]): DeclaredIndex | undefined {
  const all = [ID_INDEX, ...declared];
  // A unique index fixed by equality or a list ($in) finds at most one document per value: the few found are sorted in memory.
  const fixed = all.find((ix) => ix.unique && ix.keys.every(([f]) => branch[f] === 'eq' || branch[f] === 'in'));
  if (fixed) return fixed;
  // Of the indexes that answer, the one whose leading keys the query uses most (the planner's likely pick).
  const used = (ix: DeclaredIndex): number => {
    let n = 0;
    while (n < ix.keys.length && (ix.keys[n]![0] in branch || sort.some(([f]) => f === ix.keys[n]![0]))) n++;
    return n;
  };
  return all.filter((ix) => indexAnswers(ix.keys, branch, sort)).sort((a, b) => used(b) - used(a))[0];
}

const allows = (a: AllowedScan, shape: QueryShape, branch: Record<string, FieldUse>): boolean =>
  a.collection === shape.collection && a.site === shape.site && (a.when ?? []).every((w) => `${w.split(':')[0]}:${branch[w.split(':')[0]!]}` === w);

/** The shapes no declared index answers and no allow-list entry excuses. */
export function violations(shapes: Iterable<QueryShape>, indexes: ReadonlyMap<string, DeclaredIndex[]>, allowed: readonly AllowedScan[]): Violation[] {
  const out: Violation[] = [];
  for (const shape of shapes) {
    for (const branch of shape.branches) {
      if (answeringIndex(indexes.get(shape.collection) ?? [], branch, shape.sort) || allowed.some((a) => allows(a, shape, branch))) continue;
      out.push({ shape, branch, suggestion: suggestIndex(branch, shape.sort) });
    }
  }
  return out;
}

export function describeViolation(v: Violation): string {
  const filter = Object.entries(v.branch).map(([f, u]) => `${f}:${u}`).join(', ') || '(no filter)';
  const sort = v.shape.sort.map(([f, d]) => `${f}:${d}`).join(', ');
  const suggestion = v.suggestion.length ? `{ ${v.suggestion.map(([f, d]) => `${f}: ${d}`).join(', ')} }` : '(a filter, or an allow-list entry with its reason and bound)';
  return `${v.shape.collection}.${v.shape.method}({ ${filter} }${sort ? ` sort { ${sort} }` : ''}) from ${v.shape.site}: no index answers it; suggested index ${suggestion}`;
}

/** The indexes each registered model's schema declares, by collection name. */
export function declaredIndexes(): Map<string, DeclaredIndex[]> {
  const out = new Map<string, DeclaredIndex[]>();
  for (const name of mongoose.modelNames()) {
    const m = mongoose.model(name);
    const list = out.get(m.collection.collectionName) ?? [];
    for (const [keys, options] of m.schema.indexes()) {
      list.push({ keys: Object.entries(keys).map(([f, d]) => [f, typeof d === 'number' ? d : 1]), unique: (options as { unique?: boolean }).unique === true });
    }
    out.set(m.collection.collectionName, list);
  }
  return out;
}

// ---- recording

/** The calls that read or select documents, and where their filter, sort or pipeline is. */
const READERS: Record<string, (args: unknown[]) => { filter: unknown; sort?: unknown } | { pipeline: unknown[] } | { bulk: unknown[] }> = {
  find: (a) => ({ filter: a[0], sort: (a[1] as { sort?: unknown } | undefined)?.sort }),
  findOne: (a) => ({ filter: a[0], sort: (a[1] as { sort?: unknown } | undefined)?.sort }),
  countDocuments: (a) => ({ filter: a[0] }),
  distinct: (a) => ({ filter: a[1] }),
  updateOne: (a) => ({ filter: a[0] }),
  updateMany: (a) => ({ filter: a[0] }),
  replaceOne: (a) => ({ filter: a[0] }),
  deleteOne: (a) => ({ filter: a[0] }),
  deleteMany: (a) => ({ filter: a[0] }),
  findOneAndUpdate: (a) => ({ filter: a[0], sort: (a[2] as { sort?: unknown } | undefined)?.sort }),
  findOneAndDelete: (a) => ({ filter: a[0], sort: (a[1] as { sort?: unknown } | undefined)?.sort }),
  findOneAndReplace: (a) => ({ filter: a[0], sort: (a[2] as { sort?: unknown } | undefined)?.sort }),
  aggregate: (a) => ({ pipeline: (a[0] as unknown[]) ?? [] }),
  bulkWrite: (a) => ({ bulk: (a[0] as unknown[]) ?? [] }),
};

/** `file:function` of the first frame under src/, or null when the query was sent by a test. */
export function siteOf(stack: string | undefined, root: string): string | null {
  for (const line of (stack ?? '').split('\n')) {
    const m = /at (?:async )?(?:(\S+) \()?(.*?):\d+:\d+\)?$/.exec(line.trim());
    if (!m) continue;
    const file = m[2]!.replace(/^file:\/\//, '');
    if (!file.startsWith(`${root}/src/`)) continue;
    return `${file.slice(root.length + 1)}:${(m[1] ?? '<anonymous>').replace(/^(Object|Function)\./, '')}`;
  }
  return null;
}

function shapesOfCall(collection: string, method: string, args: unknown[], site: string): QueryShape[] {
  const read = READERS[method]?.(args);
  if (!read) return [];
  if ('pipeline' in read) {
    const [first, second] = read.pipeline as Record<string, unknown>[];
    const match = first && '$match' in first ? first.$match : undefined;
    const sort = match !== undefined ? (second && '$sort' in second ? second.$sort : undefined) : first && '$sort' in first ? first.$sort : undefined;
    return [{ collection, method, branches: branchesOf(match ?? {}), sort: sortOf(sort), site }];
  }
  if ('bulk' in read) {
    return (read.bulk as Record<string, { filter?: unknown }>[]).flatMap((op) => {
      const [kind, body] = Object.entries(op)[0] ?? [];
      return kind && kind !== 'insertOne' && body?.filter !== undefined ? [{ collection, method: `bulkWrite.${kind}`, branches: branchesOf(body.filter), sort: [], site }] : [];
    });
  }
  return [{ collection, method, branches: branchesOf(read.filter), sort: sortOf(read.sort), site }];
}

const QUERY_STATICS = [
  'find', 'findOne', 'findById', 'countDocuments', 'distinct', 'exists', 'where',
  'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany',
  'findOneAndUpdate', 'findByIdAndUpdate', 'findOneAndDelete', 'findByIdAndDelete', 'findOneAndReplace', 'aggregate',
] as const;

type Sited = { __querySite?: string };

/**
 * Records the application's queries (deduplicated by shape and site). A query's stack is taken
 * where the code under src/ builds it (Model.find and the other statics: the caller's frame is still
 * there), and its shape when it runs (Query.exec, Aggregate.exec); calls made on a model's driver
 * collection directly are seen through Mongoose's debug hook, whose stack holds the caller.
 */
export class QueryRecorder {
  readonly shapes = new Map<string, QueryShape>();

  constructor(private readonly root: string) {}

  start(): void {
    const record = (collection: string, method: string, args: unknown[], stack: string | undefined): void => this.record(collection, method, args, stack);
    const statics = mongoose.Model as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const name of QUERY_STATICS) {
      const original = statics[name]!;
      statics[name] = function (this: unknown, ...a: unknown[]) {
        const q = original.apply(this, a) as Sited | undefined;
        if (q && typeof q === 'object') q.__querySite = new Error().stack;
        return q;
      };
    }
    // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped below and called with the query as `this`
    const queryExec = mongoose.Query.prototype.exec;
    mongoose.Query.prototype.exec = function (this: mongoose.Query<unknown, unknown> & Sited, ...a: unknown[]) {
      const sort = (this.getOptions() as { sort?: unknown }).sort;
      const op = (this as unknown as { op?: string }).op ?? 'find';
      const args = op === 'findOneAndUpdate' || op === 'findOneAndReplace' ? [this.getFilter(), {}, { sort }] : op === 'distinct' ? [undefined, this.getFilter()] : [this.getFilter(), { sort }];
      record(this.model.collection.collectionName, op, args, this.__querySite);
      return (queryExec as (...x: unknown[]) => Promise<unknown>).apply(this, a);
    } as typeof queryExec;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- wrapped below and called with the aggregate as `this`
    const aggregateExec = mongoose.Aggregate.prototype.exec;
    mongoose.Aggregate.prototype.exec = function (this: mongoose.Aggregate<unknown> & Sited & { _model: mongoose.Model<unknown> }, ...a: unknown[]) {
      record(this._model.collection.collectionName, 'aggregate', [this.pipeline()], this.__querySite);
      return (aggregateExec as (...x: unknown[]) => Promise<unknown>).apply(this, a);
    } as typeof aggregateExec;
    mongoose.set('debug', (collection: string, method: string, ...args: unknown[]) => {
      const stack = new Error().stack ?? '';
      if (/mongoose[\\/]lib[\\/](query|aggregate)\.js/.test(stack)) return; // a query, recorded at exec
      record(collection, method, args, stack);
    });
  }

  record(collection: string, method: string, args: unknown[], stack: string | undefined): void {
    if (!(method in READERS)) return;
    const site = siteOf(stack, this.root);
    if (!site) return;
    for (const shape of shapesOfCall(collection, method, args, site)) {
      const key = JSON.stringify([shape.collection, shape.method, shape.branches.map((b) => Object.entries(b).sort()), shape.sort, shape.site]);
      if (!this.shapes.has(key)) this.shapes.set(key, shape);
    }
  }
}

/** For bench/RESULTS.md: per collection, each declared index and the query shapes it answers. */
export function planReport(shapes: Iterable<QueryShape>, indexes: ReadonlyMap<string, DeclaredIndex[]>): string {
  const served = new Map<string, Set<string>>();
  for (const shape of shapes) {
    for (const branch of shape.branches) {
      const ix = answeringIndex(indexes.get(shape.collection) ?? [], branch, shape.sort);
      const key = `${shape.collection} ${ix ? JSON.stringify(Object.fromEntries(ix.keys)) : '(allowed scan)'}`;
      const what = `${shape.method}(${Object.entries(branch).map(([f, u]) => `${f}:${u}`).join(', ')}${shape.sort.length ? `; sort ${shape.sort.map(([f, d]) => `${f}:${d}`).join(',')}` : ''}) — ${shape.site}`;
      served.set(key, (served.get(key) ?? new Set()).add(what));
    }
  }
  const lines: string[] = [];
  for (const [collection, list] of [...indexes].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`- **${collection}**`);
    for (const ix of [ID_INDEX, ...list]) {
      const key = `${collection} ${JSON.stringify(Object.fromEntries(ix.keys))}`;
      const uses = [...(served.get(key) ?? [])].sort();
      lines.push(`  - \`${JSON.stringify(Object.fromEntries(ix.keys))}\`${ix.unique ? ' (unique)' : ''}: ${uses.length ? uses.length + ' shape(s)' : 'no query seen in the tests'}`);
      for (const u of uses) lines.push(`    - ${u}`);
    }
    const scans = [...(served.get(`${collection} (allowed scan)`) ?? [])].sort();
    for (const u of scans) lines.push(`  - allowed scan: ${u}`);
  }
  return lines.join('\n');
}
