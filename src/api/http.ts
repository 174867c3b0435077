// The one HTTP layer: base URL, auth, timeout, cancellation, a conservative retry policy and ApiError mapping.
import { ofetch } from 'ofetch';
import { abortableSleep, linkAbort } from './abort';
import {
  type ApiError,
  type ApiErrorKind,
  type ProviderInfo,
  type RequestContext,
  cancelledError,
  errorFromException,
  errorFromResponse,
  malformedError,
  keyElsewhereError,
  missingKeyError,
  otherOriginError,
  badBaseUrlError,
  toProviderInfo,
} from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export type QueryValue = string | number | boolean | null | undefined;

/** One line for the output channel; never carries the key or a query string. */
export interface ResponseEvent {
  method: HttpMethod;
  /** Path relative to the base URL, without query string. */
  path: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  durationMs: number;
  /** 1 for the first try, 2 for the first retry… */
  attempt: number;
  /** Set when this attempt failed. */
  errorKind?: ApiErrorKind;
}

/** A key, none, or a key that was checked on another origin (and so may not be sent here). */
export type KeyLookup = string | undefined | { checkedOn: string };

export interface RetryTuning {
  /** First backoff step; doubles per retry. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest single wait; a Retry-After beyond it is not waited for. Default 30 s. */
  maxDelayMs?: number;
  /** Injectable for tests; default Math.random. */
  random?: () => number;
  /** Injectable for tests; must reject with any error when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface HttpOptions {
  baseUrl: string;
  /**
   * Read on every request so a key changed in settings applies at once. Asked for the base URL's
   * origin; a key stored for another origin comes back as `{ checkedOn }` and nothing is sent.
   */
  getKey: (origin: string) => KeyLookup | Promise<KeyLookup>;
  /** Sent as X-Workspace-Id when non-empty. */
  workspaceId?: string;
  /** Extra headers on every request, e.g. Cartesia-Version. */
  headers?: Record<string, string>;
  /** Per attempt. Default 40 s (Astria's own gateway gives up at 30 s with a 504). */
  timeoutMs?: number;
  /** Automatic retries for requests that are safe to repeat. Default 3. */
  retries?: number;
  /** Upper bound of every attempt's timeout, uploads included (which otherwise get minutes). */
  maxTimeoutMs?: number;
  onResponse?: (event: ResponseEvent) => void;
  /** Named in error messages; a plain name like "Astria" also implies its "Set … API Key" command. */
  provider?: string | ProviderInfo;
  retry?: RetryTuning;
}

/** A request body that can be produced afresh for every attempt (a stream is single-use). */
export interface StreamBody {
  stream: ReadableStream<Uint8Array>;
  headers: Record<string, string>;
}

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Serialised as JSON. */
  json?: unknown;
  /** Called once per attempt; wins over `json`. */
  body?: () => Promise<StreamBody>;
  signal?: AbortSignal;
  /** Marks a POST/PATCH as safe to repeat (e.g. tune create: the title is the idempotency key). */
  idempotent?: boolean;
  timeoutMs?: number;
  retries?: number;
}

export interface Http {
  readonly baseUrl: string;
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  post<T>(path: string, options?: RequestOptions): Promise<T>;
  patch<T>(path: string, options?: RequestOptions): Promise<T>;
  delete<T>(path: string, options?: RequestOptions): Promise<T>;
}

const DEFAULT_TIMEOUT_MS = 40_000;
const DEFAULT_RETRIES = 3;
const DEFAULT_BASE_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 30_000;
const SAFE_METHODS = new Set<HttpMethod>(['GET', 'DELETE']);
const RETRIED_KINDS = new Set<ApiErrorKind>(['network', 'timeout', 'server', 'rate_limited']);

interface RawResponse {
  status: number;
  headers: Headers;
  text: string | undefined;
}

type AttemptResult = { ok: true; response: RawResponse } | { ok: false; error: ApiError };

