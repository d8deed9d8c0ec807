/**
 * Email templates: which exist, the data each needs, and how they render.
 *
 * Each template has two EJS files per language under views/emails/:
 *   <template>.<lang>.ejs      the HTML body (a whole document; Arabic carries dir="rtl" lang="ar")
 *   <template>.<lang>.txt.ejs  the plain-text version, whose first line is `Subject: …`
 * so that a translator finds everything one language says in two files. The data is validated
 * against the template's joi schema both when a message is enqueued and when it is rendered.
 */
import path from 'node:path';
import ejs from 'ejs';
import Joi from 'joi';
import type { Language } from '../shared/i18n.js';
import { meetingCalendar, meetingSummary, type MeetingCalendarData } from './meeting-calendar.js';

export interface CaseReceiptData {
  /** The case's public reference, e.g. `TW-26-7KQ4-M9XD`. */
  reference: string;
  /** Absolute link to the tracking page. */
  trackingUrl: string;
  /** The case type in the message's language, e.g. "شكوى" or "complaint". */
  typeLabel: string;
  /** The agency the case was routed to, in the message's language; null while it is unrouted. */
  agencyName: string | null;
  /** Working days within which an answer is expected. */
  expectedDays: number;
  /** The deployment's contact centre (profile.json), its name in the message's language. */
  contactCentre?: { name: string; phone: string };
}

export interface AccountVerifyData {
  /** The name the citizen registered with. */
  name: string;
  /** Absolute link that verifies the address: `${publicUrl}/verify-email?token=…`. */
  verifyUrl: string;
  /** Hours the link stays valid. */
  expiresHours: number;
}

export interface CaseUpdateData {
  reference: string;
  /** One line saying what happened, in the message's language (e.g. "Your case has been answered"). */
  headline: string;
  /** The agency's public text (reply, resolution note, reason), or null. */
  message: string | null;
  /** Link to the tracking page with the reference filled in (never the tracking code). */
  caseUrl: string;
}

/** How the problem a follower follows moved (cases/notices.ts maps the case's action to one of these). */
export const FOLLOWER_EVENTS = ['in_progress', 'resolved', 'rejected', 'transferred', 'accepted', 'declined', 'implemented'] as const;
export type FollowerEvent = (typeof FOLLOWER_EVENTS)[number];

/**
 * To a citizen who follows someone else's case as affected: only that the shared problem moved. No
 * reply, note or reason written to the filer, and no link to the case (a follower cannot open it).
 */
export interface CaseFollowerUpdateData {
  reference: string;
  event: FollowerEvent;
  /** One line saying how the problem moved, in the message's language (e.g. "A problem you follow has been resolved"). */
  headline: string;
  /** A note the agency wrote for every citizen affected (a recurring issue's resolve-linked note), or null. Never a reply to the filer. */
  noteForEveryone: string | null;
}

export interface SlaEscalationData {
  reference: string;
  /** at_risk: 75 % of the working time used; breached: past the deadline; managers: still breached after the further period. */
  level: 'at_risk' | 'breached' | 'managers';
  /** The agency handling the case, in the message's language. */
  agencyName: string;
  /** The deadline, already written in the message's language and the calendar's zone. */
  dueAt: string;
  /** The case's title or the start of its description (staff see it anyway). */
  summary: string;
  /** Link to the case in the staff workspace. */
  caseUrl: string;
}

export interface RecurringIssueData {
  /** flagged: a group of similar cases reached the flag rule; recurred: a similar case arrived after the fix. */
  event: 'flagged' | 'recurred';
  categoryName: string;
  areaName: string;
  caseCount: number;
  issueUrl: string;
}

/**
 * A meeting about a case (cases/meetings): the invitation once the citizen (or an agent for them)
 * picked a slot, and the reminder the working day before; to the citizen and to the officer, each in
 * their language. Both carry the meeting's .ics (same UID), built when the message is rendered.
 */
export interface MeetingEmailData extends MeetingCalendarData {
  event: 'invitation' | 'reminder';
  recipient: 'citizen' | 'officer';
  /** The meeting's time, already written in the message's language and the deployment's zone. */
  when: string;
}

