/**
 * Every test file has a database of its own (test/support/global-setup.ts). The files that run
 * before this one (units, then integration files in name order) file cases of their own; none may be
 * seen here.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import { CaseModel } from '../../src/cases/case.model.js';
import { AgencyModel } from '../../src/directory/directory.model.js';
import { makeCase } from '../support/factories.js';

describe('test isolation: each file its own database', () => {
  it('when a file starts, then its database is seeded with the directory and holds no case of another file', async () => {
    expect(mongoose.connection.name).to.match(/^tawasul_test_[0-9a-f]{8}_\d+$/);
    expect(await CaseModel.countDocuments({})).to.equal(0);
    expect(await AgencyModel.countDocuments({ profile: 'bh' })).to.equal(12);
    await makeCase(); // left behind on purpose: the next file must not see it
    expect(await CaseModel.countDocuments({})).to.equal(1);
  });
});
