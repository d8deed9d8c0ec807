/**
 * `npm run cli -- users:create` and `users:disable`, run as a real process against this test
 * run's database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { OutboxMessageModel } from '../../src/notifications/index.js';
import { ManualClock } from '../../src/shared/clock.js';
import { passwordMatches, RefreshTokenModel, signIn, tokenSettings, UserModel } from '../../src/users/index.js';
import { wireHooks } from '../../src/wiring.js';
import { makeApp } from '../support/app.js';
import { authTestConfig, makeAccount, uniqueEmail } from '../support/accounts.js';
import { runCli } from '../support/cli.js';
import { csrfFrom } from '../support/pages.js';

describe('users CLI', function () {
  this.timeout(60_000);
  let dataDir: string;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-cli-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const cli = (...args: string[]) => runCli(dataDir, ...args);

  it('when an officer is created, then it is stored verified with an argon2id hash, and a second run with the same email changes nothing', async () => {
    const email = uniqueEmail('officer');
    const first = await cli('users:create', '--email', email.toUpperCase(), '--password', 'officer-password-1', '--role', 'officer', '--agency', 'WORKS', '--name', 'Khalid Ahmed');
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain(`Created ${email} (officer, WORKS)`);
    const stored = await UserModel.findOne({ email }).lean();
    expect(stored).to.deep.include({ role: 'officer', agency: 'WORKS', name: 'Khalid Ahmed', tokenVersion: 0 });
    expect(stored!.emailVerifiedAt).to.be.instanceOf(Date);
    expect(stored!.passwordHash).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const second = await cli('users:create', '--email', email, '--password', 'a-different-password', '--role', 'supervisor', '--agency', 'EWA');
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.contain(`User ${email} (officer, WORKS) exists; nothing changed.`);
    expect(await UserModel.countDocuments({ email })).to.equal(1);
    const after = await UserModel.findOne({ email }).lean();
    expect(after!.passwordHash).to.equal(stored!.passwordHash);
    expect(after!.role).to.equal('officer');
    expect(first.stdout + first.stderr + second.stdout + second.stderr).to.not.contain('officer-password-1'); // never echoed
  });

  it('when the address has only an unverified citizen sign-up, then users:create makes the staff account and the sign-up\'s link stops working', async () => {
    const app = makeApp({ config: authTestConfig() });
    const email = uniqueEmail('squatted-officer');
    const browser = request.agent(app);
    const form = await browser.get('/signup');
    const signedUp = await browser.post('/signup').type('form').send({ _csrf: csrfFrom(form.text), name: 'Squatter', email, password: 'the-squatters-password' });
    expect(signedUp.status).to.equal(303);

    const res = await cli('users:create', '--email', email, '--password', 'officer-password-1', '--role', 'officer', '--agency', 'WORKS', '--name', 'Khalid Ahmed');
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.contain(`Created ${email} (officer, WORKS)`);
    const stored = await UserModel.find({ email }).lean();
    expect(stored).to.have.length(1);
    expect(stored[0]).to.deep.include({ role: 'officer', agency: 'WORKS', name: 'Khalid Ahmed' });
    expect(await passwordMatches('officer-password-1', stored[0]!.passwordHash)).to.equal(true);

    const message = await OutboxMessageModel.findOne({ to: email, template: 'account-verify' }).lean();
    const link = new URL((message!.data as { verifyUrl: string }).verifyUrl);
    const opened = await request(app).get(link.pathname + link.search);
    expect(opened.status).to.equal(400);
    expect(opened.text).to.contain('data-code="VERIFICATION_LINK_INVALID"');
  });

  it('when a staff role bound to an agency is given none, or an unknown code, then it fails clearly with a non-zero exit and creates nothing', async () => {
    const email = uniqueEmail('supervisor');
    const [missing, unknown] = await Promise.all([
      cli('users:create', '--email', email, '--password', 'supervisor-pass-1', '--role', 'supervisor'),
      cli('users:create', '--email', email, '--password', 'supervisor-pass-1', '--role', 'supervisor', '--agency', 'NO_SUCH_AGENCY'),
    ]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('agency: The role supervisor belongs to one agency: give its code with --agency.');
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain('No agency with the code "NO_SUCH_AGENCY" in the profile bh.').and.contain('WORKS');
    expect(await UserModel.countDocuments({ email })).to.equal(0);
  });

  it('when an account is disabled, then it is marked, its token version bumped and its refresh families revoked', async () => {
    const { user: agent, password } = await makeAccount('agent');
    const email = agent.email;
    await signIn({ email, password }, tokenSettings(authTestConfig(), new ManualClock(new Date())), wireHooks());
    const res = await cli('users:disable', '--email', email);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.contain(`Disabled: ${email}`);
    const user = await UserModel.findOne({ email }).lean();
    expect(user!.disabledAt).to.be.instanceOf(Date);
    expect(user!.tokenVersion).to.equal(1);
    const families = await RefreshTokenModel.find({ userId: user!._id }).lean();
    expect(families).to.have.length(1);
    expect(families[0]!.revokedAt).to.be.instanceOf(Date);
  });
});
