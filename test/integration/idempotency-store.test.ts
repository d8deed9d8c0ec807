import { expect } from 'chai';
import { Types } from 'mongoose';
import { purgeExpiredIdempotencyRecords, sealingKey, withIdempotency } from '../../src/shared/idempotency.js';
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

  it('when a key is first used, then its record is stored under the scoped key as _id and the answer is found by it', async () => {
    const options = { scope: 'test:scope', key: 'key-0001', request: { a: 1 }, sealKey: sealingKey('a-secret-a-secret-a-secret-a-secret'), now: new Date('2026-11-23T10:00:00Z') };
    let runs = 0;
    const first = await withIdempotency(options, () => Promise.resolve({ status: 201, body: { n: ++runs } }));
    const again = await withIdempotency(options, () => Promise.resolve({ status: 201, body: { n: ++runs } }));

    expect(first).to.deep.equal({ status: 201, body: { n: 1 }, replayed: false });
    expect(again).to.deep.equal({ status: 201, body: { n: 1 }, replayed: true });
    const records = await IdempotencyModel.find({}).lean();
    expect(records).to.have.length(1);
    expect(records[0]).to.include({ _id: 'test:scope:key-0001', key: 'test:scope:key-0001', state: 'done' });
  });

  it('when the first attempt fails, then its record is released and the key can be used again', async () => {
    const options = { scope: 'test:scope', key: 'key-0002', request: { a: 1 }, sealKey: sealingKey('a-secret-a-secret-a-secret-a-secret'), now: new Date('2026-11-23T10:00:00Z') };
    let failed: unknown;
    await withIdempotency(options, () => Promise.reject(new Error('boom'))).catch((err: unknown) => (failed = err));
    expect(failed).to.be.instanceOf(Error);
    expect(await IdempotencyModel.countDocuments({})).to.equal(0);
    expect(await withIdempotency(options, () => Promise.resolve({ status: 201, body: 'ok' }))).to.include({ body: 'ok', replayed: false });
  });

  it('when a record from before _id was the key is retried, then its answer is still found by key', async () => {
    const sealKey = sealingKey('a-secret-a-secret-a-secret-a-secret');
    const options = { scope: 'test:scope', key: 'key-0003', request: { a: 1 }, sealKey, now: new Date('2026-11-23T10:00:00Z') };
    await withIdempotency(options, () => Promise.resolve({ status: 201, body: 'first' }));
    // Rewrite it as an older record: an ObjectId _id, the scoped key in `key` only.
    const stored = (await IdempotencyModel.findById('test:scope:key-0003').lean())!;
    await IdempotencyModel.deleteOne({ _id: stored._id });
    await IdempotencyModel.collection.insertOne({ ...stored, _id: new Types.ObjectId() });

    expect(await withIdempotency(options, () => Promise.resolve({ status: 201, body: 'second' }))).to.deep.equal({ status: 201, body: 'first', replayed: true });
  });

  describe('the record and the work settle together', () => {
    const sealKey = sealingKey('a-secret-a-secret-a-secret-a-secret');
    const storedWork = new Set<string>();
    const options = (key: string, now = new Date('2026-11-23T10:00:00Z')) => ({ scope: 'test:settle', key, request: { a: 1 }, sealKey, now, stored: (id: string) => Promise.resolve(storedWork.has(id)) });

    it('when the attempt fails after the work was stored, then the key is kept and a retry gets the prepared answer instead of doing it twice', async () => {
      let runs = 0;
      const failing = withIdempotency(options('settle-0001'), async (step) => {
        runs++;
        await step.prepare({ status: 201, body: { copy: runs } });
        storedWork.add(step.recordId); // the work's own write went through…
        throw new Error('…and what came after it failed');
      });
      await failing.then(
        () => expect.fail('the first attempt should fail'),
        (err: Error) => expect(err.message).to.contain('failed'),
      );
      const retry = await withIdempotency(options('settle-0001'), () => Promise.resolve({ status: 201, body: { copy: ++runs } }));
      expect(retry).to.deep.equal({ status: 201, body: { copy: 1 }, replayed: true });
      expect(runs).to.equal(1);
    });

    it('when a record was left pending by an attempt that ended (its work stored), then a later retry is answered from it, not 409 for a day', async () => {
      await withIdempotency(options('settle-0002'), async (step) => {
        await step.prepare({ status: 201, body: 'prepared' });
        storedWork.add(step.recordId);
        return { status: 201, body: 'prepared' };
      });
      await IdempotencyModel.updateOne({ _id: 'test:settle:settle-0002' }, { $set: { state: 'pending' } }); // as if marking it done had failed
      const soon = await withIdempotency(options('settle-0002', new Date('2026-11-23T10:00:10Z')), () => Promise.resolve({ status: 201, body: 'again' })).catch((e: { code?: string }) => e.code);
      expect(soon).to.equal('IDEMPOTENCY_IN_PROGRESS'); // it may still be running
      const later = await withIdempotency(options('settle-0002', new Date('2026-11-23T10:02:00Z')), () => Promise.resolve({ status: 201, body: 'again' }));
      expect(later).to.deep.equal({ status: 201, body: 'prepared', replayed: true });
      expect((await IdempotencyModel.findById('test:settle:settle-0002').lean())!.state).to.equal('done');
    });

    it('when a record was left pending and nothing was stored, then a later retry is told to send again, and the next one runs', async () => {
      await IdempotencyModel.create({ _id: 'test:settle:settle-0003', key: 'test:settle:settle-0003', requestHash: (await import('node:crypto')).createHash('sha256').update('{"a":1}').digest('hex'), state: 'pending', createdAt: new Date('2026-11-23T10:00:00Z'), expiresAt: new Date('2026-11-24T10:00:00Z') });
      const later = options('settle-0003', new Date('2026-11-23T10:02:00Z'));
      const told = await withIdempotency(later, () => Promise.resolve({ status: 201, body: 'x' })).catch((e: { code?: string }) => e.code);
      expect(told).to.equal('IDEMPOTENCY_RETRY');
      expect(await withIdempotency(later, () => Promise.resolve({ status: 201, body: 'filed' }))).to.include({ body: 'filed', replayed: false });
    });
  });
});

