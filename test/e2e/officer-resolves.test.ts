import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { createMailTransport, createOutboxRelay, OutboxMessageModel } from '../../src/notifications/index.js';
import { createLogger } from '../../src/shared/logger.js';
import { createUser } from '../../src/users/index.js';
import { makeApp, testConfig } from '../support/app.js';
import { openMailStage, type MailStage } from '../support/browser.js';
import { caseBody } from '../support/cases.js';
import type { TestSmtpServer } from '../support/smtp.js';

describe('in a browser: an officer resolves a case and the citizen reads the answer', function () {
  this.timeout(90_000);
  let browser: Browser;
  let site: { url: string; close: () => Promise<void> };
  let smtp: TestSmtpServer;
  let app: ReturnType<typeof makeApp>;

  let stage: MailStage | undefined;
  before(async () => {
    app = makeApp({ config: testConfig({ PUBLIC_URL: 'http://127.0.0.1' }) });
    stage = await openMailStage(app);
    ({ site, browser, smtp } = stage);
    await OutboxMessageModel.deleteMany({});
  });
  after(async () => {
    await stage?.close();
  });

  it('when the officer signs in, opens the queue and resolves with a note, then the citizen is emailed and sees the note', async () => {
    const email = `officer-${crypto.randomBytes(3).toString('hex')}@capital.gov.bh`;
    await createUser({ email, password: 'a long officer password', role: 'officer', agency: 'CAPITAL', name: 'Officer Maryam', language: 'ar' }, { profile: 'bh', now: new Date() });
    const filed = await request(app).post('/api/v1/cases').send(caseBody({ language: 'ar', title: 'تراكم النفايات' }));
    const { reference, trackingToken } = filed.body as { reference: string; trackingToken: string };

    const officer = await browser.newContext({ locale: 'ar-BH' });
    const page = await officer.newPage();
    await page.goto(`${site.url}/work`);
    await page.waitForURL(/\/signin\?next=/); // the workspace needs an account
    await page.locator('#f-email').fill(email);
    await page.locator('#f-password').fill('a long officer password');
    await page.locator('form button[type=submit]').first().click();
    await page.waitForURL(/\/work$/);
    // The queue opens by deadline, soonest first: a case filed just now is found with the search.
    await page.locator('details.filters summary').click();
    await page.locator('#f-q').fill(reference);
    await page.locator('.filter-form button[type=submit]').click();
    await page.waitForURL(/q=/);
    expect(await page.getByTestId(`row-${reference}`).isVisible()).to.equal(true);
    await page.getByRole('link', { name: reference }).click();
    await page.waitForURL(new RegExp(`/work/cases/${reference}`));
    expect(await page.getByTestId('citizen-text').innerText()).to.contain('طفح المجاري');

    await page.getByTestId('action-start').getByRole('button').click();
    await page.waitForURL(/done=1/);
    expect(await page.getByTestId('status').innerText()).to.equal('قيد المعالجة');
    await page.getByTestId('action-resolve').locator('textarea[name=note]').fill('تم تنظيف الشارع وإصلاح خط الصرف.');
    await page.getByTestId('action-resolve').getByRole('button').click();
    await page.waitForURL(/done=1/);
    expect(await page.getByTestId('status').innerText()).to.equal('تم الرد');
    await page.screenshot({ path: '/tmp/tawasul-officer-case.png', fullPage: true });
    await officer.close();
    expect((await CaseModel.findOne({ reference }).lean())!.status).to.equal('resolved');

    // The outbox relay delivers the update through a real SMTP server.
    const transport = createMailTransport(smtp.url)!;
    const relay = createOutboxRelay({ transport, from: 'Tawasul <no-reply@tawasul.test>', logger: createLogger({ level: 'silent' }), clock: { now: () => new Date() } });
    await relay.runOnce();
    transport.close();
    const update = smtp.received.find((m) => m.mail.subject?.includes(reference) && m.mail.text?.includes('تم تنظيف الشارع'));
    expect(update, 'the resolution email').to.not.equal(undefined);
    expect(update!.mail.subject).to.contain('تم الرد على طلبك');

    // The citizen follows the link from the email and opens the case with the tracking code.
    const link = /(http:\/\/127\.0\.0\.1\/track\?reference=[A-Z0-9-]+)/.exec(update!.mail.text ?? '')![1]!.replace('http://127.0.0.1', site.url);
    const citizen = await browser.newContext({ locale: 'ar-BH' });
    const cpage = await citizen.newPage();
    await cpage.goto(link);
    expect(await cpage.locator('#f-reference').inputValue()).to.equal(reference);
    await cpage.locator('#f-token').fill(trackingToken);
    await cpage.getByRole('button', { name: 'اعرض طلبي' }).click();
    await cpage.waitForURL(new RegExp(`/cases/${reference}$`));
    expect(await cpage.getByTestId('status').innerText()).to.equal('تم الرد');
    expect(await cpage.locator('.timeline').innerText()).to.contain('تم تنظيف الشارع وإصلاح خط الصرف.');
    await citizen.close();
  });
});
