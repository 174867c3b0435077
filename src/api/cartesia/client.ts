// Typed calls to Cartesia's fine-tunes API (voices trained from audio datasets).
import { isRecord, malformedError } from '../errors';
import { createHttp, type Http, type HttpOptions } from '../http';
import { cursorPager, cursorPages, type CursorPosition, type Pager } from '../paging';
import type { CursorOptions, CursorPage, Dataset, FineTune, Voice } from './types';

export const CARTESIA_BASE_URL = 'https://api.cartesia.ai';
export const CARTESIA_PROVIDER = 'Cartesia';
/** Cartesia refuses requests without a known version (404 "API version not found"). */
export const CARTESIA_VERSION = '2026-03-01';

export type CartesiaClientOptions = Omit<HttpOptions, 'baseUrl' | 'provider'> & { baseUrl?: string };

export interface CallOptions {
  signal?: AbortSignal;
}

export class CartesiaClient {
  private readonly http: Http;

  /**
   * Pass an Http from createHttp (it must send `Cartesia-Version: CARTESIA_VERSION`) or the options
   * to build one, which adds that header itself.
   */
  constructor(source: Http | CartesiaClientOptions) {
    this.http = isHttp(source)
      ? source
      : createHttp({
          ...source,
          baseUrl: source.baseUrl ?? CARTESIA_BASE_URL,
          provider: CARTESIA_PROVIDER,
          headers: { ...source.headers, 'Cartesia-Version': CARTESIA_VERSION },
        });
  }

  /** One page of fine-tunes. List paths carry a trailing slash in Cartesia's spec. */
  listFineTunes(options: CursorOptions = {}): Promise<CursorPage<FineTune>> {
    return this.page<FineTune>('/fine-tunes/', options);
  }

  /** Every page, forwards from `startingAfter` (or the start), or backwards when only `endingBefore` is set. */
  pagesOfFineTunes(options: CursorOptions = {}): AsyncGenerator<CursorPage<FineTune>, void, undefined> {
    return cursorPages((cursor) => this.listFineTunes(at(options, cursor)), startOf(options));
  }

  /** Fine-tunes page by page, for a tree's Load more. */
  fineTunePager(limit?: number): Pager<FineTune> {
    return cursorPager((cursor) => this.listFineTunes({ limit, ...cursor }));
  }

  /** A fine-tune's voices page by page. */
  voicePager(fineTuneId: string, limit?: number): Pager<Voice> {
    return cursorPager((cursor) => this.listVoices(fineTuneId, { limit, ...cursor }));
  }

  async getFineTune(id: string, options: CallOptions = {}): Promise<FineTune> {
    const path = `/fine-tunes/${encodeURIComponent(id)}`;
    return this.record<FineTune>(await this.http.get<unknown>(path, options), path);
  }

  /** 204 on success. */
  async deleteFineTune(id: string, options: CallOptions = {}): Promise<void> {
    await this.http.delete<unknown>(`/fine-tunes/${encodeURIComponent(id)}`, options);
  }

  /** Voices produced by a completed fine-tune, one page. */
  listVoices(fineTuneId: string, options: CursorOptions = {}): Promise<CursorPage<Voice>> {
    return this.page<Voice>(`/fine-tunes/${encodeURIComponent(fineTuneId)}/voices`, options);
  }

  pagesOfVoices(fineTuneId: string, options: CursorOptions = {}): AsyncGenerator<CursorPage<Voice>, void, undefined> {
    return cursorPages((cursor) => this.listVoices(fineTuneId, at(options, cursor)), startOf(options));
  }

  /** One page of datasets (where a fine-tune's audio lives). */
  listDatasets(options: CursorOptions = {}): Promise<CursorPage<Dataset>> {
    return this.page<Dataset>('/datasets/', options);
  }

  private async page<T>(path: string, options: CursorOptions): Promise<CursorPage<T>> {
    const query = { limit: options.limit, starting_after: options.startingAfter, ending_before: options.endingBefore };
    const raw = await this.http.get<unknown>(path, { query, signal: options.signal });
    if (!isRecord(raw) || !Array.isArray(raw.data)) throw unexpected(path, 'a page with a data list');
    const nextPage = typeof raw.next_page === 'string' ? raw.next_page : undefined;
    // Older servers omit has_more; a full page then means "maybe more" and the empty page ends it.
    const hasMore = typeof raw.has_more === 'boolean' ? raw.has_more : raw.data.length > 0;
    return { data: raw.data as T[], has_more: hasMore, ...(nextPage ? { next_page: nextPage } : {}) };
  }

  private record<T>(raw: unknown, path: string): T {
    if (isRecord(raw) && typeof raw.id === 'string') return raw as T;
    throw unexpected(path, 'an object with an id');
  }
}

/** The caller's options moved to another cursor (exactly one of the two set). */
function at(options: CursorOptions, cursor: CursorPosition): CursorOptions {
  return { ...options, startingAfter: cursor.startingAfter, endingBefore: cursor.endingBefore };
}

function startOf(options: CursorOptions): CursorPosition {
  return { startingAfter: options.startingAfter, endingBefore: options.endingBefore };
}

function unexpected(path: string, expected: string): Error {
  // Stryker disable next-line BooleanLiteral,ArrayDeclaration: malformedError reads only the provider, method and path
  const ctx = { provider: { name: CARTESIA_PROVIDER }, method: 'GET', path, repeatable: false, secrets: [] };
  return malformedError(ctx, `an unexpected response where ${expected} was expected`);
}

function isHttp(source: Http | CartesiaClientOptions): source is Http {
  return typeof (source as Http).request === 'function';
}
