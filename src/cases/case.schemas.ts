import Joi from 'joi';
import { CASE_STATUSES, CASE_TYPES, CHANNELS } from './case.model.js';
import { SORTS } from './list.service.js';
import { ACTIONS } from './status.js';
import { PRIORITIES } from '../sla/index.js';
import { pageParams } from '../shared/pagination.js';

const code = Joi.string().trim().max(64).pattern(/^[A-Z][A-Z0-9_]*$/);

/** Contact details: required when filing without an account (the only way until accounts exist). */
export const contactSchema = Joi.object({
  name: Joi.string().trim().min(2).max(100).required(),
  email: Joi.string().trim().lowercase().max(254).email({ tlds: false }).required(),
  phone: Joi.string().trim().max(20).pattern(/^\+?[0-9][0-9 ()-]{6,19}$/),
});

export const fileCaseSchema = Joi.object({
  type: Joi.string().valid(...CASE_TYPES).required(),
  title: Joi.string().trim().max(200).allow(''),
  description: Joi.string().trim().min(10).max(5000).required(),
  category: code.allow(null, ''),
  area: code.allow(null, ''),
  location: Joi.object({
    lat: Joi.number().strict().min(-90).max(90).required(),
    lng: Joi.number().strict().min(-180).max(180).required(),
  }),
  contact: contactSchema.required(),
  language: Joi.string().valid('ar', 'en'),
  channel: Joi.string().valid(...CHANNELS).default('web'),
});

/** The filing body without contact details: what a look-alike search ("is this your problem?") needs. */
export const similarSchema = fileCaseSchema.fork(['contact'], (s) => s.optional());

/** The contact centre may also set the priority of a call (citizens cannot: the field is dropped for them). */
export const agentFileCaseSchema = fileCaseSchema.keys({ priority: Joi.string().valid(...PRIORITIES) });

export interface FileCaseInput {
  priority?: (typeof PRIORITIES)[number];
  type: (typeof CASE_TYPES)[number];
  title?: string;
  description: string;
  category?: string | null;
  area?: string | null;
  location?: { lat: number; lng: number };
  contact: { name: string; email: string; phone?: string };
  language?: 'ar' | 'en';
  channel: (typeof CHANNELS)[number];
}

export const citizenMessageSchema = Joi.object({
  message: Joi.string().trim().min(2).max(5000).required(),
});

export const referenceParamsSchema = Joi.object({
  reference: Joi.string().max(40).required(),
});

const agencyCode = Joi.string().trim().max(64).pattern(/^[A-Z][A-Z0-9_]*$/);

/** `GET /api/v1/cases` query (strings by nature: converted), in pages of 25 by default, 100 at most. */
export const listQuerySchema = Joi.object({
  status: Joi.string()
    .max(300)
    .custom((value: string, helpers) => {
      const list = value.split(',').map((s) => s.trim()).filter(Boolean);
      return list.every((s) => (CASE_STATUSES as readonly string[]).includes(s)) ? list : helpers.error('any.only', { valids: CASE_STATUSES });
    }),
  category: code,
  area: code,
  agency: agencyCode,
  overdue: Joi.boolean(),
  assignedToMe: Joi.boolean(),
  // Control, format and line-separator characters (NUL, U+200F, U+2028 …) mean nothing in a search:
  // they become spaces, so no such character reaches the query.
  q: Joi.string()
    .trim()
    .min(1)
    .max(200)
    .custom((value: string, helpers) => {
      const clean = value.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').replace(/\s+/g, ' ').trim();
      return clean === '' ? helpers.error('string.empty') : clean;
    }),
  phone: Joi.string().trim().max(20).pattern(/^\+?[0-9 ()-]{4,20}$/),
  identityConfirmed: Joi.boolean(),
  sort: Joi.string().valid(...SORTS).default('-createdAt'),
}).concat(pageParams({ defaultLimit: 25, maxLimit: 100 }));

/** `PATCH /api/v1/cases/:reference`: exactly one of an action, a reply, or an assignment. */
export const patchCaseSchema = Joi.object({
  action: Joi.string().valid(...ACTIONS),
  note: Joi.string().trim().max(5000).allow(''),
  reason: Joi.string().trim().max(2000).allow(''),
  agency: agencyCode,
  category: code,
  reply: Joi.object({
    message: Joi.string().trim().min(2).max(5000).required(),
    visibility: Joi.string().valid('public', 'internal').default('public'),
  }),
  assignee: Joi.string().hex().length(24),
  priority: Joi.string().valid(...PRIORITIES),
})
  .xor('action', 'reply', 'assignee', 'priority')
  .messages({ 'object.missing': 'Send one of action, reply, assignee or priority.', 'object.xor': 'Send only one of action, reply, assignee or priority.' });

export const ratingSchema = Joi.object({
  score: Joi.number().strict().integer().min(1).max(5).required(),
  comment: Joi.string().trim().max(1000).allow(''),
});
