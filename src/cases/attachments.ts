/**
 * Attachments: up to 5 images or PDFs of 5 MB each. The content is identified by its magic bytes,
 * never by the name or the type the browser claims, and the name a file is kept and served under
 * ends with the extension of that type. Files live in GridFS (shared by every app instance), under
 * random ids; they are served only to whoever may see the case, as downloads.
 *
 * Receiving: the route decides who may add files before a byte of the body is read; multer's
 * limits then apply as the bytes arrive, and only a few uploads are buffered at once per process
 * (the others are told to come back: 503 UPLOADS_BUSY with Retry-After).
 */
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import mongoose, { Schema, Types, model } from 'mongoose';
import type { RequestHandler } from 'express';
import multer from 'multer';
import { AppError, BadRequestError, ConflictError, ServiceUnavailableError, ValidationError, type ErrorDetail } from '../shared/errors.js';
import type { TFunction } from '../shared/i18n.js';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { OPEN_STATUSES, type CaseDoc } from './case.model.js';

export const MAX_ATTACHMENTS = 5;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
const MAX_FIELDS = 40;
const MAX_FIELD_BYTES = 64 * 1024;
/** The largest multipart body the limits allow (files, fields, and room for the part headers). */
export const MAX_UPLOAD_BODY_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + MAX_FIELDS * MAX_FIELD_BYTES + 512 * 1024;
const BUCKET = 'attachments';

export type AttachmentType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp' | 'application/pdf';

const startsWith = (buf: Buffer, bytes: number[], offset = 0): boolean => bytes.every((b, i) => buf[offset + i] === b);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** The type the bytes say, or null when it is not an accepted kind. Pure. */
export function sniffContentType(buf: Buffer): AttachmentType | null {
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(buf, ascii('GIF87a')) || startsWith(buf, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(buf, ascii('RIFF')) && startsWith(buf, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(buf, ascii('%PDF-'))) return 'application/pdf';
  return null;
}

/**
 * Characters that change how a name is shown rather than what it says: controls (Cc), format
 * characters (Cf: the bidi overrides and isolates U+202A–U+202E, U+2066–U+2069, the marks
 * U+200E/U+200F/U+061C, zero-width characters), surrogates and private use (Cs, Co), and the line
 * and paragraph separators. `evidence\u202Efig.hta` shows as `evidenceath.gif`; stripped, it reads
 * `evidencefig.hta` (and a GIF sent under that name is kept as `evidencefig.gif`).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/gu;

/** A name as it may be displayed: nothing that reorders or hides characters. For names already stored, too. */
export function displayFilename(name: string): string {
  return name.normalize('NFC').replace(INVISIBLE, '');
}

export const EXTENSION_BY_TYPE: Readonly<Record<AttachmentType, string>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'application/pdf': 'pdf' };

/**
 * The name a file is stored and served under: the base of the name it came with, cleaned for
 * display and headers, with its own extension replaced by the one of the type its bytes were
 * identified as. `report.html` holding a PNG becomes `report.png`. Idempotent.
 */
