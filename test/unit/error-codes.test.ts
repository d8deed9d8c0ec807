/**
 * One meaning per error code: a code (`DIRECTORY_NOT_SEEDED`, `CASE_NOT_FOUND`, …) is what clients
 * and the locale files key on, so it must carry one HTTP status wherever it is thrown. This reads the
 * source (no I/O beyond the files) and collects every `new XxxError('CODE'` and
 * `new AppError('kind', 'CODE'`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import * as errors from '../../src/shared/errors.js';

const SRC = path.resolve(__dirname, '../../src');
const THROWN = /new (\w+Error)\(\s*'(\w+)'(?:\s*,\s*'(\w+)')?/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The kind a class of ../../src/shared/errors.ts gives `code`, or null for a class that is not an AppError. */
function kindOf(className: string, first: string, second: string | undefined): { code: string; kind: string } | null {
  if (className === 'AppError') return second ? { code: second, kind: first } : null;
  const Class = (errors as Record<string, unknown>)[className];
  if (typeof Class !== 'function' || !(Class.prototype instanceof errors.AppError)) return null;
  return { code: first, kind: (new (Class as new (code: string, message: string) => errors.AppError)(first, 'x')).kind };
}

/** code → kind → the files that throw it so. */
function thrownCodes(): Map<string, Map<string, Set<string>>> {
  const byCode = new Map<string, Map<string, Set<string>>>();
  for (const file of sourceFiles(SRC)) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(THROWN)) {
      const found = kindOf(m[1]!, m[2]!, m[3]);
      if (!found || !/^[A-Z][A-Z0-9_]*$/.test(found.code)) continue;
      const kinds = byCode.get(found.code) ?? new Map<string, Set<string>>();
      kinds.set(found.kind, (kinds.get(found.kind) ?? new Set()).add(path.relative(SRC, file)));
      byCode.set(found.code, kinds);
    }
  }
  return byCode;
}

describe('error codes', () => {
  const byCode = thrownCodes();

  it('when the source is read, then the throws are found (the scan itself works)', () => {
    expect(byCode.size).to.be.at.least(30);
    expect([...byCode.get('CASE_NOT_FOUND')!.keys()]).to.deep.equal(['not_found']);
  });

  it('when an error code is thrown in several places, then it is thrown with one kind (one HTTP status) everywhere', () => {
    const mixed = [...byCode].filter(([, kinds]) => kinds.size > 1).map(([code, kinds]) => `${code}: ${[...kinds].map(([kind, files]) => `${kind} in ${[...files].join(', ')}`).join('; ')}`);
    expect(mixed).to.deep.equal([]);
  });

  it('when the directory has not been loaded, then it is 503 wherever it is noticed', () => {
    expect([...byCode.get('DIRECTORY_NOT_SEEDED')!.keys()]).to.deep.equal(['unavailable']);
    expect(byCode.get('DIRECTORY_NOT_SEEDED')!.get('unavailable')!.size).to.be.at.least(4);
  });
});
