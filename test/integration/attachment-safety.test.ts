/**
 * Attack-run findings on attachments: dangerous names served and shown as sent, PDFs with active
 * content accepted, and uploads buffered before anyone was checked (twelve anonymous 25 MB uploads
 * grew the process by 300 MB before all answered 404).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { attachmentUpload, configureUploads, storeAttachments, uploadsInProgress } from '../../src/cases/attachments.js';
import { capturingLogger, makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { PDF_MIN, PNG_1PX } from '../support/files.js';
import { csrfFrom, browserWith } from '../support/pages.js';
import { GIF_HTML_POLYGLOT, PDF_ESCAPED_SCRIPT, PDF_LAUNCH, PDF_OPEN_SCRIPT, PDF_PLAIN_COMPRESSED, PDF_SCRIPT_IN_OBJECT_STREAM, RLO_NAME } from '../support/risky-files.js';
import { makeUser } from '../support/staff.js';

const INVISIBLE = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const storedFiles = (): Promise<number> => mongoose.connection.db!.collection('attachments.files').countDocuments();

async function newCase(app: ReturnType<typeof makeApp>): Promise<{ reference: string; token: string }> {
  const res = await request(app).post('/api/v1/cases').send(caseBody());
  expect(res.status).to.equal(201);
  return { reference: res.body.reference, token: res.body.trackingToken };
}

/** Counts how often multer is asked to parse a body (receiveAttachments asks it once per request it reads). */
function spyOnMulter(): { calls: () => number; restore: () => void } {
  const original = attachmentUpload.array.bind(attachmentUpload);
  let calls = 0;
  attachmentUpload.array = ((...args: Parameters<typeof original>) => {
    calls++;
    return original(...args);
  }) as typeof attachmentUpload.array;
  return { calls: () => calls, restore: () => void (attachmentUpload.array = original) };
}

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A multipart upload that announces `declared` bytes and sends only `sent` of them, then waits:
 * `finish()` sends the rest. `answer` settles when the server responds, whether or not it read the body.
 */
