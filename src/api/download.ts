// Streams a generated image or audio preview to disk, or a small file into memory under a size cap.
// Deliberately separate from createHttp: the files live on a CDN (often pre-signed S3 links) that must
// never receive the API key.
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { linkAbort } from './abort';
import { ApiError, type RequestContext, errorFromException, errorFromResponse, refusedDownloadError } from './errors';

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
/** No Authorization, ever: the file host must not see the API key. */
// Stryker disable next-line ObjectLiteral: fetch sends Accept: */* itself when no Accept is set, so {} sends the same request
const DOWNLOAD_HEADERS = { Accept: '*/*' };

/**
 * GETs `url` with no Authorization header and writes it to `destPath` via a temporary file, so an
 * interrupted download never leaves a truncated file under the final name. Only http(s) URLs.
 */
export async function downloadToFile(url: string, destPath: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const target = parseDownloadUrl(url);
  // Stryker disable next-line ArrayDeclaration: no secret is sent to a file host, so there is none to blank out of its words
  const ctx: RequestContext = { provider: { name: target.host }, method: 'GET', path: target.pathname, repeatable: true, secrets: [] };
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const abort = linkAbort(options.signal, timeoutMs);
  const partPath = `${destPath}.${process.pid}-${Date.now().toString(36)}.part`;
  try {
    const response = await fetch(target, { signal: abort.signal, headers: DOWNLOAD_HEADERS });
    if (!response.ok || !response.body) {
      if (response.status === 401 || response.status === 403) throw refusedDownloadError(response.status, target.host, target.pathname);
      throw errorFromResponse(response.status, response.headers, await response.text().catch(() => undefined), ctx);
    }
    const totalBytes = contentLength(response.headers);
    let received = 0;
    const bytes = await writeBody(
      response.body,
      partPath,
      (receivedBytes) => {
        received = receivedBytes;
        options.onProgress?.({ receivedBytes, totalBytes });
      },
      (error) => {
        // The body stopped coming (the connection closed or reset): not our timer, not the caller's cancel.
        if (abort.timedOut() || options.signal?.aborted) return error;
        return cutShortError(target.host, ctx, received, totalBytes, error);
      },
      saveFailedError,
    );
    await rename(partPath, destPath).catch((error: unknown) => {
      throw saveFailedError(error);
    });
    return { bytes, contentType: response.headers.get('content-type') ?? undefined };
  } catch (error) {
    await unlink(partPath).catch(() => undefined);
    // An ApiError (a refusal, a cut-short body) comes back from errorFromException unchanged.
    throw errorFromException(error, { ...ctx, timedOut: abort.timedOut(), timeoutMs, cancelled: options.signal?.aborted === true });
  } finally {
    abort.dispose();
  }
}

export interface MemoryDownloadOptions {
  /** More bytes than this are refused: by Content-Length before any is read, else as soon as they arrive. */
  maxBytes: number;
  signal?: AbortSignal;
  /** Whole-download limit; default 2 min. */
  timeoutMs?: number;
  /** 'error' refuses redirects (default: follow them, as fetch does). */
  redirect?: 'follow' | 'error';
  /** Checked on the media type (`image/png`, no parameters) before any byte of the body is read. */
  acceptType?: (mediaType: string) => boolean;
}

export interface MemoryDownload {
  bytes: Uint8Array;
  /** The media type without parameters, lower case; '' when the server sent none. */
  mediaType: string;
}

/**
 * GETs `url` with no Authorization header into memory, never holding more than `maxBytes` of it: a
 * Content-Length over the cap is refused before the body is read, and a body that runs past the cap
 * (no or a false Content-Length) is cut off as soon as it does, the connection closed. Errors are
 * ApiErrors; `too_large` names the cap. An error response's body is never read.
 */