export function safeFilename(name: string, contentType: AttachmentType): string {
  const base = displayFilename(name).split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/["<>|:*?]/g, '')
    .replace(/\s+/gu, ' ')
    .trim();
  const stem = [...cleaned.replace(/\.[\p{L}\p{N}_-]{1,16}$/u, '')] // the name's own extension goes
    .slice(0, 100)
    .join('')
    .replace(/^[.\s]+|[.\s]+$/gu, '');
  return `${stem || 'attachment'}.${EXTENSION_BY_TYPE[contentType] ?? 'bin'}`;
}

/** Names whose presence in a PDF makes it run something: scripts, actions on opening or on events, launching programs. */
const ACTIVE_PDF_NAMES = new Set(['JavaScript', 'JS', 'OpenAction', 'AA', 'Launch']);
/** In stream data (where random bytes live), only the names no such action can do without. */
const ACTIVE_PDF_NAMES_IN_DATA = new Set(['JavaScript', 'OpenAction', 'Launch']);
const PDF_FILTERS = new Set(['FlateDecode', 'Fl', 'ASCIIHexDecode', 'AHx', 'ASCII85Decode', 'A85', 'LZWDecode', 'LZW', 'RunLengthDecode', 'RL', 'CCITTFaxDecode', 'CCF', 'DCTDecode', 'DCT', 'JBIG2Decode', 'JPXDecode', 'Crypt']);
/** What all of a PDF's object streams may inflate to, together. */
const MAX_INFLATED_BYTES = 32 * 1024 * 1024;

/** The PDF name tokens (`/Name`) in latin1 text, `#xx` escapes decoded (`/J#53` is `/JS`). */
function pdfNames(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- NUL is PDF whitespace
  return [...text.matchAll(/\/([^\x00\t\n\f\r ()<>[\]{}/%]*)/g)].map((m) => m[1]!.replace(/#([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))));
}

/**
 * What in a PDF would run when it is opened or used (`/JavaScript`, `/JS`, `/OpenAction`, `/AA`,
 * `/Launch`), or null. Every object outside stream data is read, and so are the objects PDF 1.5+
 * packs into compressed object streams (a stream with `/First`): those are inflated. An object
 * stream that cannot be read (a filter other than Flate, a predictor, encryption, more than the
 * budget) answers `ObjStm`: what it holds cannot be checked. Pure.
 */
export function pdfActiveContent(buf: Buffer): string | null {
  const text = buf.toString('latin1');
  const outside: string[] = [];
  let budget = MAX_INFLATED_BYTES;
  let at = 0;
  const streamStart = /\bstream(?:\r\n|\n|\r)/g;
  for (let m = streamStart.exec(text); m; m = streamStart.exec(text)) {
    const dataStart = m.index + m[0].length;
    const end = text.indexOf('endstream', dataStart);
    const dataEnd = end === -1 ? text.length : end;
    outside.push(text.slice(at, m.index));
    const inData = pdfNames(text.slice(dataStart, dataEnd)).find((n) => ACTIVE_PDF_NAMES_IN_DATA.has(n));
    if (inData) return inData;
    const dictNames = pdfNames(text.slice(Math.max(at, text.lastIndexOf('obj', m.index)), m.index));
    if (dictNames.includes('First') || dictNames.includes('ObjStm')) {
      const filters = dictNames.filter((n) => PDF_FILTERS.has(n));
      let objects: Buffer;
      try {
        if (dictNames.includes('Predictor')) throw new Error('a predictor is not undone here');
        if (filters.length === 0) objects = buf.subarray(dataStart, dataEnd);
        else if (filters.length === 1 && (filters[0] === 'FlateDecode' || filters[0] === 'Fl')) {
          objects = zlib.inflateSync(buf.subarray(dataStart, dataEnd), { maxOutputLength: Math.max(1, budget), finishFlush: zlib.constants.Z_SYNC_FLUSH });
        } else throw new Error('a filter not read here');
      } catch {
        return 'ObjStm'; // includes encrypted object streams, which do not inflate
      }
      budget -= objects.length;
      const inObjects = pdfNames(objects.toString('latin1')).find((n) => ACTIVE_PDF_NAMES.has(n));
      if (inObjects) return inObjects;
    }
    at = end === -1 ? text.length : end + 'endstream'.length;
    streamStart.lastIndex = at;
  }
  outside.push(text.slice(at));
  return pdfNames(outside.join('\n')).find((n) => ACTIVE_PDF_NAMES.has(n)) ?? null;
}

/** Multipart parsing with hard limits, applied as the bytes arrive; files stay in memory until checked. */
export const attachmentUpload = multer({
  storage: multer.memoryStorage(),
  defParamCharset: 'utf8', // browsers send Arabic file names as UTF-8
  limits: { fileSize: MAX_ATTACHMENT_BYTES, files: MAX_ATTACHMENTS, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: 60 },
});

/**
 * How many uploads one process buffers at once (each up to 25 MB), how long one may take to
 * arrive, and the Retry-After given when all slots are taken.
 */
export interface UploadSettings {
  concurrency: number;
  deadlineMs: number;
  retryAfterSeconds: number;
}

const DEFAULT_UPLOADS: UploadSettings = { concurrency: 4, deadlineMs: 120_000, retryAfterSeconds: 10 };
const uploads = { ...DEFAULT_UPLOADS, inUse: 0 };

/** Changes the per-process upload settings (tests, and a server that wants other numbers); no argument restores the defaults. */
export function configureUploads(settings: Partial<UploadSettings> = DEFAULT_UPLOADS): void {
  Object.assign(uploads, settings);
}

/** Uploads being received or handled right now in this process. */
export function uploadsInProgress(): number {
  return uploads.inUse;
}

/**
 * The files of a case may be added to only while it is open: said before the body is read, with
 * the same code the service uses.
 */
export function assertOpenForFiles(c: Pick<CaseDoc, 'status'>): void {
  if (!OPEN_STATUSES.includes(c.status)) throw new ConflictError('CASE_NOT_OPEN', 'This case is no longer open; information can no longer be added.');
}

/**
 * Parses multipart `attachments` files. Put it AFTER whatever decides that the caller may add
 * files: nothing of the body is read before it runs. A declared body over the limits is 413 at
 * once; when this process already receives `concurrency` uploads it is 503 UPLOADS_BUSY with
 * Retry-After; the slot is held until the answer is sent (the buffers live until then). An upload
 * that has not arrived within `deadlineMs` is cut off. multer's limit errors become field errors
 * in the request's language.
 */
export const receiveAttachments: RequestHandler = (req, res, next) => {
  if (!req.is('multipart')) {
    next();
    return;
  }
  if (Number(req.get('content-length')) > MAX_UPLOAD_BODY_BYTES) throw new AppError('payload_too_large', 'PAYLOAD_TOO_LARGE', 'The request body is too large.');
  if (uploads.inUse >= uploads.concurrency) {
    res.set('Retry-After', String(uploads.retryAfterSeconds));
    throw new ServiceUnavailableError('UPLOADS_BUSY', 'Too many uploads are being received right now.');
  }
  uploads.inUse++;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    req.destroy(); // the slot is freed when the connection closes
  }, uploads.deadlineMs);
  res.once('close', () => {
    clearTimeout(timer);
    uploads.inUse--;
  });
  attachmentUpload.array('attachments', MAX_ATTACHMENTS)(req, res, (err: unknown) => {
    clearTimeout(timer);
    if (timedOut) {
      next(new BadRequestError('UPLOAD_TOO_SLOW', 'The upload did not arrive in time.'));
      return;
    }
    if (!err) {
      next();
      return;
    }
    if (err instanceof multer.MulterError) {
      const code = err.code === 'LIMIT_FILE_SIZE' ? 'FILE_TOO_LARGE' : err.code === 'LIMIT_FILE_COUNT' || err.code === 'LIMIT_UNEXPECTED_FILE' ? 'TOO_MANY_FILES' : 'BAD_UPLOAD';
      next(new ValidationError([{ field: 'attachments', code, message: req.t(`validation.${code}`, { limit: MAX_ATTACHMENTS }) }]));
      return;
    }
    next(err);
  });
};

export interface IncomingFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

export interface CheckedFile {
  filename: string;
  contentType: AttachmentType;
  buffer: Buffer;
}

/**
 * Checks every file: its type by its bytes, no active content in a PDF, the count. All problems at
 * once, with the field `attachments[i]`; the names kept are the safe ones (safeFilename).
 */
export function checkAttachments(files: IncomingFile[], t: TFunction, alreadyAttached = 0): CheckedFile[] {
  const problems: ErrorDetail[] = [];
  const checked: CheckedFile[] = [];
  const usable = files.filter((f) => f.size > 0); // an empty file input sends an empty part
  if (usable.length + alreadyAttached > MAX_ATTACHMENTS) {
    problems.push({ field: 'attachments', code: 'TOO_MANY_FILES', message: t('validation.TOO_MANY_FILES', { limit: MAX_ATTACHMENTS }) });
  }
  usable.forEach((f, i) => {
    const contentType = sniffContentType(f.buffer);
    const shownName = [...displayFilename(f.originalname.split(/[\\/]/).pop() ?? '')].slice(0, 120).join('');
    if (!contentType) problems.push({ field: `attachments[${i}]`, code: 'UNSUPPORTED_FILE_TYPE', message: t('validation.UNSUPPORTED_FILE_TYPE', { name: shownName }) });
    else if (contentType === 'application/pdf' && pdfActiveContent(f.buffer)) {
      problems.push({ field: `attachments[${i}]`, code: 'PDF_ACTIVE_CONTENT', message: t('validation.PDF_ACTIVE_CONTENT', { name: shownName }) });
    } else checked.push({ filename: safeFilename(f.originalname, contentType), contentType, buffer: f.buffer });
  });
  if (problems.length) throw new ValidationError(problems);
  return checked;
}

function bucket(): mongoose.mongo.GridFSBucket {
  return new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: BUCKET });
}

