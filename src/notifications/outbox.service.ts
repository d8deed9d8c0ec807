/**
 * Enqueueing email. The caller writes the message in the same flow that decides to send it; the
 * relay delivers it. Idempotent on `key`: a retried request enqueues nothing new.
 */
import Joi from 'joi';
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { ValidationError } from '../shared/errors.js';
import { LANGUAGES, type Language } from '../shared/i18n.js';
import { EMAIL_TEMPLATES, emailDataSchema, isEmailTemplate, type EmailDataByTemplate, type EmailTemplate } from './email-templates.js';
import { OutboxMessageModel, type OutboxMessage } from './outbox.model.js';

/** What a message is about, e.g. `{kind: 'case', id: '<caseId>'}`. */
export interface OutboxSubject {
  kind: string;
  id: string;
}

/** One variant per template, so the data is typed by the template named. */
export type EnqueueEmailInput = {
  [T in EmailTemplate]: {
    /** Idempotency key, e.g. `case-receipt:<caseId>`. */
    key: string;
    to: string;
    language: Language;
    template: T;
    data: EmailDataByTemplate[T];
    subject?: OutboxSubject;
  };
}[EmailTemplate];

export type StoredOutboxMessage = OutboxMessage & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };

const envelopeSchema = Joi.object({
  key: Joi.string()
    .max(200)
    .pattern(/^[a-z][a-z0-9-]*:[A-Za-z0-9._:-]+$/)
    .required(),
  to: Joi.string().trim().max(254).email({ tlds: { allow: false } }).required(),
  language: Joi.string()
    .valid(...LANGUAGES)
    .required(),
  template: Joi.string()
    .valid(...EMAIL_TEMPLATES)
    .required(),
  data: Joi.object().required(),
  subject: Joi.object({
    kind: Joi.string().pattern(/^[a-z][a-z0-9-]{0,31}$/).required(),
    id: Joi.string().min(1).max(100).required(),
  }),
});

const VALIDATION = { abortEarly: false, convert: true, stripUnknown: true } as const;

/** The envelope plus the data schema of the template it names. */
const INPUT_SCHEMAS = new Map(EMAIL_TEMPLATES.map((t) => [t, envelopeSchema.keys({ data: emailDataSchema(t).required() })]));

function validateInput(input: unknown): EnqueueEmailInput {
  const template = (input as { template?: unknown } | null)?.template;
  const schema = (isEmailTemplate(template) && INPUT_SCHEMAS.get(template)) || envelopeSchema;
  const result = schema.validate(input, VALIDATION);
  if (result.error) throw new ValidationError(result.error.details.map((d) => ({ field: d.path.join('.'), code: d.type, message: d.message })));
  return result.value as EnqueueEmailInput;
}

/**
 * Stores a pending message, due at once. A second call with the same key inserts nothing and
 * returns the message already stored (whatever its status). Throws ValidationError on bad input.
 */
export async function enqueueEmail(input: EnqueueEmailInput, now: Date): Promise<StoredOutboxMessage> {
  const valid = validateInput(input);
  // A fresh ObjectId, not one derived from the key: messages enqueued at the same instant keep their
  // order (the relay and readers sort by time, then _id), and the unique index on `key` keeps one per key.
  const _id = new Types.ObjectId();
  // Validated above (envelope and the template's data), so a plain insert: no Mongoose document to build.
  const message: StoredOutboxMessage = {
    _id,
    key: valid.key,
    to: valid.to,
    language: valid.language,
    template: valid.template,
    data: valid.data,
    ...(valid.subject ? { subject: { kind: valid.subject.kind, id: valid.subject.id } } : {}),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now, // times come from the caller's clock, not from Mongoose's
    createdAt: now,
    updatedAt: now,
  };
  try {
    await OutboxMessageModel.collection.insertOne({ ...message });
    return message;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const existing = await OutboxMessageModel.findOne({ key: valid.key }).lean<StoredOutboxMessage>();
    if (!existing) throw err; // the holder of the key was deleted in between: let the caller retry
    return existing;
  }
}
