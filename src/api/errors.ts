// One error type for every provider call, with messages a user can act on and never the API key.
import { inertLinks } from '../shared/inertText';

export type ApiErrorKind =
  | 'auth'
  | 'validation'
  | 'not_found'
  | 'rate_limited'
  | 'server'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'bad_request'
  | 'too_large'
  | 'cancelled';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  message: string;
  status?: number;
  retryable?: boolean;
  retryAfterMs?: number;
  fields?: Record<string, string[]>;
  requestId?: string;
  method?: string;
  path?: string;
  cause?: Error;
  /** Set when a key is stored, but for another server: the origin it was checked on. */
  keyCheckedOn?: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly kind: ApiErrorKind;
  /** HTTP status; absent when no response arrived (network, timeout, cancelled). */
  readonly status?: number;
  /** True when repeating this same request may succeed and is safe (no duplicate side effects). */
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** Field-keyed validation messages, e.g. `{ images: ['must contain at least one image'] }`. */
  readonly fields?: Record<string, string[]>;
  /** Provider's request id (Cartesia), useful in a support ticket. */
  readonly requestId?: string;
  readonly method?: string;
  /** Request path without query string. */
  readonly path?: string;
  /** The origin the stored key was checked on, when the request went unsent because it differs. */
  readonly keyCheckedOn?: string;

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause ? { cause: init.cause } : undefined);
    this.kind = init.kind;
    this.status = init.status;
    this.retryable = init.retryable ?? false;
    this.retryAfterMs = init.retryAfterMs;
    this.fields = init.fields;
    this.requestId = init.requestId;
    this.method = init.method;
    this.path = init.path;
    this.keyCheckedOn = init.keyCheckedOn;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Who answered: named in messages so the user knows which key or service is at fault. */
export interface ProviderInfo {
  /** e.g. "Astria"; messages say "The server" when absent. */
  name?: string;
  /** Command title that sets this provider's key, e.g. "Tune Studio: Set Astria API Key". */
  setKeyCommand?: string;
}

/** "Astria" → named provider whose key command is “Tune Studio: Set Astria API Key”. */
export function toProviderInfo(provider: string | ProviderInfo | undefined): ProviderInfo {
  if (provider === undefined) return {};
  if (typeof provider !== 'string') return provider;
  return { name: provider, setKeyCommand: `Tune Studio: Set ${provider} API Key` };
}

/** What the mapping functions need to know about the request that failed. */
export interface RequestContext {
  provider: ProviderInfo;
  method: string;
  path: string;
  /** Whether repeating the request cannot create duplicates (GET/DELETE, or marked idempotent). */
  repeatable: boolean;
  /** Secrets to blank out of any text that ends up in an error. */
  secrets: readonly string[];
  /** The API version header sent, if any (Cartesia-Version), for a refused-version message. */
  apiVersion?: string;
}

const TRANSIENT_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);
const MAX_SERVER_WORDS = 500;

/** "Astria " before "API key", or nothing for a provider without a name. */
function keyOwner(provider: ProviderInfo): string {
  return provider.name ? `${provider.name} ` : '';
}

export function missingKeyError(provider: ProviderInfo, method: string, path: string): ApiError {
  const how = provider.setKeyCommand ? ` Set one with “${provider.setKeyCommand}”.` : '';
  return new ApiError({ kind: 'auth', message: `No ${keyOwner(provider)}API key is set.${how}`, method, path });
}

/** A key is stored, but it was checked on another server: nothing is sent until the user agrees. */
export function keyElsewhereError(provider: ProviderInfo, origin: string, checkedOn: string, method: string, path: string): ApiError {
  return new ApiError({
    kind: 'auth',
    message: `Tune Studio is set to talk to ${origin}, but your ${keyOwner(provider)}key was checked on ${checkedOn}. Use the key there?`,
    method,
    path,
    keyCheckedOn: checkedOn,
  });
}

/** A request that would leave the configured server (an absolute URL to another origin) is refused. */
export function otherOriginError(provider: ProviderInfo, origin: string, method: string, path: string): ApiError {
  return new ApiError({ kind: 'bad_request', message: `Tune Studio refused to send your ${keyOwner(provider)}key to ${origin}: it only talks to the server the key was checked on.`, method, path });
}

export function badBaseUrlError(provider: ProviderInfo, baseUrl: string, method: string, path: string): ApiError {
  return new ApiError({ kind: 'bad_request', message: `The ${keyOwner(provider)}base URL “${baseUrl}” is not an http(s) URL. Fix it in your user settings (Tune Studio).`, method, path });
}

export function cancelledError(method?: string, path?: string): ApiError {
  return new ApiError({ kind: 'cancelled', message: 'The request was cancelled.', method, path });
}

