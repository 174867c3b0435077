// Request bodies: JSON, urlencoded and multipart, all folded into one Rails-style params object.
// Multipart files are streamed to disk and hashed on the way, so tests can compare bytes by sha256.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import busboy from 'busboy';
import { HttpError } from './http';

export type Params = Record<string, unknown>;

/** A file received in a multipart body. */
export interface Upload {
  id: number;
  field: string;
  filename: string;
  mimeType: string;
  size: number;
  sha256: string;
  path: string;
  tuneId: number | null;
  promptId: number | null;
  at: number;
}

/** What a file field becomes inside params: a reference to the stored upload. */
export interface UploadRef {
  uploadId: number;
}

export function isUploadRef(value: unknown): value is UploadRef {
  return typeof value === 'object' && value !== null && 'uploadId' in value;
}

function isPlainObject(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUploadRef(value);
}

/**
 * Rack's normalize_params, trimmed: `a[b]`, `a[]`, `a[][c]` (a new hash starts when the last one
 * already has `c`), nested as deep as needed.
 */
export function assignParam(params: Params, name: string, value: unknown): void {
  const match = /^[[\]]*([^[\]]+)\]*/.exec(name);
  if (!match) return;
  const key = match[1];
  const after = name.slice(match[0].length);
  if (after === '') {
    params[key] = value;
  } else if (after === '[]') {
    const list = Array.isArray(params[key]) ? (params[key] as unknown[]) : (params[key] = []);
    (list as unknown[]).push(value);
  } else if (after.startsWith('[]')) {
    const childName = after.slice(2);
    const childKey = /^\[?([^[\]]+)/.exec(childName)?.[1] ?? '';
    const list = (Array.isArray(params[key]) ? params[key] : (params[key] = [])) as unknown[];
    const last = list[list.length - 1];
    if (isPlainObject(last) && !(childKey in last)) {
      assignParam(last, childName, value);
    } else {
      const fresh: Params = {};
      assignParam(fresh, childName, value);
      list.push(fresh);
    }
  } else {
    const child = isPlainObject(params[key]) ? (params[key] as Params) : (params[key] = {});
    assignParam(child as Params, after, value);
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface BodyOptions {
  uploadDir: string;
  nextUploadId: () => number;
  onUpload: (upload: Upload) => void;
}

/** Reads the whole body (always, even when a fault will answer) and returns Rails-style params. */
export async function readBody(req: IncomingMessage, options: BodyOptions): Promise<Params> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return readMultipart(req, options);
  const raw = (await readAll(req)).toString('utf8');
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const params: Params = {};
    for (const [name, value] of new URLSearchParams(raw)) assignParam(params, name, value);
    return params;
  }
  if (raw.trim() === '') return {};
  if (type.includes('json') || /^\s*[[{]/.test(raw)) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return isPlainObject(parsed) ? parsed : { _json: parsed };
    } catch {
      throw new HttpError(400, { error: 'The request body is not valid JSON' });
    }
  }
  return {};
}

function readMultipart(req: IncomingMessage, options: BodyOptions): Promise<Params> {
  return new Promise((resolve, reject) => {
    const params: Params = {};
    const writes: Promise<void>[] = [];
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fieldSize: 10 * 1024 * 1024 } });
    } catch {
      reject(new HttpError(400, { error: 'Malformed multipart body' }));
      return;
    }
    parser.on('field', (name, value) => assignParam(params, name, value));
    parser.on('file', (name, stream, info) => {
      const id = options.nextUploadId();
      const safeName = (info.filename || 'file').replace(/[^\w.-]+/g, '_').slice(-80);
      const path = join(options.uploadDir, `${id}-${safeName}`);
      const hash = createHash('sha256');
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
      });
      assignParam(params, name, { uploadId: id } satisfies UploadRef);
      writes.push(
        new Promise<void>((done, fail) => {
          const out = createWriteStream(path);
          out.on('error', fail);
          out.on('finish', () => {
            options.onUpload({
              id,
              field: name,
              filename: info.filename || 'file',
              mimeType: info.mimeType || 'application/octet-stream',
              size,
              sha256: hash.digest('hex'),
              path,
              tuneId: null,
              promptId: null,
              at: Date.now(),
            });
            done();
          });
          stream.pipe(out);
        }),
      );
    });
    parser.on('error', () => reject(new HttpError(400, { error: 'Malformed multipart body' })));
    parser.on('close', () => {
      Promise.all(writes).then(() => resolve(params), reject);
    });
    req.pipe(parser);
  });
}
