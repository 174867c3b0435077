// Typed calls to Astria's REST API: tunes, prompts, packs. Knows the paths and body shapes, nothing about VS Code.
import { ApiError, isRecord, malformedError } from '../errors';
import { createHttp, type Http, type HttpOptions, type RequestOptions, type StreamBody } from '../http';
import { multipartBody, railsFormEntries, type FormEntry } from '../multipart';
import { ASTRIA_DEFAULT_PAGE_SIZE, createPager, pagesOf, type Pager } from '../paging';
import type {
  Pack,
  PackDetail,
  PageOptions,
  Prompt,
  PromptCreateParams,
  Tune,
  TuneCreateParams,
  TuneUpdateParams,
  UploadFile,
  UploadProgress,
} from './types';

export const ASTRIA_BASE_URL = 'https://api.astria.ai';
export const ASTRIA_PROVIDER = 'Astria';
/** A multipart upload of many photos takes far longer than a JSON call. */
export const DEFAULT_UPLOAD_TIMEOUT_MS = 15 * 60_000;

export type AstriaClientOptions = Omit<HttpOptions, 'baseUrl' | 'provider'> & { baseUrl?: string };

export interface CallOptions {
  signal?: AbortSignal;
  /** Automatic retries of a request that is safe to repeat (a DELETE); 0: sent once, whatever happens. */
  retries?: number;
}

export interface UploadOptions extends CallOptions {
  onProgress?: (progress: UploadProgress) => void;
  /** Whole-request limit for a multipart upload; default 15 min. */
  timeoutMs?: number;
}

export interface TuneListOptions extends PageOptions {
  /** Exact-title filter (how a retried create finds its tune). */
  title?: string;
}

export interface PromptListOptions extends PageOptions {
  /** Only for GET /prompts: text search. */
  text?: string;
}

/** What a create did after a failure, so the user can be told. */
export type CreateRecovery =
  /** The request failed (5xx, 504, network) but the tune was found by its title: created once. */
  | 'found-after-failure'
  /** The request failed, the tune was not there, so it was sent again (once). */
  | 'retried';

export interface CreateTuneResult {
  tune: Tune;
  recovery?: CreateRecovery;
  /** The failure that was recovered from. */
  failure?: ApiError;
}

export interface TuneSearchProgress {
  /** Tunes looked at so far. */
  searched: number;
  /**
   * True when one request answered: the server's `title` filter was honoured, or the list was short enough
   * to come whole in one page. False while pages are scanned client-side.
   */
  serverFiltered: boolean;
}

export interface TuneSearchOptions extends CallOptions {
  /** Page size asked for (default 50). Every match found is returned, even more than this. */
  limit?: number;
  /** Called after each page while scanning client-side. */
  onProgress?: (progress: TuneSearchProgress) => void;
  /** Stop after this many tunes scanned (default 2000). */
  maxScanned?: number;
}

/** Pages scanned for a tune by exact title after a failed create: it is the newest, so page 1 nearly always has it. */
const RECOVERY_SCAN_PAGES = 3;
const DEFAULT_MAX_SCANNED = 2_000;

export interface PromptFiles {
  input_image?: UploadFile;
  mask_image?: UploadFile;
}

export type PromptOverrides = Partial<PromptCreateParams>;

export class AstriaClient {
  private readonly http: Http;

  /** Pass an Http from createHttp (shared logging, settings) or the options to build one. */
  constructor(source: Http | AstriaClientOptions) {
    this.http = isHttp(source) ? source : createHttp({ ...source, baseUrl: source.baseUrl ?? ASTRIA_BASE_URL, provider: ASTRIA_PROVIDER });
  }

  // Tunes

  /** One page of tunes, newest first. */
  async listTunes(options: TuneListOptions = {}): Promise<Tune[]> {
    const query = { ...pageQuery(options), title: options.title };
    const raw = await this.http.get<unknown>('/tunes', { query, signal: options.signal });
    return this.list(raw, 'GET', '/tunes').map(normalizeTune);
  }

  /**
   * Pages of the user's tunes, keyset or offset, whichever this server honours (see createPager).
   * `firstPage`: page 1 of this same query, already fetched (the pager starts from it without a request).
   */
  tunePager(options: TuneListOptions = {}, firstPage?: Tune[]): Pager<Tune> {
    const { beforeId, offset: _offset, ...rest } = options;
    return createPager({
      list: `${this.http.baseUrl} GET /tunes`,
      limit: options.limit,
      startBeforeId: beforeId,
      firstPage,
      fetchPage: (request) => this.listTunes({ ...rest, ...request }),
    });
  }