export async function downloadToMemory(url: string, options: MemoryDownloadOptions): Promise<MemoryDownload> {
  const target = parseDownloadUrl(url);
  // Stryker disable next-line ArrayDeclaration: no secret is sent to a file host, so there is none to blank out of its words
  const ctx: RequestContext = { provider: { name: target.host }, method: 'GET', path: target.pathname, repeatable: true, secrets: [] };
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const abort = linkAbort(options.signal, timeoutMs);
  /** Reads no more: cancelling the body releases the stream, aborting the request closes the connection. */
  const halt = (response: Response, error: ApiError): ApiError => {
    void response.body?.cancel().catch(() => undefined);
    abort.abort(error);
    return error;
  };
  try {
    const response = await fetch(target, { signal: abort.signal, headers: DOWNLOAD_HEADERS, redirect: options.redirect ?? 'follow' });
    if (!response.ok) {
      const refused = response.status === 401 || response.status === 403;
      throw halt(response, refused ? refusedDownloadError(response.status, target.host, target.pathname) : errorFromResponse(response.status, response.headers, undefined, ctx));
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (options.acceptType && !options.acceptType(mediaType)) {
      throw halt(response, new ApiError({ kind: 'malformed', method: 'GET', path: ctx.path, message: `${target.host} sent ${mediaType || 'a file without a type'}, which is not accepted here.` }));
    }
    const declared = contentLength(response.headers);
    if (declared !== undefined && declared > options.maxBytes) {
      throw halt(response, tooLargeError(target.host, ctx, `is ${megabytes(declared)}, over the ${megabytes(options.maxBytes)} limit; it was not downloaded.`));
    }
    if (!response.body) return { bytes: new Uint8Array(0), mediaType };
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > options.maxBytes) {
        void reader.cancel().catch(() => undefined);
        throw halt(response, tooLargeError(target.host, ctx, `is over the ${megabytes(options.maxBytes)} limit; the download was stopped after ${megabytes(received)}.`));
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(received);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    return { bytes, mediaType };
  } catch (error) {
    throw errorFromException(error, { ...ctx, timedOut: abort.timedOut(), timeoutMs, cancelled: options.signal?.aborted === true });
  } finally {
    abort.dispose();
  }
}

function tooLargeError(host: string, ctx: RequestContext, what: string): ApiError {
  return new ApiError({ kind: 'too_large', method: ctx.method, path: ctx.path, message: `The file at ${host} ${what}` });
}

/** 2097152 → "2 MB", 52428800 → "50 MB", 2162688 → "2.1 MB". */
export function megabytes(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
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

/**
 * Streams the body to `path`, counting. An error of the body itself goes through `bodyFailed`, one of the
 * disk through `diskFailed`, which name it: neither a body that stops half way nor a full disk may read as
 * "could not reach".
 */
async function writeBody(
  body: ReadableStream<Uint8Array>,
  path: string,
  report: (receivedBytes: number) => void,
  bodyFailed: (error: unknown) => unknown,
  diskFailed: (error: unknown) => unknown,
): Promise<number> {
  let received = 0;
  let sourceError: unknown;
  const source = Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
  source.once('error', (error) => (sourceError = error));
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.byteLength;
      report(received);
      callback(null, chunk);
    },
  });
  const sink = createWriteStream(path);
  try {
    await pipeline(source, counter, sink);
  } catch (error) {
    // A body that fails at once may fail before the file is even open: the open still completes and would
    // create the file after the caller removed it. Wait until the file is closed, so it can be removed.
    if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
    throw sourceError !== undefined ? bodyFailed(sourceError) : diskFailed(error);
  }
  return received;
}

/** The disk, not the host: a folder that cannot be written, a full disk. */
function saveFailedError(cause: unknown): ApiError {
  const code = (cause as { code?: unknown } | undefined)?.code;
  const why = typeof code === 'string' ? ` (${code})` : '';
  return new ApiError({
    kind: 'bad_request',
    cause: cause instanceof Error ? new Error(cause.message) : undefined,
    message: `Could not write the downloaded file to disk${why}. Check that its folder can be written to and the disk has space.`,
  });
}

/** "The download from cdn.example was cut short: the connection closed after 718 of 1436 bytes." */
function cutShortError(host: string, ctx: RequestContext, received: number, total: number | undefined, cause: unknown): ApiError {
  const of = total !== undefined ? ` of ${byteCount(total)}` : '';
  return new ApiError({
    kind: 'network',
    method: ctx.method,
    path: ctx.path,
    retryable: true,
    cause: cause instanceof Error ? new Error(cause.message) : undefined,
    message: `The download from ${host} was cut short: the connection closed after ${byteCount(received)}${of}. Try again.`,
  });
}

/** 718 → "718 bytes", 52_000 → "51 KB", 2_162_688 → "2.1 MB". */
export function byteCount(bytes: number): string {
  if (bytes < 10_000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return megabytes(bytes);
}

function contentLength(headers: Headers): number | undefined {
  const value = Number(headers.get('content-length'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
