// The sandbox: a loopback HTTP server that speaks Astria (at `url`) and Cartesia (at `url/cartesia`),
// plus a second "CDN" origin for images and audio. See docs/ARCHITECTURE.md, section "Sandbox".
import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { handleAstria } from './astria';
import { AUDIT_LIMITS, AuditLog, type AuditLimits } from './audit';
import { readBody, type Params, type Upload } from './body';
import { CartesiaStore, cartesiaError, checkCartesiaHeaders, handleCartesia } from './cartesia';
import { handleCdn } from './cdn';
import { seedCartesia, seedDemo, seedGallery, seedTunes } from './demo';
import { HttpError, json, type Reply } from './http';
import { ASTRIA_KEY, CARTESIA_KEY, PROFILES, Store, type SandboxProfile } from './model';

export { ASTRIA_KEY, CARTESIA_KEY } from './model';
export { BASE_TUNES, PROFILES, type SandboxProfile } from './model';
export { AUDIT_LIMITS, type AuditEntry, type AuditLimits, type AuditOrigin, type AuditPage } from './audit';

export interface SandboxOptions {
  host?: string;
  /** API origin; 0 = free port (default 0). */
  port?: number;
  /** Image/audio "CDN" origin; 0 = free port. */
  cdnPort?: number;
  /** Time multiplier for training/generation; default 1. */
  speed?: number;
  seed?: 'demo' | 'empty';
  /** `rich` (default) or `documented`: only what Astria's public docs promise. Survives reset. */
  profile?: SandboxProfile;
  /**
   * Every Astria list (`GET /tunes`, `/tunes/:id/prompts`, `/prompts`) answers its first 20 items whatever
   * `before_id`, `limit` and `offset` say: a server that does even less than the docs. Survives reset.
   */
  ignorePaging?: boolean;
  /**
   * The demo data's markup- and script-like titles, prompt texts and voice names (`<img src=x onerror=…>`):
   * the test runners turn this on, so every suite meets them; off (default) for `npm start` and
   * `npm run sandbox`, whose same rows have ordinary words. Survives reset.
   */
  hostileDemo?: boolean;
  /** No request log on stdout. */
  quiet?: boolean;
  /** Bounds of the audit log (default AUDIT_LIMITS). */
  auditLimits?: Partial<AuditLimits>;
}

export interface RecordedRequest {
  origin: 'api' | 'cdn';
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Raw request headers, nothing redacted (tests check that Authorization never reaches the CDN). */
  headers: IncomingHttpHeaders;
  /** 0 while unanswered, and for hang/reset faults. */
  status: number;
  at: number;
}

export type FaultKind =
  | 'status401' | 'status403' | 'status404' | 'status422' | 'status429' | 'status500' | 'status502' | 'status503' | 'status504'
  | 'hang' | 'reset' | 'malformed' | 'malformedAfterWork' | 'truncated' | 'slow' | 'lateCreate';

export const FAULT_KINDS: readonly FaultKind[] = [
  'status401', 'status403', 'status404', 'status422', 'status429', 'status500', 'status502', 'status503', 'status504',
  'hang', 'reset', 'malformed', 'malformedAfterWork', 'truncated', 'slow', 'lateCreate',
];

/** `lateCreate`: how long after its 504 the request is carried out, by default. */
export const LATE_CREATE_DELAY_MS = 1500;

export interface FaultSpec {
  /** Substring of path+query; or a regex written as `/…/flags`, `^…` or `…$`. Empty = everything. */
  match: string | RegExp;
  method?: string;
  /** How many matching requests get the fault (default 1). */
  count?: number;
  kind: FaultKind;
  /** Seconds for Retry-After on status429 (default 1); null = no Retry-After header. */
  retryAfter?: number | null;
  /** JSON body of a status fault instead of the default one (e.g. a 422's `{"error": "…"}` or field-keyed errors). */
  body?: unknown;
  /**
   * `slow`: milliseconds before the answer starts (default 1500); `lateCreate`: milliseconds after the 504
   * before the request is carried out (default 1500); `truncated`: ignored.
   */
  delayMs?: number;
  /** Restrict to one origin; default both. */
  origin?: 'api' | 'cdn';
}

