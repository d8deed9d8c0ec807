/**
 * Query operators written by our code, not taken from a request. With `sanitizeFilter` on
 * (connect.ts), Mongoose wraps any `$`-object in a filter with `$eq` — which turns `{$lt: date}`
 * into an equality test that silently matches nothing. Code-side operators are marked trusted here.
 * Never pass request input to these without validating it first.
 */
import mongoose from 'mongoose';

type Op<T> = T; // typed as the field's value so it fits a filter

const trusted = <T>(op: Record<string, unknown>): Op<T> => mongoose.trusted(op) as unknown as Op<T>;

export const lt = <T>(value: T): Op<T> => trusted<T>({ $lt: value });
export const lte = <T>(value: T): Op<T> => trusted<T>({ $lte: value });
export const gt = <T>(value: T): Op<T> => trusted<T>({ $gt: value });
export const gte = <T>(value: T): Op<T> => trusted<T>({ $gte: value });
export const ne = <T>(value: T): Op<T> => trusted<T>({ $ne: value });
export const oneOf = <T>(values: readonly T[]): Op<T> => trusted<T>({ $in: values });
export const between = <T>(from: T, to: T): Op<T> => trusted<T>({ $gte: from, $lt: to });