/** Maps an HTTP error response (status ≥ 400) to an ApiError carrying the server's own words. */
export function errorFromResponse(
  status: number,
  headers: Headers,
  bodyText: string | undefined,
  ctx: RequestContext,
  now: number = Date.now(),
): ApiError {
  const server = parseServerError(bodyText);
  // The server's words may reach a notification, where `[x](command:…)` would be a link: never one.
  const words = server.message === undefined ? undefined : inertLinks(scrubSecrets(server.message, ctx.secrets));
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(headers.get('retry-after'), now) : undefined;
  const base = {
    status,
    method: ctx.method,
    path: ctx.path,
    requestId: server.requestId ?? headers.get('x-request-id') ?? undefined,
    retryAfterMs,
    retryable: TRANSIENT_STATUSES.has(status) && ctx.repeatable,
  };
  const who = providerName(ctx.provider);
  const fields = server.fields;
  switch (true) {
    case status === 401:
      return new ApiError({ ...base, kind: 'auth', message: rejectedKeyMessage(ctx.provider) });
    case status === 403:
      return new ApiError({ ...base, kind: 'auth', message: `${who} refused access${suffix(words)}. Check the API key and workspace.` });
    // Stryker disable next-line StringLiteral: no other text for absent words could mention an API version
    case status === 404 && /api version/i.test(words ?? ''):
      // Stryker disable next-line StringLiteral: words are present here (the case above matched them)
      return new ApiError({ ...base, kind: 'not_found', message: refusedVersionMessage(who, ctx.apiVersion, words ?? '') });
    case status === 404:
      return new ApiError({ ...base, kind: 'not_found', message: `${who} could not find ${ctx.path}${suffix(words)}.` });
    case status === 422:
      return new ApiError({ ...base, kind: 'validation', fields, message: words ?? `${who} rejected the request as invalid.` });
    case status === 429:
      return new ApiError({ ...base, kind: 'rate_limited', message: rateLimitedMessage(who, retryAfterMs) });
    case status === 504:
      return new ApiError({ ...base, kind: 'timeout', message: gatewayTimeoutMessage(who, ctx) });
    case status >= 500:
      return new ApiError({ ...base, kind: 'server', message: `${who} had a server error (${status})${suffix(words)}. Try again in a moment.` });
    default:
      return new ApiError({ ...base, kind: 'bad_request', fields, message: words ?? `${who} rejected the request (${status}).` });
  }
}

/**
 * A file host (a CDN, pre-signed links) refusing a download: it never sees an API key, so the refusal is the
 * link's (expired, or not for us), not the key's.
 */
export function refusedDownloadError(status: number, host: string, path: string): ApiError {
  return new ApiError({
    kind: 'not_found',
    status,
    method: 'GET',
    path,
    message: `${host} refused the download (${status}): the link may have expired. Refresh and try again.`,
  });
}

export interface ExceptionContext extends RequestContext {
  /** The per-request timer fired. */
  timedOut: boolean;
  timeoutMs: number;
  /** The caller's AbortSignal fired. */
  cancelled: boolean;
}

/** Maps a thrown fetch failure (no HTTP response) to an ApiError. */
export function errorFromException(error: unknown, ctx: ExceptionContext): ApiError {
  const who = providerName(ctx.provider);
  const where = { method: ctx.method, path: ctx.path };
  if (error instanceof ApiError) return error;
  if (ctx.cancelled) return cancelledError(ctx.method, ctx.path);
  const cause = sanitizedCause(error, ctx.secrets);
  if (ctx.timedOut) {
    const seconds = Math.round(ctx.timeoutMs / 100) / 10;
    const maybe = ctx.method === 'GET' ? '' : ' The request may have gone through; refresh before trying again.';
    return new ApiError({ ...where, kind: 'timeout', retryable: ctx.repeatable, cause, message: `${who} did not answer within ${seconds} s.${maybe}` });
  }
  const code = networkCode(error);
  const detail = code ? ` (${code})` : '';
  return new ApiError({
    ...where,
    kind: 'network',
    retryable: ctx.repeatable,
    cause,
    message: `Could not reach ${who}${detail}. Check your connection and the base URL setting.`,
  });
}

export function malformedError(ctx: RequestContext, what = 'a response that is not valid JSON'): ApiError {
  const who = providerName(ctx.provider);
  return new ApiError({
    kind: 'malformed',
    method: ctx.method,
    path: ctx.path,
    message: `${who} sent ${what} (${ctx.method} ${ctx.path}). Try again; if it keeps happening the service may be having problems.`,
  });
}

/**
 * Retry-After as milliseconds: delta-seconds ("120", "1.5") or an HTTP date.
 * Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // HTTP dates always name a weekday or month; this keeps "-5" from parsing as a year.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export interface ServerErrorBody {
  message?: string;
  fields?: Record<string, string[]>;
  requestId?: string;
}

/**
 * Reads the error shapes seen in the wild: `{"error": "…"}`, field-keyed `{"images": ["…"]}`,
 * Rails `{"errors": {...}}`, Cartesia `{title, message, request_id}`, or short plain text.
 */
