import { expect } from 'chai';
import { purgeExpiredIdempotencyRecords } from '../../src/shared/idempotency.js';
import { IdempotencyModel } from '../../src/shared/idempotency.model.js';

describe('idempotency store', () => {
  beforeEach(() => IdempotencyModel.deleteMany({}));

  it('when the purge runs, then records past their keeping time go and the others stay', async () => {
    const now = new Date('2026-11-23T10:00:00Z');
    await IdempotencyModel.create([
      { key: 'old', requestHash: 'h', state: 'done', createdAt: new Date('2026-11-21T10:00:00Z'), expiresAt: new Date('2026-11-22T10:00:00Z') },
      { key: 'fresh', requestHash: 'h', state: 'done', createdAt: now, expiresAt: new Date('2026-11-24T10:00:00Z') },
    ]);
    expect(await purgeExpiredIdempotencyRecords(now)).to.equal(1);
    expect((await IdempotencyModel.find({}).sort({ key: 1, _id: 1 }).lean()).map((r) => r.key)).to.deep.equal(['fresh']);
  });
});
