/**
 * Runs a joi schema on a request part and puts the validated value on `res.locals`. Joi options are
 * the house choice: every problem at once, unknown keys dropped, strict types (an object
 * where a string is expected is an error, so `{"$ne": …}` never reaches a query).
 * Messages come from the locale files, in the request's language.
 */
import type { RequestHandler } from 'express';
import type { TFunction } from 'i18next';
import type Joi from 'joi';
import { ValidationError, type ErrorDetail } from './errors.js';

export function joiDetails(error: Joi.ValidationError, t: TFunction): ErrorDetail[] {
  return error.details.map((d) => {
    const field = d.path.join('.');
    const fieldKey = `fields.${d.path.filter((p) => typeof p === 'string').join('.')}`;
    const label = t(fieldKey, { defaultValue: field });
    const context = d.context ?? {};
    const code = typeof context.code === 'string' ? context.code : d.type;
    const params = {
      label,
      limit: String(context.limit ?? ''),
      valids: Array.isArray(context.valids) ? context.valids.join(', ') : '',
    };
    const message = t(`validation.${code}`, { ...params, defaultValue: t('validation.invalid', params) });
    return { field, code, message };
  });
}

export function validateWith(schema: Joi.Schema, value: unknown, t: TFunction, options: Joi.ValidationOptions = {}): unknown {
  const result = schema.validate(value, { abortEarly: false, stripUnknown: true, convert: true, ...options });
  if (result.error) throw new ValidationError(joiDetails(result.error, t));
  return result.value;
}

/**
 * Route-line validation: `validate('body', schema)`; the value is on `res.locals.body`. Conversion is
 * on, so `.trim()` and `.lowercase()` normalise rather than refuse; `Joi.string()` never turns an
 * object into a string, and numbers that must not come as strings are marked `.strict()` in their schema.
 */
export function validate(part: 'body' | 'query' | 'params', schema: Joi.Schema, options: Joi.ValidationOptions = {}): RequestHandler {
  return (req, res, next) => {
    res.locals[part] = validateWith(schema, req[part] ?? {}, req.t, { convert: true, ...options });
    next();
  };
}

/**
 * validate() for a GET form: the browser sends every field, the empty ones as "", and those mean
 * "any", not bad input, so they are dropped before the schema runs.
 */
export function validateForm(part: 'body' | 'query', schema: Joi.Schema, options: Joi.ValidationOptions = {}): RequestHandler {
  return (req, res, next) => {
    const given = Object.fromEntries(Object.entries((req[part] ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''));
    res.locals[part] = validateWith(schema, given, req.t, { convert: true, ...options });
    next();
  };
}

/**
 * For a form that words its own refusal (`schema.error(reportedAs(field, code))`): whatever is wrong
 * with the value, it is one detail with this field and code, e.g. an empty or too short reply is
 * "Message is required.", as the page words it.
 */
export function reportedAs(field: string, code: string): (errors: Joi.ErrorReport[]) => Joi.ErrorReport[] {
  return (errors) => errors.slice(0, 1).map((e) => Object.assign(e, { code, path: [field] }));
}
