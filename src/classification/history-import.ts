/**
 * Importing resolved historical cases (JSON Lines, the format of data/demo/bh-history.jsonl):
 * each line is checked on its own, good lines are written in batches (idempotent on `ref`: a second
 * import adds nothing), and every rejected line is reported with its number and the reason. A bad
 * line never stops the others.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import Joi from 'joi';
import { getDirectory, type DirectoryView } from '../directory/index.js';
import { HistoryCaseModel } from './classifier.model.js';
import { MUNICIPALITY } from './rule.js';

export interface HistoryLine {
  ref: string;
  createdAt: Date;
  resolvedAt?: Date;
  type: string;
  lang: 'ar' | 'en' | 'mixed';
  title?: string;
  description: string;
  area?: string;
  category: string;
  agency: string;
}

export interface Rejected {
  line: number;
  ref: string | null;
  reason: string;
}

export interface ImportReport {
  lines: number;
  imported: number;
  alreadyPresent: number;
  rejected: Rejected[];
}

const isoInstant = Joi.string().isoDate().pattern(/(Z|[+-]\d{2}:\d{2})$/);
const code = Joi.string().max(64).pattern(/^[A-Z][A-Z0-9_]*$/);

const lineSchema = Joi.object({
  ref: Joi.string().trim().min(1).max(64).required(),
  createdAt: isoInstant.required(),
  resolvedAt: isoInstant,
  type: Joi.string().valid('complaint', 'suggestion', 'inquiry', 'compliment').required(),
  lang: Joi.string().valid('ar', 'en', 'mixed').required(),
  title: Joi.string().trim().max(200).allow(''),
  description: Joi.string().trim().min(10).max(5000).required(),
  area: code,
  category: code.required(),
  agency: code.required(),
}).unknown(true);

/** Checks one line against the schema and the directory: known codes, and an agency the taxonomy agrees with. */
export function parseHistoryLine(text: string, directory: DirectoryView): { line: HistoryLine } | { reason: string; ref: string | null } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { reason: 'not valid JSON', ref: null };
  }
  const ref = typeof (raw as { ref?: unknown } | null)?.ref === 'string' ? (raw as { ref: string }).ref : null;
  const checked = lineSchema.validate(raw, { abortEarly: false, convert: false });
  const error = checked.error;
  const value: unknown = checked.value;
  if (error) return { reason: error.details.map((d) => d.message.replace(/"/g, '')).join('; '), ref };
  const v = value as { ref: string; createdAt: string; resolvedAt?: string; type: string; lang: HistoryLine['lang']; title?: string; description: string; area?: string; category: string; agency: string };
  const category = directory.categories.find((c) => c.code === v.category);
  if (!category) return { reason: `unknown category ${v.category}`, ref };
  const municipality = v.area ? directory.municipalities.find((m) => m.areas.some((a) => a.code === v.area)) : undefined;
  if (v.area && !municipality) return { reason: `unknown area ${v.area}`, ref };
  if (!directory.agencies.some((a) => a.code === v.agency)) return { reason: `unknown agency ${v.agency}`, ref };
  const expected = category.owner === MUNICIPALITY ? municipality?.code : category.owner;
  if (!expected) return { reason: `category ${v.category} belongs to a municipality but the line has no area`, ref };
  if (expected !== v.agency) return { reason: `agency ${v.agency} does not own category ${v.category}${v.area ? ` in ${v.area}` : ''} (expected ${expected})`, ref };
  return {
    line: {
      ref: v.ref,
      createdAt: new Date(v.createdAt),
      ...(v.resolvedAt ? { resolvedAt: new Date(v.resolvedAt) } : {}),
      type: v.type,
      lang: v.lang,
      ...(v.title ? { title: v.title } : {}),
      description: v.description,
      ...(v.area ? { area: v.area } : {}),
      category: v.category,
      agency: v.agency,
    },
  };
}

/** Imports a JSON Lines file. `onProgress(done, total)` is called after each batch. */
export async function importHistoryFile(file: string, profile: string, now: Date, onProgress?: (done: number, total: number) => void, batchSize = 500): Promise<ImportReport> {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new Error(`No file at ${file}.`);
  const directory = await getDirectory(profile);
  if (!directory) throw new Error(`The directory of profile ${profile} is not loaded: run npm run cli -- seed first.`);
  const total = await countLines(file);
  const report: ImportReport = { lines: 0, imported: 0, alreadyPresent: 0, rejected: [] };
  const seen = new Set<string>();
  let batch: HistoryLine[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await HistoryCaseModel.bulkWrite(
      batch.map((l) => ({
        updateOne: {
          filter: { profile, ref: l.ref },
          update: { $setOnInsert: { profile, ref: l.ref, createdAt: l.createdAt, resolvedAt: l.resolvedAt, type: l.type, language: l.lang, title: l.title, description: l.description, area: l.area, category: l.category, agency: l.agency, importedAt: now } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    report.imported += result.upsertedCount;
    report.alreadyPresent += batch.length - result.upsertedCount;
    batch = [];
    onProgress?.(report.lines, total);
  };

  const input = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const text of input) {
    report.lines++;
    if (text.trim() === '') continue;
    const parsed = parseHistoryLine(text, directory);
    if ('reason' in parsed) {
      report.rejected.push({ line: report.lines, ref: parsed.ref, reason: parsed.reason });
      continue;
    }
    if (seen.has(parsed.line.ref)) {
      report.rejected.push({ line: report.lines, ref: parsed.line.ref, reason: 'the same ref appears earlier in the file' });
      continue;
    }
    seen.add(parsed.line.ref);
    batch.push(parsed.line);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  onProgress?.(report.lines, total);
  return report;
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  const input = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const _line of input) n++;
  return n;
}