export interface Sandbox {
  /** Astria base URL, e.g. http://127.0.0.1:4010 */
  url: string;
  /** Cartesia base URL = `${url}/cartesia` */
  cartesiaUrl: string;
  /** Second origin serving generated PNGs, uploads and WAV previews. */
  cdnUrl: string;
  astriaKey: string;
  cartesiaKey: string;
  /** Every request to both origins (admin calls excluded), oldest first. Live array. */
  requests: RecordedRequest[];
  /**
   * Every request of the sandbox's whole life (admin calls included) with its full URL, headers and
   * body; never cleared (`GET /__admin/audit`).
   */
  readonly audit: AuditLog;
  close(): Promise<void>;
  // Conveniences beyond the contract; each mirrors an admin endpoint.
  reset(): void;
  setSpeed(speed: number): void;
  /** Switches the Astria profile at once (same data). */
  setProfile(profile: SandboxProfile): void;
  readonly profile: SandboxProfile;
  /** Makes every Astria list ignore `before_id`, `limit` and `offset` (first 20 items), or honour them again. */
  setIgnorePaging(ignore: boolean): void;
  readonly ignorePaging: boolean;
  /** Adds `count` trained tunes titled "<title> 1" (oldest) … "<title> <count>" (newest); title default "Tune". */
  seedTunes(count: number, title?: string): void;
  addFault(fault: FaultSpec): void;
  clearRequests(): void;
  uploads(): Upload[];
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

const MALFORMED_BODY = '{"id": 1, "title": ';
const GATEWAY_TIMEOUT = { error: 'Gateway timeout: the request took longer than 30 seconds' };
/**
 * Faults that answer without doing the work (`lateCreate` does it `delayMs` after answering); the others
 * (504, hang, reset, truncated, slow, malformedAfterWork) do it first.
 */
const EARLY_FAULTS: FaultKind[] = ['status401', 'status403', 'status404', 'status422', 'status429', 'status500', 'status502', 'status503', 'malformed', 'lateCreate'];
const STATUS_FAULTS: Partial<Record<FaultKind, { status: number; error: string; title: string }>> = {
  status401: { status: 401, error: 'Invalid API key', title: 'Unauthorized' },
  status403: { status: 403, error: 'You are not allowed to do this', title: 'Forbidden' },
  status404: { status: 404, error: 'Not found', title: 'Not Found' },
  status422: { status: 422, error: 'Unprocessable entity (sandbox fault)', title: 'Unprocessable Entity' },
  status500: { status: 500, error: 'Internal server error', title: 'Internal Server Error' },
  status502: { status: 502, error: 'Bad gateway', title: 'Bad Gateway' },
  status503: { status: 503, error: 'Service unavailable, try again later', title: 'Service Unavailable' },
};
let instances = 0;

function faultMatches(fault: ActiveFault, origin: 'api' | 'cdn', method: string, target: string): boolean {
  if (fault.remaining <= 0) return false;
  if (fault.origin && fault.origin !== origin) return false;
  if (fault.method && fault.method.toUpperCase() !== method) return false;
  if (fault.match instanceof RegExp) return fault.match.test(target);
  if (target.includes(fault.match)) return true;
  const literal = /^\/(.+)\/([a-z]*)$/.exec(fault.match);
  try {
    if (literal) return new RegExp(literal[1], literal[2]).test(target);
    if (fault.match.startsWith('^') || fault.match.endsWith('$')) return new RegExp(fault.match).test(target);
  } catch {
    return false;
  }
  return false;
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: Buffer | string | undefined;
  if (reply.raw !== undefined) {
    payload = reply.raw;
    headers['content-type'] = reply.contentType ?? 'application/octet-stream';
  } else if (reply.json !== undefined) {
    payload = JSON.stringify(reply.json);
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function errorReply(error: unknown, quiet: boolean): Reply {
  if (error instanceof HttpError) return json(error.status, error.body);
  if (!quiet) console.error('[sandbox] internal error', error);
  return json(500, { error: `Internal sandbox error: ${error instanceof Error ? error.message : String(error)}` });
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const quiet = options.quiet ?? false;
  const seed = options.seed ?? 'demo';
  const store = new Store(options.speed && options.speed > 0 ? options.speed : 1);
  const setProfile = (profile: SandboxProfile) => {
    if (!PROFILES.includes(profile)) throw new HttpError(422, { error: `profile must be one of ${PROFILES.join(', ')}` });
    store.profile = profile;
  };
  setProfile(options.profile ?? 'rich');
  store.ignorePaging = options.ignorePaging === true;
  const cartesia = new CartesiaStore();
  const requests: RecordedRequest[] = [];
  const audit = new AuditLog({ ...AUDIT_LIMITS, ...options.auditLimits });
  let faults: ActiveFault[] = [];
  /** Work of `lateCreate` faults still to be done (dropped by reset and close). */
  const lateWork = new Set<NodeJS.Timeout>();
  const later = (delayMs: number, work: () => void) => {
    const timer = setTimeout(() => {
      lateWork.delete(timer);
      work();
    }, delayMs);
    lateWork.add(timer);
  };
  const dropLateWork = () => {
    for (const timer of lateWork) clearTimeout(timer);
    lateWork.clear();
  };
  const uploadDir = join(tmpdir(), `tune-studio-sandbox-${process.pid}`, String(++instances));
  mkdirSync(uploadDir, { recursive: true });

  /** Ids handed out before the last reset: a server never gives an id twice (a client may remember ids it has seen). */
  let usedIds: { tune: number; prompt: number } | undefined;
  const reset = () => {
    const now = Date.now();
    if (usedIds) usedIds = { tune: Math.max(usedIds.tune, store.nextTuneId), prompt: Math.max(usedIds.prompt, store.nextPromptId) };
    dropLateWork();
    store.clear();
    cartesia.clear();
    faults = [];
    requests.length = 0;
    if (seed === 'demo') {
      seedDemo(store, now, { hostile: options.hostileDemo === true });
      seedCartesia(cartesia, now, { hostile: options.hostileDemo === true });
    }
    // After a reset (not at start), what is created next is numbered after everything created before it.
    if (usedIds) {
      store.nextTuneId = Math.max(store.nextTuneId, usedIds.tune);
      store.nextPromptId = Math.max(store.nextPromptId, usedIds.prompt);
    }
    usedIds ??= { tune: 0, prompt: 0 };
  };
  const setSpeed = (speed: number) => {
    if (!(speed > 0)) throw new HttpError(422, { error: 'speed must be a positive number' });
    const now = Date.now();
    cartesia.setSpeed(store.speed, speed, now);
    store.setSpeed(speed, now);
  };
  const addFault = (spec: FaultSpec) => {
    if (!FAULT_KINDS.includes(spec.kind)) throw new HttpError(422, { error: `kind must be one of ${FAULT_KINDS.join(', ')}` });
    if (spec.match == null) throw new HttpError(422, { error: 'match is required' });
    faults.push({ ...spec, remaining: Math.max(1, Number(spec.count ?? 1)) });
  };
  const takeFault = (origin: 'api' | 'cdn', method: string, target: string): ActiveFault | undefined => {
    const fault = faults.find((f) => faultMatches(f, origin, method, target));
    if (fault) fault.remaining--;
    faults = faults.filter((f) => f.remaining > 0);
    return fault;
  };
  const record = (origin: 'api' | 'cdn', req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const entry: RecordedRequest = {
      origin,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      status: 0,
      at: Date.now(),
    };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      if (!quiet) console.log(`[sandbox] ${origin} ${entry.method} ${url.pathname}${url.search} → ${res.statusCode}`);
    });
  };

  /**
   * Answers with the fault, or returns false when the request must be processed first. `reply` is the
   * processed answer (for `truncated`, which sends only half of it).
   */
  const applyFault = (fault: ActiveFault, res: ServerResponse, cartesiaPath: boolean, processed: boolean, reply?: Reply): boolean => {
    const early = EARLY_FAULTS.includes(fault.kind);
    if (early === processed) return false;
    const fixed = STATUS_FAULTS[fault.kind];
    if (fixed) {
      const body = fault.body !== undefined ? fault.body : cartesiaPath ? cartesiaError(fixed.status, null, fixed.title, fixed.error).body : { error: fixed.error };
      send(res, json(fixed.status, body));
      return true;
    }
    switch (fault.kind) {
      case 'status429': {
        const error = fault.body !== undefined ? fault.body : cartesiaPath
          ? cartesiaError(429, 'concurrency_limited', 'Too Many Requests', 'Too many concurrent requests').body
          : { error: 'Too many requests, slow down' };
        const headers: Record<string, string> = fault.retryAfter === null ? {} : { 'retry-after': String(fault.retryAfter ?? 1) };
        send(res, { status: 429, json: error, headers });
        break;
      }
      case 'malformed':
      case 'malformedAfterWork': // the same garbage, after the work was done
        send(res, { status: 200, raw: MALFORMED_BODY, contentType: 'application/json; charset=utf-8' });
        break;
      case 'status504':
      case 'lateCreate':
        send(res, json(504, fault.body !== undefined ? fault.body : GATEWAY_TIMEOUT));
        break;
      case 'reset':
        res.socket?.destroy();
        break;
      case 'truncated': {
        // The headers promise the whole body; half of it arrives, then the connection drops.
        const payload = reply?.raw !== undefined ? Buffer.from(reply.raw) : Buffer.from(JSON.stringify(reply?.json ?? {}));
        const headers: Record<string, string> = { ...reply?.headers, 'content-type': reply?.contentType ?? (reply?.raw !== undefined ? 'application/octet-stream' : 'application/json; charset=utf-8') };
        headers['content-length'] = String(payload.byteLength);
        res.writeHead(reply?.status ?? 200, headers);
        res.write(payload.subarray(0, Math.max(1, Math.floor(payload.byteLength / 2))), () => res.socket?.destroy());
        break;
      }
      case 'slow':
        setTimeout(() => {
          if (reply) send(res, reply);
          else res.socket?.destroy();
        }, fault.delayMs ?? 1500);
        break;
      case 'hang':
        break; // keep the socket open until the client gives up (or close())
    }
    return true;
  };

  const bodyOptions = {
    uploadDir,
    nextUploadId: () => store.nextUploadId++,
    onUpload: (upload: Upload) => void store.uploads.set(upload.id, upload),
  };

  const route = (req: IncomingMessage, url: URL, body: Params): Reply => {
    const method = req.method ?? 'GET';
    const now = Date.now();
    if (url.pathname === '/cartesia' || url.pathname.startsWith('/cartesia/')) {
      checkCartesiaHeaders(req.headers);
      return handleCartesia({
        method, path: url.pathname.slice('/cartesia'.length) || '/', query: url.searchParams, headers: req.headers,
        body, now, speed: store.speed, store: cartesia,
      });
    }
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${ASTRIA_KEY}`) throw new HttpError(401, { error: 'Invalid API key' });
    const workspace = String(req.headers['x-workspace-id'] ?? '').trim();
    return handleAstria({ method, path: url.pathname, query: url.searchParams, body, scope: workspace || undefined, now, store });
  };

  const onApi = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname.startsWith('/__admin')) {
      send(res, await admin(req, url));
      return;
    }
    record('api', req, res, url);
    let body: Params = {};
    let bodyError: unknown;
    try {
      body = await readBody(req, bodyOptions);
    } catch (error) {
      bodyError = error;
    }
    const cartesiaPath = url.pathname.startsWith('/cartesia');
    const fault = takeFault('api', req.method ?? 'GET', url.pathname + url.search);
    if (fault && applyFault(fault, res, cartesiaPath, false)) {
      // "Created after the gateway gave up": the 504 is out, the work is done later (the object appears then).
      if (fault.kind === 'lateCreate' && !bodyError) {
        later(fault.delayMs ?? LATE_CREATE_DELAY_MS, () => {
          try {
            route(req, url, body);
          } catch (error) {
            if (!quiet) console.error('[sandbox] lateCreate: the late request failed', error);
          }
        });
      }
      return;
    }
    let reply: Reply;
    try {
      if (bodyError) throw bodyError;
      reply = route(req, url, body);
    } catch (error) {
      reply = errorReply(error, quiet);
    }
    if (fault && applyFault(fault, res, cartesiaPath, true, reply)) return;
    send(res, reply);
  };

  const onCdn = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    record('cdn', req, res, url);
    const fault = takeFault('cdn', req.method ?? 'GET', url.pathname + url.search);
    // `truncated` and `slow` need the real answer (streamed uploads have none: they pass untouched).
    const needsReply = fault?.kind === 'truncated' || fault?.kind === 'slow';
    if (fault && !needsReply) {
      applyFault(fault, res, false, !EARLY_FAULTS.includes(fault.kind));
      return;
    }
    const reply = handleCdn(req, res, url.pathname, store, cartesia);
    if (fault && reply && applyFault(fault, res, false, true, reply)) return;
    if (reply) send(res, reply);
  };

  const admin = async (req: IncomingMessage, url: URL): Promise<Reply> => {
    try {
      const body = await readBody(req, bodyOptions);
      const method = req.method ?? 'GET';
      const path = url.pathname.replace(/\/+$/, '');
      const now = Date.now();
      let m: RegExpExecArray | null;
      if (method === 'GET' && path === '/__admin') {
        return json(200, {
          url: sandbox.url, cartesiaUrl: sandbox.cartesiaUrl, cdnUrl: sandbox.cdnUrl, speed: store.speed, profile: store.profile,
          ignorePaging: store.ignorePaging,
          endpoints: [
            'POST /__admin/profile {profile: rich|documented}', 'GET /__admin/tunes/:id (every field, whatever the profile)',
            'POST /__admin/paging {ignore: boolean} (every list answers its first page, whatever before_id, limit, offset)',
            'POST /__admin/reset', 'POST /__admin/faults', 'GET /__admin/faults', 'DELETE /__admin/faults',
            'GET /__admin/requests?origin=api|cdn&since=ms', 'DELETE /__admin/requests',
            'GET /__admin/audit?since=seq&limit=n&origin=astria|cartesia|cdn (every request ever received, never cleared)',
            'POST /__admin/speed {speed}',
            'POST /__admin/prompts/:id/fail {message}', 'POST /__admin/prompts/:id/finish (its images now)', 'POST /__admin/tunes/:id/finish', 'GET /__admin/uploads?tune_id=',
            'POST /__admin/seed-gallery {count, title?}', 'POST /__admin/seed-tunes {count, title?} (trained tunes "<title> 1…count", default "Tune")',
            'POST /__admin/hostile {strings} (pack titles, Cartesia names and descriptions)',
          ],
        });
      }
      if (method === 'POST' && path === '/__admin/reset') {
        reset();
        return json(200, { ok: true });
      }
      if (path === '/__admin/faults') {
        if (method === 'POST') {
          addFault(body as unknown as FaultSpec);
          return json(201, { ok: true, faults: faults.map((f) => ({ ...f, match: String(f.match) })) });
        }
        if (method === 'GET') return json(200, faults.map((f) => ({ ...f, match: String(f.match) })));
        if (method === 'DELETE') {
          faults = [];
          return json(200, { ok: true });
        }
      }
      if (path === '/__admin/requests') {
        if (method === 'GET') {
          const origin = url.searchParams.get('origin');
          const since = Number(url.searchParams.get('since') ?? 0) || 0;
          return json(200, requests.filter((r) => (!origin || r.origin === origin) && r.at >= since));
        }
        if (method === 'DELETE') {
          requests.length = 0;
          return json(200, { ok: true });
        }
      }
      if (method === 'GET' && path === '/__admin/audit') {
        const number = (name: string) => (url.searchParams.has(name) ? Number(url.searchParams.get(name)) || 0 : undefined);
        return json(200, audit.page({ since: number('since'), limit: number('limit'), origin: url.searchParams.get('origin') }));
      }
      if (method === 'POST' && path === '/__admin/profile') {
        setProfile(body.profile as SandboxProfile);
        return json(200, { profile: store.profile });
      }
      if (method === 'POST' && path === '/__admin/paging') {
        if (typeof body.ignore !== 'boolean') throw new HttpError(422, { error: 'ignore must be true or false' });
        store.ignorePaging = body.ignore;
        return json(200, { ignorePaging: store.ignorePaging });
      }
      if (method === 'POST' && path === '/__admin/seed-tunes') {
        const count = Number(body.count);
        if (!Number.isInteger(count) || count < 1 || count > 1000) throw new HttpError(422, { error: 'count must be an integer from 1 to 1000' });
        const title = typeof body.title === 'string' && body.title ? body.title : 'Tune';
        return json(201, seedTunes(store, count, title, now).map((tune) => store.tuneJson(tune, now)));
      }
      if (method === 'GET' && (m = /^\/__admin\/tunes\/(\d+)$/.exec(path))) {
        const tune = store.tunes.get(Number(m[1]));
        if (!tune) throw new HttpError(404, { error: 'Tune not found' });
        return json(200, store.richTuneJson(tune, now));
      }
      if (method === 'POST' && path === '/__admin/speed') {
        setSpeed(Number(body.speed));
        return json(200, { speed: store.speed });
      }
      if (method === 'POST' && (m = /^\/__admin\/prompts\/(\d+)\/fail$/.exec(path))) {
        const prompt = store.prompts.get(Number(m[1]));
        if (!prompt) throw new HttpError(404, { error: 'Prompt not found' });
        prompt.userError = typeof body.message === 'string' && body.message ? body.message : 'Generation failed (sandbox)';
        prompt.updatedAt = now;
        return json(200, store.promptJson(prompt, now));
      }
      if (method === 'POST' && (m = /^\/__admin\/prompts\/(\d+)\/finish$/.exec(path))) {
        // Generated now, whatever the speed (tests time what follows from this moment).
        const prompt = store.prompts.get(Number(m[1]));
        if (!prompt) throw new HttpError(404, { error: 'Prompt not found' });
        const { start } = store.promptTimes(prompt);
        if (start == null || start > now) throw new HttpError(409, { error: 'The prompt’s tune is not trained yet: finish the tune first' });
        prompt.genMs = Math.max(0, now - start);
        prompt.userError = null;
        return json(200, store.promptJson(prompt, now));
      }
      if (method === 'POST' && (m = /^\/__admin\/tunes\/(\d+)\/finish$/.exec(path))) {
        const tune = store.tunes.get(Number(m[1]));
        if (!tune) throw new HttpError(404, { error: 'Tune not found' });
        tune.startAt = Math.min(tune.startAt ?? now, now);
        tune.trainedAt = now;
        tune.userError = null;
        return json(200, store.tuneJson(tune, now));
      }
      if (method === 'GET' && path === '/__admin/uploads') {
        const tuneId = Number(url.searchParams.get('tune_id'));
        const promptId = Number(url.searchParams.get('prompt_id'));
        const uploads = [...store.uploads.values()].sort((a, b) => a.id - b.id);
        return json(200, uploads.filter((u) => (!tuneId || u.tuneId === tuneId) && (!promptId || u.promptId === promptId)));
      }
      if (method === 'POST' && path === '/__admin/hostile') {
        // The security tests' strings as every pack title and Cartesia name/description (voices included).
        const strings = Array.isArray(body.strings) ? body.strings.filter((x): x is string => typeof x === 'string' && x !== '') : [];
        if (strings.length === 0) throw new HttpError(422, { error: 'strings must be a non-empty list of strings' });
        const pick = (i: number) => strings[i % strings.length]!;
        store.packs.forEach((pack, i) => void (pack.title = pick(i)));
        cartesia.fineTunes.forEach((ft, i) => {
          cartesia.voicesOf(ft, now); // voices of completed fine-tunes exist before they are renamed
          ft.name = pick(i);
          ft.description = pick(i + 1);
        });
        cartesia.voices.forEach((voice, i) => {
          voice.name = pick(i + 2);
          voice.description = pick(i + 3);
        });
        return json(200, { packs: store.packs.length, fineTunes: cartesia.fineTunes.length, voices: cartesia.voices.length });
      }
      if (method === 'POST' && path === '/__admin/seed-gallery') {
        const count = Number(body.count);
        if (!Number.isInteger(count) || count < 1) throw new HttpError(422, { error: 'count must be a positive integer' });
        const title = typeof body.title === 'string' && body.title ? body.title : `Gallery — ${count} images`;
        return json(201, store.tuneJson(seedGallery(store, count, title, now), now));
      }
      throw new HttpError(404, { error: `Unknown admin endpoint ${method} ${path}` });
    } catch (error) {
      return errorReply(error, quiet);
    }
  };

  const safe = (server: 'api' | 'cdn', handler: (req: IncomingMessage, res: ServerResponse) => unknown) => (req: IncomingMessage, res: ServerResponse) => {
    // First, before any route reads the body: the audit taps it.
    audit.record(server, server === 'api' ? store.apiUrl : store.cdnUrl, req, res);
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      if (!res.headersSent) send(res, errorReply(error, quiet));
    });
  };
  const apiServer = createServer(safe('api', onApi));
  const cdnServer = createServer(safe('cdn', onCdn));
  const apiPort = await listen(apiServer, host, options.port ?? 0);
  const cdnPort = await listen(cdnServer, host, options.cdnPort ?? 0);
  const origin = (port: number) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  store.apiUrl = origin(apiPort);
  store.cdnUrl = origin(cdnPort);
  cartesia.cdnUrl = store.cdnUrl;
  reset();

  const sandbox: Sandbox = {
    url: store.apiUrl,
    cartesiaUrl: `${store.apiUrl}/cartesia`,
    cdnUrl: store.cdnUrl,
    astriaKey: ASTRIA_KEY,
    cartesiaKey: CARTESIA_KEY,
    requests,
    audit,
    reset,
    setSpeed,
    setProfile,
    get profile() {
      return store.profile;
    },
    setIgnorePaging: (ignore: boolean) => void (store.ignorePaging = ignore),
    get ignorePaging() {
      return store.ignorePaging;
    },
    seedTunes: (count: number, title = 'Tune') => void seedTunes(store, count, title, Date.now()),
    addFault,
    clearRequests: () => void (requests.length = 0),
    uploads: () => [...store.uploads.values()].sort((a, b) => a.id - b.id),
    close: async () => {
      dropLateWork();
      const closing = [apiServer, cdnServer].map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      apiServer.closeAllConnections();
      cdnServer.closeAllConnections();
      await Promise.all(closing);
      rmSync(uploadDir, { recursive: true, force: true });
      try {
        rmdirSync(dirname(uploadDir)); // only succeeds once the last sandbox of this process is closed
      } catch {
        // other sandboxes still running
      }
    },
  };
  return sandbox;
}
