/**
 * Run as its own process (test/unit/models.test.ts): the models Mongoose knows after src/models.ts
 * alone, then after every other file of src/ (all but the two entry points, which start on import:
 * everything they import is among the others). Prints both lists as JSON.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import mongoose from 'mongoose';

const SRC = path.resolve(__dirname, '../../src');
const ENTRY_POINTS = new Set(['server.ts', 'cli.ts']);

async function main(): Promise<void> {
  const { registerModels } = await import('../../src/models.js');
  registerModels();
  const registered = mongoose.modelNames().sort();
  const files = fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !ENTRY_POINTS.has(f)).sort();
  for (const file of files) await import(pathToFileURL(path.join(SRC, file)).href);
  process.stdout.write(`${JSON.stringify({ registered, all: mongoose.modelNames().sort(), files: files.length })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
