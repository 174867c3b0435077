// The page walkers of src/api/paging.ts as pure logic, against lists held in memory: Astria's keyset or
// offset pages (createPager), Cartesia's cursors (cursorPages, cursorPager) and pages by number
// (NumberedPages, the gallery's Load more). What each test guards is what a list shows: every item once,
// nothing skipped, no request past the end, and the strategy the log reports.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { CursorPage } from '../../src/api/cartesia/types';
import {
  NumberedPages,
  createPager,
  cursorPager,
  cursorPages,
  onPagingStrategy,
  pagingStrategy,
  resetPagingStrategies,
  type CursorPosition,
  type PageRequest,
  type PagingStrategyEvent,
} from '../../src/api/paging';

interface Item {
  id: number;
}

/** A newest-first list (ids total … 1), `size` a page, honouring before_id and/or offset as told. */
function astriaList(total: number, honours: { keyset?: boolean; offset?: boolean; inclusiveBefore?: boolean } = {}, size = 20) {
  let all: Item[] = Array.from({ length: total }, (_, i) => ({ id: total - i }));
  const requests: PageRequest[] = [];
  const fetchPage = async (request: PageRequest): Promise<Item[]> => {
    requests.push(request);
    let start = 0;
    if (request.beforeId !== undefined && honours.keyset) {
      start = all.findIndex((item) => (honours.inclusiveBefore ? item.id <= request.beforeId! : item.id < request.beforeId!));
      if (start < 0) return [];
    } else if (request.offset !== undefined && honours.offset) {
      start = request.offset;
    }
    return all.slice(start, start + size);
  };
  return { requests, fetchPage, add: (id: number) => (all = [{ id }, ...all]) };
}

async function everything(pager: ReturnType<typeof createPager<Item>>): Promise<number[]> {
  const ids: number[] = [];
  for (let pages = 0; pager.hasMore && pages < 50; pages++) ids.push(...(await pager.next()).items.map((item) => item.id));
  return ids;
}

const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => from - i);

