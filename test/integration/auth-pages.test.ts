import { expect } from 'chai';
import request from 'supertest';
import { ManualClock } from '../../src/shared/clock.js';
import { RefreshTokenModel } from '../../src/users/index.js';
import { makeApp } from '../support/app.js';
import { csrfFrom } from '../support/pages.js';
import { authTestConfig, makeAccount, uniqueEmail } from '../support/accounts.js';

function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const raw = res.headers['set-cookie'];
  return Array.isArray(raw) ? (raw as string[]) : [];
}

const cookieNamed = (res: { headers: Record<string, unknown> }, name: string): string | undefined => setCookies(res).find((c) => c.startsWith(`${name}=`));

describe('sign-in pages', () => {
  const clock = new ManualClock('2026-11-27T08:00:00Z');
  const app = makeApp({ clock, config: authTestConfig() });

  async function openSignIn(agent: ReturnType<typeof request.agent>, path = '/signin') {
    const page = await agent.get(path);
    expect(page.status).to.equal(200);
    return { page, csrf: csrfFrom(page.text) };
  }

  it('when the sign-in page opens, then it is an Arabic right-to-left form with a CSRF token and a link in the header', async () => {
    const agent = request.agent(app);
    const { page } = await openSignIn(agent);
    expect(page.text).to.contain('<html lang="ar" dir="rtl">');
    expect(page.text).to.contain('<h1>تسجيل الدخول</h1>');
    expect(page.text).to.contain('name="email"').and.contain('type="password"');
    expect(page.headers['cache-control']).to.equal('no-store');
    const home = await agent.get('/');
    expect(home.text).to.contain('href="/signin?next=%2F"').and.contain('تسجيل الدخول');
  });

  it('when the form is posted without a CSRF token, then it is refused with 403 and no session is made', async () => {
    const { user, password } = await makeAccount('citizen', {}, clock.now());
    const res = await request(app).post('/signin').type('form').send({ email: user.email, password });
    expect(res.status).to.equal(403);
    expect(cookieNamed(res, 'tw_at')).to.equal(undefined);
  });

  it('when the password is wrong, then the Arabic error shows beside the form, the email is kept and the password is not', async () => {
    const { user } = await makeAccount('citizen', {}, clock.now());
    const agent = request.agent(app);
    const { csrf } = await openSignIn(agent);
    const res = await agent.post('/signin').type('form').send({ _csrf: csrf, email: user.email, password: 'not-the-password' });
    expect(res.status).to.equal(401);
    expect(res.text).to.contain('data-testid="signin-error"');
    expect(res.text).to.contain('البريد الإلكتروني أو كلمة المرور غير صحيحة');
    expect(res.text).to.contain(`value="${user.email}"`);
    expect(res.text).to.not.contain('not-the-password');
    expect(res.text).to.contain('<form method="post" action="/signin"');
    expect(cookieNamed(res, 'tw_at')).to.equal(undefined);
  });

  it('when the fields are empty, then each gets its error in Arabic', async () => {
    const agent = request.agent(app);
    const { csrf } = await openSignIn(agent);
    const res = await agent.post('/signin').type('form').send({ _csrf: csrf, email: '', password: '' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('id="f-email-error"').and.contain('id="f-password-error"');
  });

  it('when the password is right, then HttpOnly SameSite=Lax session cookies are set and it redirects to next', async () => {
    const { user, password } = await makeAccount('citizen', { name: 'Huda' }, clock.now());
    const agent = request.agent(app);
    const { csrf } = await openSignIn(agent, '/signin?next=%2Fcases%2Fnew%3Ftype%3Dcomplaint');
    const res = await agent.post('/signin').type('form').send({ _csrf: csrf, email: user.email, password, next: '/cases/new?type=complaint' });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/cases/new?type=complaint');
    for (const name of ['tw_at', 'tw_rt']) {
      const cookie = cookieNamed(res, name);
      expect(cookie, name).to.match(/; HttpOnly/).and.match(/; SameSite=Lax/).and.match(/; Path=\//);
      expect(cookie).to.not.match(/; Secure/); // plain HTTP outside production
    }
    const home = await agent.get('/');
    expect(home.text).to.contain('تسجيل الخروج (Huda)');
    expect(home.text).to.contain('action="/signout"');
  });

  it('when next points off the site, then the redirect goes to the home page', async () => {
    const { user, password } = await makeAccount('citizen', {}, clock.now());
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '/ok path']) {
      const agent = request.agent(app);
      const { csrf } = await openSignIn(agent, `/signin?next=${encodeURIComponent(next)}`);
      const res = await agent.post('/signin').type('form').send({ _csrf: csrf, email: user.email, password, next });
      expect(res.status, next).to.equal(303);
      expect(res.headers.location, next).to.equal('/');
    }
  });

  it('when the access cookie has expired, then the page renews the session from the refresh cookie without asking', async () => {
    const { user, password } = await makeAccount('citizen', { name: 'Ali' }, clock.now());
    const agent = request.agent(app);
    const { csrf } = await openSignIn(agent);
    await agent.post('/signin').type('form').send({ _csrf: csrf, email: user.email, password });
    clock.advance(16 * 60_000);
    const page = await agent.get('/');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('تسجيل الخروج (Ali)');
    expect(cookieNamed(page, 'tw_at')).to.match(/HttpOnly/);
    expect(cookieNamed(page, 'tw_rt')).to.match(/HttpOnly/);
    const tokens = await RefreshTokenModel.find({ userId: user._id }).sort({ createdAt: 1, _id: 1 }).lean();
    expect(tokens).to.have.length(2);
    expect(tokens[0]!.rotatedAt).to.be.instanceOf(Date);
    expect((await agent.get('/')).text).to.contain('تسجيل الخروج (Ali)'); // the renewed cookies work
  });

  it('when the session cookies are stale or forged, then the page is shown signed out and they are cleared', async () => {
    const res = await request(app).get('/').set('Cookie', ['tw_at=forged.token.value', 'tw_rt=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('data-testid="signin"');
    expect(cookieNamed(res, 'tw_at')).to.match(/Expires=Thu, 01 Jan 1970/);
    expect(cookieNamed(res, 'tw_rt')).to.match(/Expires=Thu, 01 Jan 1970/);
  });

  it('when signing out, then the family is revoked, the cookies are cleared and the header offers sign-in again', async () => {
    const { user, password } = await makeAccount('citizen', { name: 'Noor' }, clock.now());
    const agent = request.agent(app);
    const { csrf } = await openSignIn(agent);
    await agent.post('/signin').type('form').send({ _csrf: csrf, email: user.email, password });
    const home = await agent.get('/');
    const refused = await agent.post('/signout').type('form').send({});
    expect(refused.status).to.equal(403); // CSRF applies to signing out too
    const out = await agent.post('/signout').type('form').send({ _csrf: csrfFrom(home.text) });
    expect(out.status).to.equal(303);
    expect(out.headers.location).to.equal('/');
    expect(cookieNamed(out, 'tw_rt')).to.match(/Expires=Thu, 01 Jan 1970/);
    expect((await RefreshTokenModel.findOne({ userId: user._id }).lean())!.revokedAt).to.be.instanceOf(Date);
    expect((await agent.get('/')).text).to.contain('data-testid="signin"');
  });

  it('when an English visitor registers on the sign-up page, then it redirects to "check your email" and a link is queued in English', async () => {
    const agent = request.agent(app);
    const form = await agent.get('/signup').set('Accept-Language', 'en');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('<h1>Create an account</h1>');
    const email = uniqueEmail('signup');
    expect(form.text).to.not.contain('type="password"'); // chosen on the page the emailed link opens
    const res = await agent.post('/signup').set('Accept-Language', 'en').type('form').send({ _csrf: csrfFrom(form.text), name: 'Jane Doe', email });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/signup/sent');
    expect((await agent.get('/signup/sent').set('Accept-Language', 'en')).text).to.contain('Check your email');
    const { OutboxMessageModel } = await import('../../src/notifications/index.js');
    expect(await OutboxMessageModel.countDocuments({ to: email, template: 'account-verify', language: 'en' })).to.equal(1);
  });

  it('when the sign-up form has a short name and a bad email, then the errors are shown and the values kept', async () => {
    const agent = request.agent(app);
    const form = await agent.get('/signup');
    const res = await agent.post('/signup').type('form').send({ _csrf: csrfFrom(form.text), name: 'س', email: 'not-an-email' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('id="f-name-error"').and.contain('id="f-email-error"');
    expect(res.text).to.contain('value="س"').and.contain('value="not-an-email"');
  });
});

describe('sign-in pages in production', () => {
  it('when signing in over a production configuration, then the cookies are Secure and __Host- prefixed', async () => {
    const clock = new ManualClock('2026-11-27T09:00:00Z');
    const app = makeApp({ clock, config: authTestConfig({ NODE_ENV: 'production' }) });
    const { user, password } = await makeAccount('citizen', {}, clock.now());
    const agent = request.agent(app);
    const page = await agent.get('/signin');
    // The agent would not send Secure cookies back over plain HTTP: pass them by hand.
    const cookies = setCookies(page).map((c) => c.split(';')[0]!);
    const res = await request(app).post('/signin').set('Cookie', cookies).type('form').send({ _csrf: csrfFrom(page.text), email: user.email, password });
    expect(res.status).to.equal(303);
    expect(cookieNamed(res, '__Host-tw_at')).to.match(/; Secure/).and.match(/; HttpOnly/).and.match(/; SameSite=Lax/);
    expect(cookieNamed(res, '__Host-tw_rt')).to.match(/; Secure/);
  });
});
