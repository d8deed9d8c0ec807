/**
 * The administrators' directory page (/work/admin/directory): who may open it, its forms (CSRF,
 * refusals beside the form in Arabic and English), and a window typed as calendar days.
 */
import { expect } from 'chai';
import request from 'supertest';
import { AgencyModel, CategoryModel } from '../../src/directory/index.js';
import { makeApp } from '../support/app.js';
import { browserWith, csrfFrom } from '../support/pages.js';
import { makeUser, type TestUser } from '../support/staff.js';

const PAGE = '/work/admin/directory';

describe('the directory page (administrators)', function () {
  this.timeout(60_000);
  const app = makeApp();
  let admin: TestUser;

  before(async () => {
    admin = await makeUser('admin', undefined, 'Admin Huda');
  });

  /** The admin's browser with the page open in a language, and the page's CSRF token. */
  async function opened(lang: 'ar' | 'en') {
    const browser = browserWith(app, admin.token);
    const page = await browser.get(PAGE).set('Accept-Language', lang);
    expect(page.status).to.equal(200);
    return { browser, page, csrf: csrfFrom(page.text) };
  }

  it('when someone signed out opens it, then they are sent to sign in; other roles get 403', async () => {
    const anonymous = await request(app).get(PAGE);
    expect([anonymous.status, anonymous.headers.location]).to.deep.equal([303, `/signin?next=${encodeURIComponent(PAGE)}`]);
    for (const role of ['officer', 'manager', 'agent'] as const) {
      const u = await makeUser(role, role === 'officer' ? 'WORKS' : undefined);
      expect((await browserWith(app, u.token).get(PAGE)).status, role).to.equal(403);
      expect((await browserWith(app, u.token).post(`${PAGE}/agencies/EWA`).type('form').send({ name_en: 'X' })).status, role).to.equal(403);
    }
  });

  it('when an administrator opens it in Arabic, then it is right-to-left and lists entities, municipalities with areas and subjects by name', async () => {
    const { page } = await opened('ar');
    expect(page.text).to.match(/<html[^>]*lang="ar"[^>]*dir="rtl"|<html[^>]*dir="rtl"[^>]*lang="ar"/);
    expect(page.text).to.contain('الدليل').and.to.contain('البلديات ومناطقها');
    expect(page.text).to.contain('data-testid="agency-EWA"').and.to.contain('data-testid="area-SITRA"').and.to.contain('data-testid="category-POWER_OUTAGE"');
    const en = await opened('en');
    expect(en.page.text).to.contain('Municipalities and their areas');
  });

  it('when a rename is posted without its CSRF token, then it is refused and nothing changes; with it, the page shows the new name and the change', async () => {
    const { browser, csrf } = await opened('en');
    const forged = await browser.post(`${PAGE}/agencies/HEALTH`).type('form').send({ name_ar: 'مزور', name_en: 'Forged' });
    expect(forged.status).to.equal(403);
    expect((await AgencyModel.findOne({ code: 'HEALTH' }).lean())!.name_en).to.not.equal('Forged');

    const saved = await browser.post(`${PAGE}/agencies/HEALTH`).type('form').send({ _csrf: csrf, name_ar: 'وزارة الصحة والرعاية', name_en: 'Ministry of Health and Care' });
    expect([saved.status, saved.headers.location]).to.deep.equal([303, `${PAGE}?done=1#agency-HEALTH`]);
    const after = await browser.get(`${PAGE}?done=1`).set('Accept-Language', 'en');
    expect(after.text).to.contain('Saved.').and.to.contain('Ministry of Health and Care');
    expect(after.text).to.match(/Admin Huda: changed entity HEALTH \(name_ar, name_en\)/);
  });

  it('when a form is refused, then it comes back (400) with the problem beside it, in the page language', async () => {
    const ar = await opened('ar');
    const empty = await ar.browser.post(`${PAGE}/agencies/EWA`).type('form').set('Accept-Language', 'ar').send({ _csrf: ar.csrf, name_ar: '', name_en: 'Electricity' });
    expect(empty.status).to.equal(400);
    expect(empty.text).to.contain('لم يُحفظ التعديل').and.to.contain('الاسم بالعربية');
    expect(empty.text).to.match(/<details id="agency-EWA"[^>]* open>/);

    const en = await opened('en');
    const owns = await en.browser.post(`${PAGE}/agencies/EWA`).type('form').set('Accept-Language', 'en').send({ _csrf: en.csrf, retired: 'true' });
    expect(owns.status).to.equal(400);
    expect(owns.text).to.contain('It is still responsible for these subjects: POWER_OUTAGE, UTILITY_BILLING, WATER_SUPPLY');
    expect((await AgencyModel.findOne({ code: 'EWA' }).lean())!.active).to.equal(true);

    const taken = await en.browser.post(`${PAGE}/agencies`).type('form').set('Accept-Language', 'en').send({ _csrf: en.csrf, code: 'EWA', name_ar: 'أ', name_en: 'A' });
    expect(taken.status).to.equal(409);
    expect(taken.text).to.contain('The code EWA is already used');
  });

  it('when a subject is added with calendar days, then its window runs from the start of the first day to the end of the last in the profile’s zone', async () => {
    const { browser, csrf } = await opened('en');
    const res = await browser.post(`${PAGE}/categories`).type('form').send({ _csrf: csrf, code: 'CENSUS_2030', name_ar: 'التعداد', name_en: 'Census', owner: 'IGA', group: 'PUBLIC_SERVICES', validFrom: '2030-03-01', validUntil: '2030-03-15' });
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    const stored = (await CategoryModel.findOne({ code: 'CENSUS_2030' }).lean())!;
    expect(stored.validFrom!.toISOString()).to.equal('2030-02-28T21:00:00.000Z'); // 1 March 00:00 in Bahrain (UTC+3)
    expect(stored.validUntil!.toISOString()).to.equal('2030-03-15T21:00:00.000Z'); // the end of 15 March there
    const page = await browser.get(PAGE).set('Accept-Language', 'en');
    expect(page.text).to.contain('2030-03-01 – 2030-03-15').and.to.contain('Not offered now (outside its dates)');

    const cleared = await browser.post(`${PAGE}/categories/CENSUS_2030`).type('form').send({ _csrf: csrf, name_ar: 'التعداد', name_en: 'Census', owner: 'IGA', group: 'PUBLIC_SERVICES', validFrom: '', validUntil: '' });
    expect(cleared.status).to.equal(303);
    const open = (await CategoryModel.findOne({ code: 'CENSUS_2030' }).lean())!;
    expect([open.validFrom ?? null, open.validUntil ?? null]).to.deep.equal([null, null]);
  });
});
