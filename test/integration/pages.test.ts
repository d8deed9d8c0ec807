import { expect } from 'chai';
import request from 'supertest';
import { makeApp, testConfig } from '../support/app.js';

describe('page shell', () => {
  it('when the home page is asked for with no language, then it is Arabic and right-to-left', async () => {
    const res = await request(makeApp()).get('/');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('<html lang="ar" dir="rtl">');
    expect(res.text).to.contain('تواصل');
    expect(res.text).to.contain('href="/lang/en?next=%2F"');
  });

  it('when the browser prefers English, then the home page is English and left-to-right', async () => {
    const res = await request(makeApp()).get('/').set('Accept-Language', 'en-GB,en;q=0.9');
    expect(res.text).to.contain('<html lang="en" dir="ltr">');
    expect(res.text).to.contain('Tell the government what needs fixing');
  });

  it('when the home page renders, then it has landmarks, a skip link and the stylesheet from the app', async () => {
    const res = await request(makeApp()).get('/');
    expect(res.status).to.equal(200);
    for (const piece of ['<header class="site-header" role="banner">', '<main id="main"', '<footer class="site-footer" role="contentinfo">', 'class="skip-link" href="#main"', '<nav aria-label=', 'href="/static/css/app.css"']) {
      expect(res.text).to.contain(piece);
    }
    expect(res.text).not.to.match(/https?:\/\/(?!localhost)[a-z]/i); // nothing from a CDN
  });

  it('when the language is switched, then a cookie keeps the choice and the browser goes back where it was', async () => {
    const agent = request.agent(makeApp());
    const switched = await agent.get('/lang/en?next=/some/page');
    expect(switched.status).to.equal(303);
    expect(switched.headers.location).to.equal('/some/page');
    expect(String(switched.headers['set-cookie'])).to.match(/lang=en;.*HttpOnly.*SameSite=Lax/i);
    const home = await agent.get('/').set('Accept-Language', 'ar');
    expect(home.text).to.contain('<html lang="en" dir="ltr">');
  });

  it('when the language is switched on a production configuration, then the cookie is __Host-lang (Secure, Path=/, no Domain), and only that name is read', async () => {
    const app = makeApp({ config: testConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://tawasul.example.bh' }) });
    const switched = await request(app).get('/lang/en?next=/');
    expect(switched.status).to.equal(303);
    const cookie = String(switched.headers['set-cookie']);
    expect(cookie).to.match(/^__Host-lang=en;/);
    expect(cookie).to.match(/; Secure/i).and.match(/; Path=\//i).and.match(/HttpOnly/i);
    expect(cookie).not.to.match(/Domain=/i);
    const withHost = await request(app).get('/').set('Cookie', '__Host-lang=en').set('Accept-Language', 'ar');
    expect(withHost.status).to.equal(200);
    expect(withHost.text).to.contain('<html lang="en" dir="ltr">');
    // A plain-named cookie (another host under the same domain can set one) is not the choice.
    const planted = await request(app).get('/').set('Cookie', 'lang=en').set('Accept-Language', 'ar');
    expect(planted.status).to.equal(200);
    expect(planted.text).to.contain('<html lang="ar" dir="rtl">');
  });

  it('when the switch is given an outside address to go back to, then it goes home instead', async () => {
    for (const next of ['//evil.example', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      const res = await request(makeApp()).get(`/lang/ar?next=${encodeURIComponent(next)}`);
      expect(res.headers.location, next).to.equal('/');
    }
  });

  it('when the stylesheet is asked for, then the app serves it', async () => {
    const res = await request(makeApp()).get('/static/css/app.css');
    expect(res.status).to.equal(200);
    expect(res.type).to.equal('text/css');
    expect(res.text).to.contain('inset-inline-start');
  });

  it('when a page is served, then it carries a content security policy without unsafe-inline', async () => {
    const res = await request(makeApp()).get('/');
    expect(res.status).to.equal(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).to.contain("default-src 'self'");
    expect(csp).not.to.contain('unsafe-inline');
  });
});
