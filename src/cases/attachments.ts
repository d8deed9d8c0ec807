/**
 * Attachments: up to 5 images or PDFs of 5 MB each. The content is identified by its magic bytes,
 * never by the name or the type the browser claims, and the name a file is kept and served under
 * ends with the extension of that type. Files live in GridFS (shared by every app instance), under
 * random ids; they are served only to whoever may see the case, as downloads.
 *
 * Receiving: the route decides who may add files before a byte of the body is read; multer's
 * limits then apply as the bytes arrive, and only a few uploads are received at once per process
 * (the others are told to come back: 503 UPLOADS_BUSY with Retry-After). Files are not buffered:
 * the storage engine (gridFsStorage) sniffs the first bytes and streams the file into GridFS;
 * only a PDF is also kept in memory (at most 5 MB) for the active-content check.
 */
import { Writable, pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import mongoose, { Types } from 'mongoose';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { AppError, BadRequestError, ConflictError, ServiceUnavailableError, ValidationError, type ErrorDetail } from '../shared/errors.js';
import type { TFunction } from '../shared/i18n.js';
import { isDuplicateKeyError } from '../shared/db/connect.js';
import { AttachmentSlotModel } from './attachment-slot.model.js';
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

/** The bytes sniffContentType needs (WebP: 12). */
const SNIFF_BYTES = 16;

/** What the storage engine tells of one received file; a file refused here is not (or no longer) stored. */
export interface ReceivedFile {
  originalname: string;
  size: number;
  /** The type its bytes say; null when not an accepted kind. */
  sniffed: AttachmentType | null;
  /** The active content found in a PDF (then it was deleted again). */
  activePdf: string | null;
  /** Where it is stored; absent when it was refused, cut off or empty. */
  fileId?: Types.ObjectId;
}

/** The files each request stored and no case refers to yet: deleted when its answer is sent (see adoptAttachments). */
const pendingByRequest = new WeakMap<Request, Map<string, Types.ObjectId>>();

function pendingOf(req: Request): Map<string, Types.ObjectId> {
  let pending = pendingByRequest.get(req);
  if (!pending) pendingByRequest.set(req, (pending = new Map<string, Types.ObjectId>()));
  return pending;
}

/** These files are now referred to by a case: they are no longer deleted when the answer is sent. */
export function adoptAttachments(req: Request, files: readonly { fileId: Types.ObjectId }[]): void {
  const pending = pendingByRequest.get(req);
  for (const f of files) pending?.delete(f.fileId.toHexString());
}

/** Deletes the files this request stored that no case refers to (a refused or failed request). */
export async function discardAttachments(req: Request): Promise<void> {
  const pending = pendingByRequest.get(req);
  if (!pending?.size) return;
  const ids = [...pending.values()];
  pending.clear();
  await deleteAttachmentFiles(ids);
}

/**
 * One file as it arrives: its first bytes until they say the type, its size, its GridFS upload
 * (an accepted type only) and, for a PDF, its bytes. `sink` is where the part's stream is piped.
 */
class IncomingFile {
  private head: Buffer = Buffer.alloc(0);
  private size = 0;
  private sniffed: AttachmentType | null | undefined;
  private upload: mongoose.mongo.GridFSBucketWriteStream | undefined;
  private pdf: Buffer[] | null = null;
  private fileId: Types.ObjectId | undefined;

  readonly sink = new Writable({
    write: (chunk: Buffer, _enc, done) => this.write(chunk, done),
    final: (done) => this.final(done),
  });

  constructor(private readonly req: Request) {}

  /** The first bytes are in: an accepted type opens its upload (and, for a PDF, its buffer). */
  private decide(): void {
    this.sniffed = sniffContentType(this.head);
    if (!this.sniffed) return;
    const fileId = (this.fileId = new Types.ObjectId());
    pendingOf(this.req).set(fileId.toHexString(), fileId);
    this.upload = bucket().openUploadStreamWithId(fileId, fileId.toHexString(), { metadata: { contentType: this.sniffed } });
    this.upload.on('error', (e) => this.sink.destroy(e)); // a write waiting for 'drain' would wait for ever
    if (this.sniffed === 'application/pdf') this.pdf = [];
  }

  /** Into the upload, with its back-pressure; a refused type is drained. */
  private put(chunk: Buffer, done: (err?: Error | null) => void): void {
    const upload = this.upload;
    if (!upload || chunk.length === 0) return done();
    this.pdf?.push(chunk);
    if (upload.write(chunk)) done();
    else upload.once('drain', () => done());
  }

  /** The first bytes the sniff has waited for, handed on. */
  private flushHead(done: (err?: Error | null) => void): void {
    this.decide();
    const first = this.head;
    this.head = Buffer.alloc(0);
    this.put(first, done);
  }

  private write(chunk: Buffer, done: (err?: Error | null) => void): void {
    this.size += chunk.length;
    if (this.size > MAX_ATTACHMENT_BYTES) return done(); // busboy cuts it off; what came is deleted below
    if (this.sniffed !== undefined) return this.put(chunk, done);
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < SNIFF_BYTES) return done();
    this.flushHead(done);
  }

  private final(done: (err?: Error | null) => void): void {
    const end = (): void => {
      if (!this.upload) return done();
      this.upload.end((err?: Error | null) => done(err));
    };
    if (this.sniffed === undefined && this.head.length > 0) this.flushHead((err) => (err ? done(err) : end()));
    else end();
  }

  /** Deletes what was stored of the file, if anything. */
  private async forget(): Promise<void> {
    if (!this.fileId) return;
    const id = this.fileId;
    this.fileId = undefined;
    pendingOf(this.req).delete(id.toHexString());
    await deleteAttachmentFiles([id]);
  }

  /** The stream failed: the upload is aborted and what was stored deleted, as far as they go. */
  async discard(): Promise<void> {
    if (this.upload && !this.upload.closed) await this.upload.abort().catch(() => undefined);
    await this.forget().catch(() => undefined);
  }

  /** The stream ended: a file cut off at the limit, or a PDF with active content, is deleted again. */
  async received(originalname: string, truncated: boolean): Promise<ReceivedFile> {
    let activePdf: string | null = null;
    if (truncated || this.size > MAX_ATTACHMENT_BYTES) await this.forget();
    else if (this.pdf) {
      activePdf = pdfActiveContent(Buffer.concat(this.pdf));
      this.pdf = null;
      if (activePdf) await this.forget();
    }
    return { originalname, size: this.size, sniffed: this.sniffed ?? null, activePdf, ...(this.fileId ? { fileId: this.fileId } : {}) };
  }
}

