/**
 * The API takes JSON bodies (and multipart for attachments). A body of another type is refused as
 * 415 UNSUPPORTED_MEDIA_TYPE, and a request with no body at all is read as `{}`, so that validation
 * names the missing fields (400) instead of a handler tripping over `undefined`.
 */
import type { RequestHandler } from 'express';
import { AppError } from './errors.js';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

export const jsonBodies: RequestHandler = (req, _res, next) => {
  if (!WITH_BODY.has(req.method)) return next();
  // req.is: null when the request has no body, false when it has one of another type. An empty body
  // (Content-Length: 0) counts as none, whatever its type says.
  const empty = req.headers['content-length'] === '0' && req.headers['transfer-encoding'] === undefined;
  if (!empty && req.is(['application/json', 'application/*+json', 'multipart/form-data']) === false) {
    throw new AppError('unsupported_media_type', 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  }
  if (req.body === undefined) req.body = {};
  next();
};
