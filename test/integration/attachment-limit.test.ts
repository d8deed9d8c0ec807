/**
 * The 5 files of a case hold under parallel uploads: each file takes one of the case's slots by an
 * insert the unique `_id` refuses to a second caller (before, eight parallel uploads of one file
 * each all passed the count, and a case was seen with 20 files).
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { CaseModel } from '../../src/cases/index.js';
import { AttachmentSlotModel } from '../../src/cases/attachment-slot.model.js';
import { configureUploads } from '../../src/cases/attachments.js';
import { makeApp } from '../support/app.js';
import { caseBody } from '../support/cases.js';
import { PNG_1PX } from '../support/files.js';

const storedFiles = (): Promise<number> => mongoose.connection.db!.collection('attachments.files').countDocuments();

describe('the per-case attachment limit under parallel uploads', () => {
  const app = makeApp();
  before(() => configureUploads({ concurrency: 20 }));
  after(() => configureUploads());

  it('when eight uploads of one file each reach one case at once, then at most 5 are stored and the others are 400 TOO_MANY_FILES', async () => {
    const filed = await request(app).post('/api/v1/cases').send(caseBody());
    expect(filed.status).to.equal(201);
    const { reference, trackingToken } = filed.body as { reference: string; trackingToken: string };
    const filesBefore = await storedFiles();

    const answers = await Promise.all(
      Array.from({ length: 8 }, (_x, i) =>
        request(app).post(`/api/v1/cases/${reference}/attachments`).set('X-Tracking-Token', trackingToken).attach('attachments', PNG_1PX, { filename: `photo-${i}.png`, contentType: 'image/png' }),
      ),
    );
    const accepted = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    expect(accepted.length).to.be.within(1, 5);
    expect(accepted.length + refused.length).to.equal(8);
    for (const r of refused) {
      expect(r.status).to.equal(400);
      expect((r.body.error.details as { code: string }[]).map((d) => d.code)).to.deep.equal(['TOO_MANY_FILES']);
    }

    const stored = (await CaseModel.findOne({ reference }).lean())!;
    expect(stored.attachments.length).to.be.at.most(5);
    expect(await AttachmentSlotModel.countDocuments({ caseId: stored._id })).to.equal(accepted.length);
    expect(await storedFiles()).to.equal(filesBefore + accepted.length); // refused files were deleted again

    const more = await request(app).post(`/api/v1/cases/${reference}/attachments`).set('X-Tracking-Token', trackingToken).attach('attachments', PNG_1PX, { filename: 'late.png', contentType: 'image/png' });
    if (accepted.length === 5) expect(more.status).to.equal(400);
  });
});
