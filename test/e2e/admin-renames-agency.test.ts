import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { AgencyModel } from '../../src/directory/index.js';
import { createUser } from '../../src/users/index.js';
import { makeApp } from '../support/app.js';
import { launchBrowser, serve } from '../support/browser.js';
import { caseBody } from '../support/cases.js';

describe('in a browser: an administrator renames an entity in Arabic and its cases show the new name', function () {
  this.timeout(90_000);
  let browser: Browser;
  let site: { url: string; close: () => Promise<void> };
  let app: ReturnType<typeof makeApp>;

  before(async () => {
    app = makeApp();
    site = await serve(app);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it('when the administrator opens the directory page, renames the Ministry of Works and saves, then the page and the case page show the new name', async () => {
    const email = `admin-${crypto.randomBytes(3).toString('hex')}@iga.gov.bh`;
    await createUser({ email, password: 'a long admin password', role: 'admin', name: 'المشرفة هدى', language: 'ar' }, { profile: 'bh', now: new Date() });
    const filed = await request(app).post('/api/v1/cases').send(caseBody({ category: 'ROAD_DAMAGE', area: 'RIFFA', language: 'ar' }));
    expect(filed.body.agency.code).to.equal('WORKS');

    const context = await browser.newContext({ locale: 'ar-BH' });
    const page = await context.newPage();
    await page.goto(`${site.url}/work/admin/directory`);
    await page.waitForURL(/\/signin\?next=/);
    await page.locator('#f-email').fill(email);
    await page.locator('#f-password').fill('a long admin password');
    await page.locator('form button[type=submit]').first().click();
    await page.waitForURL(/\/work\/admin\/directory$/);
    expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
    expect(await page.locator('h1').innerText()).to.equal('الدليل');

    const works = page.getByTestId('agency-WORKS');
    await works.locator('summary').click();
    const form = page.getByTestId('rename-WORKS');
    await form.locator('input[name=name_ar]').fill('هيئة الأشغال والطرق');
    await form.getByRole('button', { name: 'حفظ' }).click();
    await page.waitForURL(/done=1/);
    expect(await page.getByTestId('flash').innerText()).to.contain('تم الحفظ');
    expect(await page.getByTestId('name-WORKS').innerText()).to.equal('هيئة الأشغال والطرق');
    expect(await page.getByTestId('changes').innerText()).to.contain('المشرفة هدى');
    expect((await AgencyModel.findOne({ code: 'WORKS' }).lean())!.name_ar).to.equal('هيئة الأشغال والطرق');
    await page.getByTestId('agency-WORKS').locator('summary').click();
    await page.getByTestId('agency-WORKS').screenshot({ path: '/tmp/tawasul-directory-page.png' });

    await page.goto(`${site.url}/work/cases/${filed.body.reference as string}`);
    expect(await page.locator('main').innerText()).to.contain('هيئة الأشغال والطرق');
    await context.close();
  });
});