export interface StoredAttachment {
  fileId: Types.ObjectId;
  filename: string;
  contentType: AttachmentType;
  size: number;
  uploadedAt: Date;
}

/** Stores files under random ids. Callers store them before the case refers to them. */
export async function storeAttachments(files: CheckedFile[], now: Date): Promise<StoredAttachment[]> {
  const stored: StoredAttachment[] = [];
  for (const f of files) {
    const fileId = new Types.ObjectId();
    await new Promise<void>((resolve, reject) => {
      const upload = bucket().openUploadStreamWithId(fileId, fileId.toHexString(), { metadata: { contentType: f.contentType } });
      upload.once('finish', () => resolve());
      upload.once('error', reject);
      upload.end(f.buffer);
    });
    stored.push({ fileId, filename: f.filename, contentType: f.contentType, size: f.buffer.length, uploadedAt: now });
  }
  return stored;
}

export function openAttachment(fileId: Types.ObjectId): Readable {
  return bucket().openDownloadStream(fileId);
}

/**
 * Deletes stored files (anonymisation: retention.ts). A file already gone is not an error, so that
 * a run stopped half-way can be run again.
 */
export async function deleteAttachmentFiles(fileIds: readonly Types.ObjectId[]): Promise<void> {
  for (const id of fileIds) {
    try {
      await bucket().delete(id);
    } catch (err) {
      if (!(err instanceof mongoose.mongo.MongoRuntimeError && /not found/i.test(err.message))) throw err;
    }
  }
}

