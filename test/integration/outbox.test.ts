/**
 * The email outbox end to end: enqueue, relay, a real SMTP server on loopback, mailparser.
 * Time is a ManualClock: back-off is crossed by advancing it, never by sleeping.
 */
import { expect } from 'chai';
import { Types } from 'mongoose';
import {
  createMailTransport,
  createOutboxRelay,
  enqueueEmail,
  MAX_ATTEMPTS,
  OutboxMessageModel,
  type EnqueueEmailInput,
  type MailTransport,
  type OutboxRelayOptions,
} from '../../src/notifications/index.js';
import { claimOutboxMessage } from '../../src/notifications/relay.js';
import { ManualClock } from '../../src/shared/clock.js';
import { freeLoopbackPort } from '../../src/shared/db/processes.js';
import { ValidationError } from '../../src/shared/errors.js';
import { capturingLogger } from '../support/app.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';

const START = new Date('2026-11-22T06:00:00.000Z');
const FROM = 'Tawasul <no-reply@tawasul.test>';
const CITIZEN = 'citizen.one@example.com';
const REFERENCE = 'TW-26-7KQ4-M9XD';
const TRACKING_URL = `https://tawasul.example.bh/track?reference=${REFERENCE}&token=tk_8fJ2-x`;

type ReceiptInput = Extract<EnqueueEmailInput, { template: 'case-receipt' }>;

function receipt(overrides: Partial<ReceiptInput> = {}): ReceiptInput {
  const caseId = new Types.ObjectId().toHexString();
  return {
    key: `case-receipt:${caseId}`,
    to: CITIZEN,
    language: 'ar',
    template: 'case-receipt',
    subject: { kind: 'case', id: caseId },
    data: { reference: REFERENCE, trackingUrl: TRACKING_URL, typeLabel: 'شكوى', agencyName: 'هيئة الكهرباء والماء', expectedDays: 14 },
    ...overrides,
  };
}

const hrefOf = (html: string): string => /<a href="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');

