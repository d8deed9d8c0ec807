/**
 * Text classification on a real database: importing history (bad lines reported, good ones kept,
 * a second import adds nothing), the CLI doing the same as a real process, training a versioned
 * model with its held-out measure, filing without a category (routed with an explanation, or to
 * triage with suggestions), staff corrections as labelled data, keyword rules, and the admin API
 * and page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/case.model.js';
import { ClassifierVersionModel, HistoryCaseModel } from '../../src/classification/classifier.model.js';
import { invalidateModelCache, trainAndStore } from '../../src/classification/classifier.service.js';
import { importHistoryFile } from '../../src/classification/history-import.js';
import { wireHooks } from '../../src/wiring.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { browserWith, csrfFrom } from '../support/pages.js';
import { runCli } from '../support/cli.js';
import { makeUser, type TestUser } from '../support/staff.js';

const ROOT = path.resolve(__dirname, '../..');
const HISTORY = path.resolve(ROOT, 'data/demo/bh-history.jsonl');


/** Lines written for this test (not taken from the history file): good, and bad in every way. */
const LINES = [
  JSON.stringify({ ref: 'T-1', createdAt: '2025-01-05T09:00:00+03:00', type: 'complaint', lang: 'en', title: 'Lamp out', description: 'The street lamp in front of the mosque has been off for a week.', area: 'SITRA', category: 'STREET_LIGHTING', agency: 'WORKS' }),
  '{ this is not json',
  JSON.stringify({ ref: 'T-2', createdAt: 'yesterday', type: 'complaint', lang: 'ar', description: 'وصف قصير جداً لكنه كاف', category: 'SEWAGE', agency: 'WORKS' }),
  JSON.stringify({ ref: 'T-3', createdAt: '2025-01-05T09:00:00+03:00', type: 'complaint', lang: 'ar', description: 'تراكم القمامة أمام البيت منذ أيام', area: 'SITRA', category: 'NOT_A_CATEGORY', agency: 'WORKS' }),
  JSON.stringify({ ref: 'T-4', createdAt: '2025-01-05T09:00:00+03:00', type: 'complaint', lang: 'ar', description: 'تراكم القمامة أمام البيت منذ أيام', area: 'SITRA', category: 'WASTE_COLLECTION', agency: 'EWA' }),
  '',
  JSON.stringify({ ref: 'T-1', createdAt: '2025-01-06T09:00:00+03:00', type: 'complaint', lang: 'en', description: 'The same ref again, with another text that is long enough.', area: 'SITRA', category: 'STREET_LIGHTING', agency: 'WORKS' }),
  JSON.stringify({ ref: 'T-5', createdAt: '2025-01-07T09:00:00+03:00', type: 'suggestion', lang: 'ar', title: 'حديقة', description: 'نقترح زراعة أشجار في الحديقة العامة قرب المدرسة.', area: 'SITRA', category: 'PARKS_GREENERY', agency: 'CAPITAL' }),
];

