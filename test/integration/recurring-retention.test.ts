/**
 * Personal data in recurring-issue detection's stores (PDPL): when a case is anonymised, by
 * retention or by its citizen closing their account, detection forgets who filed it, where and its
 * words (queue, window, log, the issue's citizens), while the issue's figures stay and the rebuild
 * still agrees (it leaves the group out, as it does staff edits).
 */
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/case.model.js';
import { anonymiseExpiredCases } from '../../src/cases/retention.js';
import { forgetAnonymisedCase } from '../../src/recurring/forget.js';
import { detectRecurrences, rebuildAndCompare } from '../../src/recurring/detection.service.js';
import { RecurrenceItemModel, RecurrenceLogModel, RecurrenceQueueModel, RecurringIssueModel } from '../../src/recurring/recurring.model.js';
import { unpackVector } from '../../src/recurring/similarity.js';
import { ManualClock } from '../../src/shared/clock.js';
import { wireHooks } from '../../src/wiring.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { OVERFLOW } from '../support/recurring-texts.js';
import { authAt, makeUser } from '../support/staff.js';

const options = { profile: 'bh', publicUrl: 'http://tawasul.test', batch: 500 };
const DAY = 86_400_000;

describe('recurring issues: anonymised cases are forgotten by detection', function () {
  this.timeout(60_000);
  const START = Date.parse('2027-03-01T06:00:00Z');
  const clock = new ManualClock(new Date(START));
  const app = makeApp({ clock });
  const forget = wireHooks().caseAnonymised;
  let filings = 0;

  // Each test starts with no cases and nothing detected, so no test leans on another.
  beforeEach(async () => {
    clock.set(new Date(START));
    await Promise.all([CaseModel.deleteMany({}), RecurrenceQueueModel.deleteMany({}), RecurrenceItemModel.deleteMany({}), RecurrenceLogModel.deleteMany({}), RecurringIssueModel.deleteMany({})]);
  });

  const file = async (description: string, extra: Record<string, unknown> = {}, auth?: [string, string]): Promise<string> => {
    clock.set(new Date(START + filings++ * 60_000));
    const req = request(app).post('/api/v1/cases');
    if (auth) req.set(...auth);
    const res = await req.send(caseBody({ category: 'SEWAGE', area: 'SITRA', title: '', description, ...extra }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.reference as string;
  };
  const idOf = async (reference: string) => (await CaseModel.findOne({ reference }).lean())!._id;
  /** Everything detection holds, as text, to search for what must be gone. */
  const everythingHeld = async (): Promise<string> =>
    JSON.stringify([await RecurrenceQueueModel.find().lean(), await RecurrenceItemModel.find().lean(), await RecurrenceLogModel.find().lean(), await RecurringIssueModel.find().lean()]);
  const closeLongAgo = (reference: string) => CaseModel.updateOne({ reference }, { $set: { status: 'closed', closedAt: new Date(START), resolvedAt: new Date(START) } });

  it('when retention anonymises a case of a recurring issue, then its citizen, place and words leave detection, the issue keeps its figures and the rebuild agrees', async () => {
    const email = 'fatima.private@example.bh';
    const target = await file(`${OVERFLOW[0]} اتصلوا على فاطمة الخزرجية`, { contact: { name: 'Fatima', email }, location: { lat: 26.1501, lng: 50.6302 } });
    for (const text of OVERFLOW.slice(1, 4)) await file(text);
    expect((await detectRecurrences(clock.now(), options)).processed).to.equal(4);
    const issueBefore = (await RecurringIssueModel.findOne({ references: target }).lean())!;
    expect(issueBefore.caseCount).to.equal(4);
    expect(issueBefore.citizens).to.include(email);
    expect(await everythingHeld()).to.contain(email).and.contain('فاطم'); // the planted name is held before, or the test proves nothing
    const rebuiltBefore = await rebuildAndCompare('bh');
    expect(rebuiltBefore).to.include({ agree: true, cases: 4, storedGroups: 1 });

    await closeLongAgo(target);
    expect(await anonymiseExpiredCases(new Date(START + 6 * 365 * DAY), { profile: 'bh', years: 5, forget })).to.equal(1);

    const id = await idOf(target);
    const log = (await RecurrenceLogModel.findById(id).lean())!;
    expect(log.citizen).to.match(/^anonymised:/);
    expect(log.location).to.equal(undefined);
    expect(unpackVector(log.vector)).to.deep.equal({ f: [], w: [] });
    expect(log.match?.sharedWords ?? []).to.deep.equal([]);
    expect(log.anonymisedAt).to.be.instanceOf(Date);
    expect(await RecurrenceItemModel.countDocuments({ _id: id })).to.equal(0);
    const held = await everythingHeld();
    expect(held).to.not.contain(email);
    expect(held).to.not.contain('الخزرج');
    const issueAfter = (await RecurringIssueModel.findById(issueBefore._id).lean())!;
    expect(issueAfter.citizens).to.have.length(issueBefore.citizens.length);
    expect(issueAfter.citizens.filter((c) => c.startsWith('anonymised:'))).to.have.length(1);
    expect(issueAfter).to.deep.include({ caseCount: 4, citizenCount: issueBefore.citizenCount, references: issueBefore.references });

    // The group holding an anonymised case is left out of the comparison; what is left still agrees.
    expect(await rebuildAndCompare('bh')).to.include({ agree: true, cases: 0, storedGroups: 0 });

    // Idempotent: again, nothing changes.
    const snapshot = await everythingHeld();
    await forgetAnonymisedCase({ _id: id, contactEmail: email }, clock.now());
    expect(await everythingHeld()).to.equal(snapshot);
  });

  it('when a citizen with two cases in one issue has one anonymised, then they still count once; when both are, the stand-in replaces them once', async () => {
    const email = 'twice@example.bh';
    const first = await file(OVERFLOW[0]!, { contact: { name: 'Twice', email } });
    const second = await file(OVERFLOW[1]!, { contact: { name: 'Twice', email } });
    await file(OVERFLOW[2]!);
    await detectRecurrences(clock.now(), options);
    const before = (await RecurringIssueModel.findOne({ references: first }).lean())!;
    expect(before).to.deep.include({ caseCount: 3, citizenCount: 2 });

    await forget({ _id: await idOf(first), contactEmail: email }, clock.now());
    const half = (await RecurringIssueModel.findById(before._id).lean())!;
    expect(half.citizens).to.include(email); // still the citizen of the second case
    expect(half.citizens).to.have.length(2);

    await forget({ _id: await idOf(second), contactEmail: email }, clock.now());
    const after = (await RecurringIssueModel.findById(before._id).lean())!;
    expect(after.citizens).to.not.include(email);
    expect(after.citizens).to.have.length(2);
    expect(after.citizenCount).to.equal(2);
  });

  it('when a case waiting for detection is anonymised, then its queued text is gone and detection never sees it', async () => {
    const reference = await file(`${OVERFLOW[3]} أنا سلمان الدوسري`);
    const id = await idOf(reference);
    expect(await RecurrenceQueueModel.countDocuments({ _id: id })).to.equal(1);
    await forget({ _id: id, contactEmail: 'x@example.bh' }, clock.now());
    expect(await RecurrenceQueueModel.countDocuments({ _id: id })).to.equal(0);
    expect((await detectRecurrences(clock.now(), options)).processed).to.equal(0);
    expect(await everythingHeld()).to.not.contain('الدوسري');
  });

  it('when a citizen closes their account, then detection forgets their ended cases too', async () => {
    const me = await makeUser('citizen', undefined, 'Maryam Hasan', { clock });
    const auth = authAt(me, clock);
    const mine = await file(OVERFLOW[0]!, { contact: { name: 'Maryam Hasan', email: me.user.email } }, auth);
    for (const text of OVERFLOW.slice(1, 3)) await file(text);
    await detectRecurrences(clock.now(), options);
    expect((await RecurrenceLogModel.findById(await idOf(mine)).lean())!.citizen).to.equal(me.id);
    await closeLongAgo(mine);

    const res = await request(app).post('/api/v1/me/close').set(...auth).send({ password: 'correct horse battery' });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.anonymisedCases).to.equal(1);
    const log = (await RecurrenceLogModel.findById(await idOf(mine)).lean())!;
    expect(log.citizen).to.match(/^anonymised:/);
    expect(unpackVector(log.vector).f).to.deep.equal([]);
    expect(await everythingHeld()).to.not.contain(me.id);
  });
});
