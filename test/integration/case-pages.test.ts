import crypto from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { csrfFrom } from '../support/pages.js';
import { makeApp, testConfig } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { HTML_AS_PNG, PDF_MIN, PNG_1PX } from '../support/files.js';


function idempotencyFrom(html: string): string {
  return /name="idempotencyKey" value="([^"]+)"/.exec(html)![1]!;
}

const uniqueEmail = () => `page-${crypto.randomBytes(4).toString('hex')}@example.bh`;

describe('citizen pages', () => {
  const app = makeApp();

  describe('the "file a case" form', () => {
    it('when opened, then it is Arabic, offers the categories in plain-word groups with "I don\'t know", and carries a CSRF token', async () => {
      const res = await request(app).get('/cases/new');
      expect(res.status).to.equal(200);
      expect(res.text).to.contain('<html lang="ar" dir="rtl">');
      expect(res.text.match(/<optgroup /g)).to.have.length(6 + 4); // 6 category groups, 4 municipalities
      expect(res.text).to.contain('<option value="">لا أعرف</option>');
      expect(res.text).to.contain('label="الكهرباء والماء"');
      expect(res.text).to.contain('enctype="multipart/form-data"');
      csrfFrom(res.text);
      expect(String(res.headers['set-cookie'])).to.contain('tw_sid=');
    });

    it('when posted without a CSRF token, then it is refused with 403 CSRF_INVALID and nothing is stored', async () => {
      const email = uniqueEmail();
      const res = await request(app).post('/cases/new').set('Accept-Language', 'en').type('form').send({ type: 'complaint', description: 'A long enough description.', contact_name: 'Ali', contact_email: email });
      expect(res.status).to.equal(403);
      expect(res.text).to.contain('data-code="CSRF_INVALID"');
      expect(await CaseModel.countDocuments({ contactEmail: email })).to.equal(0);
    });

    it('when posted with a token from another browser, then it is refused', async () => {
      const other = request.agent(app);
      const token = csrfFrom((await other.get('/cases/new')).text);
      const agent = request.agent(app);
      await agent.get('/cases/new');
      const res = await agent.post('/cases/new').type('form').send({ _csrf: token, type: 'complaint', description: 'A long enough description.', contact_name: 'Ali', contact_email: uniqueEmail() });
      expect(res.status).to.equal(403);
    });

    it('when fields are wrong, then the errors show beside them in the page language and the input is kept', async () => {
      const agent = request.agent(app);
      const form = await agent.get('/cases/new');
      const res = await agent
        .post('/cases/new')
        .field('_csrf', csrfFrom(form.text))
        .field('type', 'complaint')
        .field('description', 'قصير')
        .field('title', 'إنارة <b>معطلة</b>')
        .field('contact_name', 'فاطمة')
        .field('contact_email', 'not-an-email');
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('class="error-summary"');
      expect(res.text).to.contain('id="f-description-error"');
      expect(res.text).to.contain('يجب ألا يقل الوصف عن 10 حروف.');
      expect(res.text).to.contain('id="f-contact-email-error"');
      expect(res.text).to.contain('>قصير</textarea>');
      expect(res.text).to.contain('value="فاطمة"');
      expect(res.text).to.contain('value="إنارة &lt;b&gt;معطلة&lt;/b&gt;"'); // kept, and escaped
      expect(res.text).to.contain('value="complaint" checked');
    });

    it('when a file is not an image or PDF whatever its name, then the form says so and nothing is stored', async () => {
      const agent = request.agent(app);
      const form = await agent.get('/cases/new');
      const email = uniqueEmail();
      const res = await agent
        .post('/cases/new')
        .set('Accept-Language', 'en')
        .field('_csrf', csrfFrom(form.text))
        .field('type', 'complaint')
        .field('description', 'The street light has been broken for a week.')
        .field('contact_name', 'Ali')
        .field('contact_email', email)
        .attach('attachments', HTML_AS_PNG, { filename: 'photo.png', contentType: 'image/png' });
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('id="f-attachments-error"');
      expect(res.text).to.contain('is not an image or a PDF');
      expect(await CaseModel.countDocuments({ contactEmail: email })).to.equal(0);
    });

    it('when a valid case with a photo is sent, then it redirects to a confirmation that shows the reference and token once', async () => {
      const agent = request.agent(app);
      const form = await agent.get('/cases/new');
      const email = uniqueEmail();
      const posted = await agent
        .post('/cases/new')
        .field('_csrf', csrfFrom(form.text))
        .field('idempotencyKey', idempotencyFrom(form.text))
        .field('type', 'complaint')
        .field('category', 'STREET_LIGHTING')
        .field('area', 'SITRA')
        .field('description', 'إنارة الشارع معطلة منذ أسبوع قرب المدرسة.')
        .field('contact_name', 'فاطمة علي')
        .field('contact_email', email)
        .attach('attachments', PNG_1PX, { filename: 'عمود.png', contentType: 'image/png' });
      expect(posted.status).to.equal(303);
      expect(posted.headers.location).to.equal('/cases/filed');

      const confirmation = await agent.get('/cases/filed');
      expect(confirmation.status).to.equal(200);
      const reference = /data-testid="reference">([^<]+)</.exec(confirmation.text)![1]!;
      const token = /data-testid="tracking-token"><code>([^<]+)</.exec(confirmation.text)![1]!;
      expect(confirmation.text).to.contain('أُحيل طلبك إلى وزارة الأشغال.');
      const stored = await CaseModel.findOne({ reference }).lean();
      expect(stored!.contactEmail).to.equal(email);
      expect(stored!.agency).to.equal('WORKS');
      expect(stored!.attachments.map((a) => [a.filename, a.contentType])).to.deep.equal([['عمود.png', 'image/png']]);

      const again = await agent.get('/cases/filed');
      expect(again.status).to.equal(303); // the token is shown once
      expect(again.text).not.to.contain(token);

      const page = await agent.get(`/cases/${reference}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('data-testid="status">لدى الجهة المختصة<');
      expect(page.text).to.contain('تم استلام الطلب');
      const link = /href="(\/cases\/[^"]+\/attachments\/[0-9a-f]{24})"/.exec(page.text)![1]!;
      const download = await agent.get(link).buffer(true);
      expect(download.status).to.equal(200);
      expect(download.headers['content-type']).to.equal('image/png');
      expect(download.headers['content-disposition']).to.match(/^attachment;/);
      expect(download.headers['x-content-type-options']).to.equal('nosniff');
      expect(Buffer.compare(download.body as Buffer, PNG_1PX)).to.equal(0);

      expect((await request(app).get(`/cases/${reference}`)).status).to.equal(404); // another browser, no token
      expect((await request(app).get(link)).status).to.equal(404);
    });

    it('when the same form is sent twice (a double click), then one case is stored', async () => {
      const agent = request.agent(app);
      const form = await agent.get('/cases/new');
      const email = uniqueEmail();
      const fields = {
        _csrf: csrfFrom(form.text),
        idempotencyKey: idempotencyFrom(form.text),
        type: 'suggestion',
        description: 'Please plant shade trees along the main road.',
        contact_name: 'Ali',
        contact_email: email,
      };
      const first = await agent.post('/cases/new').type('form').send(fields);
      const second = await agent.post('/cases/new').type('form').send(fields);
      expect([first.status, second.status]).to.deep.equal([303, 303]);
      expect(await CaseModel.countDocuments({ contactEmail: email })).to.equal(1);
    });
  });

  describe('tracking', () => {
    let reference: string;
    let token: string;
    before(async () => {
      const res = await request(app).post('/api/v1/cases').send(caseBody({ category: 'POWER_OUTAGE', area: undefined }));
      reference = res.body.reference;
      token = res.body.trackingToken;
    });

    it('when the email link is followed, then the token moves into a cookie and the address no longer has it', async () => {
      const agent = request.agent(app);
      const res = await agent.get(`/track?reference=${reference}&token=${token}`);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${reference}`);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).to.contain(`trk_${reference}=`).and.contain('HttpOnly');
      expect(cookie).not.to.contain(token);
      const page = await agent.get(`/cases/${reference}`).set('Accept-Language', 'en');
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Electricity and Water Authority');
    });

    it('when the form is used with a wrong token, then the page says it was not found', async () => {
      const agent = request.agent(app);
      const form = await agent.get('/track').set('Accept-Language', 'en');
      const res = await agent.post('/track').set('Accept-Language', 'en').type('form').send({ _csrf: csrfFrom(form.text), reference, token: 'wrong-token' });
      expect(res.status).to.equal(404);
      expect(res.text).to.contain('We could not find a case with this reference and tracking code.');
      expect(res.text).to.contain(`value="${reference}"`);
    });

    it('when the form is used with the right token and a loosely typed reference, then the case opens', async () => {
      const agent = request.agent(app);
      const form = await agent.get('/track');
      const res = await agent.post('/track').type('form').send({ _csrf: csrfFrom(form.text), reference: ` ${reference.toLowerCase()} `, token });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/cases/${reference}`);
    });

    it('when the citizen adds information on the case page, then it joins the timeline', async () => {
      const agent = request.agent(app);
      await agent.get(`/track?reference=${reference}&token=${token}`);
      const page = await agent.get(`/cases/${reference}`);
      const res = await agent.post(`/cases/${reference}/messages`).field('_csrf', csrfFrom(page.text)).field('message', 'The outage now covers the whole street.').attach('attachments', PDF_MIN, { filename: 'bill.pdf', contentType: 'application/pdf' });
      expect(res.status).to.equal(303);
      const after = await agent.get(`/cases/${reference}`).set('Accept-Language', 'en');
      expect(after.text).to.contain('The outage now covers the whole street.');
      expect(after.text).to.contain('Files added: bill.pdf');
    });
  });
});

describe('attachments over the API', () => {
  const app = makeApp();
  let reference: string;
  let token: string;
  beforeEach(async () => {
    const res = await request(app).post('/api/v1/cases').send(caseBody());
    reference = res.body.reference;
    token = res.body.trackingToken;
  });

  it('when the owner uploads an image, then it is listed and downloads as an attachment', async () => {
    const res = await request(app).post(`/api/v1/cases/${reference}/attachments`).set('X-Tracking-Token', token).attach('attachments', PNG_1PX, 'a.png');
    expect(res.status).to.equal(201);
    expect(res.body.attachments).to.have.length(1);
    const { id } = res.body.attachments[0];
    const download = await request(app).get(`/api/v1/cases/${reference}/attachments/${id}`).set('X-Tracking-Token', token).buffer(true);
    expect(download.status).to.equal(200);
    expect(download.headers['content-disposition']).to.match(/^attachment;/);
    expect((await request(app).get(`/api/v1/cases/${reference}/attachments/${id}`)).status).to.equal(404);
  });

  it('when six files are sent, then it is 400 TOO_MANY_FILES and none is added', async () => {
    let req = request(app).post(`/api/v1/cases/${reference}/attachments`).set('X-Tracking-Token', token);
    for (let i = 0; i < 6; i++) req = req.attach('attachments', PNG_1PX, `p${i}.png`);
    const res = await req;
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0].code).to.equal('TOO_MANY_FILES');
    expect((await CaseModel.findOne({ reference }).lean())!.attachments).to.have.length(0);
  });

  it('when a file is over 5 MB, then it is 400 FILE_TOO_LARGE', async () => {
    const big = Buffer.concat([PNG_1PX, Buffer.alloc(5 * 1024 * 1024)]);
    const res = await request(app).post(`/api/v1/cases/${reference}/attachments`).set('X-Tracking-Token', token).attach('attachments', big, 'big.png');
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0].code).to.equal('FILE_TOO_LARGE');
  });

  it('when HTML is sent under an image name, then it is refused by its content', async () => {
    const res = await request(app).post(`/api/v1/cases/${reference}/attachments`).set('X-Tracking-Token', token).attach('attachments', HTML_AS_PNG, { filename: 'x.png', contentType: 'image/png' });
    expect(res.status).to.equal(400);
    expect(res.body.error.details[0].code).to.equal('UNSUPPORTED_FILE_TYPE');
  });

  it('when someone without the token uploads, then it is 404', async () => {
    const res = await request(app).post(`/api/v1/cases/${reference}/attachments`).attach('attachments', PNG_1PX, 'a.png');
    expect(res.status).to.equal(404);
  });
});

describe('the page cookies that carry a tracking token', () => {
  /** Set-Cookie lines by cookie name. */
  const setCookies = (res: request.Response): Map<string, string> => {
    const raw = res.headers['set-cookie'] as unknown;
    return new Map((Array.isArray(raw) ? (raw as string[]) : []).map((line) => [line.slice(0, line.indexOf('=')), line]));
  };
  const pair = (line: string): string => line.split(';')[0]!;

  it('when the site runs in production, then trk_<reference> and tw_filed are __Secure- named and Secure, and plain-named ones are ignored', async () => {
    const app = makeApp({ config: testConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://tawasul.example.bh' }) });
    const filed = await request(app).post('/api/v1/cases').send(caseBody());
    const { reference, trackingToken } = filed.body as { reference: string; trackingToken: string };

    const followed = await request(app).get(`/track?reference=${reference}&token=${trackingToken}`);
    expect(followed.status).to.equal(303);
    const track = setCookies(followed).get(`__Secure-trk_${reference}`);
    expect(track, [...setCookies(followed).keys()].join(', ')).to.be.a('string');
    expect(track).to.match(/; Secure/).and.match(/; HttpOnly/).and.match(/; Path=\/cases\//);
    expect(setCookies(followed).has(`trk_${reference}`)).to.equal(false);
    expect((await request(app).get(`/cases/${reference}`).set('Cookie', pair(track!))).status).to.equal(200);
    expect((await request(app).get(`/cases/${reference}`).set('Cookie', pair(track!).replace('__Secure-', ''))).status).to.equal(404);

    // Filing from the form: the confirmation cookie (the browser session and CSRF cookies are __Host-, by hand: they are Secure).
    const form = await request(app).get('/cases/new');
    const jar = [...setCookies(form).values()].map(pair).join('; ');
    const posted = await request(app)
      .post('/cases/new')
      .set('Cookie', jar)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), idempotencyKey: idempotencyFrom(form.text), type: 'complaint', category: 'STREET_LIGHTING', area: 'SITRA', description: 'إنارة الشارع معطلة منذ أسبوع قرب المدرسة.', contact_name: 'فاطمة علي', contact_email: uniqueEmail() });
    expect(posted.status, posted.text.slice(0, 300)).to.equal(303);
    const flash = setCookies(posted).get('__Secure-tw_filed');
    expect(flash, [...setCookies(posted).keys()].join(', ')).to.be.a('string');
    expect(flash).to.match(/; Secure/).and.match(/; HttpOnly/).and.match(/; Path=\/cases\/filed/);
    expect(setCookies(posted).has('tw_filed')).to.equal(false);
    const planted = await request(app).get('/cases/filed').set('Cookie', pair(flash!).replace('__Secure-', ''));
    expect(planted.status).to.equal(303); // a plain-named one is not read
    const confirmation = await request(app).get('/cases/filed').set('Cookie', pair(flash!));
    expect(confirmation.status).to.equal(200);
    const cleared = setCookies(confirmation).get('__Secure-tw_filed');
    expect(cleared).to.match(/Expires=Thu, 01 Jan 1970/).and.match(/; Secure/);
  });

  it('when the site runs in development, then the names are plain and not Secure (plain HTTP)', async () => {
    const app = makeApp({ config: testConfig({ NODE_ENV: 'development' }) });
    const filed = await request(app).post('/api/v1/cases').send(caseBody());
    const { reference, trackingToken } = filed.body as { reference: string; trackingToken: string };
    const followed = await request(app).get(`/track?reference=${reference}&token=${trackingToken}`);
    expect([filed.status, followed.status]).to.deep.equal([201, 303]);
    const track = setCookies(followed).get(`trk_${reference}`);
    expect(track).to.be.a('string');
    expect(track).not.to.match(/; Secure/);
    expect((await request(app).get(`/cases/${reference}`).set('Cookie', pair(track!))).status).to.equal(200);
  });
});
