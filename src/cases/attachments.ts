/**
 * Attachments: up to 5 images or PDFs of 5 MB each. The content is identified by its magic bytes,
 * never by the name or the type the browser claims. Files live in GridFS (shared by every app
 * instance), under random ids; they are served only to whoever may see the case, as downloads.
 */
import type { Readable } from 'node:stream';
import mongoose, { Types } from 'mongoose';
import type { RequestHandler } from 'express';
import multer from 'multer';
import { ValidationError, type ErrorDetail } from '../shared/errors.js';
import type { TFunction } from '../shared/i18n.js';

export const MAX_ATTACHMENTS = 5;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
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

/** A display name safe to put in a header: no path, no control characters, bounded length. */
export function safeFilename(name: string, contentType: AttachmentType): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '').trim().slice(0, 120);
  const ext = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'application/pdf': 'pdf' }[contentType];
  return cleaned || `attachment.${ext}`;
}

/** Multipart parsing with hard limits; files stay in memory until checked. */
export const attachmentUpload = multer({
  storage: multer.memoryStorage(),
  defParamCharset: 'utf8', // browsers send Arabic file names as UTF-8
  limits: { fileSize: MAX_ATTACHMENT_BYTES, files: MAX_ATTACHMENTS, fields: 40, fieldSize: 64 * 1024, parts: 60 },
});

/** Parses multipart `attachments` files; multer's limit errors become field errors in the request's language. */
export const receiveAttachments: RequestHandler = (req, res, next) => {
  attachmentUpload.array('attachments', MAX_ATTACHMENTS)(req, res, (err: unknown) => {
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

/** Checks every file; all problems at once, with the field `attachments[i]`. */
export function checkAttachments(files: IncomingFile[], t: TFunction, alreadyAttached = 0): CheckedFile[] {
  const problems: ErrorDetail[] = [];
  const checked: CheckedFile[] = [];
  const usable = files.filter((f) => f.size > 0); // an empty file input sends an empty part
  if (usable.length + alreadyAttached > MAX_ATTACHMENTS) {
    problems.push({ field: 'attachments', code: 'TOO_MANY_FILES', message: t('validation.TOO_MANY_FILES', { limit: MAX_ATTACHMENTS }) });
  }
  usable.forEach((f, i) => {
    const contentType = sniffContentType(f.buffer);
    if (!contentType) problems.push({ field: `attachments[${i}]`, code: 'UNSUPPORTED_FILE_TYPE', message: t('validation.UNSUPPORTED_FILE_TYPE', { name: safeFilename(f.originalname, 'application/pdf') }) });
    else checked.push({ filename: safeFilename(f.originalname, contentType), contentType, buffer: f.buffer });
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