/** The data each template needs; the key is the template's name. */
export interface EmailDataByTemplate {
  'case-receipt': CaseReceiptData;
  'account-verify': AccountVerifyData;
  'case-update': CaseUpdateData;
  'case-follower-update': CaseFollowerUpdateData;
  'sla-escalation': SlaEscalationData;
  'recurring-issue': RecurringIssueData;
  meeting: MeetingEmailData;
}

export type EmailTemplate = keyof EmailDataByTemplate;

const label = Joi.string().trim().min(1).max(200);

const DATA_SCHEMAS: Readonly<Record<EmailTemplate, Joi.ObjectSchema<Record<string, unknown>>>> = {
  'case-receipt': Joi.object({
    reference: Joi.string().trim().min(1).max(64).required(),
    // Only web links: the value becomes an href.
    trackingUrl: Joi.string().uri({ scheme: ['http', 'https'] }).max(2000).required(),
    typeLabel: label.required(),
    agencyName: label.allow(null).required(),
    expectedDays: Joi.number().integer().min(1).max(365).required(),
    // Absent on receipts queued before the profile named its contact centre: the line is left out.
    contactCentre: Joi.object({ name: label.required(), phone: Joi.string().pattern(/^\+?[0-9]{3,15}$/).required() }),
  }),
  'case-update': Joi.object({
    reference: Joi.string().trim().min(1).max(64).required(),
    headline: label.required(),
    message: Joi.string().max(5000).allow(null).required(),
    caseUrl: Joi.string().uri({ scheme: ['http', 'https'] }).max(2000).required(),
  }),
  'case-follower-update': Joi.object({
    reference: Joi.string().trim().min(1).max(64).required(),
    event: Joi.string()
      .valid(...FOLLOWER_EVENTS)
      .required(),
    headline: label.required(),
    noteForEveryone: Joi.string().max(5000).allow(null).required(),
  }),
  'sla-escalation': Joi.object({
    reference: Joi.string().trim().min(1).max(64).required(),
    level: Joi.string().valid('at_risk', 'breached', 'managers').required(),
    agencyName: label.required(),
    dueAt: label.required(),
    summary: Joi.string().trim().min(1).max(300).required(),
    caseUrl: Joi.string().uri({ scheme: ['http', 'https'] }).max(2000).required(),
  }),
  'recurring-issue': Joi.object({
    event: Joi.string().valid('flagged', 'recurred').required(),
    categoryName: label.required(),
    areaName: label.required(),
    caseCount: Joi.number().integer().min(1).max(1_000_000).required(),
    issueUrl: Joi.string().uri({ scheme: ['http', 'https'] }).max(2000).required(),
  }),
  meeting: Joi.object({
    event: Joi.string().valid('invitation', 'reminder').required(),
    recipient: Joi.string().valid('citizen', 'officer').required(),
    when: label.required(),
    uid: Joi.string().trim().min(1).max(200).pattern(/^[A-Za-z0-9._@-]+$/).required(),
    sequence: Joi.number().integer().min(0).max(1000).required(),
    reference: Joi.string().trim().min(1).max(64).required(),
    mode: Joi.string().valid('video', 'callback').required(),
    start: Joi.string().isoDate().required(),
    end: Joi.string().isoDate().required(),
    videoLink: Joi.string().uri({ scheme: ['https'] }).max(2000).allow(null).required(),
    phone: Joi.string().trim().max(40).allow(null).required(),
    organizer: Joi.object({ name: label.required(), email: Joi.string().email({ tlds: { allow: false } }).max(254).required() }).required(),
    attendee: Joi.object({ name: label.required(), email: Joi.string().email({ tlds: { allow: false } }).max(254).required() }).required(),
    caseUrl: Joi.string().uri({ scheme: ['http', 'https'] }).max(2000).required(),
  }),
  'account-verify': Joi.object({
    name: label.required(),
    verifyUrl: Joi.string().uri({ scheme: ['http', 'https'] }).max(2000).required(),
    expiresHours: Joi.number().integer().min(1).max(24 * 30).required(),
  }),
};

