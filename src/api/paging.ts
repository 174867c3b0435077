// Page walkers shared by the clients: Astria's keyset `before_id` and Cartesia's cursor pages.
import type { CursorPage } from './cartesia/types';

/** Astria's documented page size: a page shorter than this (and than the limit asked for) is the last. */
export const ASTRIA_DEFAULT_PAGE_SIZE = 20;

/**
 * How "the next page" is asked for: keyset `before_id` (preferred), or `offset` when the server ignores it;
 * `ignored` when the server ignores every paging parameter (each "next page" is the first page again), so
 * only the first page can be listed.
 */
export type PagingStrategy = 'keyset' | 'offset' | 'ignored';

export interface PageRequest {
  beforeId?: number;
  offset?: number;
}

export interface PagingStrategyEvent {
  /** Base URL and list, e.g. "https://api.astria.ai GET /tunes". */
  list: string;
  strategy: PagingStrategy;
}

/** What each list of each server honours, for the session (clients are rebuilt, this is not). */
const strategies = new Map<string, PagingStrategy>();
const strategyListeners = new Set<(event: PagingStrategyEvent) => void>();

/** Told once per list whenever its strategy is found or changes (the extension logs it). */
export function onPagingStrategy(listener: (event: PagingStrategyEvent) => void): { dispose(): void } {
  strategyListeners.add(listener);
  return { dispose: () => void strategyListeners.delete(listener) };
}

/** The log line for a strategy found (what the server honours, in words). */
export function pagingStrategyMessage(event: PagingStrategyEvent): string {
  switch (event.strategy) {
    case 'keyset':
      return `Paging ${event.list} with before_id (keyset).`;
    case 'offset':
      return `Paging ${event.list} with offset: the server ignores before_id.`;
    case 'ignored':
      return `The server ignores paging on ${event.list} (before_id, limit and offset): every page is the first one, so only the first page is listed and the list may be incomplete.`;
  }
}

export function pagingStrategy(list: string): PagingStrategy | undefined {
  return strategies.get(list);
}

/** For tests: forget what was learnt. */
export function resetPagingStrategies(): void {
  strategies.clear();
}

function learn(list: string, strategy: PagingStrategy): void {
  if (strategies.get(list) === strategy) return;
  strategies.set(list, strategy);
  for (const listener of strategyListeners) listener({ list, strategy });
}

export interface PagerPage<T> {
  /** Items not returned before by this pager, in server order. */
  items: T[];
  /** The last request brought new items (and a full page), so asking again may bring more. */
  hasMore: boolean;
  /**
   * True when the list stopped because the server ignored paging (the next page repeated items already
   * seen): the server may hold more than was listed, and no page request can reach them.
   */
  incomplete?: boolean;
}

export interface Pager<T> {
  next(): Promise<PagerPage<T>>;
  readonly hasMore: boolean;
  /** See PagerPage.incomplete: set once the server was found to ignore paging. */
  readonly incomplete?: boolean;
  /** Items already returned were deleted on the server: offset paging steps back so none is skipped. */
  itemsDeleted?(count: number): void;
}

/**
 * Pages through a newest-first list whatever the server supports. The first "next page" request uses
 * `before_id`; if the page does not move (ids not all below the cursor, or nothing new), the server
 * ignored the cursor, so the same page is asked again with `offset`, and that is remembered for `list`
 * once an offset page brings new items. An offset page made only of items already seen means the server
 * ignores paging altogether: the list stops there and is marked `incomplete` (strategy `ignored`).
 * Items are never returned twice; a page with nothing new ends the list, so it cannot loop.
 */
