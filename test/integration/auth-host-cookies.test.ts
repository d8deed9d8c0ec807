/**
 * Every cookie the account pages set (browser session, CSRF, access and refresh) is `__Host-` named in
 * production: the browser then takes it only with Secure, Path=/ and no Domain, so no other host
 * (a subdomain, a plain-HTTP network attacker) can plant or overwrite it. Over plain HTTP in
 * development the names stay plain and are not Secure (a browser would drop them otherwise).
 */
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { OutboxMessageModel } from '../../src/notifications/index.js';
import { ManualClock } from '../../src/shared/clock.js';
import { RefreshTokenModel, UserModel } from '../../src/users/index.js';
import { makeApp } from '../support/app.js';
import { authTestConfig, uniqueEmail } from '../support/accounts.js';
import { csrfFrom } from '../support/pages.js';

interface SetCookie {
  name: string;
  value: string;
  attributes: string[];
  raw: string;
}

function parseSetCookies(res: { headers: Record<string, unknown> }): SetCookie[] {
  const raw = res.headers['set-cookie'];
  return (Array.isArray(raw) ? (raw as string[]) : []).map((line) => {
    const [pair, ...attributes] = line.split(';').map((p) => p.trim());
    const eq = pair!.indexOf('=');
    return { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attributes, raw: line };
  });
}

/**
 * A browser over HTTPS, by hand: supertest's agent would not send Secure cookies back over the test's
 * plain HTTP. Keeps every cookie set, forgets cleared ones, and records each Set-Cookie it saw.
 */
class Browser {
  readonly jar = new Map<string, string>();
  readonly seen: SetCookie[] = [];
  constructor(private readonly app: Express) {}

  private take(res: request.Response): request.Response {
    for (const c of parseSetCookies(res)) {
      this.seen.push(c);
      if (c.attributes.some((a) => /^Expires=Thu, 01 Jan 1970/i.test(a)) || c.value === '') this.jar.delete(c.name);
      else this.jar.set(c.name, c.value);
    }
    return res;
  }

  private cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string): Promise<request.Response> {
    return this.take(await request(this.app).get(path).set('Accept-Language', 'en').set('Cookie', this.cookie()));
  }

  async post(path: string, form: Record<string, string>): Promise<request.Response> {
    return this.take(await request(this.app).post(path).set('Accept-Language', 'en').set('Cookie', this.cookie()).type('form').send(form));
  }
}

/** Signs up, opens the link, chooses a password (signed in), signs out and signs in again. */
async function walkThroughAccountPages(app: Express): Promise<Browser> {
  const browser = new Browser(app);
  const email = uniqueEmail('cookies');
  const signup = await browser.get('/signup');
  expect((await browser.post('/signup', { _csrf: csrfFrom(signup.text), name: 'Cookie Tester', email })).status).to.equal(303);
  const message = await OutboxMessageModel.findOne({ to: email, template: 'account-verify' }).lean();
  const url = new URL((message!.data as { verifyUrl: string }).verifyUrl);

  const page = await browser.get(url.pathname + url.search);
  expect(page.status).to.equal(200);
  const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
  const verified = await browser.post('/verify-email', { _csrf: csrfFrom(page.text), token, name: 'Cookie Tester', password: 'a-long-password' });
  expect(verified.status, verified.text).to.equal(303);
  const done = await browser.get(verified.headers.location as string);
  expect(done.text).to.contain('Sign out (Cookie Tester)'); // the session cookies work

  const out = await browser.post('/signout', { _csrf: csrfFrom(done.text) });
  expect(out.status).to.equal(303);
  const user = await UserModel.findOne({ email }).lean();
  expect((await RefreshTokenModel.findOne({ userId: user!._id }).lean())!.revokedAt).to.be.instanceOf(Date);

  const signin = await browser.get('/signin');
  const res = await browser.post('/signin', { _csrf: csrfFrom(signin.text), email, password: 'a-long-password' });
  expect(res.status).to.equal(303);
  expect((await browser.get('/')).text).to.contain('Sign out (Cookie Tester)');
  return browser;
}

describe('account cookies', () => {
  it('when the account pages run on a production configuration, then every cookie they set is __Host- named, Secure, HttpOnly, Path=/ and has no Domain', async () => {
    const clock = new ManualClock('2026-12-02T08:00:00Z');
    const app = makeApp({ clock, config: authTestConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://tawasul.example.bh' }) });
    const browser = await walkThroughAccountPages(app);

    const names = new Set(browser.seen.map((c) => c.name));
    expect([...names].sort()).to.deep.equal(['__Host-tw-csrf', '__Host-tw_at', '__Host-tw_rt', '__Host-tw_sid']);
    for (const c of browser.seen) {
      expect(c.attributes, c.raw).to.include('Secure').and.include('HttpOnly').and.include('Path=/').and.include('SameSite=Lax');
      expect(c.attributes.some((a) => /^Domain=/i.test(a)), c.raw).to.equal(false);
    }
    // Cleared on sign-out under the same names.
    expect(browser.seen.filter((c) => /^Expires=Thu, 01 Jan 1970/i.test(c.attributes.find((a) => a.startsWith('Expires=')) ?? '')).map((c) => c.name).sort()).to.deep.equal(['__Host-tw_at', '__Host-tw_rt']);
  });

  it('when the account pages run in development over plain HTTP, then the same cookies have plain names and are not Secure', async () => {
    const clock = new ManualClock('2026-12-02T09:00:00Z');
    const app = makeApp({ clock, config: authTestConfig({ NODE_ENV: 'development' }) });
    const browser = await walkThroughAccountPages(app);
    expect([...new Set(browser.seen.map((c) => c.name))].sort()).to.deep.equal(['tw-csrf', 'tw_at', 'tw_rt', 'tw_sid']);
    for (const c of browser.seen) expect(c.attributes, c.raw).to.not.include('Secure');
  });

  it('when a production browser presents only a plain-named session cookie (planted by another host), then it is ignored and the form is refused', async () => {
    const clock = new ManualClock('2026-12-02T10:00:00Z');
    const app = makeApp({ clock, config: authTestConfig({ NODE_ENV: 'production' }) });
    const planted = await request(app).get('/signin').set('Cookie', 'tw_sid=planted-by-a-subdomain');
    const sid = parseSetCookies(planted).find((c) => c.name === '__Host-tw_sid');
    expect(sid, 'a __Host- browser session of its own is set').to.not.equal(undefined);
    const csrfCookie = parseSetCookies(planted).find((c) => c.name === '__Host-tw-csrf')!;
    // The token was bound to the __Host- session: with the planted plain cookie alone it does not pass.
    const res = await request(app)
      .post('/signin')
      .set('Cookie', `tw_sid=planted-by-a-subdomain; __Host-tw-csrf=${csrfCookie.value}`)
      .type('form')
      .send({ _csrf: csrfFrom(planted.text), email: uniqueEmail(), password: 'whatever-password' });
    expect(res.status).to.equal(403);
  });
});