describe('email outbox', () => {
  let clock: ManualClock;
  let smtp: TestSmtpServer | undefined;
  let transports: MailTransport[];
  let log: ReturnType<typeof capturingLogger>;

  beforeEach(async () => {
    await OutboxMessageModel.deleteMany({});
    clock = new ManualClock(START);
    transports = [];
    log = capturingLogger('debug');
  });
  afterEach(async () => {
    for (const t of transports) t.close();
    await smtp?.close();
    smtp = undefined;
  });

  function transportTo(url: string): MailTransport {
    const transport = createMailTransport(url)!;
    transports.push(transport);
    return transport;
  }

  function relayTo(url: string | null, options: Partial<OutboxRelayOptions> = {}) {
    return createOutboxRelay({ transport: url ? transportTo(url) : null, from: FROM, logger: log.logger, clock, batchSize: 10, leaseMs: 60_000, ...options });
  }

  const stored = async (key: string) => (await OutboxMessageModel.findOne({ key }).lean())!;

  describe('delivery', () => {
    it('when an Arabic receipt is relayed, then it arrives once with the Arabic subject and body intact, the tracking link and dir="rtl"', async () => {
      smtp = await startSmtpServer();
      const input = receipt();
      await enqueueEmail(input, clock.now());

      const result = await relayTo(smtp.url).runOnce();

      expect(result).to.deep.equal({ sent: 1, failed: 0, retried: 0, cancelled: 0 });
      expect(smtp.received).to.have.length(1);
      const { rcptTo, mail } = smtp.received[0]!;
      expect(rcptTo).to.deep.equal([CITIZEN]);
      expect(mail.subject).to.equal(`تم استلام طلبك ${REFERENCE}`);
      expect(mail.from?.value).to.deep.equal([{ name: 'Tawasul', address: 'no-reply@tawasul.test' }]);
      expect(mail.text).to.include(`الرقم المرجعي: ${REFERENCE}`);
      expect(mail.text).to.include(TRACKING_URL);
      expect(mail.text).to.include('أحلنا طلبك إلى هيئة الكهرباء والماء');
      expect(mail.text).to.include('خلال 14 يوم عمل');
      const html = String(mail.html);
      expect(html).to.include('<html lang="ar" dir="rtl">');
      expect(hrefOf(html)).to.equal(TRACKING_URL);
      expect(mail.headers.get('auto-submitted')).to.equal('auto-generated');

      const message = await stored(input.key);
      expect(message.status).to.equal('sent');
      expect(message.sentAt?.toISOString()).to.equal(START.toISOString());
      expect(message.messageId).to.equal(mail.messageId).and.to.equal(`<outbox.${String(message._id)}@tawasul.test>`);
      expect(message.leaseUntil).to.equal(undefined);
      expect(message.data, 'the tracking link is not kept after sending').to.equal(undefined);
      expect(JSON.stringify(log.lines())).not.to.include(CITIZEN);
    });

    it('when an English receipt for an unrouted case is relayed, then it arrives in English, left-to-right, saying the entity is being found', async () => {
      smtp = await startSmtpServer();
      await enqueueEmail(receipt({ language: 'en', data: { reference: REFERENCE, trackingUrl: TRACKING_URL, typeLabel: 'complaint', agencyName: null, expectedDays: 1 } }), clock.now());

      await relayTo(smtp.url).runOnce();

      const { mail } = smtp.received[0]!;
      expect(mail.subject).to.equal(`We received your case ${REFERENCE}`);
      expect(mail.text).to.include('We are finding the right entity');
      expect(mail.text).to.include('within 1 working day.');
      expect(String(mail.html)).to.include('<html lang="en" dir="ltr">');
      expect(hrefOf(String(mail.html))).to.equal(TRACKING_URL);
    });

    it('when the same key is enqueued twice, then one message is stored and delivered once', async () => {
      smtp = await startSmtpServer();
      const input = receipt();
      const first = await enqueueEmail(input, clock.now());
      clock.advance(1000);
      const second = await enqueueEmail({ ...input, to: 'someone.else@example.com' }, clock.now());

      expect(String(second._id)).to.equal(String(first._id));
      expect(second.to).to.equal(CITIZEN);
      expect(await OutboxMessageModel.countDocuments({})).to.equal(1);
      const relay = relayTo(smtp.url);
      await relay.runOnce();
      await relay.runOnce();
      expect(smtp.received).to.have.length(1);
    });

    it('when a message is enqueued, then the stored document is the one returned: pending, no attempts, due and dated by the caller\'s clock', async () => {
      const input = receipt();
      const returned = await enqueueEmail(input, clock.now());
      const doc = await stored(input.key);

      expect(doc).to.deep.equal(returned);
      expect(doc).to.include({ key: input.key, to: CITIZEN, language: input.language, template: 'case-receipt', status: 'pending', attempts: 0 });
      expect(doc.subject).to.deep.equal(input.subject);
      expect(doc.data).to.deep.equal(input.data);
      for (const at of [doc.nextAttemptAt, doc.createdAt, doc.updatedAt]) expect(at.toISOString()).to.equal(clock.now().toISOString());
      expect(doc).not.to.have.any.keys('leaseUntil', 'lastError', 'sentAt', 'messageId');
    });

    it('when more messages are due than the batch holds, then a run sends a batch in due order and the next run the rest', async () => {
      smtp = await startSmtpServer();
      const refs = ['TW-26-AAAA-0001', 'TW-26-AAAA-0002', 'TW-26-AAAA-0003'];
      for (const reference of refs) {
        await enqueueEmail(receipt({ data: { reference, trackingUrl: TRACKING_URL, typeLabel: 'شكوى', agencyName: null, expectedDays: 14 } }), clock.now());
        clock.advance(1000);
      }
      const relay = relayTo(smtp.url, { batchSize: 2 });

      expect((await relay.runOnce()).sent).to.equal(2);
      expect((await relay.runOnce()).sent).to.equal(1);
      expect(smtp.received.map((r) => r.mail.subject)).to.deep.equal(refs.map((r) => `تم استلام طلبك ${r}`));
    });
  });

  describe('validation', () => {
    it('when the input is invalid, then enqueueEmail throws VALIDATION_FAILED naming each field and stores nothing', async () => {
      const bad = receipt({ to: 'not-an-address' });
      (bad.data as { trackingUrl: string }).trackingUrl = 'javascript:alert(1)';
      let caught: unknown;
      try {
        await enqueueEmail(bad, clock.now());
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(ValidationError);
      expect((caught as ValidationError).details!.map((d) => d.field)).to.have.members(['to', 'data.trackingUrl']);
      expect(await OutboxMessageModel.countDocuments({})).to.equal(0);
    });

    it('when the template is unknown, then enqueueEmail rejects it', async () => {
      const bad = { ...receipt(), template: 'no-such-template' } as unknown as EnqueueEmailInput;
      let caught: unknown;
      try {
        await enqueueEmail(bad, clock.now());
      } catch (err) {
        caught = err;
      }
      expect((caught as ValidationError).details!.map((d) => d.field)).to.deep.equal(['template']);
    });
  });

  describe('SMTP down', () => {
    it('when SMTP is down and then up, then the first run schedules a retry and the run after the back-off delivers exactly once', async () => {
      const port = await freeLoopbackPort(); // nothing listens there yet
      const relay = relayTo(`smtp://127.0.0.1:${port}`);
      const input = receipt();
      await enqueueEmail(input, clock.now());

      expect(await relay.runOnce()).to.deep.equal({ sent: 0, failed: 0, retried: 1, cancelled: 0 });
      let message = await stored(input.key);
      expect([message.status, message.attempts]).to.deep.equal(['pending', 1]);
      expect(message.nextAttemptAt.toISOString()).to.equal(new Date(START.getTime() + 30_000).toISOString());
      expect(message.lastError).to.match(/^E[A-Z]+( \d{3})?$/);

      smtp = await startSmtpServer(port);
      expect((await relay.runOnce()).sent).to.equal(0); // not due yet: the clock has not moved
      expect(smtp.received).to.have.length(0);

      clock.advance(30_000);
      expect((await relay.runOnce()).sent).to.equal(1);
      expect((await relay.runOnce()).sent).to.equal(0);
      expect(smtp.received).to.have.length(1);
      message = await stored(input.key);
      expect([message.status, message.attempts]).to.deep.equal(['sent', 1]);
      const warning = log.lines().find((l) => l.msg === 'email not sent: will retry')!;
      expect(warning).to.include({ attempts: 1, error: message.lastError });
      expect(JSON.stringify(log.lines())).not.to.include(CITIZEN);
    });

    it('when a send fails for the last allowed time, then the message is failed and no longer retried', async () => {
      const port = await freeLoopbackPort();
      const relay = relayTo(`smtp://127.0.0.1:${port}`);
      const input = receipt();
      await enqueueEmail(input, clock.now());
      await OutboxMessageModel.updateOne({ key: input.key }, { $set: { attempts: MAX_ATTEMPTS - 1 } });

      expect(await relay.runOnce()).to.deep.equal({ sent: 0, failed: 1, retried: 0, cancelled: 0 });
      const message = await stored(input.key);
      expect([message.status, message.attempts]).to.deep.equal(['failed', MAX_ATTEMPTS]);
      clock.advance(24 * 3600_000);
      expect(await relay.runOnce()).to.deep.equal({ sent: 0, failed: 0, retried: 0, cancelled: 0 });
    });
  });

  describe('one delivery across relays', () => {
    it('when two relays run one after the other, then the message is delivered once', async () => {
      smtp = await startSmtpServer();
      await enqueueEmail(receipt(), clock.now());
      const a = relayTo(smtp.url);
      const b = relayTo(smtp.url);

      expect((await a.runOnce()).sent).to.equal(1);
      expect((await b.runOnce()).sent).to.equal(0);
      expect((await a.runOnce()).sent).to.equal(0);
      expect(smtp.received).to.have.length(1);
    });

    it('when four claimers race for each of 50 pending messages at once, then each message is taken exactly once', async () => {
      const inputs = Array.from({ length: 50 }, () => receipt());
      for (const input of inputs) await enqueueEmail(input, clock.now());
      let doubles = 0;
      let none = 0;
      for (const input of inputs) {
        const read = await stored(input.key);
        const wins = (await Promise.all([1, 2, 3, 4].map((n) => claimOutboxMessage(read, clock.now(), 60_000, `claimer-${n}`)))).filter(Boolean).length;
        if (wins > 1) doubles++;
        if (wins === 0) none++;
      }
      // With the conditional update alone, FerretDB let most of them be taken two to four times.
      expect({ doubles, none }).to.deep.equal({ doubles: 0, none: 0 });
    });

    it('when two relays run at the same time over 40 messages, then every message is delivered exactly once', async () => {
      smtp = await startSmtpServer();
      const inputs = Array.from({ length: 40 }, () => receipt());
      for (const input of inputs) await enqueueEmail(input, clock.now());
      const [a, b] = [relayTo(smtp.url, { batchSize: 40 }), relayTo(smtp.url, { batchSize: 40 })];
      const results = await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
      expect(results.reduce((n, r) => n + r.sent, 0)).to.equal(40);
      const ids = smtp.received.map((r) => r.mail.messageId);
      expect(ids).to.have.length(40);
      expect(new Set(ids).size).to.equal(40);
      expect(await OutboxMessageModel.countDocuments({ status: 'sent' })).to.equal(40);
    });

    it('when a relay runs while another holds the message, then it leaves the message alone', async () => {
      smtp = await startSmtpServer();
      await enqueueEmail(receipt(), clock.now());
      const b = relayTo(smtp.url);
      let duringA: unknown;
      // A's subject check runs after A has claimed the message and before it sends.
      const a = relayTo(smtp.url, {
        isSubjectLive: async () => {
          duringA = await b.runOnce();
          return true;
        },
      });

      expect((await a.runOnce()).sent).to.equal(1);
      expect(duringA).to.deep.equal({ sent: 0, failed: 0, retried: 0, cancelled: 0 });
      expect(smtp.received).to.have.length(1);
    });

    it('when two relays read the same pending message, then only the first claim takes it', async () => {
      const input = receipt();
      await enqueueEmail(input, clock.now());
      const readByA = await stored(input.key);
      const readByB = await stored(input.key);

      const heldByA = await claimOutboxMessage(readByA, clock.now(), 60_000);
      const heldByB = await claimOutboxMessage(readByB, clock.now(), 60_000);

      expect(heldByA?.message.leaseUntil.toISOString()).to.equal(new Date(START.getTime() + 60_000).toISOString());
      expect(heldByB).to.equal(null);
      expect((await stored(input.key)).status).to.equal('sending');
    });
  });

  describe('crash recovery', () => {
    it('when a message was left sending and its lease has expired, then it is taken back and sent', async () => {
      smtp = await startSmtpServer();
      const crashed = receipt();
      const stillHeld = receipt();
      await enqueueEmail(crashed, clock.now());
      await enqueueEmail(stillHeld, clock.now());
      await OutboxMessageModel.updateOne({ key: crashed.key }, { $set: { status: 'sending', leaseUntil: new Date(START.getTime() - 1000) } });
      await OutboxMessageModel.updateOne({ key: stillHeld.key }, { $set: { status: 'sending', leaseUntil: new Date(START.getTime() + 1000) } });

      expect((await relayTo(smtp.url).runOnce()).sent).to.equal(1);

      const message = await stored(crashed.key);
      expect([message.status, message.attempts, message.lastError]).to.deep.equal(['sent', 1, 'LEASE_EXPIRED']);
      expect((await stored(stillHeld.key)).status).to.equal('sending');
      expect(smtp.received).to.have.length(1);
      expect(log.lines().some((l) => l.msg === 'outbox message lease expired: its sender stopped mid-send')).to.equal(true);
    });
  });

  describe('subject check', () => {
    it('when the case does not exist yet, then the message waits, and once the case exists it is sent', async () => {
      smtp = await startSmtpServer();
      let caseStored = false;
      const asked: unknown[] = [];
      const relay = relayTo(smtp.url, {
        isSubjectLive: (subject) => {
          asked.push(subject);
          return Promise.resolve(caseStored);
        },
      });
      const input = receipt();
      await enqueueEmail(input, clock.now());

      expect(await relay.runOnce()).to.deep.equal({ sent: 0, failed: 0, retried: 1, cancelled: 0 });
      const waiting = await stored(input.key);
      expect([waiting.status, waiting.attempts]).to.deep.equal(['pending', 0]);
      expect(waiting.nextAttemptAt.getTime()).to.be.greaterThan(START.getTime());
      expect(asked).to.deep.equal([input.subject]);

      caseStored = true;
      clock.advance(60_000);
      expect((await relay.runOnce()).sent).to.equal(1);
      expect(smtp.received).to.have.length(1);
    });

    it('when the case still does not exist five minutes after the message, then the message is cancelled and never sent', async () => {
      smtp = await startSmtpServer();
      const relay = relayTo(smtp.url, { isSubjectLive: () => Promise.resolve(false) });
      const input = receipt();
      await enqueueEmail(input, clock.now());

      clock.advance(5 * 60_000);
      expect(await relay.runOnce()).to.deep.equal({ sent: 0, failed: 0, retried: 0, cancelled: 1 });
      const message = await stored(input.key);
      expect([message.status, message.lastError, message.leaseUntil]).to.deep.equal(['cancelled', 'SUBJECT_MISSING', undefined]);
      clock.advance(3600_000);
      expect((await relay.runOnce()).cancelled).to.equal(0);
      expect(smtp.received).to.have.length(0);
    });

    it('when the subject check fails with an error, then an old message is retried later, not cancelled', async () => {
      smtp = await startSmtpServer();
      const relay = relayTo(smtp.url, { isSubjectLive: () => Promise.reject(new Error('database unavailable')) });
      const input = receipt();
      await enqueueEmail(input, clock.now());

      clock.advance(10 * 60_000);
      expect(await relay.runOnce()).to.deep.equal({ sent: 0, failed: 0, retried: 1, cancelled: 0 });
      const message = await stored(input.key);
      expect([message.status, message.attempts]).to.deep.equal(['pending', 0]);
      expect(smtp.received).to.have.length(0);
    });

    it('when a message has no subject, then it is sent without asking', async () => {
      smtp = await startSmtpServer();
      const asked: unknown[] = [];
      const relay = relayTo(smtp.url, {
        isSubjectLive: (subject) => {
          asked.push(subject);
          return Promise.resolve(false);
        },
      });
      const { subject: _subject, ...withoutSubject } = receipt();
      await enqueueEmail(withoutSubject, clock.now());

      expect((await relay.runOnce()).sent).to.equal(1);
      expect(asked).to.deep.equal([]);
    });
  });

  describe('no SMTP configured', () => {
    it('when there is no transport, then nothing is sent, the message stays pending and a warning is logged once', async () => {
      const relay = relayTo(null);
      const input = receipt();
      await enqueueEmail(input, clock.now());

      expect(await relay.runOnce()).to.deep.equal({ sent: 0, failed: 0, retried: 0, cancelled: 0 });
      clock.advance(60_000);
      await relay.runOnce();

      const message = await stored(input.key);
      expect([message.status, message.attempts]).to.deep.equal(['pending', 0]);
      const warnings = log.lines().filter((l) => l.level === 40);
      expect(warnings).to.have.length(1);
      expect(String(warnings[0]!.msg)).to.include('SMTP_URL is not set');
    });
  });

  describe('loop', () => {
    it('when the relay is started, then it delivers what is due, and stop() waits for it to finish', async () => {
      smtp = await startSmtpServer();
      const input = receipt();
      await enqueueEmail(input, clock.now());
      const relay = relayTo(smtp.url);

      relay.start(10);
      const deadline = Date.now() + 5000;
      while (smtp.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await relay.stop();

      expect(smtp.received).to.have.length(1);
      expect((await stored(input.key)).status).to.equal('sent');
    });
  });
});
