/**
 * The labelled history and the taxonomy the classification benchmarks read: paths from the command
 * line (`tsx bench/<script>.ts [history.jsonl] [directory.json]`), relative to the current folder,
 * defaulting to the demo history of the profile (data/demo/<profile>-history.jsonl) and its
 * directory (profiles/<profile>/directory.json), wherever the script is started from. The profile
 * is DEPLOYMENT_PROFILE, bh by default; its seed phrases and place names come from its folder too.
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
export const PROFILE = process.env.DEPLOYMENT_PROFILE || 'bh';

export function loadHistory(file = process.argv[2] ?? path.join(DEMO, `${PROFILE}-history.jsonl`)): HistoryLine[] {
  return fs
    .readFileSync(path.resolve(file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as HistoryLine);
}

export function loadTaxonomy(file = process.argv[3] ?? path.resolve(__dirname, '../../profiles', PROFILE, 'directory.json')): RoutingTaxonomy {
  return JSON.parse(fs.readFileSync(path.resolve(file), 'utf8')) as RoutingTaxonomy;
}
