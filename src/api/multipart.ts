// Rails-style multipart bodies streamed from disk: files are never read into memory as a whole.
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { FormDataEncoder } from 'form-data-encoder';
import { ApiError } from './errors';
import type { StreamBody } from './http';

/** A file on disk to upload. */
export interface FilePart {
  path: string;
  /** File name sent to the server; defaults to the path's base name. */
  name?: string;
  /** MIME type; defaults to application/octet-stream. */
  type?: string;
}

export type FormEntry = readonly [field: string, value: string | FilePart];

export interface UploadProgress {
  sentBytes: number;
  totalBytes: number;
}

export type ProgressListener = (progress: UploadProgress) => void;

type Scalar = string | number | boolean;

/**
 * Flattens `{ title, image_urls: [...], prompts_attributes: [{ text }] }` under `root` into Rails names:
 * `tune[title]`, `tune[image_urls][]`, `tune[prompts_attributes][][text]`. Booleans become "true"/"false",
 * null/undefined are left out, nested objects (e.g. `characteristics`) are sent as a JSON string.
 */
export function railsFormEntries(root: string, params: object): FormEntry[] {
  return Object.entries(params).flatMap(([key, value]) => fieldEntries(`${root}[${key}]`, value));
}

function fieldEntries(name: string, value: unknown): FormEntry[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item) => arrayItemEntries(name, item));
  if (isScalar(value)) return [[name, String(value)]];
  return [[name, JSON.stringify(value)]];
}

function arrayItemEntries(name: string, item: unknown): FormEntry[] {
  if (item === undefined || item === null) return [];
  if (isScalar(item)) return [[`${name}[]`, String(item)]];
  if (Array.isArray(item)) return [[`${name}[]`, JSON.stringify(item)]];
  // Rails starts a new hash when a key repeats, so `text` (always present) must lead each object.
  return orderedEntries(item as Record<string, unknown>).flatMap(([key, value]) => fieldEntries(`${name}[][${key}]`, value));
}

function orderedEntries(record: Record<string, unknown>): [string, unknown][] {
  const entries = Object.entries(record);
  return [...entries.filter(([key]) => key === 'text'), ...entries.filter(([key]) => key !== 'text')];
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Appends each entry to a FormData; files become file-backed Blobs (fs.openAsBlob), not buffers. */
export async function toFormData(entries: readonly FormEntry[]): Promise<FormData> {
  const form = new FormData();
  for (const [field, value] of entries) {
    if (typeof value === 'string') {
      form.append(field, value);
    } else {
      form.append(field, await fileBlob(value), value.name ?? basename(value.path));
    }
  }
  return form;
}

/** openAsBlob throws a vague synchronous error for a missing file and happily opens directories. */
async function fileBlob(file: FilePart): Promise<Blob> {
  const name = basename(file.path);
  const info = await stat(file.path).catch(() => undefined);
  if (!info) throw new ApiError({ kind: 'bad_request', message: `Cannot upload “${name}”: the file does not exist or cannot be read.` });
  if (!info.isFile()) throw new ApiError({ kind: 'bad_request', message: `Cannot upload “${name}”: it is not a file.` });
  try {
    // Stryker disable next-line StringLiteral: form-data-encoder labels a Blob without a type application/octet-stream too
    return await openAsBlob(file.path, { type: file.type ?? 'application/octet-stream' });
  } catch {
    throw new ApiError({ kind: 'bad_request', message: `Cannot upload “${name}”: the file cannot be read.` });
  }
}

/**
 * A fresh streamed body per call (every retry needs its own stream), with Content-Type/-Length headers
 * from form-data-encoder and progress reported as bytes leave.
 */
export function multipartBody(entries: readonly FormEntry[], onProgress?: ProgressListener): () => Promise<StreamBody> {
  return async () => {
    const encoder = new FormDataEncoder(await toFormData(entries));
    // Stryker disable next-line ConditionalExpression: every part is a string or a sized Blob, so the encoder always knows the length
    const totalBytes = encoder.contentLength === undefined ? 0 : Number(encoder.contentLength);
    const chunks = countBytes(encoder.encode(), (sentBytes) => onProgress?.({ sentBytes, totalBytes }));
    return { stream: iterableToStream(chunks), headers: { ...encoder.headers } };
  };
}

async function* countBytes(chunks: AsyncIterable<Uint8Array>, report: (sentBytes: number) => void): AsyncGenerator<Uint8Array> {
  let sent = 0;
  report(0);
  for await (const chunk of chunks) {
    sent += chunk.byteLength;
    report(sent);
    yield chunk;
  }
}

/** Pull-based so the next chunk is read only when the socket wants it (flat memory). */
export function iterableToStream(chunks: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
