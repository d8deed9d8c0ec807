/**
 * The labelled history and the taxonomy the classification benchmarks read: paths from the command
 * line (`tsx bench/<script>.ts [history.jsonl] [taxonomy.json]`), relative to the repository where
 * npm runs scripts, defaulting to the demo data of ../shared/data as the issue gives them.
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

export function loadHistory(file = process.argv[2] ?? '../shared/data/bh-history.jsonl'): HistoryLine[] {
  return fs
    .readFileSync(path.resolve(file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as HistoryLine);
}

export function loadTaxonomy(file = process.argv[3] ?? '../shared/data/bh-taxonomy.json'): RoutingTaxonomy {
  return JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')) as RoutingTaxonomy;
}
