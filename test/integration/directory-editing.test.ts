/**
 * Administrators edit the directory (issue #16): each rule with the real database, through the
 * admin API and the pages that show what it changed.
 */
import { expect } from 'chai';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { AgencyModel, DirectoryChangeModel } from '../../src/directory/index.js';
import { ManualClock } from '../../src/shared/clock.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { browserWith } from '../support/pages.js';
import { authAt, makeUser, tokenAt, type TestUser } from '../support/staff.js';

const DAY = 24 * 3600 * 1000;
const API = '/api/v1/admin/directory';

describe('editing the directory (admin API)', function () {
  this.timeout(60_000);
  const clock = new ManualClock(new Date());
  const app = makeApp({ clock });
  let admin: TestUser;
  let manager: TestUser;
  const as = (u: TestUser) => authAt(u, clock);
  const file = (body: Record<string, unknown>, lang = 'en') => request(app).post('/api/v1/cases').set('Accept-Language', lang).send(caseBody(body));

  before(async () => {
    [admin, manager] = await Promise.all([makeUser('admin', undefined, 'Admin Aisha', { clock }), makeUser('manager', undefined, 'Manager', { clock })]);
  });

  it('when someone without an account or another role asks, then it is 401 or 403 and nothing changes', async () => {
    const officer = await makeUser('officer', 'WORKS', undefined, { clock });
    const supervisor = await makeUser('supervisor', 'WORKS', undefined, { clock });
    const agent = await makeUser('agent', undefined, undefined, { clock });
    expect((await request(app).get(API)).status).to.equal(401);
    expect((await request(app).post(`${API}/agencies`).send({ code: 'NOBODY', name_ar: 'أ', name_en: 'A' })).status).to.equal(401);
    for (const u of [officer, supervisor, agent, manager]) {
      const res = await request(app).patch(`${API}/agencies/WORKS`).set(...as(u)).send({ name_en: 'Hijacked' });
      expect(res.status, u.user.role).to.equal(403);
      expect(res.body.error.code).to.equal('FORBIDDEN');
    }
    expect((await request(app).get(`${API}/changes`).set(...as(officer))).status).to.equal(403);
    expect((await AgencyModel.findOne({ code: 'WORKS' }).lean())!.name_en).to.not.equal('Hijacked');
    expect((await request(app).get(API).set(...as(admin))).status).to.equal(200);
  });

  it('when an agency is added, then it is 201 and listed; its code again is 409, a code in a PATCH is 400, an unknown code 404, and the history says who and when', async () => {
    const created = await request(app).post(`${API}/agencies`).set(...as(admin)).send({ code: 'ELECTIONS', name_ar: 'لجنة الانتخابات', name_en: 'Elections committee' });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.deep.include({ code: 'ELECTIONS', kind: 'national', retired: false });
    const dir = await request(app).get('/api/v1/directory');
    expect(dir.body.agencies.map((a: { code: string }) => a.code)).to.include('ELECTIONS');

    const again = await request(app).post(`${API}/agencies`).set(...as(admin)).send({ code: 'ELECTIONS', name_ar: 'ب', name_en: 'B' });
    expect([again.status, again.body.error.code]).to.deep.equal([409, 'DIRECTORY_CODE_TAKEN']);
    const reserved = await request(app).post(`${API}/agencies`).set(...as(admin)).send({ code: 'MUNICIPALITY', name_ar: 'ب', name_en: 'B' });
    expect(reserved.status).to.equal(409);
    const recode = await request(app).patch(`${API}/agencies/ELECTIONS`).set(...as(admin)).set('Accept-Language', 'en').send({ code: 'POLLS', name_en: 'Polls' });
    expect(recode.status).to.equal(400);
    expect(recode.body.error.details).to.deep.include({ field: 'code', code: 'CODE_PERMANENT', message: 'A code cannot be changed: change the names instead.' });
    const badCode = await request(app).post(`${API}/agencies`).set(...as(admin)).send({ code: 'lower case', name_ar: 'ب', name_en: 'B' });
    expect([badCode.status, badCode.body.error.details[0].field]).to.deep.equal([400, 'code']);
    const unknown = await request(app).patch(`${API}/agencies/NO_SUCH`).set(...as(admin)).send({ name_en: 'X' });
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, 'DIRECTORY_ENTRY_NOT_FOUND']);
    expect((await request(app).patch(`${API}/municipalities/EWA`).set(...as(admin)).send({ name_en: 'X' })).status).to.equal(404); // EWA is no municipality

    const renamed = await request(app).patch(`${API}/agencies/ELECTIONS`).set(...as(admin)).send({ name_en: 'Elections Committee 2026' });
    expect([renamed.status, renamed.body.name_en, renamed.body.code]).to.deep.equal([200, 'Elections Committee 2026', 'ELECTIONS']);
    const changes = await request(app).get(`${API}/changes?code=ELECTIONS`).set(...as(admin));
    expect(changes.status).to.equal(200);
    const [latest, first] = changes.body.items as { action: string; actor: { name: string; role: string }; at: string; changes: { field: string; from: unknown; to: unknown }[] }[];
    expect(latest).to.deep.include({ action: 'updated', at: clock.now().toISOString() });
    expect(latest!.actor).to.deep.include({ name: 'Admin Aisha', role: 'admin', userId: admin.id });
    expect(latest!.changes).to.deep.equal([{ field: 'name_en', from: 'Elections committee', to: 'Elections Committee 2026' }]);
    expect(first!.action).to.equal('created');
  });

  it('when an agency is renamed, then its old cases show the new name on the case pages and in the directory', async () => {
    const filed = await file({ category: 'ROAD_DAMAGE', area: 'RIFFA' });
    expect([filed.status, filed.body.agency.code]).to.deep.equal([201, 'WORKS']);
    const res = await request(app).patch(`${API}/agencies/WORKS`).set(...as(admin)).send({ name_ar: 'وزارة الأشغال الجديدة', name_en: 'Ministry of Works and Roads' });
    expect(res.status).to.equal(200);
    const page = await browserWith(app, tokenAt(manager, clock)).get(`/work/cases/${filed.body.reference}`).set('Accept-Language', 'en');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Ministry of Works and Roads');
    const ar = await browserWith(app, tokenAt(manager, clock)).get(`/work/cases/${filed.body.reference}`).set('Accept-Language', 'ar');
    expect(ar.text).to.contain('وزارة الأشغال الجديدة');
    const dir = await request(app).get('/api/v1/directory');
    expect(dir.body.agencies.find((a: { code: string }) => a.code === 'WORKS').name_en).to.equal('Ministry of Works and Roads');
  });

  it('when a category changes owner, then open cases keep their agency and new cases go to the new owner; the old owner can then be retired and stays readable', async () => {
    await request(app).post(`${API}/agencies`).set(...as(admin)).send({ code: 'OLD_DEPT', name_ar: 'الإدارة القديمة', name_en: 'Old department' }).expect(201);
    const cat = await request(app).post(`${API}/categories`).set(...as(admin)).send({ code: 'PORT_NOISE', name_ar: 'ضجيج الميناء', name_en: 'Port noise', owner: 'OLD_DEPT', group: 'PUBLIC_SERVICES' });
    expect(cat.status, JSON.stringify(cat.body)).to.equal(201);
    const before = await file({ category: 'PORT_NOISE', area: 'HIDD' });
    expect([before.status, before.body.agency?.code]).to.deep.equal([201, 'OLD_DEPT']);

    const refused = await request(app).patch(`${API}/agencies/OLD_DEPT`).set(...as(admin)).set('Accept-Language', 'en').send({ retired: true });
    expect(refused.status).to.equal(400);
    expect(refused.body.error.details[0]).to.deep.include({ code: 'AGENCY_OWNS_CATEGORIES' });
    expect(refused.body.error.details[0].message).to.contain('PORT_NOISE');

    expect((await request(app).patch(`${API}/categories/PORT_NOISE`).set(...as(admin)).send({ owner: 'WORKS' })).status).to.equal(200);
    const after = await file({ category: 'PORT_NOISE', area: 'HIDD' });
    expect(after.body.agency.code).to.equal('WORKS');
    expect((await CaseModel.findOne({ reference: before.body.reference }).lean())!.agency).to.equal('OLD_DEPT');

    const retired = await request(app).patch(`${API}/agencies/OLD_DEPT`).set(...as(admin)).send({ retired: true });
    expect([retired.status, retired.body.retired, retired.body.retiredAt]).to.deep.equal([200, true, clock.now().toISOString()]);
    const dir = await request(app).get('/api/v1/directory');
    expect(dir.body.agencies.map((a: { code: string }) => a.code)).not.to.include('OLD_DEPT');
    expect(dir.body.notOffered.agencies.map((a: { code: string }) => a.code)).to.include('OLD_DEPT');
    const page = await browserWith(app, tokenAt(manager, clock)).get(`/work/cases/${before.body.reference}`).set('Accept-Language', 'en');
    expect(page.text).to.contain('Old department');

    const toRetired = await request(app).patch(`${API}/categories/PORT_NOISE`).set(...as(admin)).set('Accept-Language', 'ar').send({ owner: 'OLD_DEPT' });
    expect(toRetired.status).to.equal(400);
    expect(toRetired.body.error.details).to.deep.include({ field: 'owner', code: 'OWNER_RETIRED', message: 'الجهة OLD_DEPT موقوفة: اختر جهة مستخدمة.' });
    const supervisor = await makeUser('supervisor', 'WORKS', undefined, { clock });
    const transfer = await request(app).patch(`/api/v1/cases/${after.body.reference}`).set(...as(supervisor)).send({ action: 'transfer', agency: 'OLD_DEPT', reason: 'wrong entity' });
    expect([transfer.status, transfer.body.error?.details?.[0]?.code]).to.deep.equal([400, 'AGENCY_NOT_OFFERED']); // never to a retired agency
  });

  it('when a category is checked whole, then every problem is named at once: unknown owner, unknown group, a window that closes before it opens', async () => {
    const now = clock.now().getTime();
    const res = await request(app).post(`${API}/categories`).set(...as(admin)).set('Accept-Language', 'en')
      .send({ code: 'BROKEN', name_ar: 'خطأ', name_en: 'Broken', owner: 'NOBODY', group: 'NO_GROUP', validFrom: new Date(now + 5 * DAY).toISOString(), validUntil: new Date(now + DAY).toISOString() });
    expect(res.status).to.equal(400);
    expect((res.body.error.details as { code: string }[]).map((d) => d.code)).to.deep.equal(['UNKNOWN_OWNER', 'UNKNOWN_GROUP', 'WINDOW_INVALID']);
    expect((await request(app).get('/api/v1/directory')).body.categories.map((c: { code: string }) => c.code)).not.to.include('BROKEN');
  });

  it('when a category has a validity window, then it is offered, on the form and by the API, only inside it; outside it filing is 400 CATEGORY_NOT_OFFERED in both languages', async () => {
    const start = clock.now().getTime();
    const created = await request(app).post(`${API}/categories`).set(...as(admin))
      .send({ code: 'ELECTION_COMPLAINT', name_ar: 'شكاوى الانتخابات', name_en: 'Election complaints', owner: 'ELECTIONS', group: 'PUBLIC_SERVICES', validFrom: new Date(start + DAY).toISOString(), validUntil: new Date(start + 10 * DAY).toISOString() });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const offered = async () => (await request(app).get('/api/v1/directory')).body.categories.map((c: { code: string }) => c.code) as string[];
    expect(await offered()).not.to.include('ELECTION_COMPLAINT');
    const early = await file({ category: 'ELECTION_COMPLAINT', area: 'RIFFA' });
    expect(early.status).to.equal(400);
    expect(early.body.error.details).to.deep.include({ field: 'category', code: 'CATEGORY_NOT_OFFERED', message: "This subject is not offered at the moment. Choose another from the list, or choose \"I don't know\"." });
    const earlyAr = await file({ category: 'ELECTION_COMPLAINT', area: 'RIFFA' }, 'ar');
    expect(earlyAr.body.error.details[0].message).to.equal('هذا الموضوع غير متاح حالياً. اختر موضوعاً آخر من القائمة، أو اختر «لا أعرف».');
    expect((await request(app).get('/cases/new')).text).not.to.contain('value="ELECTION_COMPLAINT"');

    clock.set(new Date(start + 2 * DAY));
    expect(await offered()).to.include('ELECTION_COMPLAINT');
    expect((await request(app).get('/cases/new')).text).to.contain('value="ELECTION_COMPLAINT"');
    const inside = await file({ category: 'ELECTION_COMPLAINT', area: 'RIFFA' });
    expect([inside.status, inside.body.agency.code]).to.deep.equal([201, 'ELECTIONS']);

    clock.set(new Date(start + 10 * DAY));
    expect((await file({ category: 'ELECTION_COMPLAINT', area: 'RIFFA' })).body.error.details[0].code).to.equal('CATEGORY_NOT_OFFERED');
    const dir = (await request(app).get('/api/v1/directory')).body;
    expect(dir.notOffered.categories.find((c: { code: string }) => c.code === 'ELECTION_COMPLAINT')).to.deep.include({ retired: false, name_en: 'Election complaints' });
    const page = await browserWith(app, tokenAt(manager, clock)).get(`/work/cases/${inside.body.reference}`).set('Accept-Language', 'en');
    expect(page.text).to.contain('Election complaints'); // the old case still names it
    clock.set(new Date(start));
  });

  it('when a category is retired, then it is neither offered nor accepted, and old cases still show its name', async () => {
    const old = await file({ category: 'STRAY_ANIMALS', area: 'RIFFA' });
    expect(old.status).to.equal(201);
    expect((await request(app).patch(`${API}/categories/STRAY_ANIMALS`).set(...as(admin)).send({ retired: true })).status).to.equal(200);
    const refused = await file({ category: 'STRAY_ANIMALS', area: 'RIFFA' });
    expect([refused.status, refused.body.error.details[0].code]).to.deep.equal([400, 'CATEGORY_NOT_OFFERED']);
    expect((await request(app).get('/cases/new')).text).not.to.contain('value="STRAY_ANIMALS"');
    const page = await browserWith(app, tokenAt(manager, clock)).get(`/work/cases/${old.body.reference}`).set('Accept-Language', 'en');
    expect(page.text).to.contain('Stray animals');
    const restored = await request(app).patch(`${API}/categories/STRAY_ANIMALS`).set(...as(admin)).send({ retired: false });
    expect([restored.status, restored.body.retired, restored.body.retiredAt]).to.deep.equal([200, false, null]);
    expect((await file({ category: 'STRAY_ANIMALS', area: 'RIFFA' })).status).to.equal(201);
  });

  it('when an area moves to another municipality, then open cases keep their municipality and new ones go to the new one; an area needs a municipality in use', async () => {
    const unknown = await request(app).post(`${API}/areas`).set(...as(admin)).set('Accept-Language', 'en').send({ code: 'NEW_TOWN', name_ar: 'المدينة الجديدة', name_en: 'New Town', municipality: 'EWA' });
    expect([unknown.status, unknown.body.error.details[0].code]).to.deep.equal([400, 'UNKNOWN_MUNICIPALITY']);
    const missing = await request(app).post(`${API}/areas`).set(...as(admin)).send({ code: 'NEW_TOWN', name_ar: 'المدينة الجديدة', name_en: 'New Town' });
    expect([missing.status, missing.body.error.details[0].field]).to.deep.equal([400, 'municipality']);
    expect((await request(app).post(`${API}/areas`).set(...as(admin)).send({ code: 'NEW_TOWN', name_ar: 'المدينة الجديدة', name_en: 'New Town', municipality: 'SOUTHERN' })).status).to.equal(201);
    const before = await file({ category: 'WASTE_COLLECTION', area: 'NEW_TOWN' });
    expect(before.body.agency.code).to.equal('SOUTHERN');

    expect((await request(app).post(`${API}/municipalities`).set(...as(admin)).send({ code: 'NEW_MUNICIPALITY', name_ar: 'بلدية جديدة', name_en: 'New municipality' })).status).to.equal(201);
    const moved = await request(app).patch(`${API}/areas/NEW_TOWN`).set(...as(admin)).send({ municipality: 'NEW_MUNICIPALITY' });
    expect([moved.status, moved.body.municipality]).to.deep.equal([200, 'NEW_MUNICIPALITY']);
    const after = await file({ category: 'WASTE_COLLECTION', area: 'NEW_TOWN' });
    expect(after.body.agency.code).to.equal('NEW_MUNICIPALITY');
    expect((await CaseModel.findOne({ reference: before.body.reference }).lean())!.agency).to.equal('SOUTHERN');
    const dir = (await request(app).get('/api/v1/directory')).body;
    expect(dir.municipalities.find((m: { code: string }) => m.code === 'NEW_MUNICIPALITY').areas.map((a: { code: string }) => a.code)).to.deep.equal(['NEW_TOWN']);
    expect(dir.municipalities.find((m: { code: string }) => m.code === 'SOUTHERN').areas.map((a: { code: string }) => a.code)).not.to.include('NEW_TOWN');

    const holds = await request(app).patch(`${API}/municipalities/NEW_MUNICIPALITY`).set(...as(admin)).send({ retired: true });
    expect([holds.status, holds.body.error.details[0].code]).to.deep.equal([400, 'MUNICIPALITY_HAS_AREAS']);
    expect((await request(app).patch(`${API}/areas/NEW_TOWN`).set(...as(admin)).send({ retired: true })).status).to.equal(200);
    const retiredArea = await file({ category: 'WASTE_COLLECTION', area: 'NEW_TOWN' });
    expect([retiredArea.status, retiredArea.body.error.details[0].code]).to.deep.equal([400, 'AREA_NOT_OFFERED']);
    expect((await request(app).patch(`${API}/municipalities/NEW_MUNICIPALITY`).set(...as(admin)).send({ retired: true })).status).to.equal(200);
    const intoRetired = await request(app).patch(`${API}/areas/NEW_TOWN`).set(...as(admin)).send({ retired: false });
    expect([intoRetired.status, intoRetired.body.error.details[0].code]).to.deep.equal([400, 'MUNICIPALITY_RETIRED']);
    const page = await browserWith(app, tokenAt(manager, clock)).get(`/work/cases/${after.body.reference}`).set('Accept-Language', 'en');
    expect(page.text).to.contain('New Town').and.to.contain('New municipality');
  });

  it('when several administrators rename the same entry at once, then each answer is 200 or 409 DIRECTORY_EDIT_CONFLICT and the history holds exactly the renames that were answered 200', async () => {
    const count = async () => DirectoryChangeModel.countDocuments({ code: 'HOUSING' });
    const before = await count();
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => request(app).patch(`${API}/agencies/HOUSING`).set(...as(admin)).send({ name_en: `Housing ${n}` })));
    for (const a of answers) expect([200, 409], JSON.stringify(a.body)).to.include(a.status);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.error.code).to.equal('DIRECTORY_EDIT_CONFLICT');
    const saved = answers.filter((a) => a.status === 200).map((a) => a.body.name_en as string);
    expect(saved.length).to.be.at.least(1);
    expect((await count()) - before).to.equal(saved.length);
    expect(saved).to.include((await AgencyModel.findOne({ code: 'HOUSING' }).lean())!.name_en);
  });

  it('when an edit changes nothing, then nothing is recorded; the history is append-only', async () => {
    const count = await DirectoryChangeModel.countDocuments({});
    expect((await request(app).patch(`${API}/agencies/EWA`).set(...as(admin)).send({ name_en: (await AgencyModel.findOne({ code: 'EWA' }).lean())!.name_en })).status).to.equal(200);
    expect(await DirectoryChangeModel.countDocuments({})).to.equal(count);
    let refused = false;
    await DirectoryChangeModel.deleteMany({}).catch(() => (refused = true));
    expect(refused).to.equal(true);
  });
});
