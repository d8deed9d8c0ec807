/**
 * The citizen's own data as pages (`/account`): the download and closing the account, in Arabic and
 * English, CSRF-protected, refused to staff and to nobody signed in, a wrong password kept on the form.
 */
import { expect } from 'chai';
import request from 'supertest';
import { UserModel } from '../../src/users/user.model.js';
import { makeApp } from '../support/app.js';
import { makeCase } from '../support/factories.js';
import { browserWith, csrfFrom } from '../support/pages.js';
import { makeUser } from '../support/staff.js';

describe('account pages: my data and closing the account', () => {
  const app = makeApp();

  it('when a citizen opens /account, then it offers the download and the close form, in Arabic right to left and in English', async () => {
    const me = await makeUser('citizen');
    const ar = await browserWith(app, me.token).get('/account').set('Accept-Language', 'ar');
    expect(ar.status).to.equal(200);
    expect(ar.headers['cache-control']).to.equal('no-store');
    expect(ar.text).to.contain('<html lang="ar" dir="rtl">').and.contain('بياناتي وحسابي').and.contain('href="/account/data"').and.contain('action="/account/close"');
    const en = await browserWith(app, me.token).get('/account').set('Accept-Language', 'en');
    expect(en.status).to.equal(200);
    expect(en.text).to.contain('<html lang="en" dir="ltr">').and.contain('My data and account').and.contain('Close my account');
  });

  it('when the citizen downloads their data from the page, then it is their cases as a JSON file, never another citizen\'s', async () => {
    const me = await makeUser('citizen');
    const other = await makeUser('citizen');
    const mine = await makeCase({ citizenId: me.user._id, contactEmail: me.user.email });
    const theirs = await makeCase({ citizenId: other.user._id, contactEmail: other.user.email });
    const res = await browserWith(app, me.token).get('/account/data');
    expect(res.status).to.equal(200);
    expect(res.headers['content-disposition']).to.equal('attachment; filename="tawasul-my-data.json"');
    expect(res.headers['cache-control']).to.equal('no-store');
    const text = JSON.stringify(res.body);
    expect(text).to.contain(mine.reference);
    expect(text).not.to.contain(theirs.reference);
  });

  it('when staff or nobody signed in opens the pages, then they are refused', async () => {
    const officer = await makeUser('officer', 'EWA');
    expect((await browserWith(app, officer.token).get('/account')).status).to.equal(403);
    expect((await browserWith(app, officer.token).get('/account/data')).status).to.equal(403);
    const anonymous = await request(app).get('/account/data');
    expect([401, 303]).to.include(anonymous.status);
    expect(anonymous.text).not.to.contain('"cases"');
  });

  it('when the close form is posted without its CSRF token, then it is 403 and the account stays', async () => {
    const me = await makeUser('citizen');
    const res = await browserWith(app, me.token).post('/account/close').type('form').send({ password: 'correct horse battery' });
    expect(res.status).to.equal(403);
    expect((await UserModel.findById(me.user._id).lean())!.disabledAt).to.equal(undefined);
  });

  it('when the password is wrong, then the form comes back with the reason and the account stays; with the right one it is closed and the browser signed out', async () => {
    const me = await makeUser('citizen');
    const browser = browserWith(app, me.token);
    const page = await browser.get('/account').set('Accept-Language', 'en');
    expect(page.status).to.equal(200);
    const wrong = await browser.post('/account/close').type('form').set('Accept-Language', 'en').send({ _csrf: csrfFrom(page.text), password: 'not my password' });
    expect(wrong.status).to.equal(403);
    expect(wrong.text).to.contain('data-testid="close-error"').and.contain('action="/account/close"');
    expect((await UserModel.findById(me.user._id).lean())!.disabledAt).to.equal(undefined);

    const empty = await browser.post('/account/close').type('form').set('Accept-Language', 'en').send({ _csrf: csrfFrom(wrong.text), password: '' });
    expect(empty.status).to.equal(400);
    expect((await UserModel.findById(me.user._id).lean())!.disabledAt).to.equal(undefined);

    const closed = await browser.post('/account/close').type('form').set('Accept-Language', 'ar').send({ _csrf: csrfFrom(empty.text), password: 'correct horse battery' });
    expect(closed.status).to.equal(200);
    expect(closed.text).to.contain('data-testid="account-closed"').and.contain('أُغلق حسابك');
    expect(String(closed.headers['set-cookie'])).to.match(/tw_at=;/);
    const stored = (await UserModel.findById(me.user._id).lean())!;
    expect(stored.disabledAt).to.be.instanceOf(Date);
    expect(stored.email).to.not.equal(me.user.email);
    // The old session no longer opens anything.
    expect((await browserWith(app, me.token).get('/account')).status).to.not.equal(200);
  });
});
