import { expect } from 'chai';
import request from 'supertest';
import { AgencyModel, AreaModel, CategoryModel, getDirectory, invalidateDirectoryCache, ProfileModel, readProfileData, seedDirectory } from '../../src/directory/index.js';
import { makeApp } from '../support/app.js';

async function clearDirectory(): Promise<void> {
  await ProfileModel.deleteMany({});
  await AgencyModel.deleteMany({});
  await AreaModel.deleteMany({});
  await CategoryModel.deleteMany({});
  invalidateDirectoryCache(); // direct writes bypass the service that would clear it
}

describe('reference directory', () => {
  beforeEach(clearDirectory);
  after(async () => {
    await clearDirectory();
    await seedDirectory(readProfileData('bh'), new Date()); // the directory cache suite below reads it
  });

  it('when the bh profile is seeded, then 1 profile, 12 agencies, 36 areas and 20 categories are stored', async () => {
    const report = await seedDirectory(readProfileData('bh'), new Date());
    expect(report).to.deep.equal({ profile: 'bh', inserted: 69, existing: 0 });
    expect(await AgencyModel.countDocuments({ profile: 'bh', kind: 'municipality' })).to.equal(4);
    expect(await AgencyModel.countDocuments({ profile: 'bh', kind: 'national' })).to.equal(8);
    expect(await AreaModel.countDocuments({ profile: 'bh' })).to.equal(36);
    expect(await CategoryModel.countDocuments({ profile: 'bh' })).to.equal(20);
  });

  it('when the seed runs twice, then the second run changes nothing', async () => {
    await seedDirectory(readProfileData('bh'), new Date());
    const before = await AreaModel.find({}).sort({ code: 1, _id: 1 }).lean();
    const second = await seedDirectory(readProfileData('bh'), new Date());
    expect(second.inserted).to.equal(0);
    expect(second.existing).to.equal(69);
    const after = await AreaModel.find({}).sort({ code: 1, _id: 1 }).lean();
    expect(after).to.deep.equal(before);
  });

  it('when an administrator has edited a name or deactivated a category, then seeding again keeps the edit', async () => {
    await seedDirectory(readProfileData('bh'), new Date());
    await CategoryModel.updateOne({ profile: 'bh', code: 'STRAY_ANIMALS' }, { $set: { active: false, name_en: 'Animals' } });
    await seedDirectory(readProfileData('bh'), new Date());
    const category = await CategoryModel.findOne({ profile: 'bh', code: 'STRAY_ANIMALS' }).lean();
    expect([category!.active, category!.name_en]).to.deep.equal([false, 'Animals']);
  });

  it('when GET /api/v1/directory is asked, then it returns municipalities with areas, 12 agencies and 20 categories', async () => {
    await seedDirectory(readProfileData('bh'), new Date());
    const res = await request(makeApp()).get('/api/v1/directory');
    expect(res.status).to.equal(200);
    expect(res.body.profile).to.deep.equal({ code: 'bh', country: 'BH', timezone: 'Asia/Bahrain', weekend: ['Fri', 'Sat'] });
    expect(res.body.municipalities).to.have.length(4);
    expect(res.body.municipalities.flatMap((m: { areas: unknown[] }) => m.areas)).to.have.length(36);
    expect(res.body.agencies).to.have.length(12);
    expect(res.body.categories).to.have.length(20);
    const capital = res.body.municipalities.find((m: { code: string }) => m.code === 'CAPITAL');
    expect(capital.areas.map((a: { code: string }) => a.code)).to.include('SITRA');
    expect(res.body.categories.find((c: { code: string }) => c.code === 'WASTE_COLLECTION')).to.deep.equal({
      code: 'WASTE_COLLECTION',
      name_ar: 'النظافة وجمع المخلفات',
      name_en: 'Waste collection and cleanliness',
      owner: 'MUNICIPALITY',
      group: 'NEIGHBOURHOOD',
    });
    expect(res.body.categoryGroups).to.have.length(6);
  });

  it('when a category is inactive, then the directory does not list it', async () => {
    await seedDirectory(readProfileData('bh'), new Date());
    await CategoryModel.updateOne({ profile: 'bh', code: 'STRAY_ANIMALS' }, { $set: { active: false } });
    invalidateDirectoryCache();
    const res = await request(makeApp()).get('/api/v1/directory');
    expect(res.status).to.equal(200);
    expect(res.body.categories).to.have.length(19);
    expect(res.body.categories.map((c: { code: string }) => c.code)).not.to.include('STRAY_ANIMALS');
  });

  it('when the profile has not been seeded, then the directory answers 503 DIRECTORY_NOT_SEEDED (the service is not ready, as every page and API says)', async () => {
    const res = await request(makeApp()).get('/api/v1/directory').set('Accept-Language', 'en');
    expect(res.status).to.equal(503);
    expect(res.body.error.code).to.equal('DIRECTORY_NOT_SEEDED');
  });
});

describe('directory cache', () => {
  it('when the directory is read twice within the cache time, then the second read does not query the database', async () => {
    invalidateDirectoryCache();
    const first = await getDirectory('bh');
    await CategoryModel.updateOne({ profile: 'bh', code: 'SEWAGE' }, { $set: { name_en: 'Changed behind the cache' } });
    const second = await getDirectory('bh');
    expect(second).to.deep.equal(first); // served from the snapshot
    await CategoryModel.updateOne({ profile: 'bh', code: 'SEWAGE' }, { $set: { name_en: 'Sewage' } });
    invalidateDirectoryCache();
    expect((await getDirectory('bh'))!.categories.find((c) => c.code === 'SEWAGE')!.name_en).to.equal('Sewage');
  });
});

describe('health', () => {
  it('when the process runs, then /healthz answers ok', async () => {
    const res = await request(makeApp()).get('/healthz');
    expect([res.status, res.body.status]).to.deep.equal([200, 'ok']);
  });

  it('when the database answers, then /readyz is 200', async () => {
    const res = await request(makeApp()).get('/readyz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ready', checks: { database: 'up' } });
  });

  it('when the database does not answer, then /readyz is 503', async () => {
    const res = await request(makeApp({ isDatabaseReady: () => Promise.resolve(false) })).get('/readyz');
    expect(res.status).to.equal(503);
    expect(res.body.checks.database).to.equal('down');
  });
});