function slowUpload(port: number, path: string, headers: Record<string, string>, declared: number, sent: number) {
  const boundary = `----b${crypto.randomBytes(6).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const fill = declared - head.length - tail.length;
  const body = Buffer.concat([head, PNG_1PX, Buffer.alloc(fill - PNG_1PX.length), tail]);
  const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { ...headers, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(body.length) } });
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, sent));
  return {
    answer,
    finish: () => req.end(body.subarray(sent)),
    abort: () => req.destroy(),
    closed: new Promise<void>((resolve) => req.on('close', () => resolve())),
  };
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_r, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms))]);

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('attachment names and contents', () => {
  const app = makeApp();

  it('when a GIF/HTML polyglot named with a right-to-left override and .hta is uploaded, then it is kept, served and shown as evidencefig.gif', async () => {
    const { reference, token } = await newCase(app);
    const res = await request(app).post(`/api/v1/cases/${reference}/attachments`).set('X-Tracking-Token', token).attach('attachments', GIF_HTML_POLYGLOT, { filename: RLO_NAME, contentType: 'application/hta' });
    expect(res.status).to.equal(201);
    expect(res.body.attachments.map((a: { filename: string; contentType: string }) => [a.filename, a.contentType])).to.deep.equal([['evidencefig.gif', 'image/gif']]);
    const stored = (await CaseModel.findOne({ reference }).lean())!;
    expect(stored.attachments.map((a) => a.filename)).to.deep.equal(['evidencefig.gif']);
    expect(stored.history.find((h) => h.event === 'attachment_added')!.note).to.equal('evidencefig.gif');

    const download = await request(app).get(`/api/v1/cases/${reference}/attachments/${res.body.attachments[0].id}`).set('X-Tracking-Token', token).buffer(true);
    expect(download.status).to.equal(200);
    expect(download.headers['content-type']).to.equal('image/gif');
    expect(download.headers['content-disposition']).to.equal(`attachment; filename="evidencefig.gif"; filename*=UTF-8''evidencefig.gif`);
    expect(download.headers['x-content-type-options']).to.equal('nosniff');

    const officer = await makeUser('supervisor', stored.agency!);
    const page = await browserWith(app, officer.token).get(`/work/cases/${reference}`).set('Accept-Language', 'en');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<bdi dir="ltr">evidencefig.gif</bdi>');
    expect(page.text).to.contain('Files added: evidencefig.gif');
    expect(page.text).not.to.match(INVISIBLE);
    expect(page.text).not.to.contain('.hta');
  });

  it('when a PNG named report.html is uploaded, then it is stored and served as report.png', async () => {
    const { reference, token } = await newCase(app);
    const res = await request(app).post(`/api/v1/cases/${reference}/attachments`).set('X-Tracking-Token', token).attach('attachments', PNG_1PX, { filename: 'report.html', contentType: 'text/html' });
    expect(res.status).to.equal(201);
    expect(res.body.attachments[0].filename).to.equal('report.png');
    const download = await request(app).get(`/api/v1/cases/${reference}/attachments/${res.body.attachments[0].id}`).set('X-Tracking-Token', token).buffer(true);
    expect(download.headers['content-disposition']).to.equal(`attachment; filename="report.png"; filename*=UTF-8''report.png`);
    expect(download.headers['content-type']).to.equal('image/png');
  });

  it('when a name stored before these rules holds a bidi override and another extension, then it is served and shown without them', async () => {
    const { reference, token } = await newCase(app);
    const [file] = await storeAttachments([{ filename: 'x.gif', contentType: 'image/gif', buffer: GIF_HTML_POLYGLOT }], new Date());
    await CaseModel.updateOne(
      { reference },
      { $push: { attachments: { ...file!, filename: RLO_NAME }, history: { at: new Date(), actor: { kind: 'citizen' }, event: 'attachment_added', note: RLO_NAME, visibility: 'public' } } },
    );
    const id = (await CaseModel.findOne({ reference }).lean())!.attachments[0]!._id.toString();
    const download = await request(app).get(`/api/v1/cases/${reference}/attachments/${id}`).set('X-Tracking-Token', token).buffer(true);
    expect(download.headers['content-disposition']).to.equal(`attachment; filename="evidencefig.gif"; filename*=UTF-8''evidencefig.gif`);

    const citizen = request.agent(app);
    await citizen.get(`/track?reference=${reference}&token=${token}`);
    const page = await citizen.get(`/cases/${reference}`).set('Accept-Language', 'en');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<bdi dir="ltr">evidencefig.hta</bdi>');
    expect(page.text).to.contain('Files added: evidencefig.hta');
    expect(page.text).not.to.match(INVISIBLE);
  });

  for (const [what, pdf] of [
    ['an open action running a script', PDF_OPEN_SCRIPT],
    ['the same names written in #xx escapes', PDF_ESCAPED_SCRIPT],
    ['a page action launching a program', PDF_LAUNCH],
    ['a script hidden in a compressed object stream', PDF_SCRIPT_IN_OBJECT_STREAM],
  ] as const) {
    it(`when a PDF with ${what} is uploaded, then it is 400 PDF_ACTIVE_CONTENT and nothing is stored`, async () => {
      const { reference, token } = await newCase(app);
      const before = await storedFiles();
      const res = await request(app).post(`/api/v1/cases/${reference}/attachments`).set('X-Tracking-Token', token).set('Accept-Language', 'en').attach('attachments', pdf, 'invoice.pdf');
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
      expect(res.body.error.details).to.deep.equal([
        { field: 'attachments[0]', code: 'PDF_ACTIVE_CONTENT', message: '“invoice.pdf” is a PDF that contains scripts or automatic actions, so it is not accepted. Save or print it again as a plain PDF, or attach a photo of it.' },
      ]);
      expect((await CaseModel.findOne({ reference }).lean())!.attachments).to.have.length(0);
      expect(await storedFiles()).to.equal(before);
    });
  }

  it('when a plain PDF with compressed objects is uploaded, then it is accepted', async () => {
    const { reference, token } = await newCase(app);
    const res = await request(app).post(`/api/v1/cases/${reference}/attachments`).set('X-Tracking-Token', token).attach('attachments', PDF_PLAIN_COMPRESSED, 'statement.PDF');
    expect(res.status).to.equal(201);
    expect(res.body.attachments[0]).to.include({ filename: 'statement.pdf', contentType: 'application/pdf' });
  });

  describe('the filing form and the case page', () => {
    const idempotencyFrom = (html: string): string => /name="idempotencyKey" value="([^"]+)"/.exec(html)![1]!;
    const fill = (agent: ReturnType<typeof request.agent>, html: string, email: string) =>
      agent
        .post('/cases/new')
        .set('Accept-Language', 'en')
        .field('_csrf', csrfFrom(html))
        .field('idempotencyKey', idempotencyFrom(html))
        .field('type', 'complaint')
        .field('category', 'STREET_LIGHTING')
        .field('area', 'SITRA')
        .field('description', 'The street light has been broken for a week.')
        .field('contact_name', 'Ali')
        .field('contact_email', email);

    it('when a case is filed with a polyglot named .hta and a PNG named .html, then they are kept as .gif and .png', async () => {
      const agent = request.agent(app);
      const form = await agent.get('/cases/new');
      const email = `att-${crypto.randomBytes(4).toString('hex')}@example.bh`;
      const posted = await fill(agent, form.text, email).attach('attachments', GIF_HTML_POLYGLOT, { filename: RLO_NAME, contentType: 'application/hta' }).attach('attachments', PNG_1PX, { filename: 'report.html', contentType: 'text/html' });
      expect(posted.status).to.equal(303);
      const stored = (await CaseModel.findOne({ contactEmail: email }).lean())!;
      expect(stored.attachments.map((a) => [a.filename, a.contentType])).to.deep.equal([
        ['evidencefig.gif', 'image/gif'],
        ['report.png', 'image/png'],
      ]);
    });

    it('when a case is filed with a PDF that runs a script, then the form says so beside the field and nothing is stored', async () => {
      const agent = request.agent(app);
      const form = await agent.get('/cases/new');
      const email = `att-${crypto.randomBytes(4).toString('hex')}@example.bh`;
      const before = await storedFiles();
      const res = await fill(agent, form.text, email).attach('attachments', PDF_OPEN_SCRIPT, 'bill.pdf');
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('id="f-attachments-error"');
      expect(res.text).to.contain('is a PDF that contains scripts or automatic actions');
      expect(await CaseModel.countDocuments({ contactEmail: email })).to.equal(0);
      expect(await storedFiles()).to.equal(before);
    });

    it('when the citizen adds a PDF that runs a script on the case page, then it is refused there and nothing is added', async () => {
      const { reference, token } = await newCase(app);
      const agent = request.agent(app);
      await agent.get(`/track?reference=${reference}&token=${token}`);
      const page = await agent.get(`/cases/${reference}`);
      const res = await agent.post(`/cases/${reference}/messages`).set('Accept-Language', 'en').field('_csrf', csrfFrom(page.text)).field('message', 'Here is the bill.').attach('attachments', PDF_LAUNCH, 'bill.pdf');
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('is a PDF that contains scripts or automatic actions');
      expect((await CaseModel.findOne({ reference }).lean())!.attachments).to.have.length(0);
      const ok = await agent.post(`/cases/${reference}/messages`).field('_csrf', csrfFrom(page.text)).field('message', 'Here is the bill.').attach('attachments', PDF_MIN, 'bill.pdf');
      expect(ok.status).to.equal(303);
    });
  });
});

describe('uploads are received only for whoever may add to the case, a few at a time', () => {
  const captured = capturingLogger();
  const app = makeApp({ logger: captured.logger });
  let server: http.Server;
  let port: number;
  before(async () => {
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterEach(() => configureUploads());

  const logged = (code: string) => captured.lines().filter((l) => l.code === code);

  it('when someone without the tracking token sends 20 MB to a case, then it is 404 before the body is read, and multer never runs', async () => {
    const { reference } = await newCase(app);
    const spy = spyOnMulter();
    const before = await storedFiles();
    try {
      for (const headers of [{}, { 'X-Tracking-Token': 'not-the-token-of-this-case' }] as Record<string, string>[]) {
        const upload = slowUpload(port, `/api/v1/cases/${reference}/attachments`, headers, 20 * 1024 * 1024, 64 * 1024);
        const answer = await within(upload.answer, 3000, 'the server waited for the body');
        upload.abort();
        expect(answer.status).to.equal(404);
        expect(JSON.parse(answer.body).error.code).to.equal('CASE_NOT_FOUND');
      }
      expect(spy.calls()).to.equal(0);
    } finally {
      spy.restore();
    }
    expect(await storedFiles()).to.equal(before);
    expect((await CaseModel.findOne({ reference }).lean())!.attachments).to.have.length(0);
    expect(logged('CASE_NOT_FOUND').length).to.be.at.least(2);
    await until(() => uploadsInProgress() === 0);
  });

  it('when six files of 5 MB are sent without the token, then it is 404, not a complaint about the files', async () => {
    const { reference } = await newCase(app);
    const spy = spyOnMulter();
    try {
      let req = request(app).post(`/api/v1/cases/${reference}/attachments`);
      for (let i = 0; i < 6; i++) req = req.attach('attachments', Buffer.concat([PNG_1PX, Buffer.alloc(5 * 1024 * 1024)]), `p${i}.png`);
      const res = await req.catch((err: { response?: request.Response }) => err.response!);
      expect(res.status).to.equal(404);
      expect(res.body.error.code).to.equal('CASE_NOT_FOUND');
      expect(spy.calls()).to.equal(0);
    } finally {
      spy.restore();
    }
  });

  it('when a browser without the case cookie posts files to the case page, then it is 404 before the body is read', async () => {
    const { reference } = await newCase(app);
    const spy = spyOnMulter();
    try {
      const upload = slowUpload(port, `/cases/${reference}/messages`, {}, 10 * 1024 * 1024, 64 * 1024);
      const answer = await within(upload.answer, 3000, 'the server waited for the body');
      upload.abort();
      expect(answer.status).to.equal(404);
      expect(answer.body).to.contain('data-code="CASE_NOT_FOUND"');
      expect(spy.calls()).to.equal(0);
    } finally {
      spy.restore();
    }
  });

  it('when the owner declares a body larger than every limit together, then it is 413 at once', async () => {
    const { reference, token } = await newCase(app);
    const upload = slowUpload(port, `/api/v1/cases/${reference}/attachments`, { 'X-Tracking-Token': token }, 40 * 1024 * 1024, 64 * 1024);
    const answer = await within(upload.answer, 3000, 'the server waited for the body');
    upload.abort();
    expect(answer.status).to.equal(413);
    expect(JSON.parse(answer.body).error.code).to.equal('PAYLOAD_TOO_LARGE');
  });

  it('when the uploads a process takes at once are all under way, then another is 503 UPLOADS_BUSY with Retry-After, and it goes through once a slot is free', async () => {
    configureUploads({ concurrency: 1, retryAfterSeconds: 7 });
    const first = await newCase(app);
    const second = await newCase(app);
    const slow = slowUpload(port, `/api/v1/cases/${first.reference}/attachments`, { 'X-Tracking-Token': first.token }, 1024 * 1024, 64 * 1024);
    await until(() => uploadsInProgress() === 1);

    const before = await storedFiles();
    const busy = await request(app).post(`/api/v1/cases/${second.reference}/attachments`).set('X-Tracking-Token', second.token).set('Accept-Language', 'en').attach('attachments', PNG_1PX, 'a.png');
    expect(busy.status).to.equal(503);
    expect(busy.body.error.code).to.equal('UPLOADS_BUSY');
    expect(busy.body.error.message).to.equal('Too many files are being sent to us right now, so yours were not received. Try again in a few seconds.');
    expect(busy.headers['retry-after']).to.equal('7');
    expect(await storedFiles()).to.equal(before);
    expect((await CaseModel.findOne({ reference: second.reference }).lean())!.attachments).to.have.length(0);
    expect(logged('UPLOADS_BUSY')).to.have.length(1);
    // A warning, not an error: the service shed load as designed.
    expect(logged('UPLOADS_BUSY')[0]!.level).to.equal(40);

    // A refusal before the slots are even asked for takes none.
    expect((await request(app).post(`/api/v1/cases/${second.reference}/attachments`).attach('attachments', PNG_1PX, 'a.png')).status).to.equal(404);

    slow.finish();
    const done = await within(slow.answer, 5000, 'the slow upload');
    expect(done.status).to.equal(201);
    await until(() => uploadsInProgress() === 0);
    const after = await request(app).post(`/api/v1/cases/${second.reference}/attachments`).set('X-Tracking-Token', second.token).attach('attachments', PNG_1PX, 'a.png');
    expect(after.status).to.equal(201);
    expect(uploadsInProgress()).to.equal(0);
  });

  it('when an upload does not arrive within the deadline, then its connection is closed and its slot freed', async () => {
    configureUploads({ concurrency: 1, deadlineMs: 300 });
    const { reference, token } = await newCase(app);
    const before = await storedFiles();
    const slow = slowUpload(port, `/api/v1/cases/${reference}/attachments`, { 'X-Tracking-Token': token }, 1024 * 1024, 64 * 1024);
    slow.answer.catch(() => undefined); // the server hangs up: no answer
    await until(() => uploadsInProgress() === 1);
    await within(slow.closed, 3000, 'the server kept the stalled upload');
    await until(() => uploadsInProgress() === 0);
    expect(logged('UPLOAD_TOO_SLOW')).to.have.length(1);
    expect(await storedFiles()).to.equal(before);
    const next = await request(app).post(`/api/v1/cases/${reference}/attachments`).set('X-Tracking-Token', token).attach('attachments', PNG_1PX, 'a.png');
    expect(next.status).to.equal(201);
  });
});
