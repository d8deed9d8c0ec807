/**
 * The same code serves every deployment profile (profiles/<code>/): for each folder, the main flows
 * run from that folder's own data — filing routes a municipal category to the area's municipality
 * and a department's category to the department, the SLA preview counts in the profile's calendar
 * and never ends on its weekend, and recurring detection groups alike complaints in one place. Then
 * the Sharjah acceptance points: `npm start` with DEPLOYMENT_PROFILE=shj on an empty database serves
 * the Sharjah directory; Al Nahda reaches Sharjah City Municipality, a power cut SEWA; a case filed
 * on a Thursday afternoon skips Friday to Sunday; after the Sharjah demo history is imported, free
 * text with no category is routed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { DateTime } from 'luxon';
import request from 'supertest';
import { importHistoryFile, trainAndStore } from '../../src/classification/index.js';
import { listProfileCodes, readProfileData, seedDirectory } from '../../src/directory/index.js';
import { detectRecurrences } from '../../src/recurring/detection.service.js';
import { ManualClock } from '../../src/shared/clock.js';
import { wireHooks } from '../../src/wiring.js';
import { makeApp, testConfig } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { startService, type ServiceProcess } from '../support/service.js';
import { authAt, makeUser } from '../support/staff.js';

const ROOT = path.resolve(__dirname, '../..');
const seedsOf = (code: string): Record<string, string[]> => JSON.parse(fs.readFileSync(path.join(ROOT, 'profiles', code, 'seeds.json'), 'utf8')) as Record<string, string[]>;

describe('every deployment profile runs the main flows from its own folder', function () {
  this.timeout(120_000);

  for (const code of listProfileCodes()) {
    describe(`profile ${code}`, () => {
      const data = readProfileData(code);
      // A Monday 10:00 in the profile's zone, a fixed day without holidays in the calendars shipped.
      const clock = new ManualClock(DateTime.fromISO('2027-02-15T10:00', { zone: data.timezone }).toJSDate());
      const app = makeApp({ clock, config: testConfig({ DEPLOYMENT_PROFILE: code }) });
      const municipal = data.categories.find((c) => c.owner === 'MUNICIPALITY')!;
      const departmental = data.categories.find((c) => c.owner !== 'MUNICIPALITY')!;
      const town = data.municipalities.at(-1)!; // not the first: the area decides, not the order of the file
      const area = town.areas[0]!;

      before(async () => {
        await seedDirectory(data, clock.now());
      });

      it('when the directory is asked for, then it is the profile\'s', async () => {
        const res = await request(app).get('/api/v1/directory');
        expect(res.status).to.equal(200);
        expect(res.body.profile).to.deep.include({ code, country: data.country, timezone: data.timezone });
        expect(JSON.stringify(res.body)).to.contain(town.name_ar).and.contain(departmental.name_en);
      });

      it('when a municipal and a departmental complaint are filed, then they reach the area\'s municipality and the owning department', async () => {
        const toTown = await request(app).post('/api/v1/cases').send(caseBody({ category: municipal.code, area: area.code, contact: { name: 'Citizen One', email: `one-${code}@example.org` } }));
        expect(toTown.status, JSON.stringify(toTown.body)).to.equal(201);
        expect(toTown.body).to.deep.include({ status: 'assigned' });
        expect(toTown.body.agency.code).to.equal(town.code);
        const toDepartment = await request(app).post('/api/v1/cases').send(caseBody({ category: departmental.code, area: area.code, contact: { name: 'Citizen Two', email: `two-${code}@example.org` } }));
        expect(toDepartment.body.agency.code).to.equal(departmental.owner);
      });

      it('when staff preview the SLA, then it counts in the profile\'s calendar and never ends on its weekend', async () => {
        const agent = await makeUser('agent', undefined, undefined, { clock });
        const res = await request(app).get('/api/v1/sla/preview').query({ category: departmental.code }).set(...authAt(agent, clock));
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.calendar).to.equal(data.calendar);
        for (const due of [res.body.firstResponseDueAt as string, res.body.resolutionDueAt as string]) {
          expect(data.weekend).to.not.include(DateTime.fromISO(due, { zone: data.timezone }).toFormat('ccc'));
        }
      });

      it('when three alike complaints come from one place, then detection makes one recurring issue of them', async () => {
        const phrase = seedsOf(code)[municipal.code]![0]!;
        const references: string[] = [];
        for (let i = 0; i < 3; i++) {
          clock.set(new Date(clock.now().getTime() + 60 * 60_000));
          const res = await request(app).post('/api/v1/cases').send(caseBody({ category: municipal.code, area: area.code, title: '', description: `${phrase} ${['', '!', '!!'][i]}`.trim(), contact: { name: `Neighbour ${i}`, email: `n${i}-${code}@example.org` } }));
          expect(res.status).to.equal(201);
          references.push(res.body.reference as string);
        }
        const result = await detectRecurrences(clock.now(), { profile: code, publicUrl: 'http://tawasul.test', batch: 100 });
        expect(result.flagged).to.equal(1);
      });
    });
  }
});

describe('the Sharjah profile (DEPLOYMENT_PROFILE=shj)', function () {
  this.timeout(240_000);
  const shj = readProfileData('shj');
  // Thursday 14 January 2027, 14:00 in Sharjah: working time until 15:30, then Friday to Sunday off.
  const thursday = DateTime.fromISO('2027-01-14T14:00', { zone: 'Asia/Dubai' });
  const clock = new ManualClock(thursday.toJSDate());
  const app = makeApp({ clock, config: testConfig({ DEPLOYMENT_PROFILE: 'shj' }) });

  before(async () => {
    await seedDirectory(shj, clock.now());
  });

  describe('npm start on an empty database', () => {
    let service: ServiceProcess | undefined;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-shj-'));
    after(async () => {
      service?.child.kill('SIGTERM');
      await service?.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('when the service starts with DEPLOYMENT_PROFILE=shj and no MONGODB_URI, then it serves the Sharjah directory and files an Al Nahda complaint to Sharjah City Municipality', async () => {
      service = await startService({ MONGODB_URI: undefined, DATA_DIR: dataDir, DEPLOYMENT_PROFILE: 'shj', RATE_LIMIT_FILING: '100000', CLASSIFIER_RETRAIN_HOURS: '0' });
      const base = `http://127.0.0.1:${service.port}`;
      const dir = (await (await fetch(`${base}/api/v1/directory`)).json()) as { profile: { code: string; timezone: string }; municipalities: { code: string; name_en: string }[] };
      expect(dir.profile).to.deep.include({ code: 'shj', timezone: 'Asia/Dubai' });
      expect(dir.municipalities.map((m) => m.code)).to.include.members(['SHJ_CITY', 'KHORFAKKAN', 'KALBA', 'DIBBA_HISN']);
      const filed = await fetch(`${base}/api/v1/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(caseBody({ category: 'WASTE_COLLECTION', area: 'AL_NAHDA', contact: { name: 'مواطن من النهدة', email: 'nahda@example.ae', phone: '050 123 4567' } })) });
      const body = (await filed.json()) as { agency: { code: string } };
      expect(filed.status, JSON.stringify(body)).to.equal(201);
      expect(body.agency.code).to.equal('SHJ_CITY');
    });
  });

  it('when a complaint in Al Nahda and a power cut are filed, then they reach Sharjah City Municipality and SEWA, and the phone is read as a UAE number', async () => {
    const nahda = await request(app).post('/api/v1/cases').send(caseBody({ category: 'WASTE_COLLECTION', area: 'AL_NAHDA', contact: { name: 'Huda', email: 'huda@example.ae', phone: '050 123 4567' } }));
    expect(nahda.body.agency.code).to.equal('SHJ_CITY');
    const power = await request(app).post('/api/v1/cases').send(caseBody({ category: 'POWER_OUTAGE', area: 'MUWAILEH', contact: { name: 'Saeed', email: 'saeed@example.ae' } }));
    expect(power.body.agency.code).to.equal('SEWA');
    const agent = await makeUser('agent', undefined, undefined, { clock });
    const found = await request(app).get('/api/v1/cases').query({ phone: '+971 50 123 4567', identityConfirmed: true }).set(...authAt(agent, clock));
    expect((found.body.items as { reference: string }[]).map((i) => i.reference)).to.include(nahda.body.reference);
  });

  it('when the SLA is previewed for a case filed on a Thursday afternoon, then Friday to Sunday are skipped', async () => {
    const agent = await makeUser('agent', undefined, undefined, { clock });
    const res = await request(app).get('/api/v1/sla/preview').query({ category: 'POWER_OUTAGE', from: thursday.toISO() }).set(...authAt(agent, clock));
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.calendar).to.equal('AE-SHJ');
    const firstResponse = DateTime.fromISO(res.body.firstResponseDueAt as string, { zone: 'Asia/Dubai' });
    // Two working days from Thursday 14:00: Monday and Tuesday (Friday, Saturday and Sunday are not working days).
    expect(firstResponse.toFormat('cccc yyyy-MM-dd')).to.equal('Tuesday 2027-01-19');
    expect(DateTime.fromISO(res.body.resolutionDueAt as string, { zone: 'Asia/Dubai' }).toFormat('ccc')).to.be.oneOf(['Mon', 'Tue', 'Wed', 'Thu']);
  });

  it('when the Sharjah demo history is imported and a model trained, then free text with no category is routed by the classifier', async () => {
    const report = await importHistoryFile(path.join(ROOT, 'data/demo/shj-history.jsonl'), 'shj', clock.now());
    expect(report.rejected).to.deep.equal([]);
    await trainAndStore('shj', clock.now(), { threshold: 0.3, margin: 0.1, minCategory: 0.25 }, 'test', wireHooks().correctedCases);
    const res = await request(app).post('/api/v1/cases').send(caseBody({ category: undefined, area: undefined, title: '', description: 'الكهربا مقطوعة عندنا في مويلح من الصبح والجو حار وايد، لو سمحتوا ارسلوا فني', contact: { name: 'Mariam', email: 'mariam@example.ae' } }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.agency.code).to.equal('SEWA');
    expect(res.body.category).to.equal('POWER_OUTAGE');
    expect(res.body.routing.method).to.equal('classifier');
  });
});
