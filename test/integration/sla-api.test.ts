import { expect } from 'chai';
import request from 'supertest';
import { CalendarModel } from '../../src/sla/calendar.model.js';
import { testCalendar } from '../support/calendars.js';
import { makeApp } from '../support/app.js';
import { makeUser, type TestUser } from '../support/staff.js';

describe('calendars and the SLA preview', () => {
  const app = makeApp();
  let admin: TestUser;
  let agent: TestUser;
  before(async () => {
    [admin, agent] = await Promise.all([makeUser('admin'), makeUser('agent')]);
  });

  it('when an admin reads the Bahrain calendar, then it has its zone, weekend, hours and National Day', async () => {
    const res = await request(app).get('/api/v1/admin/calendars/BH').set(...admin.auth);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ code: 'BH', timezone: 'Asia/Bahrain' });
    expect(res.body.weekend).to.have.members(['Fri', 'Sat']);
    expect(res.body.workingHours.Sun).to.deep.equal(['07:00', '14:00']);
    expect((res.body.holidays as { date: string }[]).map((h) => h.date)).to.include.members(['2026-12-16', '2026-12-17']);
  });

  it('when anyone but an admin asks, then it is 403 (401 without a token)', async () => {
    expect((await request(app).get('/api/v1/admin/calendars/BH').set(...agent.auth)).status).to.equal(403);
    expect((await request(app).get('/api/v1/admin/calendars/BH')).status).to.equal(401);
  });

  it('when an admin replaces a calendar with bad data, then every problem is listed and nothing changes', async () => {
    const before = await CalendarModel.findOne({ code: 'AE-SHJ' }).lean();
    const res = await request(app)
      .put('/api/v1/admin/calendars/AE-SHJ')
      .set(...admin.auth)
      .send({ timezone: 'Mars/Olympus', weekend: ['Fri', 'Funday'], workingHours: { Mon: ['15:00', '07:00'] }, holidays: [{ date: '2026-13-01', name_ar: 'x', name_en: 'x' }] });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    expect((res.body.error.details as unknown[]).length).to.be.at.least(4);
    expect(await CalendarModel.findOne({ code: 'AE-SHJ' }).lean()).to.deep.equal(before);
  });

  it('when an admin adds a holiday, then it is stored and read back', async () => {
    const seed = testCalendar('AE-SHJ');
    const holidays = [...seed.holidays, { date: '2026-12-31', name_ar: 'عطلة تجريبية', name_en: 'Test holiday' }];
    const res = await request(app).put('/api/v1/admin/calendars/AE-SHJ').set(...admin.auth).send({ ...seed, code: undefined, holidays });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const read = await request(app).get('/api/v1/admin/calendars/AE-SHJ').set(...admin.auth);
    expect((read.body.holidays as { date: string }[]).map((h) => h.date)).to.include('2026-12-31');
    await request(app).put('/api/v1/admin/calendars/AE-SHJ').set(...admin.auth).send({ ...seed, code: undefined }); // as it was
  });

  it('when an agent asks for a Thursday-afternoon filing, then the answers are due in 2 and 14 Bahraini working days', async () => {
    const res = await request(app).get('/api/v1/sla/preview?type=complaint&category=POWER_OUTAGE&from=2026-11-19T15:00:00%2B03:00').set(...agent.auth);
    expect(res.status).to.equal(200);
    // Thu 19 Nov does not count; Sun 22, Mon 23 → first response; … Wed 9 Dec is the 14th working day.
    expect(res.body).to.include({ calendar: 'BH', firstResponseDueAt: '2026-11-23T14:00:00+03:00', resolutionDueAt: '2026-12-09T14:00:00+03:00' });
  });

  it('when the span crosses National Day and the year end, then holidays and weekends are skipped', async () => {
    const res = await request(app).get('/api/v1/sla/preview?from=2026-12-10T10:00:00%2B03:00').set(...agent.auth);
    // 13–15 Dec (3), 16–17 Dec holidays, 20–24 Dec (8), 27–31 Dec (13), Sun 3 Jan 2027 (14).
    expect(res.body.resolutionDueAt).to.equal('2027-01-03T14:00:00+03:00');
  });

  it('when the start has no offset or the category is unknown, then it is 400; a citizen gets 403', async () => {
    expect((await request(app).get('/api/v1/sla/preview?from=2026-11-19T15:00:00').set(...agent.auth)).status).to.equal(400);
    const unknown = await request(app).get('/api/v1/sla/preview?category=NOPE').set(...agent.auth);
    expect([unknown.status, unknown.body.error.details[0].code]).to.deep.equal([400, 'UNKNOWN_CODE']);
    const citizen = await makeUser('citizen');
    expect((await request(app).get('/api/v1/sla/preview').set(...citizen.auth)).status).to.equal(403);
  });
});
