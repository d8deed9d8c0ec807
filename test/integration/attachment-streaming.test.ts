/**
 * Uploads are streamed into GridFS, not buffered: four files of 5 MB in one request do not grow
 * the process by their size (multer's memoryStorage held all 20 MB until the answer), and a file
 * refused on the way (too large, wrong type, active PDF) leaves neither a GridFS file nor chunks.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { uploadsInProgress } from '../../src/cases/attachments.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { PNG_1PX } from '../support/files.js';
import { PDF_OPEN_SCRIPT } from '../support/risky-files.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const count = (name: string): Promise<number> => mongoose.connection.db!.collection(name).countDocuments();
const stored = async (): Promise<{ files: number; chunks: number }> => ({ files: await count('attachments.files'), chunks: await count('attachments.chunks') });

/** A PNG of `bytes` bytes: the real header, then zeros. */
const bigPng = (bytes: number): Buffer => Buffer.concat([PNG_1PX, Buffer.alloc(bytes - PNG_1PX.length)]);

/** Posts files as multipart from buffers made beforehand, in 64 KB writes with back-pressure. */
function postFiles(port: number, path: string, token: string, files: { name: string; data: Buffer }[]): Promise<{ status: number; body: string }> {
  const boundary = `----b${crypto.randomBytes(6).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const length = parts.reduce((n, p) => n + p.length, 0);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'X-Tracking-Token': token, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(length) } });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    void (async () => {
      for (const p of parts) {
        for (let at = 0; at < p.length; at += 64 * 1024) {
          if (!req.write(p.subarray(at, at + 64 * 1024))) await new Promise((r) => req.once('drain', r));
        }
      }
      req.end();
    })();
  });
}

describe('uploads are streamed into GridFS', () => {
  const app = makeApp();
  let server: http.Server;
  let port: number;
  before(async () => {
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  async function newCase(): Promise<{ reference: string; token: string }> {
    const res = await request(app).post('/api/v1/cases').send(caseBody());
    expect(res.status).to.equal(201);
    return { reference: res.body.reference, token: res.body.trackingToken };
  }

  it('when four files of 5 MB are uploaded in one request, then the memory held meanwhile grows by far less than their 20 MB, and all four are stored', async function () {
    this.timeout(60_000);
    const { reference, token } = await newCase();
    const size = 5 * 1024 * 1024 - 1024;
    const files = [0, 1, 2, 3].map((i) => ({ name: `scan-${i}.png`, data: bigPng(size) }));
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    let peak = baseline;
    const sampler = setInterval(() => {
      gc(); // only what is still held counts, not garbage not yet collected
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 25);
    let answer;
    try {
      answer = await postFiles(port, `/api/v1/cases/${reference}/attachments`, token, files);
    } finally {
      clearInterval(sampler);
    }
    expect(answer.status, answer.body).to.equal(201);
    const growthMb = (peak - baseline) / (1024 * 1024);
    expect(growthMb, `grew by ${growthMb.toFixed(1)} MB`).to.be.below(8);
    const c = (await CaseModel.findOne({ reference }).lean())!;
    expect(c.attachments.map((a) => a.size)).to.deep.equal([size, size, size, size]);
  });

  it('when a file passes 5 MB after a good one, then it is 400 FILE_TOO_LARGE and neither file leaves a GridFS file or chunks', async function () {
    this.timeout(30_000);
    const { reference, token } = await newCase();
    const before = await stored();
    const answer = await postFiles(port, `/api/v1/cases/${reference}/attachments`, token, [
      { name: 'ok.png', data: bigPng(300 * 1024) },
      { name: 'big.png', data: bigPng(5 * 1024 * 1024 + 300 * 1024) },
    ]);
    expect(answer.status).to.equal(400);
    expect(JSON.parse(answer.body).error.details.map((d: { code: string }) => d.code)).to.deep.equal(['FILE_TOO_LARGE']);
    expect(await stored()).to.deep.equal(before);
    expect((await CaseModel.findOne({ reference }).lean())!.attachments).to.have.length(0);
  });

  it('when a PDF that runs a script, or a file of another type, comes with a good file, then it is 400 and nothing of the request stays in GridFS', async () => {
    const { reference, token } = await newCase();
    const before = await stored();
    const answer = await postFiles(port, `/api/v1/cases/${reference}/attachments`, token, [
      { name: 'ok.png', data: bigPng(600 * 1024) },
      { name: 'open.pdf', data: PDF_OPEN_SCRIPT },
      { name: 'page.html', data: Buffer.from('<html><script>alert(1)</script></html>') },
    ]);
    expect(answer.status).to.equal(400);
    expect(JSON.parse(answer.body).error.details.map((d: { code: string }) => d.code)).to.deep.equal(['PDF_ACTIVE_CONTENT', 'UNSUPPORTED_FILE_TYPE']);
    expect(await stored()).to.deep.equal(before);
  });

  it('when the sender goes away in the middle of a file, then what had arrived of it is deleted from GridFS', async () => {
    const { reference, token } = await newCase();
    const before = await stored();
    const boundary = `----b${crypto.randomBytes(6).toString('hex')}`;
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="cut.png"\r\nContent-Type: image/png\r\n\r\n`);
    const req = http.request({ host: '127.0.0.1', port, path: `/api/v1/cases/${reference}/attachments`, method: 'POST', headers: { 'X-Tracking-Token': token, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(4 * 1024 * 1024) } });
    req.on('error', () => undefined);
    req.write(Buffer.concat([head, bigPng(1024 * 1024)]));
    const end = Date.now() + 5000;
    while ((await count('attachments.chunks')) === before.chunks && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(await count('attachments.chunks'), 'chunks arrive while the file does').to.be.above(before.chunks);
    req.destroy();
    while ((uploadsInProgress() > 0 || (await count('attachments.chunks')) !== before.chunks) && Date.now() < end + 5000) await new Promise((r) => setTimeout(r, 50));
    expect(uploadsInProgress()).to.equal(0);
    expect(await stored()).to.deep.equal(before);
  });

  it('when the filing form is posted with a photo but without its CSRF token, then it is 403 and the photo does not stay in GridFS', async () => {
    const before = await stored();
    const res = await request(app).post('/cases/new').field('description', 'x').attach('attachments', bigPng(400 * 1024), { filename: 'photo.png', contentType: 'image/png' });
    expect(res.status).to.equal(403);
    const end = Date.now() + 5000;
    while (JSON.stringify(await stored()) !== JSON.stringify(before) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(await stored()).to.deep.equal(before);
  });
});