  /** Every page of tunes; `beforeId` in options starts further down (when the server honours it). */
  pagesOfTunes(options: TuneListOptions = {}): AsyncGenerator<Tune[], void, undefined> {
    return pagesOf(this.tunePager(options));
  }

  /**
   * Tunes whose title contains `query` (case-insensitive). Asks with the `title` filter first. A page that
   * holds a title that does not match proves the filter was ignored; a page where every title matches proves
   * nothing unless it is also the last page (then every match is in it, filtered or not). Otherwise the
   * pages are scanned client-side from that first page on (never asked for twice), with the same query, so a
   * server that filters pages through its matches and one that does not pages through everything.
   * Reports progress; abort with signal.
   */
  async searchTunes(query: string, options: TuneSearchOptions = {}): Promise<Tune[]> {
    const title = query.trim();
    const needle = title.toLowerCase();
    const matches = (tune: Tune) => (tune.title ?? '').toLowerCase().includes(needle);
    const limit = options.limit ?? 50;
    if (needle === '') return this.listTunes({ limit, signal: options.signal });
    const first = await this.listTunes({ title, limit, signal: options.signal });
    if (first.every(matches) && isLastPage(first.length, limit)) {
      options.onProgress?.({ searched: first.length, serverFiltered: true });
      return first;
    }
    // Either the filter was ignored (a title that does not match) or this full page proves nothing: scan on.
    const found: Tune[] = [];
    const seen = new Set<number>();
    let searched = 0;
    const pager = this.tunePager({ title, limit, signal: options.signal }, first);
    const max = options.maxScanned ?? DEFAULT_MAX_SCANNED;
    while (pager.hasMore && searched < max) {
      options.signal?.throwIfAborted();
      const { items } = await pager.next();
      searched += items.length;
      for (const tune of items) {
        if (!matches(tune) || seen.has(tune.id)) continue;
        seen.add(tune.id);
        found.push(tune);
      }
      options.onProgress?.({ searched, serverFiltered: false });
    }
    return found;
  }

  /** The newest tune with exactly this title among the first pages, or undefined (client-side match). */
  async findTuneByTitle(title: string, options: CallOptions & { pages?: number } = {}): Promise<Tune | undefined> {
    const pager = this.tunePager({ signal: options.signal });
    for (let page = 0; page < (options.pages ?? RECOVERY_SCAN_PAGES) && pager.hasMore; page++) {
      const found = (await pager.next()).items.find((tune) => tune.title === title);
      if (found) return found;
    }
    return undefined;
  }

  async getTune(id: number, options: CallOptions = {}): Promise<Tune> {
    const path = `/tunes/${id}`;
    return normalizeTune(this.record(await this.http.get<unknown>(path, options), 'GET', path));
  }

  /**
   * Creates a tune and starts training: JSON without files, multipart streamed from disk with them.
   * One POST, never repeated here (title idempotency is an account setting): after a failure that may
   * have created it, src/domain/generation.ts looks for it by its title before anything is sent again.
   */
  async createTune(params: TuneCreateParams, files: readonly UploadFile[] = [], options: UploadOptions = {}): Promise<Tune> {
    return this.createTuneAt('/tunes', params, files, options);
  }

  async updateTune(id: number, params: TuneUpdateParams, options: CallOptions = {}): Promise<Tune> {
    const path = `/tunes/${id}`;
    const raw = await this.http.patch<unknown>(path, { json: { tune: params }, signal: options.signal });
    return normalizeTune(this.record(raw, 'PATCH', path));
  }

  async deleteTune(id: number, options: CallOptions = {}): Promise<void> {
    await this.http.delete<unknown>(`/tunes/${id}`, options);
  }

  // Prompts

  /** One page of a tune's prompts, newest first. */
  async listPrompts(tuneId: number, options: PageOptions = {}): Promise<Prompt[]> {
    const path = `/tunes/${tuneId}/prompts`;
    const raw = await this.http.get<unknown>(path, { query: pageQuery(options), signal: options.signal });
    return this.list(raw, 'GET', path).map(normalizePrompt);
  }

