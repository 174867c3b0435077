// Streams a generated image or audio preview to disk. Deliberately separate from createHttp: the
// files live on a CDN (often pre-signed S3 links) that must never receive the API key.
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { linkAbort } from './abort';
import { ApiError, type RequestContext, errorFromException, errorFromResponse } from './errors';

export interface DownloadProgress {
  receivedBytes: number;
  /** From Content-Length when the server sends it. */
  totalBytes?: number;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Whole-download limit; default 2 min. */
  timeoutMs?: number;
  onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadResult {
  bytes: number;
  contentType?: string;
}

const DEFAULT_DOWNLOAD_TIMEOUT_MS = 120_000;

/**
 * GETs `url` with no Authorization header and writes it to `destPath` via a temporary file, so an
 * interrupted download never leaves a truncated file under the final name. Only http(s) URLs.
 */
export async function downloadToFile(url: string, destPath: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const target = parseDownloadUrl(url);
  const ctx: RequestContext = { provider: { name: target.host }, method: 'GET', path: target.pathname, repeatable: true, secrets: [] };
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const abort = linkAbort(options.signal, timeoutMs);
  const partPath = `${destPath}.${process.pid}-${Date.now().toString(36)}.part`;
  try {
    const response = await fetch(target, { signal: abort.signal, headers: { Accept: '*/*' } });
    if (!response.ok || !response.body) {
      throw errorFromResponse(response.status, response.headers, await response.text().catch(() => undefined), ctx);
    }
    const totalBytes = contentLength(response.headers);
    const bytes = await writeBody(response.body, partPath, (receivedBytes) => options.onProgress?.({ receivedBytes, totalBytes }));
    await rename(partPath, destPath);
    return { bytes, contentType: response.headers.get('content-type') ?? undefined };
  } catch (error) {
    await unlink(partPath).catch(() => undefined);
    if (error instanceof ApiError) throw error;
    throw errorFromException(error, { ...ctx, timedOut: abort.timedOut(), timeoutMs, cancelled: options.signal?.aborted === true });
  } finally {
    abort.dispose();
  }
}

/** Refuses file:, data:, command: and the like: a URL from a server response is not trusted. */
export function parseDownloadUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ApiError({ kind: 'bad_request', message: 'Cannot download: the address is not a valid URL.' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ApiError({ kind: 'bad_request', message: `Cannot download from a ${parsed.protocol} address; only http and https are allowed.` });
  }
  return parsed;
}

async function writeBody(body: ReadableStream<Uint8Array>, path: string, report: (receivedBytes: number) => void): Promise<number> {
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.byteLength;
      report(received);
      callback(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), counter, createWriteStream(path));
  return received;
}

function contentLength(headers: Headers): number | undefined {
  const value = Number(headers.get('content-length'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