export const EMAIL_TEMPLATES: readonly EmailTemplate[] = Object.keys(DATA_SCHEMAS) as EmailTemplate[];

export function isEmailTemplate(value: unknown): value is EmailTemplate {
  return typeof value === 'string' && Object.hasOwn(DATA_SCHEMAS, value);
}

export function emailDataSchema(template: EmailTemplate): Joi.ObjectSchema<Record<string, unknown>> {
  return DATA_SCHEMAS[template];
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** An iCalendar invitation (METHOD:REQUEST) sent with the message, for the templates that have one. */
  calendar?: string;
}

export class EmailRenderError extends Error {
  readonly code = 'RENDER_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'EmailRenderError';
  }
}

const EMAIL_VIEWS = path.resolve(__dirname, '../../views/emails');
const SUBJECT_LINE = /^Subject:[ \t]*(.*)\r?\n(?:[ \t]*\r?\n)?/;

/**
 * `<%=` in a text template must not HTML-escape (`&` would arrive as `&amp;`), but a value must not
 * be able to break a line either: the first line is the subject, which becomes a mail header.
 */
const escapeText = (value: string | number | null | undefined): string => String(value ?? '').replace(/[\r\n\u2028\u2029]+/g, ' ');

/** Plural helper for templates: Arabic has one, two, few (3–10), many (11–99) and other forms. */
function pluralFor(language: Language): (n: number, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }) => string {
  const rules = new Intl.PluralRules(language);
  return (n, forms) => (forms[rules.select(n)] ?? forms.other).replace('{n}', String(n));
}

/** Renders a template in a language. Throws EmailRenderError for unknown templates or bad data. */
export async function renderEmail(template: string, language: Language, data: unknown): Promise<RenderedEmail> {
  if (!isEmailTemplate(template)) throw new EmailRenderError(`unknown email template ${JSON.stringify(template)}`);
  const checked = DATA_SCHEMAS[template].validate(data, { abortEarly: false, convert: false });
  if (checked.error) throw new EmailRenderError(`data for ${template} is invalid: ${checked.error.details.map((d) => d.path.join('.')).join(', ')}`);
  const locals = { ...checked.value, lang: language, dir: language === 'ar' ? 'rtl' : 'ltr', plural: pluralFor(language), ...extraLocals(template, language, checked.value) };
  const base = path.join(EMAIL_VIEWS, `${template}.${language}`);

  const textSource = await renderFile(`${base}.txt.ejs`, locals, { cache: true, escape: escapeText });
  const match = SUBJECT_LINE.exec(textSource);
  if (!match?.[1]?.trim()) throw new EmailRenderError(`${template}.${language}.txt.ejs must start with a "Subject:" line`);
  const subject = match[1].trim();
  const text = textSource.slice(match[0].length).trim() + '\n';
  const html = await renderFile(`${base}.ejs`, { ...locals, subject }, { cache: true });
  return { subject, text, html, ...(template === 'meeting' ? { calendar: calendarOf(checked.value as unknown as MeetingEmailData, language) } : {}) };
}

/** What a template reads besides its data (the meeting's summary line, worded as in its invitation). */
function extraLocals(template: EmailTemplate, language: Language, data: Record<string, unknown>): Record<string, unknown> {
  return template === 'meeting' ? { summary: meetingSummary(data as unknown as MeetingEmailData, language) } : {};
}

function calendarOf(data: MeetingEmailData, language: Language): string {
  try {
    return meetingCalendar(data, language);
  } catch (err) {
    throw new EmailRenderError(err instanceof Error ? err.message : 'the meeting invitation could not be written');
  }
}

async function renderFile(file: string, locals: ejs.Data, options: ejs.Options): Promise<string> {
  try {
    return await ejs.renderFile(file, locals, options);
  } catch (err) {
    // The message names the file and the template line, never the data.
    throw new EmailRenderError(`${path.basename(file)}: ${err instanceof Error ? (err.message.split('\n').at(-1) ?? err.name) : 'render failed'}`);
  }
}
