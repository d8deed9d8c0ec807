import { expect } from 'chai';
import ICAL from 'ical.js';
import request from 'supertest';
import { anonymiseCase, CaseModel, sendMeetingReminders, type CaseDoc } from '../../src/cases/index.js';
import { MeetingModel } from '../../src/cases/meeting.model.js';
import { OutboxMessageModel, renderEmail } from '../../src/notifications/index.js';
import { ManualClock } from '../../src/shared/clock.js';
import { oneOf } from '../../src/shared/db/operators.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { authAt, makeUser, type TestUser } from '../support/staff.js';
import { forgetAnonymisedCase } from '../../src/recurring/forget.js';

/**
 * Meetings about a case on a fixed clock: Sunday 29 November 2026, 09:00 in Bahrain (BH calendar:
 * Sunday–Thursday 07:00–14:00, Friday and Saturday off, National Day 16–17 December).
 */
describe('meetings about a case: video or call-back', () => {
  const clock = new ManualClock('2026-11-29T06:00:00Z');
  const app = makeApp({ clock });
  const as = (u: TestUser): [string, string] => authAt(u, clock);
  let officer: TestUser;
  let otherOfficer: TestUser;
  let ewaOfficer: TestUser;
  let manager: TestUser;
  let agent: TestUser;
  let admin: TestUser;
  let citizen: TestUser;
  let otherCitizen: TestUser;
  const TUESDAY_10 = '2026-12-01T07:00:00Z'; // 10:00 in Bahrain
  const TUESDAY_11 = '2026-12-01T08:00:00+00:00';
  const WEDNESDAY_1330 = '2026-12-02T13:30:00+03:00'; // ends 14:00, at closing

  before(async () => {
    [officer, otherOfficer, ewaOfficer, manager, agent, admin, citizen, otherCitizen] = await Promise.all([
      makeUser('officer', 'CAPITAL', 'Officer Hassan', { clock }),
      makeUser('officer', 'CAPITAL', 'Officer Noor', { clock }),
      makeUser('officer', 'EWA', undefined, { clock }),
      makeUser('manager', undefined, undefined, { clock }),
      makeUser('agent', undefined, 'Agent Huda', { clock }),
      makeUser('admin', undefined, undefined, { clock }),
      makeUser('citizen', undefined, 'Citizen Fatima', { clock }),
      makeUser('citizen', undefined, undefined, { clock }),
    ]);
  });

  afterEach(() => clock.set('2026-11-29T06:00:00Z'));

  /** A case of the Capital municipality, filed now by a guest (its tracking token) or by a signed-in citizen. */
  async function fileCase(by?: TestUser): Promise<{ reference: string; token: string }> {
    const req = request(app).post('/api/v1/cases');
    const res = await (by ? req.set(...as(by)) : req).send(caseBody({ contact: { name: 'فاطمة علي', email: `guest-${Date.now()}-${Math.random().toString(36).slice(2)}@example.bh`, phone: '+973 3300 0000' } }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const c = await CaseModel.findOne({ reference: res.body.reference }).lean();
    expect(c!.agency).to.equal('CAPITAL');
    return { reference: res.body.reference as string, token: res.body.trackingToken as string };
  }

  const offer = (u: TestUser, reference: string, body: Record<string, unknown>) => request(app).post(`/api/v1/cases/${reference}/meetings`).set(...as(u)).send(body);

  it('when the agency has no video link, then a video meeting is refused (400 NO_VIDEO_LINK) in the reader’s language, and a call-back is offered', async () => {
    const { reference } = await fileCase();
    const video = await offer(officer, reference, { kind: 'video', slots: [TUESDAY_10] }).set('Accept-Language', 'ar');
    expect(video.status).to.equal(400);
    expect(video.body.error.code).to.equal('NO_VIDEO_LINK');
    expect(video.body.error.message).to.contain('رابط');
    const callback = await offer(officer, reference, { kind: 'callback', slots: [TUESDAY_10], durationMinutes: 30 });
    expect(callback.status, JSON.stringify(callback.body)).to.equal(201);
    expect(callback.body).to.include({ kind: 'callback', status: 'offered', phone: '+97333000000', durationMinutes: 30 }); // the filer's phone, stored in E.164
    expect(callback.body.slots).to.deep.equal([{ start: '2026-12-01T07:00:00.000Z', end: '2026-12-01T07:30:00.000Z' }]);
  });

  it('when the agency sets its video link (agency-wide SLA setting), then a video meeting carries it', async () => {
    const policy = await request(app).post('/api/v1/admin/sla-policies').set(...as(admin)).send({ name: 'Capital video', match: { agency: 'CAPITAL' }, videoLink: 'https://meet.capital.gov.bh/tawasul' });
    expect(policy.status, JSON.stringify(policy.body)).to.equal(201);
    expect(policy.body.videoLink).to.equal('https://meet.capital.gov.bh/tawasul');
    const notWide = await request(app).post('/api/v1/admin/sla-policies').set(...as(admin)).send({ name: 'x', match: { agency: 'CAPITAL', type: 'complaint' }, videoLink: 'https://meet.capital.gov.bh/x' });
    expect(notWide.status).to.equal(400);
    expect(notWide.body.error.details[0].code).to.equal('AGENCY_WIDE_SETTING');
    const { reference } = await fileCase();
    const res = await offer(officer, reference, { kind: 'video', slots: [TUESDAY_10, TUESDAY_11, WEDNESDAY_1330] });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.videoLink).to.equal('https://meet.capital.gov.bh/tawasul');
    expect(res.body.slots).to.have.length(3);
  });

  describe('slots are refused with a stable code', () => {
    let reference: string;
    before(async () => {
      ({ reference } = await fileCase());
    });
    const cases: [string, Record<string, unknown>, string][] = [
      ['no slot', { kind: 'callback', slots: [] }, 'VALIDATION_FAILED'],
      ['four slots', { kind: 'callback', slots: [TUESDAY_10, TUESDAY_11, WEDNESDAY_1330, '2026-12-03T07:00:00Z'] }, 'VALIDATION_FAILED'],
      ['a time without its offset', { kind: 'callback', slots: ['2026-12-01T10:00:00'] }, 'VALIDATION_FAILED'],
      ['an unknown kind', { kind: 'visit', slots: [TUESDAY_10] }, 'VALIDATION_FAILED'],
      ['a length not offered', { kind: 'callback', slots: [TUESDAY_10], durationMinutes: 7 }, 'VALIDATION_FAILED'],
      ['a time in the past', { kind: 'callback', slots: ['2026-11-29T05:00:00Z'] }, 'SLOT_IN_PAST'],
      ['a Friday (weekend)', { kind: 'callback', slots: ['2026-12-04T07:00:00Z'] }, 'SLOT_OUTSIDE_WORKING_HOURS'],
      ['National Day (a holiday)', { kind: 'callback', slots: ['2026-12-16T07:00:00Z'] }, 'SLOT_OUTSIDE_WORKING_HOURS'],
      ['after closing', { kind: 'callback', slots: ['2026-12-01T12:00:00Z'] }, 'SLOT_OUTSIDE_WORKING_HOURS'],
      ['running past closing', { kind: 'callback', slots: ['2026-12-01T10:45:00Z'], durationMinutes: 30 }, 'SLOT_OUTSIDE_WORKING_HOURS'],
      ['before opening', { kind: 'callback', slots: ['2026-12-01T03:30:00Z'] }, 'SLOT_OUTSIDE_WORKING_HOURS'],
      ['off the quarter hour', { kind: 'callback', slots: ['2026-12-01T07:10:00Z'] }, 'SLOT_NOT_ON_QUARTER_HOUR'],
      ['the same time twice', { kind: 'callback', slots: [TUESDAY_10, '2026-12-01T10:00:00+03:00'] }, 'DUPLICATE_SLOT'],
    ];
    for (const [what, body, code] of cases) {
      it(`when an officer offers ${what}, then 400 ${code} and nothing is stored`, async () => {
        const before = (await CaseModel.findOne({ reference }).lean())!.history.length;
        const res = await offer(officer, reference, body);
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.error.code).to.equal(code);
        expect((await CaseModel.findOne({ reference }).lean())!.history.length).to.equal(before);
        const listed = await request(app).get(`/api/v1/cases/${reference}/meetings`).set(...as(officer));
        expect(listed.body.items).to.deep.equal([]);
      });
    }

    it('when the refusal is asked in Arabic or English, then its message is in that language', async () => {
      const ar = await offer(officer, reference, { kind: 'callback', slots: ['2026-12-04T07:00:00Z'] }).set('Accept-Language', 'ar');
      expect(ar.body.error.message).to.contain('خارج ساعات عمل الجهة');
      const en = await offer(officer, reference, { kind: 'callback', slots: ['2026-12-04T07:00:00Z'] }).set('Accept-Language', 'en');
      expect(en.body.error.message).to.contain("outside the entity's working hours");
    });
  });

  describe('who may offer, pick and record', () => {
    let reference: string;
    let token: string;
    let meetingId: string;
    before(async () => {
      ({ reference, token } = await fileCase());
      const res = await offer(officer, reference, { kind: 'callback', slots: [TUESDAY_10, TUESDAY_11] });
      meetingId = res.body.id as string;
    });

    it("when another agency's officer offers or records, then 404 (the case is not revealed); a manager, who reads every case, is 403", async () => {
      const other = await offer(ewaOfficer, reference, { kind: 'callback', slots: [TUESDAY_10] });
      expect(other.status).to.equal(404);
      expect(other.body.error.code).to.equal('CASE_NOT_FOUND');
      const outcome = await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/outcome`).set(...as(ewaOfficer)).send({ outcome: 'cancelled' });
      expect(outcome.status).to.equal(404);
      const byManager = await offer(manager, reference, { kind: 'callback', slots: [TUESDAY_10] });
      expect(byManager.status).to.equal(403);
      expect(byManager.body.error.code).to.equal('ACTION_NOT_ALLOWED');
    });

    it('when another citizen, someone without the tracking code, or an officer picks, then 404, 404 and 403', async () => {
      const stranger = await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/pick`).set(...as(otherCitizen)).send({ slot: TUESDAY_10 });
      expect(stranger.status).to.equal(404);
      const anonymous = await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/pick`).send({ slot: TUESDAY_10 });
      expect(anonymous.status).to.equal(404);
      const wrongToken = await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/pick`).set('X-Tracking-Token', 'not-the-token').send({ slot: TUESDAY_10 });
      expect(wrongToken.status).to.equal(404);
      const byOfficer = await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/pick`).set(...as(officer)).send({ slot: TUESDAY_10 });
      expect(byOfficer.status).to.equal(403);
      expect((await request(app).get(`/api/v1/cases/${reference}/meetings`).set('X-Tracking-Token', token)).body.items[0].status).to.equal('offered');
    });

    it('when a time not offered is picked, then 400 SLOT_NOT_OFFERED; an unknown meeting is 404 MEETING_NOT_FOUND', async () => {
      const res = await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/pick`).set('X-Tracking-Token', token).send({ slot: WEDNESDAY_1330 });
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('SLOT_NOT_OFFERED');
      const unknown = await request(app).post(`/api/v1/cases/${reference}/meetings/0123456789abcdef01234567/pick`).set('X-Tracking-Token', token).send({ slot: TUESDAY_10 });
      expect(unknown.status).to.equal(404);
      expect(unknown.body.error.code).to.equal('MEETING_NOT_FOUND');
    });
  });

  it('when the citizen (tracking code) and an agent pick at the same moment, then exactly one wins and the other gets 409 SLOT_TAKEN', async () => {
    const { reference, token } = await fileCase();
    const [MONDAY_10, MONDAY_11] = ['2026-11-30T07:00:00Z', '2026-11-30T08:00:00Z']; // times no other test books for this officer
    const meetingId = (await offer(officer, reference, { kind: 'callback', slots: [MONDAY_10, MONDAY_11] })).body.id as string;
    const pick = (slot: string, who: 'citizen' | 'agent') => {
      const req = request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/pick`);
      return (who === 'citizen' ? req.set('X-Tracking-Token', token) : req.set(...as(agent))).send({ slot });
    };
    const answers = await Promise.all([pick(MONDAY_10, 'citizen'), pick(MONDAY_11, 'agent'), pick(MONDAY_10, 'agent')]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).to.deep.equal([200, 409, 409]);
    for (const lost of answers.filter((a) => a.status === 409)) expect(lost.body.error.code).to.equal('SLOT_TAKEN');
    const c = await CaseModel.findOne({ reference }).lean();
    expect(c!.history.filter((h) => h.event === 'meeting_booked')).to.have.length(1);
    expect(await OutboxMessageModel.countDocuments({ template: 'meeting', 'subject.id': c!._id.toHexString() })).to.equal(2);
    // Picking again after the race: still 409.
    const again = await pick(MONDAY_11, 'citizen');
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('SLOT_TAKEN');
  });

  it("when two cases' citizens pick the same time of the same officer at once, then one wins: the officer is not double-booked", async () => {
    const a = await fileCase();
    const b = await fileCase();
    const slot = '2026-12-03T09:00:00Z';
    const ma = (await offer(otherOfficer, a.reference, { kind: 'callback', slots: [slot], durationMinutes: 60 })).body.id as string;
    // Overlapping, not the same start: 12:30–13:00 inside 12:00–13:00 local.
    const mb = (await offer(otherOfficer, b.reference, { kind: 'callback', slots: ['2026-12-03T09:30:00Z'], durationMinutes: 30 })).body.id as string;
    const answers = await Promise.all([
      request(app).post(`/api/v1/cases/${a.reference}/meetings/${ma}/pick`).set('X-Tracking-Token', a.token).send({ slot }),
      request(app).post(`/api/v1/cases/${b.reference}/meetings/${mb}/pick`).set('X-Tracking-Token', b.token).send({ slot: '2026-12-03T09:30:00Z' }),
    ]);
    expect(answers.map((x) => x.status).sort()).to.deep.equal([200, 409]);
    const loser = answers.find((x) => x.status === 409)!;
    expect(loser.body.error.code).to.equal('SLOT_TAKEN');
    // The loser's meeting is still open for another time, and its partial bookings were given back.
    const loserRef = loser === answers[0] ? a : b;
    const listed = await request(app).get(`/api/v1/cases/${loserRef.reference}/meetings`).set('X-Tracking-Token', loserRef.token);
    expect(listed.body.items[0].status).to.equal('offered');
  });

  it('when a signed-in citizen picks, then the invitation to each party is a valid .ics (REQUEST, stable UID, UTC start, organizer and attendee), in their language, and the history tells the story', async () => {
    const { reference } = await fileCase(citizen);
    const offered = await offer(officer, reference, { kind: 'video', slots: [TUESDAY_10, TUESDAY_11], durationMinutes: 45 });
    const picked = await request(app).post(`/api/v1/cases/${reference}/meetings/${offered.body.id}/pick`).set(...as(citizen)).send({ slot: TUESDAY_11 });
    expect(picked.status, JSON.stringify(picked.body)).to.equal(200);
    expect(picked.body).to.deep.include({ status: 'booked', booked: { start: '2026-12-01T08:00:00.000Z', end: '2026-12-01T08:45:00.000Z' } });
    expect(picked.body.officer, 'the officer is named to staff only').to.equal(null);
    const c = (await CaseModel.findOne({ reference }).lean())!;
    const messages = await OutboxMessageModel.find({ template: 'meeting', 'subject.id': c._id.toHexString() }).sort({ to: 1, _id: 1 }).lean();
    expect(messages.map((m) => m.to).sort()).to.deep.equal([c.contact.email, officer.user.email].sort());
    const uids = new Set<string>();
    for (const m of messages) {
      const rendered = await renderEmail(m.template, m.language, m.data);
      const vcal = new ICAL.Component(ICAL.parse(rendered.calendar!));
      expect(vcal.getFirstPropertyValue('method')).to.equal('REQUEST');
      const event = new ICAL.Event(vcal.getFirstSubcomponent('vevent')!);
      expect(event.startDate.toJSDate().toISOString()).to.equal('2026-12-01T08:00:00.000Z');
      expect(event.endDate.toJSDate().toISOString()).to.equal('2026-12-01T08:45:00.000Z');
      expect(event.startDate.zone.tzid).to.equal('UTC');
      expect(event.organizer.toLowerCase()).to.equal(`mailto:${officer.user.email}`);
      expect(event.attendees.map((a) => String(a.getFirstValue()).toLowerCase())).to.deep.equal([`mailto:${c.contact.email}`]);
      expect(event.description).to.contain(reference).and.contain('https://meet.capital.gov.bh/tawasul');
      expect(event.summary).to.contain(reference);
      uids.add(event.uid);
      if (m.to === c.contact.email) {
        expect(m.language, 'the case was filed in Arabic').to.equal('ar');
        expect(rendered.subject).to.contain('لقاء مرئي');
        expect(rendered.text).to.contain('١١:٠٠'); // 11:00 in Bahrain, Arabic digits
      } else {
        expect(m.language).to.equal('en');
        expect(rendered.subject).to.contain('Video meeting');
        expect(rendered.text).to.contain('Tuesday, 1 December 2026, 11:00–11:45');
      }
    }
    expect([...uids]).to.deep.equal([`meeting-${offered.body.id}@localhost`]); // PUBLIC_URL's host
    const events = c.history.map((h) => [h.event, h.visibility]);
    expect(events).to.deep.include.members([['meeting_offered', 'public'], ['meeting_booked', 'public']]);
    const tracked = await request(app).get(`/api/v1/cases/${reference}`).set(...as(citizen));
    expect(tracked.body.timeline.map((e: { event: string }) => e.event)).to.include.members(['meeting_offered', 'meeting_booked']);
  });

  it('when the reminder time comes (the opening of the working day before), then it is sent once, even by two instances at once', async () => {
    const { reference } = await fileCase();
    const meetingId = (await offer(officer, reference, { kind: 'callback', slots: ['2026-12-03T07:00:00Z'] })).body.id as string; // Thursday 10:00
    expect((await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/pick`).set(...as(agent)).send({ slot: '2026-12-03T07:00:00Z' })).status).to.equal(200);
    const c = (await CaseModel.findOne({ reference }).lean())!;
    const reminders = () => OutboxMessageModel.find({ key: oneOf([`meeting-reminder:${meetingId}:citizen`, `meeting-reminder:${meetingId}:officer`]) }).lean();
    const publicUrl = 'http://127.0.0.1';
    clock.set('2026-12-02T03:59:00Z'); // Wednesday 06:59 in Bahrain: not yet
    await sendMeetingReminders(clock.now(), { publicUrl, instance: 'a' });
    expect(await reminders()).to.have.length(0);
    clock.set('2026-12-02T04:00:00Z'); // Wednesday 07:00: the opening of the working day before
    await Promise.all([sendMeetingReminders(clock.now(), { publicUrl, instance: 'a' }), sendMeetingReminders(clock.now(), { publicUrl, instance: 'b' })]);
    const stored = await reminders();
    expect(stored.map((m) => m.to).sort()).to.deep.equal([c.contact.email, officer.user.email].sort());
    clock.set('2026-12-02T05:00:00Z');
    await sendMeetingReminders(clock.now(), { publicUrl, instance: 'c' });
    expect(await reminders()).to.have.length(2);
    const rendered = await renderEmail('meeting', 'ar', stored.find((m) => m.to === c.contact.email)!.data);
    expect(rendered.subject).to.match(/^تذكير/);
    clock.set('2026-11-29T06:00:00Z');
  });

  it('when the reminder time falls on a weekend, then it goes out on the last working day before (Thursday for a Sunday meeting)', async () => {
    const { reference } = await fileCase();
    const sunday = '2026-12-06T07:00:00Z';
    const meetingId = (await offer(officer, reference, { kind: 'callback', slots: [sunday] })).body.id as string;
    await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/pick`).set(...as(agent)).send({ slot: sunday });
    clock.set('2026-12-02T08:00:00Z'); // Wednesday: not yet
    await sendMeetingReminders(clock.now(), { publicUrl: 'http://127.0.0.1', instance: 'a' });
    expect(await OutboxMessageModel.findOne({ key: `meeting-reminder:${meetingId}:citizen` }).lean()).to.equal(null);
    clock.set('2026-12-03T04:00:00Z'); // Thursday 07:00
    await sendMeetingReminders(clock.now(), { publicUrl: 'http://127.0.0.1', instance: 'a' });
    expect(await OutboxMessageModel.findOne({ key: `meeting-reminder:${meetingId}:citizen` }).lean()).to.not.equal(null);
    clock.set('2026-11-29T06:00:00Z');
  });

  it('when the officer records the outcome, then held is refused before the time, accepted after, and the note stays internal', async () => {
    const { reference, token } = await fileCase();
    const slot = '2026-12-01T10:00:00Z'; // 13:00 in Bahrain (Officer Hassan is booked at 10:00 and 11:00)
    const meetingId = (await offer(officer, reference, { kind: 'callback', slots: [slot] })).body.id as string;
    expect((await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/pick`).set('X-Tracking-Token', token).send({ slot })).status).to.equal(200);
    const early = await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/outcome`).set(...as(officer)).send({ outcome: 'held' });
    expect(early.status).to.equal(400);
    expect(early.body.error.code).to.equal('MEETING_NOT_YET');
    clock.set('2026-12-01T10:40:00Z');
    const held = await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/outcome`).set(...as(otherOfficer)).send({ outcome: 'held', note: 'Agreed to repair the drain on Thursday.' });
    expect(held.status, JSON.stringify(held.body)).to.equal(200);
    expect(held.body).to.deep.include({ status: 'held', outcome: { result: 'held', note: 'Agreed to repair the drain on Thursday.', at: '2026-12-01T10:40:00.000Z' } });
    const twice = await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/outcome`).set(...as(officer)).send({ outcome: 'cancelled' });
    expect(twice.status).to.equal(409);
    expect(twice.body.error.code).to.equal('MEETING_CLOSED');
    const entry = (await CaseModel.findOne({ reference }).lean())!.history.find((h) => h.event === 'meeting_outcome')!;
    expect(entry).to.include({ to: 'held', visibility: 'internal', note: 'Agreed to repair the drain on Thursday.' });
    const citizenSees = await request(app).get(`/api/v1/cases/${reference}/meetings`).set('X-Tracking-Token', token);
    expect(citizenSees.body.items[0].outcome).to.deep.equal({ result: 'held', note: null, at: '2026-12-01T10:40:00.000Z' });
    clock.set('2026-11-29T06:00:00Z');
  });

  it("when the case is anonymised (retention), then its meetings keep no phone and no outcome note", async () => {
    const { reference, token } = await fileCase();
    const slot = '2026-12-02T06:00:00Z';
    const meetingId = (await offer(officer, reference, { kind: 'callback', slots: [slot] })).body.id as string;
    await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/pick`).set('X-Tracking-Token', token).send({ slot });
    clock.set('2026-12-02T06:30:00Z');
    await request(app).post(`/api/v1/cases/${reference}/meetings/${meetingId}/outcome`).set(...as(officer)).send({ outcome: 'held', note: 'Called +973 3300 0000, spoke to Fatima.' });
    const c = (await CaseModel.findOne({ reference }).lean<CaseDoc>())!;
    expect(await anonymiseCase(c, clock.now(), 'retention', forgetAnonymisedCase)).to.equal(true);
    const m = (await MeetingModel.findById(meetingId).lean())!;
    expect(m.phone).to.equal(undefined);
    expect(m.outcome).to.include({ result: 'held' });
    expect(m.outcome!.note).to.equal(undefined);
  });
});
