/**
 * Route-line validation for HTML forms: like `validate('body', schema)` (./validate.ts), but a
 * refused form is shown again with each field's first problem beside it instead of going to the
 * error chain. Only the named fields are read, and only when they came as strings, so a form can
 * never hand a schema anything a browser would not send.
 */
import type { Request, RequestHandler, Response } from 'express';
import type Joi from 'joi';
import { ValidationError, type ErrorDetail } from './errors.js';
import { validateWith } from './validate.js';

export type FormBody = Record<string, unknown>;

/** Shows the form again (status 400) with the raw body (`req.body`) and the problems by field. */
export type FormRefusal = (req: Request, res: Response, errors: Record<string, string>) => void;

/** A string field of a posted form, or undefined when it is missing or not a string. */
export const formText = (body: FormBody, name: string): string | undefined => (typeof body[name] === 'string' ? body[name] : undefined);

/** The first problem of each field, keyed by field name, as the form templates show them. */
export function errorsByField(details: ErrorDetail[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const d of details) errors[d.field] ??= d.message;
  return errors;
}

/** `validateForm(schema, ['email', 'name'], refuse)`: the validated value is on `res.locals.form`. */
export function validateForm(schema: Joi.Schema, fields: readonly string[], refuse: FormRefusal, options: Joi.ValidationOptions = {}): RequestHandler {
  return (req, res, next) => {
    const body = (req.body ?? {}) as FormBody;
    const given = Object.fromEntries(fields.map((f) => [f, formText(body, f)]));
    try {
      res.locals.form = validateWith(schema, given, req.t, options);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      refuse(req, res, errorsByField(err.details ?? []));
      return;
    }
    next();
  };
}
