/**
 * The outbox relay: delivers pending messages, one claim at a time, so that several app instances
 * can run it over one database and none sends a message another has taken.
 *
 * Claim: an insert keyed by the message and its attempt count (shared/claims.ts), which one relay
 * wins on every engine, then the update from `pending` (with the `nextAttemptAt` we read) to
 * `sending` with a lease. The update alone is not enough: FerretDB v1 lets two concurrent
 * conditional updates both apply, and two instances sent most receipts twice. A relay that dies
 * mid-send leaves the message `sending`; once its lease expires another relay puts it back to
 * `pending` (one more attempt, so a new claim key), so mail is delivered at least once, and twice
 * only after such a crash (the same Message-ID lets mail systems recognise the copy).
 */
import { randomUUID } from 'node:crypto';
import type { Types } from 'mongoose';
import { claim, releaseClaim, type HeldClaim } from '../shared/claims.js';
import type { Clock } from '../shared/clock.js';
import { lte } from '../shared/db/operators.js';
import type { Logger } from '../shared/logger.js';
import { repeat, type Loop } from '../shared/repeat.js';
import { EmailRenderError, renderEmail } from './email-templates.js';
import type { MailTransport } from './mailer.js';
import { OutboxMessageModel, type OutboxStatus } from './outbox.model.js';
import type { OutboxSubject, StoredOutboxMessage } from './outbox.service.js';

/** After this many failed sends a message is `failed` and waits for a person. */
export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;
/** A subject (case) is written right after its receipt is enqueued; missing for longer, the filing failed. */
export const SUBJECT_GRACE_MS = 5 * 60_000;
const SUBJECT_RECHECK_MS = 30_000;

/** Back-off after the n-th failed attempt: 30 s, 1 min, 2 min … capped at 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

export interface OutboxRelayOptions {
  /** null when SMTP_URL is unset: nothing is sent and mail waits in the outbox. */
  transport: MailTransport | null;
  /** The From header, e.g. `Tawasul <no-reply@example.gov.bh>`. */
  from: string;
  logger: Logger;
  clock: Clock;
  /** Whether the message's subject exists (e.g. the case was stored). Messages without a subject skip it. */
  isSubjectLive?: (subject: OutboxSubject) => Promise<boolean>;
  /** Messages taken per run (default 20). */
  batchSize?: number;
  /** How long a claim holds before another relay may take the message back (default 5 min). */
  leaseMs?: number;
}

export interface RelayRunResult {
  sent: number;
  /** Gave up: attempts reached MAX_ATTEMPTS. */
  failed: number;
  /** Put back for a later attempt (send failed, or the subject does not exist yet). */
  retried: number;
  /** The subject never came to exist. */
  cancelled: number;
}

export interface OutboxRelay {
  runOnce(): Promise<RelayRunResult>;
  /** Runs the relay every `intervalMs` (at once again when a run took a full batch) until stop(). */
  start(intervalMs: number): void;
  /** Stops the loop and waits for a run in progress. */
  stop(): Promise<void>;
}

type Outcome = keyof RelayRunResult;
export type HeldMessage = { _id: Types.ObjectId; status: 'sending'; leaseUntil: Date };
type Hold = { message: HeldMessage; claim: HeldClaim };

const later = (from: Date, ms: number): Date => new Date(from.getTime() + ms);


/** Only a code reaches the store and the logs: SMTP replies can quote the recipient's address. */
export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown } | null;
  const code = typeof e?.code === 'string' && /^[A-Z][A-Z0-9_]{1,39}$/.test(e.code) ? e.code : 'SEND_FAILED';
  return typeof e?.responseCode === 'number' ? `${code} ${e.responseCode}` : code;
}

function messageIdDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'tawasul.localhost';
}

const processRelay = `relay-${randomUUID()}`;

/**
 * Takes a message read as `pending` for sending. Succeeds for one caller only, on every engine: the
 * claim of `outbox:<id>:<attempts>`, then an update whose filter carries the `nextAttemptAt` that was
 * read, so a message another relay has claimed, or claimed, failed and rescheduled since, is not
 * taken again. Returns the hold (with its lease), or null.
 */
export async function claimOutboxMessage(message: Pick<StoredOutboxMessage, '_id' | 'nextAttemptAt' | 'attempts'>, now: Date, leaseMs: number, owner = processRelay): Promise<Hold | null> {
  const held = await claim(`outbox:${String(message._id)}:${message.attempts}`, owner, now, leaseMs);
  if (!held) return null;
  const leaseUntil = later(now, leaseMs);
  const res = await OutboxMessageModel.updateOne(
    { _id: message._id, status: 'pending', nextAttemptAt: message.nextAttemptAt },
    { $set: { status: 'sending', leaseUntil, updatedAt: now } },
    { timestamps: false },
  );
  if (res.modifiedCount === 1) return { message: { _id: message._id, status: 'sending', leaseUntil }, claim: held };
  await releaseClaim(held, now); // what we read has moved on: leave the spell to whoever has it
  return null;
}

