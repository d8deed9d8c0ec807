/** The notifications module: queue email in the outbox, render it, and relay it over SMTP. */
export { enqueueEmail, type EnqueueEmailInput, type OutboxSubject, type StoredOutboxMessage } from './outbox.service.js';
export { renderEmail, EMAIL_TEMPLATES, EmailRenderError, type CaseReceiptData, type MeetingEmailData, type FollowerEvent, type EmailDataByTemplate, type EmailTemplate, type RenderedEmail } from './email-templates.js';
export { createOutboxRelay, retryDelayMs, MAX_ATTEMPTS, SUBJECT_GRACE_MS, type OutboxRelay, type OutboxRelayOptions, type RelayRunResult } from './relay.js';
export { createMailTransport, type MailTransport } from './mailer.js';
export { countOutboxMessages, oldestPendingWrittenAt } from './outbox-stats.js';
export { OutboxMessageModel, OUTBOX_STATUSES, type OutboxMessage, type OutboxStatus } from './outbox.model.js';
export { forgetSettledMessages, REMOVED_ADDRESS } from './outbox-retention.js';