describe('text classification: import, training, routing', function () {
  this.timeout(120_000);
  const app = makeApp();
  let admin: TestUser;
  let agent: TestUser;
  let officer: TestUser;
  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-history-'));
    [admin, agent, officer] = await Promise.all([makeUser('admin'), makeUser('agent'), makeUser('officer', 'EWA')]);
  });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('when a file has bad lines, then each is reported with its line and reason, the good ones are imported, and a second import adds nothing', async () => {
    const file = path.join(tmp, 'mixed.jsonl');
    fs.writeFileSync(file, LINES.join('\n'));
    const seen: number[] = [];
    const report = await importHistoryFile(file, 'bh', new Date(), (done) => seen.push(done), 2);
    expect(report.imported).to.equal(2);
    const byLine = Object.fromEntries(report.rejected.map((r) => [r.line, r.reason]));
    expect(Object.keys(byLine).map(Number)).to.deep.equal([2, 3, 4, 5, 7]);
    expect(byLine[2]).to.equal('not valid JSON');
    expect(byLine[3]).to.contain('createdAt');
    expect(byLine[4]).to.contain('unknown category NOT_A_CATEGORY');
    expect(byLine[5]).to.contain('agency EWA does not own category WASTE_COLLECTION');
    expect(byLine[7]).to.contain('same ref');
    expect(seen.at(-1)).to.equal(8);
    expect((await HistoryCaseModel.find({}).lean()).map((h) => h.ref).sort()).to.deep.equal(['T-1', 'T-5']);
    const again = await importHistoryFile(file, 'bh', new Date());
    expect(again).to.deep.include({ imported: 0, alreadyPresent: 2 });
    await HistoryCaseModel.deleteMany({});
  });

  it('when there is too little history, then training is refused with a clear code', async () => {
    try {
      await trainAndStore('bh', new Date(), { threshold: 0, margin: 0.2, minCategory: 0.25 }, 'test', wireHooks().correctedCases);
      expect.fail('should refuse');
    } catch (err) {
      expect((err as { code?: string }).code).to.equal('NOT_ENOUGH_HISTORY');
    }
  });

  it('when the CLI imports the Bahrain history, then it reports the lines, trains version 1 and states its held-out accuracy', async () => {
    const run = (...args: string[]) => runCli(tmp, ...args);
    const first = await run('history:import', HISTORY);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('Read 600 line(s): 600 imported, 0 already present, 0 rejected.');
    expect(first.stdout).to.match(/Classifier version 1 trained on 600 historical case\(s\)/);
    expect(first.stdout).to.match(/Held-out slice \(\d+ cases/);
    expect(first.stderr).to.contain('Importing: 600/600'); // progress, on stderr
    const missing = await run('history:import', path.join(tmp, 'nope.jsonl'));
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('No file at');
    expect(await ClassifierVersionModel.countDocuments()).to.equal(1);
    invalidateModelCache();
  });

  it('when a case is filed without a category, then it comes back routed by the classifier with its explanation', async () => {
    const res = await request(app)
      .post('/api/v1/cases')
      .send(caseBody({ category: undefined, area: 'MANAMA', title: 'انقطاع الكهرباء', description: 'انقطعت الكهرباء عن منزلنا وعن الحي كله منذ الصباح والجو حار جداً، نرجو إعادة التيار بسرعة.' }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.routing.method).to.equal('classifier');
    expect(res.body).to.deep.include({ category: 'POWER_OUTAGE', status: 'assigned' });
    expect(res.body.agency.code).to.equal('EWA');
    expect(res.body.routing.confidence).to.be.within(0.2, 1); // the agency's probability, at least the margin over the runner-up
    expect(res.body.routing.candidates[0]).to.include({ category: 'POWER_OUTAGE', agency: 'EWA' });
    expect((res.body.routing.terms as string[]).join(' ')).to.match(/الكهرباء|التيار/);
    expect(res.body.dueAt).to.be.a('string');
    const stored = (await CaseModel.findOne({ reference: res.body.reference }).lean())!;
    expect(stored.routing).to.deep.include({ method: 'classifier', modelVersion: 1 });
  });

  it('when the text names the place and no area is given, then the area comes from the text and the municipality gets the case', async () => {
    const res = await request(app)
      .post('/api/v1/cases')
      .send(caseBody({ category: 'WASTE_COLLECTION', area: undefined, title: 'قمامة', description: 'أكياس القمامة متراكمة منذ أسبوع قرب دوار البسيتين ولم تمر سيارة النظافة.' }));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.area).to.equal('BUSAITEEN');
    expect(res.body.agency.code).to.equal('MUHARRAQ');
    expect(res.body.routing).to.include({ method: 'rule', reason: 'area_from_text' });
  });

  it('when the text says too little, then the case goes to triage with suggestions, and the agent sees them', async () => {
    const res = await request(app).post('/api/v1/cases').send(caseBody({ category: undefined, area: undefined, title: '', description: 'أرجو التواصل معي بخصوص موضوع مهم في أقرب وقت ممكن.' }));
    expect(res.status).to.equal(201);
    expect(res.body.routing.method).to.equal('triage');
    expect(res.body.agency).to.equal(null);
    expect(res.body.routing.candidates).to.have.length(3);
    const view = await request(app).get(`/api/v1/cases/${res.body.reference}`).set(...agent.auth);
    expect(view.body.routing.candidates).to.have.length(3);
    const citizen = await request(app).get(`/api/v1/cases/${res.body.reference}`).set('X-Tracking-Token', res.body.trackingToken);
    expect(citizen.body.routing).not.to.have.property('candidates');
    const browser = browserWith(app, agent.token);
    const page = await browser.get(`/work/cases/${res.body.reference}`).set('Accept-Language', 'en');
    expect(page.text).to.contain('data-testid="routing-suggestions"').and.contain('The classifier&#39;s suggestions');

    // With an area, the municipality (six categories of twenty) leads on the sum of weak guesses: still triage.
    const vague = await request(app).post('/api/v1/cases').send(caseBody({ category: undefined, area: 'ARAD', title: '', description: 'مشكلة كبيرة عندنا نبي حل' }));
    expect(vague.status).to.equal(201);
    expect(vague.body.routing).to.include({ method: 'triage', reason: 'low_confidence' });
    expect(vague.body.agency).to.equal(null);
    // Its confidence is shown as the routed ones are: three decimals.
    expect(vague.body.routing.confidence).to.be.a('number').and.to.equal(Math.round(vague.body.routing.confidence * 1000) / 1000);

    // The agent routes it and fixes the category: labelled data for the next training.
    const routed = await request(app).patch(`/api/v1/cases/${res.body.reference}`).set(...agent.auth).send({ action: 'route', agency: 'EWA', category: 'UTILITY_BILLING' });
    expect(routed.status, JSON.stringify(routed.body)).to.equal(200);
    const stored = (await CaseModel.findOne({ reference: res.body.reference }).lean())!;
    expect(stored).to.deep.include({ category: 'UTILITY_BILLING', agency: 'EWA' });
    expect(stored.routing.method).to.equal('manual');
    const again = await request(app).post('/api/v1/cases').send(caseBody({ category: undefined, area: undefined, title: '', description: 'أرجو التواصل معي بخصوص موضوع مهم في أقرب وقت ممكن.' }));
    expect(again.body.routing.method).to.equal('triage');
    const bad = await request(app).patch(`/api/v1/cases/${again.body.reference}`).set(...agent.auth).send({ action: 'route', agency: 'EWA', category: 'NOPE' });
    expect(bad.status, JSON.stringify(bad.body)).to.equal(400);
    expect(bad.body.error.details[0]).to.include({ field: 'category', code: 'UNKNOWN_CODE' });
  });

  it('when an admin retrains, then a new version counts the staff correction, and every request uses it', async () => {
    const res = await request(app).post('/api/v1/admin/classifier/train').set(...admin.auth);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.version).to.equal(2);
    expect(res.body.examples.history).to.equal(600);
    expect(res.body.examples.corrections).to.be.at.least(1);
    expect(res.body.examples.seeds, 'the seed phrases of bh-category-seeds.ts').to.be.above(100);
    expect(res.body.evaluation).to.include.keys('categoryAccuracy', 'agencyCorrect', 'misrouted', 'triaged', 'confusion');
    const info = await request(app).get('/api/v1/admin/classifier').set(...admin.auth);
    expect(info.body.model.version).to.equal(2);
    expect(info.body).to.include({ threshold: 0, margin: 0.2, minCategory: 0.25 });
  });

  it('when an admin adds keyword rules, then they are stored, checked, and show in the explanation', async () => {
    expect((await request(app).put('/api/v1/admin/classifier/keywords/NOT_A_CATEGORY').set(...admin.auth).send({ keywords: ['x y'] })).status).to.equal(400);
    const put = await request(app).put('/api/v1/admin/classifier/keywords/E_SERVICES').set(...admin.auth).send({ keywords: ['بوابة الحكومة الإلكترونية', 'eKey'] });
    expect(put.status).to.equal(200);
    const res = await request(app).post('/api/v1/cases').send(caseBody({ category: undefined, area: undefined, title: 'eKey', description: 'I cannot sign in with my eKey, it says my account is locked since yesterday.' }));
    expect(res.body.routing.terms).to.include('eKey');
    expect(res.body.routing.candidates[0].category).to.equal('E_SERVICES');
    expect((await request(app).put('/api/v1/admin/classifier/keywords/E_SERVICES').set(...admin.auth).send({ keywords: [] })).status).to.equal(204);
  });

  it('when anyone but an admin manages the classifier, then it is 403 (401 without a token)', async () => {
    expect((await request(app).get('/api/v1/admin/classifier').set(...officer.auth)).status).to.equal(403);
    expect((await request(app).post('/api/v1/admin/classifier/train').set(...agent.auth)).status).to.equal(403);
    expect((await request(app).get('/api/v1/admin/classifier')).status).to.equal(401);
  });

  it('when the admin opens the classifier page, then it shows the version, the held-out measure and confusions, and retrains by a CSRF-protected form', async () => {
    const browser = browserWith(app, admin.token);
    const page = await browser.get('/work/admin/classifier').set('Accept-Language', 'en');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('data-testid="model-version">2<').and.contain('data-testid="evaluation"').and.contain('Routed to the right entity');
    expect((await browser.post('/work/admin/classifier/train').type('form').send({})).status).to.equal(403);
    const sent = await browser.post('/work/admin/classifier/train').type('form').send({ _csrf: csrfFrom(page.text) });
    expect(sent.status).to.equal(303);
    expect(await ClassifierVersionModel.countDocuments()).to.equal(3);
    const officerBrowser = browserWith(app, officer.token);
    expect((await officerBrowser.get('/work/admin/classifier')).status).to.equal(403);
  });
});
