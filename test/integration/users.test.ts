import { expect } from 'chai';
import { renderEmail } from '../../src/notifications/index.js';
import { ValidationError } from '../../src/shared/errors.js';
import { createUser, hashPassword, passwordMatches, UserModel } from '../../src/users/index.js';
import { makeAccount, uniqueEmail } from '../support/accounts.js';

async function rejection(promise: Promise<unknown>): Promise<ValidationError> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(ValidationError);
    return err as ValidationError;
  }
  expect.fail('expected a ValidationError');
}

describe('accounts', () => {
  const ctx = { profile: 'bh', now: new Date('2026-11-28T08:00:00Z') };

  it('when a password is hashed, then it is argon2id with the OWASP parameters and only the right password matches', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await passwordMatches('correct horse battery', hash)).to.equal(true);
    expect(await passwordMatches('Correct horse battery', hash)).to.equal(false);
    expect(await passwordMatches('anything', undefined)).to.equal(false); // no account: the dummy hash never matches
    expect(await passwordMatches('anything', 'not-a-hash')).to.equal(false);
  });

  it('when an account is turned into JSON, then the password hash and token version are not in it', async () => {
    const { user } = await makeAccount('admin', {}, ctx.now);
    const json = (await UserModel.findById(user._id))!.toJSON() as Record<string, unknown>;
    expect(json).to.include({ email: user.email, role: 'admin', id: user._id.toString() });
    expect(json).to.not.have.any.keys('passwordHash', 'tokenVersion', '_id', '__v');
  });

  it('when roles and agencies do not fit, then every problem is named and nothing is stored', async () => {
    const email = uniqueEmail('bad');
    const managerWithAgency = await rejection(createUser({ email, password: 'long-enough-pw', role: 'manager', agency: 'WORKS' }, ctx));
    expect(managerWithAgency.details!.map((d) => d.code)).to.deep.equal(['AGENCY_NOT_ALLOWED']);
    const several = await rejection(createUser({ email: 'nope', password: 'short', role: 'emperor' }, ctx));
    expect(several.details!.map((d) => d.field)).to.deep.equal(['email', 'password', 'role']);
    expect(await UserModel.countDocuments({ email })).to.equal(0);
  });

  it('when the model is given an officer without an agency directly, then validation refuses it', async () => {
    const err = await new UserModel({ email: uniqueEmail(), passwordHash: 'x', role: 'officer', name: 'N', tokenVersion: 0 }).validate().catch((e: unknown) => e);
    expect((err as { errors: Record<string, unknown> }).errors).to.have.property('agency');
  });

  it('when the same email is created with different case, then it is one account', async () => {
    const email = uniqueEmail('case');
    const first = await createUser({ email, password: 'long-enough-pw', role: 'agent' }, ctx);
    const second = await createUser({ email: email.toUpperCase(), password: 'other-long-pw', role: 'agent' }, ctx);
    expect([first.status, second.status]).to.deep.equal(['created', 'exists']);
    expect(second.user._id.toString()).to.equal(first.user._id.toString());
  });

  it('when the verification email renders, then Arabic is right-to-left and both languages carry the link', async () => {
    const data = { name: 'فاطمة', verifyUrl: 'https://tawasul.example.bh/verify-email?token=abc_DEF-123', expiresHours: 48 };
    const ar = await renderEmail('account-verify', 'ar', data);
    expect(ar.subject).to.match(/[\u0600-\u06FF]/);
    expect(ar.html).to.contain('<html lang="ar" dir="rtl">').and.contain(`href="${data.verifyUrl}"`);
    expect(ar.text).to.contain(data.verifyUrl).and.contain('48 ساعة');
    const en = await renderEmail('account-verify', 'en', { ...data, name: 'Fatima' });
    expect(en.subject).to.equal('Confirm your email to activate your Tawasul account');
    expect(en.text).to.contain('valid for 48 hours');
  });
});