export function parseServerError(bodyText: string | undefined): ServerErrorBody {
  const text = bodyText?.trim();
  if (!text) return {};
  const json = tryParseJson(text);
  if (json === undefined) return looksLikeHtml(text) ? {} : { message: truncate(text) };
  if (typeof json === 'string') return { message: truncate(json) };
  if (!isRecord(json)) return {};
  const requestId = typeof json.request_id === 'string' ? json.request_id : undefined;
  const message = firstString(json.message, json.error, errorObjectMessage(json.error), json.detail, json.title);
  if (message !== undefined) return { message: truncate(message), requestId };
  const fields = fieldMessages(isRecord(json.errors) ? json.errors : json);
  if (fields) return { message: truncate(describeFields(fields)), fields, requestId };
  if (Array.isArray(json.errors)) {
    const list = json.errors.filter((item): item is string => typeof item === 'string');
    if (list.length > 0) return { message: truncate(list.join('; ')), requestId };
  }
  return { requestId };
}

/** `{ images: ['must contain at least one image'] }` → "images must contain at least one image". */
export function describeFields(fields: Record<string, string[]>): string {
  return Object.entries(fields)
    .flatMap(([field, messages]) => messages.map((message) => (field === 'base' ? message : `${field} ${message}`)))
    .join('; ');
}

/** Blanks out known secrets and anything shaped like a bearer token or provider key. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result
    .replace(/(Bearer\s+)[^\s"',;]+/gi, '$1[redacted]')
    .replace(/\b(sd_|sk_car_)[A-Za-z0-9_-]{6,}/g, '$1[redacted]');
}

function rejectedKeyMessage(provider: ProviderInfo): string {
  const how = provider.setKeyCommand ? ` Set a new key with “${provider.setKeyCommand}”.` : '';
  return `${providerName(provider)} rejected the API key.${how}`;
}

function rateLimitedMessage(who: string, retryAfterMs: number | undefined): string {
  const when = retryAfterMs === undefined ? 'Wait a moment and try again.' : `Try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`;
  return `${who} is limiting how often we can call it. ${when}`;
}

function gatewayTimeoutMessage(who: string, ctx: RequestContext): string {
  const advice = ctx.method === 'GET' ? 'Try again in a moment.' : 'Refresh before trying again so nothing is created twice.';
  return `${who} timed out (504) on ${ctx.method} ${ctx.path}. The request may have gone through. ${advice}`;
}

function providerName(provider: ProviderInfo): string {
  return provider.name ?? 'The server';
}

/** Cartesia answers an unknown Cartesia-Version with 404: the version, not the path, is what was refused. */
function refusedVersionMessage(who: string, version: string | undefined, words: string): string {
  const sent = version ? ` ${version}` : '';
  return `${who} refused the API version${sent} that Tune Studio sent (Cartesia-Version header): ${words.replace(/[.\s]+$/, '')}.`;
}

function suffix(words: string | undefined): string {
  return words ? `: ${words}` : '';
}

/** A plain Error naming only the low-level code: the original may reference request options and headers. */
function sanitizedCause(error: unknown, secrets: readonly string[]): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = networkCode(error);
  const inner = innermostError(error);
  const text = [code, inner.message].filter(Boolean).join(': ');
  return new Error(scrubSecrets(text, secrets));
}

function innermostError(error: Error): Error {
  let current: Error = error;
  for (let depth = 0; depth < 5 && current.cause instanceof Error; depth++) current = current.cause;
  return current;
}

/** The system error code (ECONNRESET, ENOTFOUND, UND_ERR_SOCKET…) anywhere in the cause chain. */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = current.cause;
  }
  return undefined;
}

function fieldMessages(record: Record<string, unknown>): Record<string, string[]> | undefined {
  const entries = Object.entries(record)
    .map(([field, value]) => [field, asStringList(value)] as const)
    .filter((entry): entry is readonly [string, string[]] => entry[1] !== undefined);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function asStringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;
}

function errorObjectMessage(value: unknown): string | undefined {
  return isRecord(value) && typeof value.message === 'string' ? value.message : undefined;
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value.trim() !== '');
}

/** The parsed JSON, or undefined when the text is not JSON. */
function tryParseJson(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: stays undefined
  }
  return parsed;
}

function looksLikeHtml(text: string): boolean {
  return /^<(!doctype|html|head|body)/i.test(text);
}

function truncate(text: string): string {
  return text.length > MAX_SERVER_WORDS ? `${text.slice(0, MAX_SERVER_WORDS)}…` : text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
