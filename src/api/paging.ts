// Page walkers shared by the clients: Astria's keyset `before_id` and Cartesia's cursor pages.
import type { CursorPage } from './cartesia/types';

const ASTRIA_DEFAULT_PAGE_SIZE = 20;

/**
 * Follows `before_id = last id of the page` until a short or empty page.
 * Stops too if the server repeats a cursor, so a misbehaving server cannot loop us forever.
 */
export async function* keysetPages<T extends { id: number }>(
  fetchPage: (beforeId: number | undefined) => Promise<T[]>,
  startBeforeId: number | undefined,
  limit: number | undefined,
): AsyncGenerator<T[], void, undefined> {
  const pageSize = limit ?? ASTRIA_DEFAULT_PAGE_SIZE;
  let beforeId = startBeforeId;
  for (;;) {
    const page = await fetchPage(beforeId);
    if (page.length === 0) return;
    yield page;
    const lastId = page[page.length - 1].id;
    if (page.length < pageSize || (beforeId !== undefined && lastId >= beforeId)) return;
    beforeId = lastId;
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
