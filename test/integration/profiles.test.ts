/**
 * Deployment profile folders as operators meet them: `npm run cli -- profile:check`, start-up
 * refusing an unknown profile, and the profile's contact centre wherever a citizen is told how to
 * call (the page footer in both languages, the confirmation after filing). The receipt email's line
 * is checked in receipt-email.test.ts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { makeApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { csrfFrom } from '../support/pages.js';

const ROOT = path.resolve(__dirname, '../..');
/** Read from the data file itself, so the test fails if a page says anything else. */
const CENTRE = (JSON.parse(fs.readFileSync(path.join(ROOT, 'profiles/bh/profile.json'), 'utf8')) as { contactCentre: { name_ar: string; name_en: string; phone: string } }).contactCentre;

describe('deployment profiles: check, start-up and the contact centre', function () {
  this.timeout(60_000);
  let dataDir: string;
  before(() => void (dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-profiles-'))));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('when profile:check is run, then every folder says ok; for an unknown code it names the known ones and fails', async () => {
    const all = await runCli(dataDir, 'profile:check');
    expect(all.code, all.stderr).to.equal(0);
    expect(all.stdout).to.match(/^bh: ok$/m);
    const one = await runCli(dataDir, 'profile:check', 'bh');
    expect([one.code, one.stdout.trim()]).to.deep.equal([0, 'bh: ok']);
    const unknown = await runCli(dataDir, 'profile:check', 'atlantis');
    expect(unknown.code).to.equal(1);
    expect(unknown.stdout).to.contain('Unknown deployment profile "atlantis". Known profiles: bh');
  });

  it('when the service is started with an unknown profile, then it stops before the database and lists the known ones', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, DEPLOYMENT_PROFILE: 'atlantis' };
    delete env.MONGODB_URI;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).to.equal(78);
    expect(output).to.contain('Unknown deployment profile "atlantis". Known profiles: bh');
    expect(output).not.to.contain('database engine');
  });

  describe('the contact centre of the profile', () => {
    const app = makeApp();

    it('when a page is read in Arabic or English, then its footer names the contact centre in that language with its number', async () => {
      const ar = await request(app).get('/').set('Accept-Language', 'ar');
      const footerAr = /<p class="contact-centre" data-testid="contact-centre">([^]*?)<\/p>/.exec(ar.text)![1]!;
      expect(footerAr).to.contain(CENTRE.name_ar).and.contain(`href="tel:${CENTRE.phone}"`).and.not.contain(CENTRE.name_en);
      const en = await request(app).get('/track').set('Accept-Language', 'en');
      const footerEn = /<p class="contact-centre" data-testid="contact-centre">([^]*?)<\/p>/.exec(en.text)![1]!;
      expect(footerEn).to.contain(`Call the ${CENTRE.name_en}:`).and.contain(`>${CENTRE.phone}</a>`);
    });

    it('when a case is filed on the page, then the confirmation says whom to call, with the number', async () => {
      const agent = request.agent(app);
      const form = await agent.get('/cases/new').set('Accept-Language', 'en');
      const idempotencyKey = /name="idempotencyKey" value="([^"]+)"/.exec(form.text)![1]!;
      const posted = await agent
        .post('/cases/new')
        .set('Accept-Language', 'en')
        .field('_csrf', csrfFrom(form.text))
        .field('idempotencyKey', idempotencyKey)
        .field('type', 'complaint')
        .field('category', 'STREET_LIGHTING')
        .field('area', 'SITRA')
        .field('description', 'The street light near the school has been broken for a week.')
        .field('contact_name', 'Ali')
        .field('contact_email', `centre-${Date.now()}@example.bh`);
      expect(posted.status, posted.text).to.equal(303);
      const filed = await agent.get('/cases/filed').set('Accept-Language', 'en');
      const line = /<li data-testid="filed-contact-centre">([^]*?)<\/li>/.exec(filed.text)![1]!;
      expect(line).to.contain(`call the ${CENTRE.name_en} and give your reference number:`).and.contain(`href="tel:${CENTRE.phone}"`);
    });
  });
});
