import { expect } from 'chai';
import { Types } from 'mongoose';
import { CaseModel } from '../../src/cases/case.model.js';
import { countByStatus, listCases, type ListQuery } from '../../src/cases/list.service.js';
import { makeCase, principal } from '../support/factories.js';

const query = (q: Partial<ListQuery> = {}): ListQuery => ({ sort: '-createdAt', limit: 25, ...q });
const NOW = new Date('2026-11-23T10:00:00Z');

describe('case lists', () => {
  const citizenId = new Types.ObjectId();
  beforeEach(async () => {
    await CaseModel.deleteMany({});
    const base = new Date('2026-11-20T08:00:00Z');
    await makeCase({ agency: 'CAPITAL', status: 'assigned', createdAt: base, citizenId, title: 'Rubbish (bins) overflowing' });
    await makeCase({ agency: 'CAPITAL', status: 'in_progress', createdAt: new Date(base.getTime() + 1000), dueAt: new Date('2026-11-22T11:00:00Z') });
    await makeCase({ agency: 'CAPITAL', status: 'resolved', createdAt: new Date(base.getTime() + 2000), dueAt: new Date('2026-11-21T11:00:00Z') });
    await makeCase({ agency: 'EWA', category: 'POWER_OUTAGE', status: 'assigned', createdAt: new Date(base.getTime() + 3000), contact: { name: 'Caller', email: 'c@example.bh', phone: '+97333334444' } });
    await makeCase({ agency: undefined, category: undefined, status: 'triage', createdAt: new Date(base.getTime() + 4000) });
  });

  it('when an officer lists, then only their agency\'s cases come back', async () => {
    const { items } = await listCases(principal('officer', { agency: 'CAPITAL' }), query(), NOW, 'bh');
    expect(items.map((i) => i.agency)).to.deep.equal(['CAPITAL', 'CAPITAL', 'CAPITAL']);
    const ewa = await listCases(principal('supervisor', { agency: 'EWA' }), query(), NOW, 'bh');
    expect(ewa.items.map((i) => i.category)).to.deep.equal(['POWER_OUTAGE']);
  });

  it('when a citizen lists, then only their own cases come back', async () => {
    const mine = await listCases(principal('citizen', { userId: citizenId.toHexString() }), query(), NOW, 'bh');
    expect(mine.items).to.have.length(1);
    expect((await listCases(principal('citizen'), query(), NOW, 'bh')).items).to.have.length(0);
  });

  it('when a manager lists, then every case comes back; an agent sees the triage queue', async () => {
    expect((await listCases(principal('manager'), query(), NOW, 'bh')).items).to.have.length(5);
    expect((await listCases(principal('agent'), query(), NOW, 'bh')).items.map((i) => i.status)).to.deep.equal(['triage']);
  });

  it('when filtering by status, overdue and text, then only matching cases come back', async () => {
    const officer = principal('officer', { agency: 'CAPITAL' });
    expect((await listCases(officer, query({ status: ['assigned', 'in_progress'] }), NOW, 'bh')).items).to.have.length(2);
    expect((await listCases(officer, query({ overdue: true }), NOW, 'bh')).items.map((i) => i.status)).to.deep.equal(['in_progress']); // the resolved one is not overdue
    expect((await listCases(officer, query({ q: 'bins) OVER' }), NOW, 'bh')).items).to.have.length(1); // regex characters are literal
    expect((await listCases(officer, query({ q: '.*' }), NOW, 'bh')).items).to.have.length(0);
  });

  it('when the contact centre looks up a caller by phone, then the caller\'s cases are found', async () => {
    const { items } = await listCases(principal('manager'), query({ phone: '+97333334444' }), NOW, 'bh');
    expect(items.map((i) => i.agency)).to.deep.equal(['EWA']);
  });

  it('when an agent looks up a caller, then other agencies\' cases are found only once identity is confirmed', async () => {
    const agent = principal('agent');
    expect((await listCases(agent, query({ phone: '+97333334444' }), NOW, 'bh')).items).to.have.length(0);
    expect((await listCases(agent, query({ phone: '+97333334444', identityConfirmed: true }), NOW, 'bh')).items.map((i) => i.agency)).to.deep.equal(['EWA']);
    const ewaCase = await CaseModel.findOne({ agency: 'EWA' }).lean();
    const byRef = await listCases(agent, query({ q: ewaCase!.reference.toLowerCase(), identityConfirmed: true }), NOW, 'bh');
    expect(byRef.items.map((i) => i.reference)).to.deep.equal([ewaCase!.reference]);
    expect((await listCases(agent, query({ q: 'Rubbish', identityConfirmed: true }), NOW, 'bh')).items).to.have.length(0); // free text stays in scope
  });

  it('when paging two at a time through equal timestamps, then every case appears exactly once and in order', async () => {
    const same = new Date('2026-11-10T08:00:00Z');
    for (let i = 0; i < 5; i++) await makeCase({ createdAt: same });
    const manager = principal('manager');
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await listCases(manager, query({ limit: 2, cursor }), NOW, 'bh');
      seen.push(...res.items.map((i) => i.reference));
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    const all = await CaseModel.find({}).sort({ createdAt: -1, _id: -1 }).lean();
    expect(seen).to.deep.equal(all.map((c) => c.reference));
  });

  it('when paging by deadline, then cases without a deadline come first and none is lost', async () => {
    const manager = principal('manager');
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await listCases(manager, query({ sort: 'dueAt', limit: 2, cursor }), NOW, 'bh');
      seen.push(...res.items.map((i) => `${i.dueAt ?? 'none'}`));
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    expect(seen).to.deep.equal(['none', 'none', 'none', '2026-11-21T11:00:00.000Z', '2026-11-22T11:00:00.000Z']);
  });

  it('when a cursor is forged, then it is refused with INVALID_CURSOR', async () => {
    try {
      await listCases(principal('manager'), query({ cursor: 'not-a-cursor' }), NOW, 'bh');
      expect.fail('should throw');
    } catch (err) {
      expect((err as { code: string }).code).to.equal('INVALID_CURSOR');
    }
  });

  it('when counting by status, then the counts are within the principal\'s scope', async () => {
    expect(await countByStatus(principal('officer', { agency: 'CAPITAL' }))).to.deep.equal({ assigned: 1, in_progress: 1, resolved: 1 });
    expect(await countByStatus(principal('citizen', { userId: citizenId.toHexString() }))).to.deep.equal({ assigned: 1 });
  });
});
