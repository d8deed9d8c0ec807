import { expect } from 'chai';
import { Types } from 'mongoose';
import { CaseModel, type CaseDoc } from '../../src/cases/case.model.js';
import { listCases } from '../../src/cases/list.service.js';
import { addCitizenMessage, citizenView } from '../../src/cases/tracking.service.js';
import { closeAfterRatingWindow, rateCase, replyToCase, staffView, transitionCase } from '../../src/cases/workspace.service.js';
import { wireHooks } from '../../src/wiring.js';
import { makeCase, principal } from '../support/factories.js';

const NOW = new Date('2026-11-23T08:00:00Z');
const { caseRouted } = wireHooks();
const later = (days: number) => new Date(NOW.getTime() + days * 86_400_000);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'NO_ERROR';
}

describe('working a case', () => {
  const officer = principal('officer', { agency: 'CAPITAL', name: 'Officer Hassan' });
  const supervisor = principal('supervisor', { agency: 'CAPITAL' });
  const ewaOfficer = principal('officer', { agency: 'EWA' });
  const citizenId = new Types.ObjectId();
  const owner = principal('citizen', { userId: citizenId.toHexString() });

  it('when an officer of the agency starts a case, then it is in progress, assigned to them, and the history says so', async () => {
    const c = await makeCase({ citizenId });
    const { view, notice } = await transitionCase(officer, c.reference, { action: 'start' }, NOW, 'bh', caseRouted);
    expect(view.status).to.equal('in_progress');
    expect(view.assignee).to.equal('Officer Hassan');
    expect(notice).to.include({ event: 'start', message: null, followersOnly: true }); // not for the filer: for citizens who follow the case
    const stored = await CaseModel.findById(c._id).lean<CaseDoc>();
    const last = stored!.history.at(-1)!;
    expect([last.event, last.from, last.to, last.actor.role, last.actor.name]).to.deep.equal(['status_changed', 'assigned', 'in_progress', 'officer', 'Officer Hassan']);
  });

  it("when an officer of another agency tries, then the case does not exist for them (404)", async () => {
    const c = await makeCase();
    expect(await codeOf(transitionCase(ewaOfficer, c.reference, { action: 'start' }, NOW, 'bh', caseRouted))).to.equal('CASE_NOT_FOUND');
    expect((await CaseModel.findById(c._id).lean<CaseDoc>())!.status).to.equal('assigned');
  });

  it('when a manager tries to act, then it is 403: managers read and review', async () => {
    const c = await makeCase();
    expect(await codeOf(transitionCase(principal('manager'), c.reference, { action: 'start' }, NOW, 'bh', caseRouted))).to.equal('ACTION_NOT_ALLOWED');
  });

  it('when the same action is repeated, then the second is an invalid transition', async () => {
    const c = await makeCase();
    await transitionCase(officer, c.reference, { action: 'start' }, NOW, 'bh', caseRouted);
    expect(await codeOf(transitionCase(officer, c.reference, { action: 'start' }, NOW, 'bh', caseRouted))).to.equal('INVALID_TRANSITION');
  });

  it('when a case is resolved without a note, then it is refused; with one, the citizen is to be told', async () => {
    const c = await makeCase({ status: 'in_progress' });
    expect(await codeOf(transitionCase(officer, c.reference, { action: 'resolve' }, NOW, 'bh', caseRouted))).to.equal('VALIDATION_FAILED');
    const { view, notice } = await transitionCase(officer, c.reference, { action: 'resolve', note: 'The bins were emptied on Sunday.' }, NOW, 'bh', caseRouted);
    expect(view.status).to.equal('resolved');
    expect(notice).to.include({ event: 'resolve', message: 'The bins were emptied on Sunday.', reference: c.reference });
    const stored = await CaseModel.findById(c._id).lean<CaseDoc>();
    expect(stored!.resolvedAt!.toISOString()).to.equal(NOW.toISOString());
    expect(stored!.resolutionMinutes).to.be.a('number');
    expect(citizenView(stored!).timeline.at(-1)).to.include({ event: 'status_changed', to: 'resolved', note: 'The bins were emptied on Sunday.', by: 'agency' });
  });

  it('when an officer transfers a case, then it leaves their queue, joins the other agency\'s, and the routing shows the correction', async () => {
    const c = await makeCase({ status: 'in_progress', assignee: { userId: new Types.ObjectId(), name: 'Someone' } });
    const { view } = await transitionCase(officer, c.reference, { action: 'transfer', agency: 'EWA', reason: 'This is a water meter: EWA owns it.' }, NOW, 'bh', caseRouted);
    expect(view.status).to.equal('assigned');
    const stored = await CaseModel.findById(c._id).lean<CaseDoc>();
    expect(stored!.agency).to.equal('EWA');
    expect(stored!.assignee).to.equal(undefined);
    expect(stored!.routing).to.deep.include({ method: 'manual', reason: 'transfer' });
    expect(stored!.routing.correctedFrom).to.deep.equal({ agency: 'CAPITAL', category: 'WASTE_COLLECTION', method: 'rule' });
    expect(stored!.history.at(-1)).to.deep.include({ event: 'transferred', note: 'This is a water meter: EWA owns it.' });
    const capital = await listCases(officer, { sort: '-createdAt', limit: 100 }, NOW, 'bh');
    expect(capital.items.map((i) => i.reference)).not.to.include(c.reference);
    const ewa = await listCases(ewaOfficer, { sort: '-createdAt', limit: 100 }, NOW, 'bh');
    expect(ewa.items.map((i) => i.reference)).to.include(c.reference);
  });

  it('when a transfer names the same or an unknown agency, then it is refused', async () => {
    const c = await makeCase();
    expect(await codeOf(transitionCase(officer, c.reference, { action: 'transfer', agency: 'CAPITAL', reason: 'x' }, NOW, 'bh', caseRouted))).to.equal('VALIDATION_FAILED');
    expect(await codeOf(transitionCase(officer, c.reference, { action: 'transfer', agency: 'NOPE', reason: 'x' }, NOW, 'bh', caseRouted))).to.equal('VALIDATION_FAILED');
  });

  it('when an agent routes a case out of triage, then it goes to that agency as a manual routing', async () => {
    const c = await makeCase({ status: 'triage', agency: undefined, category: undefined, routing: { method: 'triage', routedAt: NOW } });
    const { view } = await transitionCase(principal('agent'), c.reference, { action: 'route', agency: 'WORKS' }, NOW, 'bh', caseRouted);
    expect([view.status, view.agency]).to.deep.equal(['assigned', 'WORKS']);
    expect((await CaseModel.findById(c._id).lean<CaseDoc>())!.routing.correctedFrom).to.deep.include({ agency: null, method: 'triage' });
  });

  it('when staff add an internal note and a public reply, then the citizen sees only the reply and the agency sees both', async () => {
    const c = await makeCase({ citizenId, status: 'in_progress' });
    const internal = await replyToCase(officer, c.reference, { message: 'Ask the contractor first.', visibility: 'internal' }, NOW);
    expect(internal.notice).to.equal(null);
    const pub = await replyToCase(officer, c.reference, { message: 'A team will visit on Monday.', visibility: 'public' }, NOW);
    expect(pub.notice).to.include({ event: 'reply', message: 'A team will visit on Monday.' });
    const stored = (await CaseModel.findById(c._id).lean<CaseDoc>())!;
    const citizenText = JSON.stringify(citizenView(stored));
    expect(citizenText).to.contain('A team will visit on Monday.').and.not.contain('Ask the contractor first.').and.not.contain('Hassan');
    expect(JSON.stringify(staffView(owner, stored, NOW))).not.to.contain('Ask the contractor first.');
    expect(JSON.stringify(staffView(principal('agent'), stored, NOW))).not.to.contain('Ask the contractor first.');
    expect(JSON.stringify(staffView(supervisor, stored, NOW))).to.contain('Ask the contractor first.').and.contain('Officer Hassan');
    expect(JSON.stringify(staffView(principal('manager'), stored, NOW))).to.contain('Ask the contractor first.');
  });

  it('when a citizen or a manager tries to reply as staff, then it is 403', async () => {
    const c = await makeCase({ citizenId });
    expect(await codeOf(replyToCase(owner, c.reference, { message: 'hi', visibility: 'internal' }, NOW))).to.equal('ACTION_NOT_ALLOWED');
    expect(await codeOf(replyToCase(principal('manager'), c.reference, { message: 'hi', visibility: 'public' }, NOW))).to.equal('ACTION_NOT_ALLOWED');
  });

  it('when the agency asks for information and the citizen answers, then the case is back in progress', async () => {
    const c = await makeCase({ citizenId, status: 'in_progress' });
    await transitionCase(officer, c.reference, { action: 'request_information' }, NOW, 'bh', caseRouted);
    await addCitizenMessage((await CaseModel.findById(c._id).lean<CaseDoc>())!, 'The bin is behind the mosque.', later(1));
    const stored = (await CaseModel.findById(c._id).lean<CaseDoc>())!;
    expect(stored.status).to.equal('in_progress');
    expect(stored.history.slice(-2).map((h) => `${h.event}:${h.to ?? ''}`)).to.deep.equal(['message:', 'status_changed:in_progress']);
  });

  it('when the owner reopens within 14 days with a reason, then it is reopened; after, it is refused', async () => {
    const c = await makeCase({ citizenId, status: 'resolved', resolvedAt: NOW });
    expect(await codeOf(transitionCase(owner, c.reference, { action: 'reopen', reason: 'Still broken.' }, later(15), 'bh', caseRouted))).to.equal('REOPEN_WINDOW_CLOSED');
    expect(await codeOf(transitionCase(officer, c.reference, { action: 'reopen', reason: 'x' }, later(1), 'bh', caseRouted))).to.equal('ACTION_NOT_ALLOWED');
    const { view } = await transitionCase(owner, c.reference, { action: 'reopen', reason: 'Still broken.' }, later(3), 'bh', caseRouted);
    expect(view.status).to.equal('reopened');
  });

  it('when the owner rates the answer, then it is kept once, within the window', async () => {
    const c = await makeCase({ citizenId, status: 'resolved', resolvedAt: NOW });
    expect(await codeOf(rateCase(principal('citizen'), c, { score: 5 }, later(1)))).to.equal('ACTION_NOT_ALLOWED');
    await rateCase(owner, c, { score: 4, comment: 'Quick, thank you' }, later(1));
    const rated = (await CaseModel.findById(c._id).lean<CaseDoc>())!;
    expect(rated.rating).to.deep.include({ score: 4, comment: 'Quick, thank you' });
    expect(await codeOf(rateCase(owner, rated, { score: 1 }, later(2)))).to.equal('ALREADY_RATED');
    const old = await makeCase({ citizenId, status: 'resolved', resolvedAt: NOW });
    expect(await codeOf(rateCase(owner, old, { score: 3 }, later(15)))).to.equal('RATING_WINDOW_CLOSED');
  });

  it('when the rating window has passed, then the sweep closes answered cases, once, and leaves younger ones', async () => {
    await CaseModel.updateMany({ status: 'resolved' }, { $set: { status: 'closed' } }); // only this test's cases count
    const old = await makeCase({ status: 'resolved', resolvedAt: new Date(NOW.getTime() - 15 * 86_400_000) });
    const young = await makeCase({ status: 'resolved', resolvedAt: new Date(NOW.getTime() - 13 * 86_400_000) });
    expect(await closeAfterRatingWindow(NOW, 'bh')).to.equal(1);
    expect(await closeAfterRatingWindow(NOW, 'bh')).to.equal(0);
    const closed = (await CaseModel.findById(old._id).lean<CaseDoc>())!;
    expect([closed.status, closed.closedAt!.toISOString()]).to.deep.equal(['closed', NOW.toISOString()]);
    expect(closed.history.at(-1)).to.deep.include({ event: 'status_changed', from: 'resolved', to: 'closed' });
    expect(closed.history.at(-1)!.actor.kind).to.equal('system');
    expect((await CaseModel.findById(young._id).lean<CaseDoc>())!.status).to.equal('resolved');
  });

  it('when exactly 14 days have passed since the answer, then the case is either still rateable or closed by the sweep, never both', async () => {
    const c = await makeCase({ citizenId, status: 'resolved', resolvedAt: NOW });
    const boundary = later(14);
    await closeAfterRatingWindow(boundary, 'bh');
    const afterSweep = (await CaseModel.findById(c._id).lean<CaseDoc>())!;
    const closed = afterSweep.status === 'closed';
    const rated = (await codeOf(rateCase(owner, afterSweep, { score: 5 }, boundary))) === 'NO_ERROR';
    expect(closed && rated, 'closed by the sweep and rated at the same instant').to.equal(false);
    expect(closed || rated, 'neither closed nor rateable').to.equal(true);
  });

  it('when staff view a case, then the actions offered are the ones this person may take', async () => {
    const c = await makeCase({ status: 'in_progress' });
    expect(staffView(officer, c, NOW).actions).to.include.members(['resolve', 'request_information', 'transfer', 'reject']);
    expect(staffView(principal('manager'), c, NOW).actions).to.deep.equal([]);
  });
});
