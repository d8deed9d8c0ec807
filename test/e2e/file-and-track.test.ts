import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { CaseModel } from '../../src/cases/index.js';
import { makeApp, testConfig } from '../support/app.js';
import { launchBrowser, serve } from '../support/browser.js';
import { PNG_1PX } from '../support/files.js';

describe('in a browser: a citizen files a case in Arabic and tracks it', function () {
  this.timeout(60_000);
  let browser: Browser;
  let site: { url: string; close: () => Promise<void> };

  before(async () => {
    site = await serve(makeApp({ config: testConfig() }));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it('when the form is filled and sent, then the confirmation shows a reference that opens the case', async () => {
    const page = await browser.newPage({ locale: 'ar-BH' });
    await page.goto(`${site.url}/`);
    expect(await page.getAttribute('html', 'dir')).to.equal('rtl');
    await page.getByRole('link', { name: 'تقديم طلب' }).first().click();

    // A first try with a missing description: the error appears beside the field, the input stays.
    await page.getByLabel('شكوى').check();
    await page.getByLabel('اسمك').fill('فاطمة علي');
    await page.getByLabel('البريد الإلكتروني').fill('fatima.e2e@example.bh');
    await page.getByRole('button', { name: 'إرسال' }).click();
    expect(await page.locator('#f-description-error').innerText()).to.contain('الوصف');
    expect(await page.getByLabel('اسمك').inputValue()).to.equal('فاطمة علي');

    await page.getByLabel('عن ماذا يتعلق طلبك؟').selectOption('SEWAGE');
    await page.getByLabel('أين؟').selectOption('SITRA');
    await page.getByLabel('اشرح طلبك').fill('طفح المجاري في الشارع الرئيسي في سترة منذ ثلاثة أيام.');
    await page.setInputFiles('#f-attachments', { name: 'صورة.png', mimeType: 'image/png', buffer: PNG_1PX });
    await page.getByRole('button', { name: 'إرسال' }).click();

    await page.waitForURL(/\/cases\/filed$/);
    expect(await page.locator('h1').innerText()).to.equal('تم استلام طلبك');
    const reference = (await page.getByTestId('reference').innerText()).trim();
    const token = (await page.getByTestId('tracking-token').innerText()).trim();
    expect(reference).to.match(/^TW-\d{2}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    const stored = await CaseModel.findOne({ reference }).lean();
    expect(stored!.agency).to.equal('WORKS');
    expect(stored!.attachments).to.have.length(1);

    // Track it from a fresh browser, as from another device.
    const other = await browser.newContext({ locale: 'ar-BH' });
    const trackPage = await other.newPage();
    await trackPage.goto(`${site.url}/track`);
    await trackPage.getByLabel('الرقم المرجعي').fill(reference.toLowerCase());
    await trackPage.getByLabel('رمز المتابعة').fill(token);
    await trackPage.getByRole('button', { name: 'اعرض طلبي' }).click();
    await trackPage.waitForURL(new RegExp(`/cases/${reference}$`));
    expect(await trackPage.getByTestId('status').innerText()).to.equal('لدى الجهة المختصة');
    expect(await trackPage.locator('.case-text').innerText()).to.contain('طفح المجاري');
    expect(await trackPage.locator('.timeline li').count()).to.equal(2);
    await trackPage.screenshot({ path: '/tmp/tawasul-case-page.png', fullPage: true });
    await other.close();
  });
});
