/**
 * Two real instances of the service (`src/server.ts` as `npm start` runs it, two processes) on this
 * file's database and one real SMTP server, under concurrent load: four filers at once, alternating
 * between the instances. Every receipt is delivered once and every escalation is sent once, whichever
 * instance's relay and sweep reach it. Bounded: 40 filings, 12 late cases, a minute at most of waiting.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CaseModel, type CaseDoc } from '../../src/cases/case.model.js';
import { OutboxMessageModel } from '../../src/notifications/index.js';
import { oneOf } from '../../src/shared/db/operators.js';
import { caseBody } from '../support/cases.js';
import { databaseUri } from '../support/cli.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { startService, waitFor, type ServiceProcess } from '../support/service.js';
import { makeUser } from '../support/staff.js';
import { makeAccount } from '../support/accounts.js';

describe('two instances of the service on one database', function () {
  this.timeout(180_000);
  let smtp: TestSmtpServer;
  let dataDir: string;
  const instances: ServiceProcess[] = [];

  async function startInstance(): Promise<ServiceProcess> {
    const instance = await startService({
      MONGODB_URI: databaseUri(),
      DATA_DIR: dataDir,
      JWT_SECRET: 'two-instances-secret-two-instances-secret',
      SMTP_URL: smtp.url,
      SLA_SWEEP_INTERVAL_SECONDS: '5',
      RATE_LIMIT_FILING: '100000',
      RATE_LIMIT_SIGNIN: '100000', // the losing refreshes are failures of one address
      CLASSIFIER_RETRAIN_HOURS: '0',
    });
    instances.push(instance);
    return instance;
  }

  before(async () => {
    smtp = await startSmtpServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tawasul-two-'));
    await Promise.all([startInstance(), startInstance()]);
  });
  after(async () => {
    for (const i of instances) if (i.child.exitCode === null) i.child.kill('SIGTERM');
    await Promise.all(instances.map((i) => i.exited));
    await smtp.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const filed: string[] = [];

  it('when four filers send 40 cases alternating between the instances, then every receipt is delivered exactly once', async () => {
    const bodies = Array.from({ length: 40 }, () => caseBody());
    const filer = async (n: number): Promise<void> => {
      for (let i = n; i < bodies.length; i += 4) {
        const port = instances[i % 2]!.port;
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/cases`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, body: JSON.stringify(bodies[i]) });
        expect(res.status).to.equal(201);
        filed.push(((await res.json()) as { reference: string }).reference);
      }
    };
    await Promise.all([0, 1, 2, 3].map(filer));
    expect(filed).to.have.length(40);

    const receipts = () => OutboxMessageModel.countDocuments({ template: 'case-receipt', status: 'sent' });
    await waitFor(async () => (await receipts()) === 40, '40 receipts sent');
    await new Promise((r) => setTimeout(r, 6_000)); // a further relay round of each instance: no copy may follow
    const ids = smtp.received.map((r) => r.mail.messageId);
    expect(ids).to.have.length(40);
    expect(new Set(ids).size).to.equal(40);
    const recipients = smtp.received.map((r) => r.rcptTo[0]).sort();
    expect(recipients).to.deep.equal(bodies.map((b) => (b.contact as { email: string }).email).sort());
  });

  it('when twelve cases are late, then both instances sweep them and each escalation is recorded and sent once', async () => {
    await makeUser('supervisor', 'CAPITAL');
    const late = await CaseModel.find({ reference: oneOf(filed.slice(0, 12)) }).sort({ _id: 1 }).lean<CaseDoc[]>();
    expect(late).to.have.length(12);
    const before = smtp.received.length;
    const now = Date.now();
    const ago = (days: number) => new Date(now - days * 86_400_000);
    // As if filed a month ago and never answered: the sweeps of both instances find them due.
    for (const c of late) {
      await CaseModel.updateOne(
        { _id: c._id },
        { $set: { dueAt: ago(10), 'sla.startedAt': ago(30), 'sla.atRiskAt': ago(12), 'sla.managersAt': new Date(now + 30 * 86_400_000), 'sla.nextCheckAt': ago(1), 'sla.level': 0 } },
        { timestamps: false },
      );
    }
    const escalated = async () => (await CaseModel.find({ _id: oneOf(late.map((c) => c._id)) }).lean<CaseDoc[]>()).filter((c) => (c.sla?.level ?? 0) >= 2).length;
    await waitFor(async () => (await escalated()) === 12, 'twelve cases escalated');
    await new Promise((r) => setTimeout(r, 6_000)); // a further sweep and relay round of each instance
    for (const c of await CaseModel.find({ _id: oneOf(late.map((x) => x._id)) }).lean<CaseDoc[]>()) {
      expect(c.history.filter((h) => h.event === 'escalated').map((h) => h.to), c.reference).to.deep.equal(['breached']);
    }
    const mails = await OutboxMessageModel.find({ template: 'sla-escalation' }).lean();
    await waitFor(async () => (await OutboxMessageModel.countDocuments({ template: 'sla-escalation', status: 'sent' })) === mails.length, 'the escalations sent');
    // The new supervisor is also told of the recurring issue these similar cases make: count escalations only.
    const ids = new Set(mails.map((m) => `<outbox.${String(m._id)}@tawasul.localhost>`));
    const escalationMails = smtp.received.slice(before).filter((r) => ids.has(r.mail.messageId ?? ''));
    expect(mails.length).to.be.at.least(12); // one supervisor per case at least
    expect(escalationMails).to.have.length(mails.length);
    expect(new Set(escalationMails.map((r) => r.mail.messageId)).size).to.equal(mails.length);
  });

  it('when eight requests present one refresh token at once, split between the instances, then exactly one gets a new pair', async () => {
    for (let round = 0; round < 3; round++) {
      const { user, password } = await makeAccount('citizen');
      const signIn = await fetch(`http://127.0.0.1:${instances[0]!.port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password }) });
      expect(signIn.status).to.equal(200);
      const { refreshToken } = (await signIn.json()) as { refreshToken: string };
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          fetch(`http://127.0.0.1:${instances[i % 2]!.port}/api/v1/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) }).then((r) => r.status),
        ),
      );
      expect(answers.sort()).to.deep.equal([200, 401, 401, 401, 401, 401, 401, 401]);
    }
  });
});