/** A relay's settings, resolved once: the options with their defaults, the Message-ID domain, the claim owner. */
interface Relay {
  transport: MailTransport | null;
  from: string;
  logger: Logger;
  clock: Clock;
  isSubjectLive?: (subject: OutboxSubject) => Promise<boolean>;
  batchSize: number;
  leaseMs: number;
  domain: string;
  owner: string;
  /** The missing-SMTP warning is logged once per relay. */
  warnedNoTransport: boolean;
}

/** Ends our hold on a message, if we still hold it (the lease may have expired and been taken back). */
async function settle(relay: Relay, held: HeldMessage, set: Record<string, unknown> & { status: OutboxStatus }): Promise<boolean> {
  // updateOne(held, …): the filter is the hold itself (id, `sending`, our lease's end).
  const res = await OutboxMessageModel.updateOne(held, { $set: { ...set, updatedAt: relay.clock.now() }, $unset: { leaseUntil: 1 } }, { timestamps: false });
  return res.modifiedCount === 1;
}

/** Messages left `sending` by a relay that stopped mid-send go back to `pending`; this counts as an attempt. */
async function reclaimExpiredLeases(relay: Relay): Promise<number> {
  const { clock, batchSize, logger } = relay;
  const now = clock.now();
  const stuck = await OutboxMessageModel.find({ status: 'sending', leaseUntil: lte(now) })
    .sort({ leaseUntil: 1, _id: 1 })
    .limit(batchSize)
    .lean<StoredOutboxMessage[]>();
  let failed = 0;
  for (const message of stuck) {
    const attempts = message.attempts + 1;
    const final = attempts >= MAX_ATTEMPTS;
    const reclaimed = await settle(
      relay,
      { _id: message._id, status: 'sending', leaseUntil: message.leaseUntil! },
      final ? { status: 'failed', attempts, lastError: 'LEASE_EXPIRED' } : { status: 'pending', attempts, lastError: 'LEASE_EXPIRED', nextAttemptAt: now },
    );
    if (!reclaimed) continue;
    if (final) failed++;
    logger.warn({ outboxId: String(message._id), attempts, final }, 'outbox message lease expired: its sender stopped mid-send');
  }
  return failed;
}

/** A held message whose subject is missing is cancelled (after the grace period) or put back for later. */
async function checkSubject(relay: Relay, message: StoredOutboxMessage, hold: Hold): Promise<Outcome | null> {
  const { isSubjectLive, logger, clock } = relay;
  const held = hold.message;
  if (!message.subject || !isSubjectLive) return null;
  const outboxId = String(message._id);
  let live: boolean | 'unknown';
  try {
    live = await isSubjectLive({ kind: message.subject.kind, id: message.subject.id });
  } catch (err) {
    logger.warn({ outboxId, err }, 'could not check the subject of an outbox message; will retry');
    live = 'unknown'; // never cancel on an error: only a subject known to be missing cancels
  }
  if (live === true) return null;
  const now = clock.now();
  if (live === false && now.getTime() - message.createdAt.getTime() >= SUBJECT_GRACE_MS) {
    await settle(relay, held, { status: 'cancelled', lastError: 'SUBJECT_MISSING' });
    logger.info({ outboxId, template: message.template, subjectKind: message.subject.kind }, 'outbox message cancelled: its subject was never stored');
    return 'cancelled';
  }
  // Back to pending without an attempt counted: the same claim key, so give it up for the next try.
  await settle(relay, held, { status: 'pending', nextAttemptAt: later(now, SUBJECT_RECHECK_MS) });
  await releaseClaim(hold.claim, now);
  return 'retried';
}

/** Renders and sends one message; resolves to the Message-ID the mail system accepted. */
async function send(relay: Relay, message: StoredOutboxMessage, mailer: MailTransport): Promise<string> {
  const email = await renderEmail(message.template, message.language, message.data);
  const info = await mailer.sendMail({
    from: relay.from,
    to: message.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    ...(email.calendar ? { icalEvent: { method: 'REQUEST', filename: 'invitation.ics', content: email.calendar } } : {}),
    messageId: `<outbox.${String(message._id)}@${relay.domain}>`,
    headers: { 'Auto-Submitted': 'auto-generated' }, // RFC 3834: no auto-replies
  });
  return info.messageId;
}