describe('createPager: Astria lists whatever the server honours', () => {
  const events: PagingStrategyEvent[] = [];
  beforeEach(() => {
    resetPagingStrategies();
    events.length = 0;
  });
  const listening = () => onPagingStrategy((event) => events.push(event));
  /** Lists all of a fresh list named `name` while listening: the ids, the requests sent and the strategies told. */
  const walk = async (name: string, total: number, honours: Parameters<typeof astriaList>[1]) => {
    const listener = listening();
    const list = astriaList(total, honours);
    const pager = createPager({ list: name, fetchPage: list.fetchPage });
    const ids = await everything(pager);
    listener.dispose();
    return { ids, requests: list.requests, pager };
  };

  it('keyset: every item once, with before_id = the lowest id so far; the strategy is reported once', async () => {
    const { ids, requests } = await walk('L1', 45, { keyset: true });
    assert.deepEqual(ids, range(45, 1));
    assert.deepEqual(requests, [{}, { beforeId: 26 }, { beforeId: 6 }]);
    assert.deepEqual(events, [{ list: 'L1', strategy: 'keyset' }]);
  });

  it('a listener disposed hears nothing more (guards: the log kept growing with every client rebuilt)', async () => {
    const listener = listening();
    listener.dispose();
    await everything(createPager({ list: 'L2', fetchPage: astriaList(30, { keyset: true }).fetchPage }));
    assert.deepEqual(events, []);
  });

  it('a list ending exactly at a page boundary: the empty keyset page ends it and teaches nothing', async () => {
    const { ids, requests } = await walk('L3', 20, { keyset: true });
    assert.deepEqual(ids, range(20, 1));
    assert.deepEqual(requests, [{}, { beforeId: 1 }]);
    assert.deepEqual(events, [], 'an empty page proves nothing about before_id');
  });

  it('a server whose before_id includes the item itself is not taken for keyset: offset pages follow, nothing twice', async () => {
    const { ids, requests } = await walk('L4', 30, { keyset: true, offset: true, inclusiveBefore: true });
    assert.deepEqual(ids, range(30, 1));
    assert.deepEqual(requests, [{}, { beforeId: 11 }, { offset: 20 }]);
    assert.deepEqual(events, [{ list: 'L4', strategy: 'offset' }]);
  });

  it('offset only: an item added on top between pages shifts the next page by one, and that item is not listed twice', async () => {
    const list = astriaList(30, { offset: true });
    const pager = createPager({ list: 'L5', fetchPage: list.fetchPage });
    const first = (await pager.next()).items.map((item) => item.id);
    list.add(31);
    const rest = (await pager.next()).items.map((item) => item.id);
    assert.deepEqual(first, range(30, 11));
    assert.deepEqual(rest, range(10, 1), 'item 11 (seen) came again at offset 20 and was left out');
    assert.equal(pager.incomplete, false);
  });

  it('offset only: an empty page past the end ends the list complete, and teaches nothing', async () => {
    const listener = listening();
    const list = astriaList(40, { offset: true });
    const ids = await everything(createPager({ list: 'L6', fetchPage: list.fetchPage }));
    const pager = createPager({ list: 'L6b', fetchPage: astriaList(40, { offset: true }, 20).fetchPage });
    await pager.next();
    listener.dispose();
    assert.deepEqual(ids, range(40, 1));
    assert.deepEqual(list.requests.at(-1), { offset: 40 });
    assert.deepEqual(events.filter((e) => e.list === 'L6'), [{ list: 'L6', strategy: 'offset' }], 'learnt once, from the page that brought items');
  });

  it('offset only, exactly one page: the empty offset page ends the list complete and teaches nothing', async () => {
    const { ids, requests, pager } = await walk('L9', 20, { offset: true });
    assert.deepEqual(ids, range(20, 1));
    assert.deepEqual(requests, [{}, { beforeId: 1 }, { offset: 20 }]);
    assert.equal(pager.incomplete, false);
    assert.deepEqual(events, []);
  });

  it('a server ignoring paging: the list stops after the first page, says it may be incomplete, and asks nothing more', async () => {
    const listener = listening();
    const list = astriaList(50, {});
    const pager = createPager({ list: 'L7', fetchPage: list.fetchPage });
    const ids = await everything(pager);
    listener.dispose();
    assert.deepEqual(ids, range(50, 31));
    assert.equal(pager.incomplete, true);
    const requests = list.requests.length;
    assert.deepEqual(await pager.next(), { items: [], hasMore: false, incomplete: true }, 'asked again, it still says incomplete');
    assert.equal(list.requests.length, requests, 'and sends nothing');
    assert.deepEqual(events, [{ list: 'L7', strategy: 'ignored' }]);
  });

  it('started below an id: the first request already asks for what is below it', async () => {
    const list = astriaList(50, { keyset: true });
    const pager = createPager({ list: 'L10', startBeforeId: 31, fetchPage: list.fetchPage });
    assert.deepEqual((await pager.next()).items.map((item) => item.id), range(30, 11));
    assert.deepEqual(list.requests, [{ beforeId: 31 }]);
  });

  it('what was learnt about a list is forgotten on reset', async () => {
    await everything(createPager({ list: 'L11', fetchPage: astriaList(30, { keyset: true }).fetchPage }));
    assert.equal(pagingStrategy('L11'), 'keyset');
    resetPagingStrategies();
    assert.equal(pagingStrategy('L11'), undefined);
  });

  it('a complete list, asked again after its end, answers without incomplete and sends nothing', async () => {
    const list = astriaList(5, { keyset: true });
    const pager = createPager({ list: 'L8', fetchPage: list.fetchPage });
    assert.deepEqual((await pager.next()).items.length, 5);
    assert.deepEqual(await pager.next(), { items: [], hasMore: false });
    assert.equal(list.requests.length, 1);
  });
});

/** A Cartesia list of `total` records (ids "ft-01" …), `size` a page, honouring starting_after/ending_before unless told not to. */
function cartesiaList(total: number, size: number, options: { ignoreCursor?: boolean; omitLast?: boolean } = {}) {
  const all = Array.from({ length: total }, (_, i) => ({ id: `ft-${String(i + 1).padStart(2, '0')}` }));
  const positions: CursorPosition[] = [];
  const fetchPage = async (position: CursorPosition): Promise<CursorPage<{ id: string }>> => {
    positions.push(position);
    let from = 0;
    let to = size;
    if (!options.ignoreCursor && position.startingAfter !== undefined) {
      from = all.findIndex((item) => item.id === position.startingAfter) + 1;
      to = from + size;
    } else if (!options.ignoreCursor && position.endingBefore !== undefined) {
      to = all.findIndex((item) => item.id === position.endingBefore);
      from = Math.max(0, to - size);
    }
    const data = all.slice(from, to);
    return { data, has_more: options.ignoreCursor ? true : position.endingBefore !== undefined ? from > 0 : to < all.length };
  };
  return { positions, fetchPage, all };
}

