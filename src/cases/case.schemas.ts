import Joi from 'joi';
import { CASE_TYPES, CHANNELS } from './case.model.js';

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

export interface FileCaseInput {
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
