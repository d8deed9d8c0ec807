import crypto from 'node:crypto';
import { expect } from 'chai';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { createMailTransport, createOutboxRelay, OutboxMessageModel } from '../../src/notifications/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { getCalendarCached, insideWorkingHours } from '../../src/sla/index.js';
import { createUser, issueAccessToken, tokenSettings } from '../../src/users/index.js';
import { systemClock } from '../../src/shared/clock.js';
import { makeApp, testConfig } from '../support/app.js';
import { openMailStage, type MailStage } from '../support/browser.js';
import { caseBody } from '../support/cases.js';
import type { TestSmtpServer } from '../support/smtp.js';
import { makeUser } from '../support/staff.js';

/** The next `count` working days after today in Bahrain, at `hour`:00 local (from the BH calendar, whatever today is). */
async function workingSlots(count: number, hour: number): Promise<DateTime[]> {
  const calendar = await getCalendarCached('BH');
  const slots: DateTime[] = [];
  for (let d = 2; slots.length < count; d++) {
    const start = DateTime.now().setZone('Asia/Bahrain').plus({ days: d }).set({ hour, minute: 0, second: 0, millisecond: 0 });
    if (insideWorkingHours(calendar, start.toJSDate(), start.plus({ minutes: 30 }).toJSDate())) slots.push(start);
  }
  return slots;
}