export function createPager<T extends { id: number }>(options: {
  list: string;
  limit?: number;
  fetchPage: (request: PageRequest) => Promise<T[]>;
  /** Start below this id (keyset only; a server that ignores it starts from the top). */
  startBeforeId?: number;
  /**
   * The first page, already fetched by the caller with the same query (e.g. a search that found it was
   * not filtered): the first next() returns it without asking the server again.
   */
  firstPage?: T[];
}): Pager<T> {
  const seen = new Set<number>();
  const shortPage = Math.min(options.limit ?? ASTRIA_DEFAULT_PAGE_SIZE, ASTRIA_DEFAULT_PAGE_SIZE);
  let listed = 0; // items the server has listed before the next page (the offset)
  let cursor = options.startBeforeId;
  let first = options.startBeforeId === undefined;
  let more = true;
  let incomplete = false;

  const take = (page: T[]): PagerPage<T> => {
    const fresh = page.filter((item) => !seen.has(item.id));
    for (const item of fresh) seen.add(item.id);
    listed += page.length;
    const lowest = page.reduce((min, item) => Math.min(min, item.id), Number.POSITIVE_INFINITY);
    // Stryker disable next-line ConditionalExpression: an empty page ends the list (more = false), so its cursor is never used
    if (Number.isFinite(lowest)) cursor = cursor === undefined ? lowest : Math.min(cursor, lowest);
    // A page taken always has something new when it has anything (a page of only listed items ends the list
    // in next() before it gets here), so a short page is the only end left to see.
    more = page.length >= shortPage;
    return { items: fresh, hasMore: more };
  };

  return {
    get hasMore() {
      return more;
    },
    get incomplete() {
      return incomplete;
    },
    itemsDeleted(count: number) {
      listed = Math.max(0, listed - count);
    },
    async next(): Promise<PagerPage<T>> {
      if (!more) return incomplete ? { items: [], hasMore: false, incomplete } : { items: [], hasMore: false };
      if (first) {
        first = false;
        const given = options.firstPage;
        return take(given ?? (await options.fetchPage({})));
      }
      const known = strategies.get(options.list);
      if ((known === undefined || known === 'keyset') && cursor !== undefined) {
        const before = cursor;
        const page = await options.fetchPage({ beforeId: before });
        // Every item listed so far has an id ≥ the cursor (it is the lowest seen), so older ids are all new.
        const moved = page.every((item) => item.id < before); // an empty page too
        if (moved) {
          // An empty page proves nothing about the cursor: only a moving one teaches "keyset".
          if (page.length > 0) learn(options.list, 'keyset');
          return take(page);
        }
      }
      const page = await options.fetchPage({ offset: listed });
      if (page.length > 0 && page.every((item) => seen.has(item.id))) {
        // The "next page" is one already listed: the server ignores before_id, limit and offset alike.
        // Asking again cannot reach further, so the list ends here, and says it may be incomplete.
        learn(options.list, 'ignored');
        more = false;
        incomplete = true;
        return { items: [], hasMore: false, incomplete };
      }
      if (page.some((item) => !seen.has(item.id))) learn(options.list, 'offset');
      return take(page);
    },
  };
}

/** Every page of a pager as an async iterator (empty pages skipped). */
export async function* pagesOf<T>(pager: Pager<T>): AsyncGenerator<T[], void, undefined> {
  while (pager.hasMore) {
    const { items } = await pager.next();
    if (items.length > 0) yield items;
  }
}

export interface CursorPosition {
  startingAfter?: string;
  endingBefore?: string;
}

/**
 * Walks Cartesia pages forwards (`starting_after = last id`) or, when started with `endingBefore`,
 * backwards (`ending_before = first id`). Trusts `has_more` but also stops on an empty page, the only
 * signal older servers give.
 */
export async function* cursorPages<T extends { id: string }>(
  fetchPage: (position: CursorPosition) => Promise<CursorPage<T>>,
  start: CursorPosition,
): AsyncGenerator<CursorPage<T>, void, undefined> {
  const backwards = start.endingBefore !== undefined && start.startingAfter === undefined;
  let position = start;
  const seen = new Set<string>();
  for (;;) {
    const page = await fetchPage(position);
    if (page.data.length === 0) return;
    yield page;
    const cursor = backwards ? page.data[0].id : page.data[page.data.length - 1].id;
    if (!page.has_more || seen.has(cursor)) return;
    seen.add(cursor);
    position = backwards ? { endingBefore: cursor } : { startingAfter: cursor };
  }
}

/**
 * Cartesia's cursor pages as a Pager: `starting_after = last id`, trusting `has_more` but also stopping on
 * a page with nothing new (a server that ignores the cursor cannot loop us).
 */
export function cursorPager<T extends { id: string }>(fetchPage: (position: CursorPosition) => Promise<CursorPage<T>>): Pager<T> {
  const seen = new Set<string>();
  let last: string | undefined;
  let more = true;
  return {
    get hasMore() {
      return more;
    },
    async next(): Promise<PagerPage<T>> {
      if (!more) return { items: [], hasMore: false };
      const page = await fetchPage(last === undefined ? {} : { startingAfter: last });
      const fresh = page.data.filter((item) => !seen.has(item.id));
      for (const item of fresh) seen.add(item.id);
      last = page.data.at(-1)?.id ?? last;
      more = page.has_more && fresh.length > 0;
      return { items: fresh, hasMore: more };
    },
  };
}

/**
 * A pager's pages by number (0 = the first), for callers that ask for "page k" (a webview's Load more):
 * pages are fetched in order, one request at a time, and remembered, so page k waits for pages before it.
 */
export class NumberedPages<T> {
  private readonly fetched: PagerPage<T>[] = [];
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly pager: Pager<T>) {}

  page(index: number): Promise<PagerPage<T>> {
    const run = async (): Promise<PagerPage<T>> => {
      while (this.fetched.length <= index) {
        const last = this.fetched.at(-1);
        if (last && !last.hasMore) return { items: [], hasMore: false };
        this.fetched.push(await this.pager.next());
      }
      return this.fetched[index];
    };
    // After the one before, whether it was answered or failed (then(run, run)).
    const result = this.chain.then(run, run);
    this.chain = result;
    return result;
  }
}
