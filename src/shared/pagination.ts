/**
 * One cursor pagination for every list that can grow (cases, "my cases", recurring issues, the
 * audit log). A page is read after a cursor in (sort field, _id) order, never with `skip`: a page
 * stays correct while new rows arrive at the front, and costs the same deep in the list as at its
 * start. The cursor is opaque to clients: base64url of `{"v": <the sort value of the last item, ISO
 * date or null>, "id": <its _id>}` (the shape the cases list has always given out, so its cursors
 * stay valid). A cursor this service did not give out is a 400 `INVALID_CURSOR`.
 */
import type { TFunction } from 'i18next';
import Joi from 'joi';
import { Types } from 'mongoose';
import { gt, lt } from './db/operators.js';
import { BadRequestError } from './errors.js';
import { validateWith } from './validate.js';

/** The `limit` and `cursor` of a page request. */
export interface PageQuery {
  limit: number;
  cursor?: string;
}

/** A page of a list: its items and the cursor of the next page (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Where a page ended: the sort field's value of its last item (null: none) and that item's _id. */
export interface CursorKey {
  value: Date | null;
  id: Types.ObjectId;
}

const MAX_CURSOR_LENGTH = 500;

/** The `cursor` query parameter: a string (what it holds is checked when it is decoded). */
export const cursorParam = Joi.string().max(MAX_CURSOR_LENGTH);

/**
 * The `limit` and `cursor` query parameters of a list, with that list's default and largest page;
 * joined after the list's own filters: `Joi.object({ … }).concat(pageParams({ defaultLimit: 25, maxLimit: 100 }))`.
 */
export function pageParams(opts: { defaultLimit: number; maxLimit: number }): Joi.ObjectSchema {
  return Joi.object({
    limit: Joi.number().integer().min(1).max(opts.maxLimit).default(opts.defaultLimit),
    cursor: cursorParam,
  });
}

/**
 * The cursor of an HTML page's address (`?cursor=…`), validated; a page chooses its own page size,
 * so only the cursor is read from the address.
 */
export function cursorFromQuery(query: unknown, t: TFunction): string | undefined {
  return (validateWith(Joi.object({ cursor: cursorParam }), query ?? {}, t) as { cursor?: string }).cursor;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify({ v: key.value ? key.value.toISOString() : null, id: key.id.toHexString() })).toString('base64url');
}

/** The key a cursor holds; a cursor this service did not give out is refused (400 INVALID_CURSOR). */
export function decodeCursor(raw: string): CursorKey {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { v?: unknown; id?: unknown };
    const validValue = c.v === null || (typeof c.v === 'string' && !Number.isNaN(Date.parse(c.v)));
    if (typeof c.id === 'string' && Types.ObjectId.isValid(c.id) && validValue) {
      return { value: typeof c.v === 'string' ? new Date(c.v) : null, id: new Types.ObjectId(c.id) };
    }
  } catch {
    // fall through
  }
  throw new BadRequestError('INVALID_CURSOR', 'The cursor is not one this service gave out.');
}

/**
 * The filter for the rows after `cursor` in (field, _id) order, both in direction `dir` (the list's
 * `.sort({ [field]: dir, _id: dir })`). A null value (e.g. no deadline yet) sorts first ascending, as
 * the database sorts it; descending lists are sorted on fields that are always set (dates of record).
 */
export function afterCursor(field: string, dir: 1 | -1, cursor: string): Record<string, unknown> {
  const { value, id } = decodeCursor(cursor);
  const after = dir === 1 ? gt : lt;
  return value === null
    ? { $or: [{ [field]: null, _id: after(id) }, { [field]: gt(new Date(0)) }] }
    : { $or: [{ [field]: after(value) }, { [field]: value, _id: after(id) }] };
}

/**
 * Cuts a page from rows read with `.limit(limit + 1)`: the first `limit` rows, and a cursor after
 * the last of them when there was one more row (none when the page is the last, or past the end).
 */
export function cutPage<T extends { _id: Types.ObjectId }>(rows: T[], limit: number, valueOf: (row: T) => Date | null | undefined): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor({ value: valueOf(last) ?? null, id: last._id }) : null };
}

/**
 * The address of a page of an HTML list: the same path and query (empty fields left out), at
 * `cursor` (the first page without one). For the "next page" and "first page" links.
 */
export function pageHref(path: string, query: Record<string, unknown>, cursor?: string | null): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== 'cursor' && typeof v === 'string' && v !== '') params.set(k, v);
  if (cursor) params.set('cursor', cursor);
  const qs = params.toString();
  return `${path}${qs ? `?${qs}` : ''}`;
}