  /** One page of prompts across all tunes (GET /prompts), optionally filtered by text. */
  async listAllPrompts(options: PromptListOptions = {}): Promise<Prompt[]> {
    const query = { ...pageQuery(options), text: options.text };
    const raw = await this.http.get<unknown>('/prompts', { query, signal: options.signal });
    return this.list(raw, 'GET', '/prompts').map(normalizePrompt);
  }

  /** Pages of one tune's prompts, or of all prompts (GET /prompts) when tuneId is undefined. */
  promptPager(tuneId: number | undefined, options: PromptListOptions = {}): Pager<Prompt> {
    const { beforeId, offset: _offset, ...rest } = options;
    return createPager({
      list: `${this.http.baseUrl} GET ${tuneId === undefined ? '/prompts' : '/tunes/:id/prompts'}`,
      limit: options.limit,
      startBeforeId: beforeId,
      fetchPage: (request) =>
        tuneId === undefined ? this.listAllPrompts({ ...rest, ...request }) : this.listPrompts(tuneId, { ...rest, ...request }),
    });
  }

  /** Every page of one tune's prompts, or of all prompts when tuneId is undefined. */
  pagesOfPrompts(tuneId: number | undefined, options: PromptListOptions = {}): AsyncGenerator<Prompt[], void, undefined> {
    return pagesOf(this.promptPager(tuneId, options));
  }

  async getPrompt(tuneId: number, id: number, options: CallOptions = {}): Promise<Prompt> {
    const path = `/tunes/${tuneId}/prompts/${id}`;
    return normalizePrompt(this.record(await this.http.get<unknown>(path, options), 'GET', path));
  }

  /**
   * Queues image generation. Never retried automatically: a repeat would generate (and bill) twice.
   * With `files`, the input/mask images are streamed as multipart `prompt[input_image]`/`prompt[mask_image]`.
   */
  async createPrompt(tuneId: number, params: PromptCreateParams, files: PromptFiles = {}, options: UploadOptions = {}): Promise<Prompt> {
    const path = `/tunes/${tuneId}/prompts`;
    const fileEntries: FormEntry[] = [];
    if (files.input_image) fileEntries.push(['prompt[input_image]', files.input_image]);
    if (files.mask_image) fileEntries.push(['prompt[mask_image]', files.mask_image]);
    const body = fileEntries.length === 0 ? { json: { prompt: params } } : this.multipart('prompt', params, fileEntries, options);
    const raw = await this.http.post<unknown>(path, { ...body, signal: options.signal });
    return normalizePrompt(this.record(unwrap(raw, 'prompt'), 'POST', path));
  }

  async deletePrompt(tuneId: number, id: number, options: CallOptions = {}): Promise<void> {
    await this.http.delete<unknown>(`/tunes/${tuneId}/prompts/${id}`, options);
  }

  /** A new prompt like an existing one; any create attribute may be overridden. Not retried. */
  async duplicatePrompt(id: number, overrides: PromptOverrides = {}, options: CallOptions = {}): Promise<Prompt> {
    const path = `/prompts/${id}/duplicate`;
    const json = Object.keys(overrides).length > 0 ? { prompt: overrides } : undefined;
    const raw = await this.http.post<unknown>(path, { json, signal: options.signal });
    return normalizePrompt(this.record(unwrap(raw, 'prompt'), 'POST', path));
  }

  async likePrompt(id: number, options: CallOptions = {}): Promise<void> {
    await this.http.post<unknown>(`/prompts/${id}/likes`, options);
  }

  async unlikePrompt(id: number, options: CallOptions = {}): Promise<void> {
    await this.http.delete<unknown>(`/prompts/${id}/likes`, options);
  }

  // Packs

  /** The account's own packs. */
  async listPacks(options: CallOptions = {}): Promise<Pack[]> {
    return this.list(await this.http.get<unknown>('/packs', options), 'GET', '/packs') as unknown as Pack[];
  }

  /** Public packs from the gallery. */
  async listGalleryPacks(options: CallOptions = {}): Promise<Pack[]> {
    return this.list(await this.http.get<unknown>('/gallery/packs', options), 'GET', '/gallery/packs') as unknown as Pack[];
  }

