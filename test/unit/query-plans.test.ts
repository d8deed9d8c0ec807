/**
 * The query-plan checker (test/support/query-plans.ts) decides by MongoDB's rules whether an index
 * answers a query without a blocking sort, and names what it cannot: a planted unindexed query is
 * reported with its shape, its call site and a suggested index.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import { branchesOf, describeViolation, indexAnswers, QueryRecorder, siteOf, sortOf, violations, type DeclaredIndex, type FieldUse, type IndexKeys } from '../support/query-plans.js';

const ix = (keys: Record<string, number>, unique = false): DeclaredIndex => ({ keys: Object.entries(keys), unique });
const keys = (k: Record<string, number>): IndexKeys => Object.entries(k);

describe('query-plan checker', () => {
  describe('when an index answers a query (equality, then sort, then range)', () => {
    const cases: [string, IndexKeys, Record<string, FieldUse>, [string, 1 | -1][], boolean][] = [
      ['equality prefix', keys({ agency: 1, status: 1 }), { agency: 'eq' }, [], true],
      ['equality on both, any order in the filter', keys({ agency: 1, status: 1 }), { status: 'eq', agency: 'eq' }, [], true],
      ['a field not first in the index', keys({ agency: 1, status: 1 }), { status: 'eq' }, [], false],
      ['equality then sort', keys({ agency: 1, createdAt: -1, _id: -1 }), { agency: 'eq' }, [['createdAt', -1], ['_id', -1]], true],
      ['sort reversed as a whole', keys({ agency: 1, createdAt: -1, _id: -1 }), { agency: 'eq' }, [['createdAt', 1], ['_id', 1]], true],
      ['sort with mixed directions', keys({ agency: 1, createdAt: -1, _id: 1 }), { agency: 'eq' }, [['createdAt', -1], ['_id', -1]], false],
      ['sort on a field the index lacks: blocking sort', keys({ agency: 1 }), { agency: 'eq' }, [['createdAt', -1]], false],
      ['a gap before the sort', keys({ agency: 1, status: 1, dueAt: 1 }), { agency: 'eq' }, [['dueAt', 1]], false],
      ['$in before the sort (a merge of sorted runs)', keys({ status: 1, createdAt: 1, _id: 1 }), { status: 'in' }, [['createdAt', -1], ['_id', -1]], true],
      ['range after equality', keys({ profile: 1, createdAt: 1 }), { profile: 'eq', createdAt: 'range' }, [], true],
      ['range on the sort field', keys({ profile: 1, createdAt: 1, _id: 1 }), { profile: 'eq', createdAt: 'range' }, [['createdAt', 1], ['_id', 1]], true],
      ['range before the sort: blocking sort', keys({ profile: 1, createdAt: 1, dueAt: 1 }), { profile: 'eq', createdAt: 'range' }, [['dueAt', 1]], false],
      ['no filter, sort from the index', keys({ createdAt: -1, _id: -1 }), {}, [['createdAt', -1], ['_id', -1]], true],
      ['no filter, no sort: a collection scan', keys({ createdAt: -1 }), {}, [], false],
      ['a filter on an unindexed field, sort from the index: a scan', keys({ createdAt: -1, _id: -1 }), { title: 'other' }, [['createdAt', -1], ['_id', -1]], false],
      ['equality on a sort field is already in order', keys({ createdAt: 1, _id: 1 }), { createdAt: 'eq', _id: 'range' }, [['createdAt', 1], ['_id', 1]], true],
    ];
    for (const [what, index, branch, sort, expected] of cases) {
      it(`${what}: ${expected ? 'answered' : 'not answered'}`, () => expect(indexAnswers(index, branch, sort)).to.equal(expected));
    }
  });

  it('when a filter has $or, $and, operators and patterns, then each branch has its fields and uses', () => {
    const filter = { $and: [{ agency: 'CAPITAL' }, { status: { $in: ['new', 'assigned'] } }], $or: [{ createdAt: { $lt: new Date() } }, { createdAt: new Date(), _id: { $lt: new mongoose.Types.ObjectId() } }], title: /flood/i, ref: /^H-/ };
    expect(branchesOf(filter)).to.deep.equal([
      { agency: 'eq', status: 'in', title: 'other', ref: 'range', createdAt: 'range' },
      { agency: 'eq', status: 'in', title: 'other', ref: 'range', createdAt: 'eq', _id: 'range' },
    ]);
    expect(branchesOf({ status: { $in: ['one'] }, x: { $eq: { $gt: 1 } }, y: { $ne: 1 } })).to.deep.equal([{ status: 'eq', x: 'eq', y: 'other' }]);
    expect(sortOf({ createdAt: -1, _id: 'desc', name: 1 })).to.deep.equal([['createdAt', -1], ['_id', -1], ['name', 1]]);
  });

  it('when a unique index is fixed by equality, then any sort is answered; _id always is', () => {
    const shapes = [
      { collection: 'cases', method: 'find', branches: [{ reference: 'eq' as FieldUse }], sort: [['createdAt', -1]] as [string, 1 | -1][], site: 'src/a.ts:f' },
      { collection: 'cases', method: 'findOne', branches: [{ _id: 'eq' as FieldUse, status: 'eq' as FieldUse }], sort: [], site: 'src/a.ts:g' },
    ];
    expect(violations(shapes, new Map([['cases', [ix({ reference: 1 }, true)]]]), [])).to.deep.equal([]);
  });

  it('when the application sends an unindexed query, then the checker names its shape, call site and a suggested index; an allow-list entry excuses only what it names', () => {
    const recorder = new QueryRecorder('/repo');
    const stack = ['Error', '    at NativeCollection.<anonymous> (/repo/test/support/query-plans.ts:10:5)', '    at async plantedQuery (/repo/src/cases/planted.ts:42:7)', '    at async Context.<anonymous> (/repo/test/unit/x.test.ts:3:3)'].join('\n');
    recorder.record('cases', 'find', [{ category: 'SEWAGE', createdAt: { $gte: new Date() } }, { sort: { dueAt: 1 } }], stack);
    recorder.record('cases', 'find', [{ category: 'SEWAGE' }], ['Error', '    at Context.<anonymous> (/repo/test/unit/x.test.ts:3:3)'].join('\n')); // a test's own query: not recorded
    recorder.record('cases', 'insertOne', [{ category: 'SEWAGE' }], stack); // not a query
    expect(recorder.shapes.size).to.equal(1);

    const indexes = new Map([['cases', [ix({ agency: 1, createdAt: -1 }), ix({ category: 1, area: 1, createdAt: -1 })]]]);
    const found = violations(recorder.shapes.values(), indexes, []);
    expect(found).to.have.length(1);
    const message = describeViolation(found[0]!);
    expect(message).to.contain('cases.find({ category:eq, createdAt:range } sort { dueAt:1 })');
    expect(message).to.contain('from src/cases/planted.ts:plantedQuery');
    expect(message).to.contain('suggested index { category: 1, dueAt: 1, createdAt: 1 }');

    const reason = { reason: 'planted', bound: 'none' };
    expect(violations(recorder.shapes.values(), indexes, [{ collection: 'cases', site: 'src/cases/planted.ts:plantedQuery', ...reason }])).to.deep.equal([]);
    expect(violations(recorder.shapes.values(), indexes, [{ collection: 'cases', site: 'src/cases/planted.ts:plantedQuery', when: ['title:other'], ...reason }])).to.have.length(1);
    expect(violations(recorder.shapes.values(), indexes, [{ collection: 'cases', site: 'src/cases/other.ts:plantedQuery', ...reason }])).to.have.length(1);
  });

  it('when a stack has frames of tests, libraries and src, then the site is the first src frame as file:function', () => {
    const stack = ['Error', '    at debug (/repo/node_modules/mongoose/lib/x.js:1:1)', '    at Object.listCases (/repo/src/cases/list.service.ts:82:5)'].join('\n');
    expect(siteOf(stack, '/repo')).to.equal('src/cases/list.service.ts:listCases');
    expect(siteOf('Error\n    at /repo/src/anon.ts:1:1', '/repo')).to.equal('src/anon.ts:<anonymous>');
    expect(siteOf('Error\n    at f (/repo/test/x.ts:1:1)', '/repo')).to.equal(null);
  });
});