/**
 * A multer storage engine that never holds a whole file: the first bytes say the type; a file of
 * an accepted type is piped into a GridFS upload stream as it arrives (with its back-pressure), one
 * of another type is drained and nothing stored. A file that passes the size limit (busboy cuts it
 * off, multer answers LIMIT_FILE_SIZE) or a PDF with active content is deleted from GridFS before
 * the engine reports it. PDFs alone are also kept in a buffer, bounded by the size limit, because
 * the active-content check reads the whole document.
 */
export const gridFsStorage: multer.StorageEngine = {
  _handleFile(req, file, cb) {
    const source = file.stream as Readable & { truncated?: boolean };
    const incoming = new IncomingFile(req);
    pipeline(source, incoming.sink, (err) => {
      void (async () => {
        if (err) {
          await incoming.discard();
          return cb(err);
        }
        cb(null, await incoming.received(file.originalname, source.truncated === true));
      })().catch((e: unknown) => cb(e as Error));
    });
  },
  _removeFile(req, file, cb) {
    const { fileId } = file as unknown as ReceivedFile;
    if (!fileId) return cb(null);
    pendingOf(req).delete(fileId.toHexString());
    deleteAttachmentFiles([fileId]).then(() => cb(null), cb);
  },
};

/** Multipart parsing with hard limits, applied as the bytes arrive; files are streamed into GridFS, never buffered whole (but PDFs). */
export const attachmentUpload = multer({
  storage: gridFsStorage,
  defParamCharset: 'utf8', // browsers send Arabic file names as UTF-8
  limits: { fileSize: MAX_ATTACHMENT_BYTES, files: MAX_ATTACHMENTS, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: 60 },
});

/**
 * How many uploads one process receives at once, how long one may take to
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
 * Retry-After; the slot is held until the answer is sent. Files stored for the request that no case
 * refers to by then (adoptAttachments) are deleted when the connection closes. An upload
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
    void discardAttachments(req).catch(() => undefined); // best effort: the routes discard before answering
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

/** A file that passed the checks: stored in GridFS, under the name it is kept and served as. */
export interface CheckedFile {
  filename: string;
  contentType: AttachmentType;
  fileId: Types.ObjectId;
  size: number;
}

/**
 * Checks every received file: its type by its bytes, no active content in a PDF (both found by the
 * storage engine), the count. All problems at once, with the field `attachments[i]`; the names kept
 * are the safe ones (safeFilename).
 */
export function checkAttachments(files: ReceivedFile[], t: TFunction, alreadyAttached = 0): CheckedFile[] {
  const problems: ErrorDetail[] = [];
  const checked: CheckedFile[] = [];
  const usable = files.filter((f) => f.size > 0); // an empty file input sends an empty part
  if (usable.length + alreadyAttached > MAX_ATTACHMENTS) {
    problems.push({ field: 'attachments', code: 'TOO_MANY_FILES', message: t('validation.TOO_MANY_FILES', { limit: MAX_ATTACHMENTS }) });
  }
  usable.forEach((f, i) => {
    const contentType = f.sniffed;
    const shownName = [...displayFilename(f.originalname.split(/[\\/]/).pop() ?? '')].slice(0, 120).join('');
    if (!contentType) problems.push({ field: `attachments[${i}]`, code: 'UNSUPPORTED_FILE_TYPE', message: t('validation.UNSUPPORTED_FILE_TYPE', { name: shownName }) });
    else if (contentType === 'application/pdf' && f.activePdf) {
      problems.push({ field: `attachments[${i}]`, code: 'PDF_ACTIVE_CONTENT', message: t('validation.PDF_ACTIVE_CONTENT', { name: shownName }) });
    } else if (!f.fileId) problems.push({ field: `attachments[${i}]`, code: 'BAD_UPLOAD', message: t('validation.BAD_UPLOAD') });
    else checked.push({ filename: safeFilename(f.originalname, contentType), contentType, fileId: f.fileId, size: f.size });
  });
  if (problems.length) throw new ValidationError(problems);
  return checked;
}

/** The received files of a request (multer's req.files, filled by gridFsStorage). */
export function receivedFiles(req: Request): ReceivedFile[] {
  return (req.files as unknown as ReceivedFile[] | undefined) ?? [];
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

/** Checked files as the case records them. */
export function asStored(files: readonly CheckedFile[], now: Date): StoredAttachment[] {
  return files.map((f) => ({ fileId: f.fileId, filename: f.filename, contentType: f.contentType, size: f.size, uploadedAt: now }));
}

/** A whole file in memory (imports, tests); uploads are streamed by gridFsStorage instead. */
export interface FileToStore {
  filename: string;
  contentType: AttachmentType;
  buffer: Buffer;
}

/** Stores files under random ids. Callers store them before the case refers to them. */
export async function storeAttachments(files: FileToStore[], now: Date): Promise<StoredAttachment[]> {
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