/**
 * The 5 places of a case's files. Each file added to a case takes one: the insert of
 * `<caseId>:<slot>` (slot 0–4), refused by the unique `_id` when someone took it first, on MongoDB
 * and FerretDB alike (a count-then-push is not: parallel uploads put 20 files on one case). Kept in
 * their own collection, not in `claims`, whose purge loop would free them again after a while.
 * A slot is never given back once its file is on the case; only a refused or failed addition
 * deletes the slots it took.
 */
const attachmentSlotSchema = new Schema({
  _id: { type: String, required: true },
  caseId: { type: Schema.Types.ObjectId, required: true },
  at: { type: Date, required: true },
});

export const AttachmentSlotModel = model('AttachmentSlot', attachmentSlotSchema, 'attachment_slots');

/**
 * Takes `count` free slots of a case, trying from `from` (the number of files the case was read
 * with: files added before slots existed hold none, so the slots below are left to them). All or
 * nothing: null (and none kept) when fewer are free.
 */
export async function claimAttachmentSlots(caseId: Types.ObjectId, from: number, count: number, now: Date): Promise<string[] | null> {
  const taken: string[] = [];
  try {
    for (let slot = Math.max(0, from); slot < MAX_ATTACHMENTS && taken.length < count; slot++) {
      const id = `${caseId.toHexString()}:${slot}`;
      try {
        await AttachmentSlotModel.create({ _id: id, caseId, at: now });
        taken.push(id);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
  } catch (err) {
    await releaseAttachmentSlots(taken);
    throw err;
  }
  if (taken.length < count) {
    await releaseAttachmentSlots(taken);
    return null;
  }
  return taken;
}

/** Frees slots taken for files that did not make it onto the case. */
export async function releaseAttachmentSlots(slots: readonly string[]): Promise<void> {
  for (const id of slots) await AttachmentSlotModel.deleteOne({ _id: id }); // by _id alone: FerretDB looks it up directly
}