describe('cursorPager: Cartesia lists for a tree’s Load more', () => {
  it('walks forwards with starting_after = the last id of each page, and stops at has_more false', async () => {
    const list = cartesiaList(7, 3);
    const pager = cursorPager(list.fetchPage);
    const pages: string[][] = [];
    while (pager.hasMore) pages.push((await pager.next()).items.map((item) => item.id));
    assert.deepEqual(pages, [['ft-01', 'ft-02', 'ft-03'], ['ft-04', 'ft-05', 'ft-06'], ['ft-07']]);
    assert.deepEqual(list.positions, [{}, { startingAfter: 'ft-03' }, { startingAfter: 'ft-06' }]);
  });

  it('after the end it answers at once, without a request', async () => {
    const list = cartesiaList(2, 5);
    const pager = cursorPager(list.fetchPage);
    assert.deepEqual(await pager.next(), { items: [{ id: 'ft-01' }, { id: 'ft-02' }], hasMore: false });
    assert.deepEqual(await pager.next(), { items: [], hasMore: false });
    assert.equal(list.positions.length, 1);
  });

  it('a server that ignores the cursor cannot loop it: the page with nothing new ends the list', async () => {
    const list = cartesiaList(10, 4, { ignoreCursor: true });
    const pager = cursorPager(list.fetchPage);
    const first = await pager.next();
    const second = await pager.next();
    assert.deepEqual(first, { items: list.all.slice(0, 4), hasMore: true });
    assert.deepEqual(second, { items: [], hasMore: false });
    assert.equal(pager.hasMore, false);
  });
});

describe('cursorPages: every Cartesia page, either way', () => {
  it('walks backwards from ending_before with the first id of each page', async () => {
    const list = cartesiaList(7, 3);
    const pages: string[][] = [];
    for await (const page of cursorPages(list.fetchPage, { endingBefore: 'ft-07' })) pages.push(page.data.map((item) => item.id));
    assert.deepEqual(pages, [['ft-04', 'ft-05', 'ft-06'], ['ft-01', 'ft-02', 'ft-03']]);
    assert.deepEqual(list.positions, [{ endingBefore: 'ft-07' }, { endingBefore: 'ft-04' }]);
  });

  it('with both cursors given, walks forwards (starting_after wins)', async () => {
    const list = cartesiaList(7, 3);
    const pages: string[][] = [];
    for await (const page of cursorPages(list.fetchPage, { startingAfter: 'ft-01', endingBefore: 'ft-07' })) pages.push(page.data.map((item) => item.id));
    assert.deepEqual(pages, [['ft-02', 'ft-03', 'ft-04'], ['ft-05', 'ft-06', 'ft-07']]);
    assert.deepEqual(list.positions, [{ startingAfter: 'ft-01', endingBefore: 'ft-07' }, { startingAfter: 'ft-04' }]);
  });
});

describe('NumberedPages: page k for a webview’s Load more', () => {
  function numbered(total: number, size: number) {
    const list = astriaList(total, { keyset: true }, size);
    resetPagingStrategies();
    return { list, pages: new NumberedPages(createPager({ list: `N${Math.random()}`, limit: size, fetchPage: list.fetchPage })) };
  }

  it('page 2 first fetches pages 0 and 1 in order, and each page is fetched once', async () => {
    const { list, pages } = numbered(50, 20);
    const third = await pages.page(2);
    assert.deepEqual(third.items.map((item) => item.id), range(10, 1));
    assert.equal(list.requests.length, 3);
    assert.deepEqual((await pages.page(0)).items.map((item) => item.id), range(50, 31), 'page 0 from memory');
    assert.equal(list.requests.length, 3);
  });

  it('pages asked for at once are fetched one after the other, each answered with its own page', async () => {
    const { list, pages } = numbered(50, 20);
    const [second, first] = await Promise.all([pages.page(1), pages.page(0)]);
    assert.deepEqual(first.items[0], { id: 50 });
    assert.deepEqual(second.items[0], { id: 30 });
    assert.equal(list.requests.length, 2);
  });

  it('a page past the end is empty and costs no request', async () => {
    const { list, pages } = numbered(15, 20);
    assert.equal((await pages.page(0)).hasMore, false);
    assert.deepEqual(await pages.page(3), { items: [], hasMore: false });
    assert.equal(list.requests.length, 1);
  });

  it('past the end of the list, the pager is not asked again', async () => {
    let asked = 0;
    const pages = new NumberedPages({
      hasMore: true,
      next: async () => {
        asked++;
        return { items: [{ id: asked }], hasMore: false };
      },
    });
    await pages.page(0);
    assert.deepEqual(await pages.page(2), { items: [], hasMore: false });
    assert.equal(asked, 1);
  });

  it('a failed page does not stop the next ask', async () => {
    let fail = true;
    const pages = new NumberedPages({
      hasMore: true,
      next: async () => {
        if (fail) throw new Error('server down');
        return { items: [{ id: 1 }], hasMore: false };
      },
    });
    await assert.rejects(pages.page(0), /server down/);
    fail = false;
    assert.deepEqual(await pages.page(0), { items: [{ id: 1 }], hasMore: false });
  });
});
