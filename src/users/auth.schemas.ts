/**
 * Request bodies of /api/v1/auth (and, through the page adapters, of the forms). Strings only, so
 * `convert: true` is safe here: it trims and lower-cases, and still never turns an object into a string.
 */
import Joi from 'joi';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.js';

const email = Joi.string().trim().lowercase().max(254).email({ tlds: false });
const refreshToken = Joi.string().max(200).required();

export const loginSchema = Joi.object({
  email: email.required(),
  // No minimum here: the policy applies when a password is chosen, not when it is checked.
  password: Joi.string().min(1).max(MAX_PASSWORD_LENGTH).required(),
});

const name = Joi.string().trim().min(2).max(100);
const newPassword = Joi.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH);

/**
 * A sign-up gives no password: it is chosen on the page the emailed link opens (account.service.ts).
 * One sent anyway is refused, not dropped, so that no client believes it was kept.
 */
export const registerSchema = Joi.object({
  email: email.required(),
  name: name.required(),
  language: Joi.string().valid('ar', 'en'),
  password: Joi.any().custom((_value, helpers) => helpers.error('any.invalid', { code: 'PASSWORD_AFTER_VERIFICATION' })),
});

/** The page the verification link opens: the link's holder names the account and chooses its password. */
export const verifySchema = Joi.object({
  name: name.required(),
  password: newPassword.required(),
});

export const refreshSchema = Joi.object({ refreshToken });
export const logoutSchema = Joi.object({ refreshToken });

export interface LoginInput {
  email: string;
  password: string;
}

export interface RegisterBody {
  email: string;
  name: string;
  language?: 'ar' | 'en';
}

export interface VerifyBody {
  name: string;
  password: string;
}

/** Route-line validation options for these schemas (see the comment at the top). */
export const CONVERT = { convert: true } as const;
