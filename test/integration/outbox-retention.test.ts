/**
 * The outbox keeps an email's address only OUTBOX_KEEP_DAYS after it is done with. The message stays
 * with its key, so the same event enqueued again is still recognised and nothing is sent twice.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import { enqueueEmail, forgetSettledMessages, OutboxMessageModel, type EnqueueEmailInput } from '../../src/notifications/index.js';

const DAY = 86_400_000;
// Times relative to the machine's clock, so the test holds on any day.
const now = new Date();
const longAgo = new Date(now.getTime() - 120 * DAY);
const keepFrom = new Date(now.getTime() - 90 * DAY);

function receiptTo(to: string): Extract<EnqueueEmailInput, { template: 'case-receipt' }> {
  const caseId = new Types.ObjectId().toHexString();
  return {
    key: `case-receipt:${caseId}`,
    to,
    language: 'en',
    template: 'case-receipt',
    subject: { kind: 'case', id: caseId },
    data: { reference: 'TW-26-7KQ4-M9XD', trackingUrl: 'https://tawasul.example.bh/track?reference=TW-26-7KQ4-M9XD&token=tk_x', typeLabel: 'Complaint', agencyName: 'EWA', expectedDays: 14 },
  };
}

async function messageIn(status: 'pending' | 'sent' | 'failed' | 'cancelled', at: Date, to: string): Promise<{ key: string }> {
  const input = receiptTo(to);
  await enqueueEmail(input, at);
  if (status !== 'pending') await OutboxMessageModel.updateOne({ key: input.key }, { $set: { status, ...(status === 'sent' ? { sentAt: at } : {}) }, ...(status === 'sent' ? { $unset: { data: 1 } } : {}) });
  return { key: input.key };
}

describe('outbox retention', () => {
  it('when settled messages are older than the keeping time, then they lose their address and variables; newer ones and pending ones keep theirs', async () => {
    const oldSent = await messageIn('sent', longAgo, 'old.sent@example.com');
    const oldFailed = await messageIn('failed', longAgo, 'old.failed@example.com');
    const oldCancelled = await messageIn('cancelled', longAgo, 'old.cancelled@example.com');
    const oldPending = await messageIn('pending', longAgo, 'old.pending@example.com');
    const recentSent = await messageIn('sent', new Date(now.getTime() - 10 * DAY), 'recent.sent@example.com');

    expect(await forgetSettledMessages(keepFrom, now)).to.equal(3);

    const byKey = async (k: { key: string }) => (await OutboxMessageModel.findOne({ key: k.key }).lean())!;
    for (const k of [oldSent, oldFailed, oldCancelled]) {
      const m = await byKey(k);
      expect(m.to).to.equal('');
      expect(m.data).to.equal(undefined);
    }
    expect((await byKey(oldPending)).to).to.equal('old.pending@example.com');
    expect((await byKey(oldPending)).data).to.not.equal(undefined);
    expect((await byKey(recentSent)).to).to.equal('recent.sent@example.com');
    const stored = JSON.stringify(await OutboxMessageModel.find({}).lean());
    expect(stored).to.contain('recent.sent@example.com');
    expect(stored).not.to.contain('old.sent@example.com').and.not.to.contain('old.failed@example.com').and.not.to.contain('old.cancelled@example.com');

    // A second run has nothing left to do.
    expect(await forgetSettledMessages(keepFrom, now)).to.equal(0);
  });

  it('when the same event is enqueued again after its address was removed, then the old message answers and nothing new is queued', async () => {
    const input = receiptTo('again@example.com');
    await enqueueEmail(input, longAgo);
    await OutboxMessageModel.updateOne({ key: input.key }, { $set: { status: 'sent', sentAt: longAgo } });
    expect(await forgetSettledMessages(keepFrom, now)).to.equal(1);

    const pendingBefore = await OutboxMessageModel.countDocuments({ status: 'pending' });
    const again = await enqueueEmail(input, now);
    expect(again.status).to.equal('sent');
    expect(await OutboxMessageModel.countDocuments({ key: input.key })).to.equal(1);
    expect(await OutboxMessageModel.countDocuments({ status: 'pending' })).to.equal(pendingBefore);
  });
});
