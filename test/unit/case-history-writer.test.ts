/**
 * One writer of case history: outside cases/history.ts, no code in cases/ (the only module that may
 * touch the case model, see boundaries.test.ts) pushes onto `history` itself. And withHistory adds
 * the entries to the update it is given, keeping the update's other pushes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { withHistory } from '../../src/cases/history.js';
import type { HistoryEntry } from '../../src/cases/case.model.js';

const CASES = path.resolve(__dirname, '..', '..', 'src', 'cases');
const PUSHES_HISTORY = /\$push:\s*\{[^}]*\bhistory\s*:/;

describe('case history has one writer', () => {
  it('when the cases module is read, then only history.ts pushes onto a case history', () => {
    const writers = fs
      .readdirSync(CASES)
      .filter((f) => f.endsWith('.ts') && f !== 'history.ts')
      .filter((f) => PUSHES_HISTORY.test(fs.readFileSync(path.join(CASES, f), 'utf8')));
    expect(writers).to.deep.equal([]);
  });

  it('when the check meets a hand-written push, then it names it', () => {
    expect(PUSHES_HISTORY.test("CaseModel.updateOne(q, { $set: s, $push: { history: entry } })")).to.equal(true);
    expect(PUSHES_HISTORY.test("CaseModel.updateOne(q, withHistory({ $set: s }, entry))")).to.equal(false);
  });

  it('when entries are appended, then they join the update and its other pushes stay', () => {
    const entry = { at: new Date(0), event: 'note' } as unknown as HistoryEntry;
    expect(withHistory({ $set: { a: 1 }, $push: { 'sla.escalations': { $each: [1] } } }, [entry, entry])).to.deep.equal({
      $set: { a: 1 },
      $push: { 'sla.escalations': { $each: [1] }, history: { $each: [entry, entry] } },
    });
    expect(withHistory({ $set: { a: 1 } }, entry)).to.deep.equal({ $set: { a: 1 }, $push: { history: { $each: [entry] } } });
  });

  it('when there is no entry, then the update is left as it was', () => {
    expect(withHistory({ $set: { a: 1 } }, [])).to.deep.equal({ $set: { a: 1 } });
  });
});
