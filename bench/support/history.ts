/**
 * The labelled history and the taxonomy the classification benchmarks read: paths from the command
 * line (`tsx bench/<script>.ts [history.jsonl] [taxonomy.json]`), relative to the current folder,
 * defaulting to the repository's demo data (data/demo), wherever the script is started from.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RoutingTaxonomy } from '../../src/classification/route.js';

export interface HistoryLine {
  ref: string;
  title: string;
  description: string;
  lang: string;
  area: string;
  category: string;
  agency: string;
}

const DEMO = path.resolve(__dirname, '../../data/demo');

export function loadHistory(file = process.argv[2] ?? path.join(DEMO, 'bh-history.jsonl')): HistoryLine[] {
  return fs
    .readFileSync(path.resolve(file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as HistoryLine);
}

export function loadTaxonomy(file = process.argv[3] ?? path.join(DEMO, 'bh-taxonomy.json')): RoutingTaxonomy {
  return JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')) as RoutingTaxonomy;
}
