/**
 * The authorization matrix, over HTTP: every role × relation to the case × action, against the
 * rules written out here independently of the code. Denial of reading is 404 (existence is not
 * revealed); denial of acting on a case one may see is 403. A refused request changes nothing.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import request from 'supertest';
import { CaseModel, type CaseDoc, type CaseStatus } from '../../src/cases/case.model.js';
import { makeApp } from '../support/app.js';
import { makeCase } from '../support/factories.js';
import { makeUser, type TestUser } from '../support/staff.js';

const ACTORS = ['owner', 'other-citizen', 'officer-own', 'officer-other', 'supervisor-own', 'supervisor-other', 'agent', 'manager', 'admin'] as const;
type ActorName = (typeof ACTORS)[number];

interface ActionSpec {
  /** The status the case must be in for the action to make sense. */
  status: CaseStatus;
  /** Who the rules allow (besides: anyone who cannot read the case gets 404). */
  allowed: readonly ActorName[];
  send: (app: ReturnType<typeof makeApp>, ref: string, auth: [string, string], people: Record<string, TestUser>) => request.Test;
}

const READERS: readonly ActorName[] = ['owner', 'officer-own', 'supervisor-own', 'agent', 'manager', 'admin'];
const AGENCY_STAFF: readonly ActorName[] = ['officer-own', 'supervisor-own'];

const patch = (action: Record<string, unknown>): ActionSpec['send'] => (app, ref, auth) => request(app).patch(`/api/v1/cases/${ref}`).set(...auth).send(action);

const ACTIONS: Record<string, ActionSpec> = {
  read: { status: 'in_progress', allowed: READERS, send: (app, ref, auth) => request(app).get(`/api/v1/cases/${ref}`).set(...auth) },
  start: { status: 'assigned', allowed: AGENCY_STAFF, send: patch({ action: 'start' }) },
  request_information: { status: 'in_progress', allowed: AGENCY_STAFF, send: patch({ action: 'request_information' }) },
  resolve: { status: 'in_progress', allowed: AGENCY_STAFF, send: patch({ action: 'resolve', note: 'Done.' }) },
  reject: { status: 'in_progress', allowed: AGENCY_STAFF, send: patch({ action: 'reject', reason: 'Out of scope.' }) },
  transfer: { status: 'in_progress', allowed: AGENCY_STAFF, send: patch({ action: 'transfer', agency: 'WORKS', reason: 'Roads.' }) },
  public_reply: { status: 'in_progress', allowed: AGENCY_STAFF, send: patch({ reply: { message: 'We are on it.', visibility: 'public' } }) },
  internal_note: { status: 'in_progress', allowed: AGENCY_STAFF, send: patch({ reply: { message: 'Check with contractor.', visibility: 'internal' } }) },
  assign: { status: 'assigned', allowed: ['supervisor-own'], send: (app, ref, auth, people) => request(app).patch(`/api/v1/cases/${ref}`).set(...auth).send({ assignee: people['officer-own']!.id }) },
  citizen_reply: { status: 'awaiting_citizen', allowed: ['owner', 'agent'], send: patch({ action: 'citizen_reply' }) },
  reopen: { status: 'resolved', allowed: ['owner'], send: patch({ action: 'reopen', reason: 'Still broken.' }) },
  accept_resolution: { status: 'resolved', allowed: ['owner'], send: patch({ action: 'accept_resolution' }) },
};

function expectedStatus(actor: ActorName, action: string): number {
  if (!READERS.includes(actor)) return 404;
  return ACTIONS[action]!.allowed.includes(actor) ? 200 : 403;
}

describe('authorization matrix', function () {
  this.timeout(120_000);
  const app = makeApp();
  const people: Record<string, TestUser> = {};

  before(async () => {
    const [owner, other, oOwn, oOther, sOwn, sOther, agent, manager, admin] = await Promise.all([
      makeUser('citizen'),
      makeUser('citizen'),
      makeUser('officer', 'CAPITAL'),
      makeUser('officer', 'EWA'),
      makeUser('supervisor', 'CAPITAL'),
      makeUser('supervisor', 'EWA'),
      makeUser('agent'),
      makeUser('manager'),
      makeUser('admin'),
    ]);
    Object.assign(people, { owner, 'other-citizen': other, 'officer-own': oOwn, 'officer-other': oOther, 'supervisor-own': sOwn, 'supervisor-other': sOther, agent, manager, admin });
  });

  const caseFor = (status: CaseStatus): Promise<CaseDoc> =>
    makeCase({ agency: 'CAPITAL', status, citizenId: people.owner!.user._id, ...(status === 'resolved' ? { resolvedAt: new Date() } : {}) });

  for (const action of Object.keys(ACTIONS)) {
    for (const actor of ACTORS) {
      const expected = expectedStatus(actor, action);
      it(`when ${actor} tries "${action}", then the answer is ${expected}`, async () => {
        const c = await caseFor(ACTIONS[action]!.status);
        const res = await ACTIONS[action]!.send(app, c.reference, people[actor]!.auth, people);
        expect(res.status, JSON.stringify(res.body)).to.equal(expected);
        if (expected !== 200) {
          const after = (await CaseModel.findById(c._id).lean())!;
          expect([after.status, after.history.length, after.agency]).to.deep.equal([c.status, c.history.length, c.agency]);
        }
      });
    }
  }

  it('when random people try random actions in a row on one case, then reads are never 403, refusals change nothing, and a citizen never sees an internal note', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ actor: fc.constantFrom(...ACTORS), action: fc.constantFrom(...Object.keys(ACTIONS)) }), { minLength: 1, maxLength: 6 }), async (steps) => {
        const c = await caseFor('in_progress');
        for (const { actor, action } of steps) {
          const before = (await CaseModel.findById(c._id).lean())!;
          const res = await ACTIONS[action]!.send(app, c.reference, people[actor]!.auth, people);
          if (action === 'read') expect(res.status).to.be.oneOf([200, 404]);
          if (![200, 201].includes(res.status)) {
            const after = (await CaseModel.findById(c._id).lean())!;
            expect([after.status, after.history.length]).to.deep.equal([before.status, before.history.length]);
          }
          if (res.status === 200 && (actor === 'owner' || actor === 'agent')) {
            expect(JSON.stringify(res.body)).not.to.contain('Check with contractor.');
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