export function createHttp(options: HttpOptions): Http {
  const provider = toProviderInfo(options.provider);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_RETRIES;
  const tuning = resolveTuning(options.retry);
  const origin = urlOrigin(options.baseUrl);

  async function request<T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<T> {
    const cleanPath = stripQuery(path);
    if (origin === undefined) throw badBaseUrlError(provider, options.baseUrl, method, cleanPath);
    // The key goes only to the configured origin: an absolute URL elsewhere is never sent with it.
    const target = urlOrigin(path, `${options.baseUrl}/`);
    if (target !== origin) throw otherOriginError(provider, target ?? path, method, cleanPath);
    const key = await readKey(options.getKey, origin, provider, method, cleanPath);
    const ctx: RequestContext = {
      provider,
      method,
      path: cleanPath,
      repeatable: SAFE_METHODS.has(method) || opts.idempotent === true,
      secrets: [key],
      apiVersion: headerValue(options.headers, 'cartesia-version'),
    };
    const maxRetries = ctx.repeatable ? (opts.retries ?? retries) : 0;
    for (let attempt = 1; ; attempt++) {
      if (opts.signal?.aborted) throw cancelledError(method, cleanPath);
      const result = await sendOnce(method, path, opts, key, ctx, attempt);
      if (result.ok) return readSuccess<T>(result.response, ctx);
      const { error } = result;
      // A retried DELETE that finds nothing means an earlier attempt already deleted it.
      if (method === 'DELETE' && attempt > 1 && error.kind === 'not_found') return undefined as T;
      const delay = retryDelay(error, attempt, maxRetries, tuning);
      if (delay === undefined) throw error;
      await sleepOrCancel(tuning, delay, opts.signal, method, cleanPath);
    }
  }

  async function sendOnce(
    method: HttpMethod,
    path: string,
    opts: RequestOptions,
    key: string,
    ctx: RequestContext,
    attempt: number,
  ): Promise<AttemptResult> {
    const started = performance.now();
    const limitMs = Math.min(opts.timeoutMs ?? timeoutMs, options.maxTimeoutMs ?? Infinity);
    const abort = linkAbort(opts.signal, limitMs);
    let result: AttemptResult;
    try {
      const response = await fetchOnce(method, path, opts, key, abort.signal);
      result =
        response.status >= 400
          ? { ok: false, error: errorFromResponse(response.status, response.headers, response.text, ctx) }
          : { ok: true, response };
    } catch (error) {
      const mapped = errorFromException(error, { ...ctx, timedOut: abort.timedOut(), timeoutMs: limitMs, cancelled: opts.signal?.aborted === true });
      result = { ok: false, error: mapped };
    } finally {
      abort.dispose();
    }
    report({
      method,
      path: ctx.path,
      status: result.ok ? result.response.status : (result.error.status ?? 0),
      durationMs: Math.round(performance.now() - started),
      attempt,
      errorKind: result.ok ? undefined : result.error.kind,
    });
    return result;
  }

  /** A failing log sink must never fail the request it describes. */
  function report(event: ResponseEvent): void {
    try {
      options.onResponse?.(event);
    } catch {
      // ignored on purpose
    }
  }

  async function fetchOnce(method: HttpMethod, path: string, opts: RequestOptions, key: string, signal: AbortSignal): Promise<RawResponse> {
    const headers = buildHeaders(options, key);
    let body: string | ReadableStream<Uint8Array> | undefined;
    let streaming = false;
    if (opts.body) {
      const made = await opts.body();
      Object.assign(headers, made.headers);
      body = made.stream;
      streaming = true;
    } else if (opts.json !== undefined) {
      // Stryker disable next-line StringLiteral: ofetch sets this same Content-Type on a JSON string body that has none
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const response = await ofetch.raw(path, {
      baseURL: options.baseUrl,
      method,
      query: definedQuery(opts.query),
      headers,
      body,
      signal,
      retry: false,
      ignoreResponseError: true,
      responseType: 'text',
      // A streamed body is teed by undici when redirects are allowed, keeping the whole upload in memory.
      ...(streaming ? { redirect: 'error' as const, duplex: 'half' as const } : {}),
    });
    return { status: response.status, headers: response.headers, text: response._data };
  }

  return {
    baseUrl: options.baseUrl,
    request,
    get: (path, opts) => request('GET', path, opts),
    post: (path, opts) => request('POST', path, opts),
    patch: (path, opts) => request('PATCH', path, opts),
    delete: (path, opts) => request('DELETE', path, opts),
  };
}

/**
 * How long to wait before the next attempt, or undefined to give up.
 * A Retry-After longer than maxDelayMs is not waited out: the caller (the poller) backs off instead.
 */
export function retryDelay(
  error: ApiError,
  attempt: number,
  maxRetries: number,
  tuning: Required<RetryTuning>,
): number | undefined {
  if (!error.retryable || !RETRIED_KINDS.has(error.kind) || attempt > maxRetries) return undefined;
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= tuning.maxDelayMs ? error.retryAfterMs : undefined;
  }
  return backoffDelay(attempt, tuning);
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffDelay(attempt: number, tuning: Required<RetryTuning>): number {
  const exponential = Math.min(tuning.maxDelayMs, tuning.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * tuning.random());
}

export function resolveTuning(tuning: RetryTuning = {}): Required<RetryTuning> {
  return {
    baseDelayMs: tuning.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
    maxDelayMs: tuning.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
    random: tuning.random ?? Math.random,
    sleep: tuning.sleep ?? abortableSleep,
  };
}

async function sleepOrCancel(
  tuning: Required<RetryTuning>,
  ms: number,
  signal: AbortSignal | undefined,
  method: string,
  path: string,
): Promise<void> {
  // The loop checks the signal again before the next attempt (a sleep that ignored it). The sleep rejects only on abort,
  // so a swallowed rejection ends in that same cancelled error:
  // Stryker disable next-line ArrowFunction,BlockStatement: equivalent, see above
  await tuning.sleep(ms, signal).catch(() => {
    throw cancelledError(method, path);
  });
}

async function readKey(
  getKey: HttpOptions['getKey'],
  origin: string,
  provider: ProviderInfo,
  method: string,
  path: string,
): Promise<string> {
  const found = await getKey(origin);
  if (typeof found === 'object') throw keyElsewhereError(provider, origin, found.checkedOn, method, path);
  const key = found?.trim();
  if (!key) throw missingKeyError(provider, method, path);
  return key;
}

function buildHeaders(options: HttpOptions, key: string): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers, Authorization: `Bearer ${key}` };
  const workspace = options.workspaceId?.trim();
  if (workspace) headers['X-Workspace-Id'] = workspace;
  return headers;
}

/** Empty bodies (204, likes' 201) read as undefined; anything else must be JSON. */
function readSuccess<T>(response: RawResponse, ctx: RequestContext): T {
  const text = response.text?.trim();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw malformedError(ctx);
  }
}

function definedQuery(query: Record<string, QueryValue> | undefined): Record<string, string> | undefined {
  if (!query) return undefined;
  const entries = Object.entries(query)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined && entry[1] !== null)
    .map(([name, value]) => [name, String(value)]);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: ofetch adds no "?" for an empty query, so {} sends the same URL
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

const WEB_PROTOCOLS = new Set(['http:', 'https:']);

function urlOrigin(url: string, base?: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url, base);
  } catch {
    return undefined;
  }
  return WEB_PROTOCOLS.has(parsed.protocol) ? parsed.origin : undefined;
}

function stripQuery(path: string): string {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}