/** A failed render or send: one more attempt counted, then rescheduled with back-off, or given up. */
async function recordSendFailure(relay: Relay, message: StoredOutboxMessage, held: HeldMessage, err: unknown): Promise<Outcome> {
  const attempts = message.attempts + 1;
  const final = attempts >= MAX_ATTEMPTS;
  const lastError = errorCode(err);
  const nextAttemptAt = later(relay.clock.now(), retryDelayMs(attempts));
  await settle(relay, held, final ? { status: 'failed', attempts, lastError } : { status: 'pending', attempts, lastError, nextAttemptAt });
  const detail = err instanceof EmailRenderError ? { detail: err.message } : {};
  relay.logger.warn({ outboxId: String(message._id), template: message.template, attempts, error: lastError, ...detail, ...(final ? {} : { nextAttemptAt }) }, final ? 'email failed: giving up' : 'email not sent: will retry');
  return final ? 'failed' : 'retried';
}

/**
 * Delivered: recorded whoever holds the message now, so that a copy taken back after an expired
 * lease is not sent again.
 */
async function recordSent(relay: Relay, message: StoredOutboxMessage, messageId: string): Promise<void> {
  const now = relay.clock.now();
  await OutboxMessageModel.updateOne({ _id: message._id }, {
      $set: { status: 'sent', sentAt: now, messageId, updatedAt: now },
      // Once delivered, the template data (it holds the tracking link and token) is no longer kept.
      $unset: { leaseUntil: 1, data: 1 },
    }, { timestamps: false });
  relay.logger.info({ outboxId: String(message._id), template: message.template, attempt: message.attempts + 1 }, 'email sent');
}

/** One message: claim, check its subject, send, record. null when another relay took it. */
async function deliver(relay: Relay, message: StoredOutboxMessage, mailer: MailTransport): Promise<Outcome | null> {
  const hold = await claimOutboxMessage(message, relay.clock.now(), relay.leaseMs, relay.owner);
  if (!hold) return null; // another relay took it
  const subjectOutcome = await checkSubject(relay, message, hold);
  if (subjectOutcome) return subjectOutcome;

  let messageId: string;
  try {
    messageId = await send(relay, message, mailer);
  } catch (err) {
    return recordSendFailure(relay, message, hold.message, err);
  }
  // Outside the try: a store error here is not a send failure.
  await recordSent(relay, message, messageId);
  return 'sent';
}

/** One run: expired leases taken back, then up to a batch of due messages delivered. */
async function runBatch(relay: Relay): Promise<{ result: RelayRunResult; full: boolean }> {
  const { transport, logger, clock, batchSize } = relay;
  const result: RelayRunResult = { sent: 0, failed: 0, retried: 0, cancelled: 0 };
  if (!transport) {
    if (!relay.warnedNoTransport) logger.warn('SMTP_URL is not set: email is kept in the outbox and will be sent once it is');
    relay.warnedNoTransport = true;
    return { result, full: false };
  }
  result.failed += await reclaimExpiredLeases(relay);
  const due = await OutboxMessageModel.find({ status: 'pending', nextAttemptAt: lte(clock.now()) })
    .sort({ nextAttemptAt: 1, _id: 1 })
    .limit(batchSize)
    .lean<StoredOutboxMessage[]>();
  for (const message of due) {
    const outcome = await deliver(relay, message, transport);
    if (outcome) result[outcome]++;
  }
  return { result, full: due.length === batchSize };
}

/** A relay over the outbox: `runOnce()` for tests and the CLI, `start()`/`stop()` for the server's loop. */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { transport, from, logger, clock, isSubjectLive } = options;
  const relay: Relay = {
    transport,
    from,
    logger,
    clock,
    isSubjectLive,
    batchSize: options.batchSize ?? 20,
    leaseMs: options.leaseMs ?? 5 * 60_000,
    domain: messageIdDomain(from),
    owner: `relay-${randomUUID()}`,
    warnedNoTransport: false,
  };
  let loop: Loop | undefined;

  return {
    async runOnce() {
      return (await runBatch(relay)).result;
    },
    start(intervalMs) {
      if (loop) return;
      // A full batch means more is due: the next batch goes at once.
      loop = repeat(intervalMs, async () => ((await runBatch(relay)).full ? 0 : undefined), { startAfterMs: 0, onError: (err) => logger.error({ err }, 'outbox relay run failed') });
    },
    async stop() {
      const stopping = loop;
      loop = undefined;
      await stopping?.stop();
    },
  };
}