describe('in a browser, in Arabic: an officer offers a video meeting, the citizen picks a time, both get the invitation', function () {
  this.timeout(120_000);
  let browser: Browser;
  let site: { url: string; close: () => Promise<void> };
  let smtp: TestSmtpServer;
  let app: ReturnType<typeof makeApp>;
  let config: ReturnType<typeof testConfig>;

  let stage: MailStage | undefined;
  before(async () => {
    config = testConfig({ PUBLIC_URL: 'http://127.0.0.1' });
    app = makeApp({ config });
    stage = await openMailStage(app);
    ({ site, browser, smtp } = stage);
    await OutboxMessageModel.deleteMany({});
  });
  after(async () => {
    await stage?.close();
  });

  it('when the officer offers two times and the citizen picks the second, then both receive a valid .ics for that time by SMTP', async () => {
    const admin = await makeUser('admin');
    const adminToken = issueAccessToken(admin.user, tokenSettings(config, systemClock));
    const policy = await request(app).post('/api/v1/admin/sla-policies').set('Authorization', `Bearer ${adminToken}`).send({ name: 'Capital video', match: { agency: 'CAPITAL' }, videoLink: 'https://meet.capital.gov.bh/tawasul' });
    expect(policy.status).to.equal(201);
    const email = `officer-${crypto.randomBytes(3).toString('hex')}@capital.gov.bh`;
    await createUser({ email, password: 'a long officer password', role: 'officer', agency: 'CAPITAL', name: 'الموظفة مريم', language: 'ar' }, { profile: 'bh', now: new Date() });
    const filed = await request(app).post('/api/v1/cases').send(caseBody({ language: 'ar' }));
    const { reference, trackingToken } = filed.body as { reference: string; trackingToken: string };
    const [first, second] = await workingSlots(2, 10);

    // The officer, signed in, offers the meeting from the case page.
    const officer = await browser.newContext({ locale: 'ar-BH' });
    const page = await officer.newPage();
    await page.goto(`${site.url}/work/cases/${reference}`);
    await page.waitForURL(/\/signin\?next=/);
    await page.locator('#f-email').fill(email);
    await page.locator('#f-password').fill('a long officer password');
    await page.locator('form button[type=submit]').first().click();
    await page.waitForURL(new RegExp(`/work/cases/${reference}$`));
    expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
    const form = page.getByTestId('meeting-offer');
    expect(await form.innerText()).to.contain('اعرض لقاءً');
    await form.locator('input[name=kind][value=video]').check();
    await form.locator('#f-slot1').fill(first!.toFormat("yyyy-MM-dd'T'HH:mm"));
    await form.locator('#f-slot2').fill(second!.toFormat("yyyy-MM-dd'T'HH:mm"));
    await form.locator('#f-duration').selectOption('30');
    await form.getByRole('button', { name: 'اعرض اللقاء' }).click();
    await page.waitForURL(/done=1/);
    expect(await page.getByTestId('meeting-status').innerText()).to.equal('بانتظار اختيار موعد');

    // The citizen opens the case with the tracking code and picks the second time.
    const citizen = await browser.newContext({ locale: 'ar-BH' });
    const cpage = await citizen.newPage();
    await cpage.goto(`${site.url}/track`);
    await cpage.locator('#f-reference').fill(reference);
    await cpage.locator('#f-token').fill(trackingToken);
    await cpage.getByRole('button', { name: 'اعرض طلبي' }).click();
    await cpage.waitForURL(new RegExp(`/cases/${reference}$`));
    const pick = cpage.getByTestId('meeting-pick');
    expect(await pick.innerText()).to.contain('اختر موعد لقائك');
    await pick.locator(`input[name=slot][value="${second!.toUTC().toISO()}"]`).check();
    await pick.getByRole('button', { name: 'أكّد هذا الموعد' }).click();
    await cpage.waitForURL(new RegExp(`/cases/${reference}$`));
    expect(await cpage.getByTestId('meeting-booked').innerText()).to.contain('موعد لقائك');
    expect(await cpage.getByRole('link', { name: 'انضم إلى اللقاء المرئي' }).getAttribute('href')).to.equal('https://meet.capital.gov.bh/tawasul');
    expect(await cpage.locator('.timeline').innerText()).to.contain('اختير موعد اللقاء');
    await cpage.screenshot({ path: '/tmp/tawasul-meeting-citizen.png', fullPage: true });
    await citizen.close();

    // The officer's page shows the booking.
    await page.reload();
    expect(await page.getByTestId('meeting-status').innerText()).to.equal('محجوز');
    await officer.close();

    // The outbox relay delivers both invitations through a real SMTP server.
    const transport = createMailTransport(smtp.url)!;
    const relay = createOutboxRelay({ transport, from: 'Tawasul <no-reply@tawasul.test>', logger: createLogger({ level: 'silent' }), clock: { now: () => new Date() } });
    await relay.runOnce();
    transport.close();
    const c = (await CaseModel.findOne({ reference }).lean())!;
    const invitations = smtp.received.filter((m) => m.mail.subject?.includes(reference) && m.mail.subject.includes('لقاء'));
    expect(invitations.map((m) => m.rcptTo[0]).sort()).to.deep.equal([c.contact.email, email].sort());
    const uids = new Set<string>();
    for (const m of invitations) {
      expect(m.mail.subject).to.contain('لقاء مرئي');
      const part = m.mail.attachments.find((a) => a.contentType === 'text/calendar');
      expect(part, 'an iCalendar part').to.not.equal(undefined);
      const vcal = new ICAL.Component(ICAL.parse(part!.content.toString('utf8')));
      expect(vcal.getFirstPropertyValue('method')).to.equal('REQUEST');
      const event = new ICAL.Event(vcal.getFirstSubcomponent('vevent')!);
      expect(event.startDate.toJSDate().toISOString()).to.equal(second!.toUTC().toISO());
      expect(event.endDate.toJSDate().toISOString()).to.equal(second!.plus({ minutes: 30 }).toUTC().toISO());
      expect(event.attendees.map((a) => String(a.getFirstValue()).toLowerCase())).to.deep.equal([`mailto:${c.contact.email}`]);
      expect(event.organizer.toLowerCase()).to.equal(`mailto:${email}`);
      expect(event.description).to.contain(reference).and.contain('https://meet.capital.gov.bh/tawasul');
      uids.add(event.uid);
    }
    expect(uids.size, 'one UID for the meeting in both invitations').to.equal(1);
    expect([...uids][0]).to.match(/^meeting-[0-9a-f]{24}@127\.0\.0\.1$/);
  });
});