  async getPack(id: number, options: CallOptions = {}): Promise<PackDetail> {
    const path = `/p/${id}`;
    return this.record(await this.http.get<unknown>(path, options), 'GET', path) as unknown as PackDetail;
  }

  /** Creates a tune from a pack (queues the pack's prompts); same body and rules as createTune. */
  async createTuneFromPack(packId: number, params: TuneCreateParams, files: readonly UploadFile[] = [], options: UploadOptions = {}): Promise<Tune> {
    return this.createTuneAt(`/p/${packId}/tunes`, params, files, options);
  }

  private async createTuneAt(path: string, params: TuneCreateParams, files: readonly UploadFile[], options: UploadOptions): Promise<Tune> {
    const fileEntries = files.map((file): FormEntry => ['tune[images][]', file]);
    const body = fileEntries.length === 0 ? { json: { tune: params } } : this.multipart('tune', params, fileEntries, options);
    const raw = await this.http.post<unknown>(path, { ...body, signal: options.signal });
    return normalizeTune(this.record(unwrap(raw, 'tune'), 'POST', path));
  }

  private multipart(root: string, params: object, files: FormEntry[], options: UploadOptions): Pick<RequestOptions, 'body' | 'timeoutMs'> {
    const body: () => Promise<StreamBody> = multipartBody([...railsFormEntries(root, params), ...files], options.onProgress);
    return { body, timeoutMs: options.timeoutMs ?? DEFAULT_UPLOAD_TIMEOUT_MS };
  }

  private list(raw: unknown, method: string, path: string): Record<string, unknown>[] {
    if (Array.isArray(raw) && raw.every(isRecord)) return raw;
    throw this.unexpected(method, path, 'a list');
  }

  private record(raw: unknown, method: string, path: string): Record<string, unknown> {
    if (isRecord(raw) && raw.id !== undefined) return raw;
    throw this.unexpected(method, path, 'an object with an id');
  }

  private unexpected(method: string, path: string, expected: string): ApiError {
    // Stryker disable next-line BooleanLiteral,ArrayDeclaration: malformedError reads only the provider, method and path
    const ctx = { provider: { name: ASTRIA_PROVIDER }, method, path, repeatable: false, secrets: [] };
    return malformedError(ctx, `an unexpected response where ${expected} was expected`);
  }
}

/** Fills the arrays some responses omit, so views never check for null. */
export function normalizeTune(raw: Record<string, unknown>): Tune {
  const tune = raw as unknown as Tune;
  return { ...tune, orig_images: stringList(raw.orig_images), ckpt_urls: stringList(raw.ckpt_urls) };
}

/** `cfg_scale: "3.0"` → 3; `images` always an array of URL strings. */
export function normalizePrompt(raw: Record<string, unknown>): Prompt {
  const prompt = raw as unknown as Prompt;
  return { ...prompt, cfg_scale: toNumber(raw.cfg_scale), images: stringList(raw.images) };
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (!Array.isArray(value)) return [];
  return value.map(imageUrl).filter((url): url is string => url !== undefined);
}

/** Images are plain URLs; tolerate `{url}` objects seen in some responses. */
function imageUrl(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  return isRecord(item) && typeof item.url === 'string' ? item.url : undefined;
}

function toNumber(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return value;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : null;
}

/** Callback bodies wrap objects as `{"tune": {...}}`; accept that shape from the API too. */
function unwrap(raw: unknown, key: string): unknown {
  if (isRecord(raw) && raw.id === undefined && isRecord(raw[key])) return raw[key];
  return raw;
}


/**
 * Whether a page of `length` items asked for with `limit` is surely the last one: shorter than the documented
 * page size (and than the limit), or longer than the documented size (so `limit` is honoured) yet short of it.
 * A page of exactly 20 may come from a server that ignores `limit`, so it is never taken as the last.
 */
function isLastPage(length: number, limit: number): boolean {
  if (length < Math.min(limit, ASTRIA_DEFAULT_PAGE_SIZE)) return true;
  return length > ASTRIA_DEFAULT_PAGE_SIZE && length < limit;
}

function pageQuery(options: PageOptions): Record<string, number | undefined> {
  return { before_id: options.beforeId, offset: options.offset || undefined, limit: options.limit };
}

function isHttp(source: Http | AstriaClientOptions): source is Http {
  return typeof (source as Http).request === 'function';
}
