// The trees' paged lists (src/views/pagedList.ts): the first page in the owner, older pages in groups, ten
// to a block; Load more redraws one block (a new block: the owner), and never copies more than a page.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPager, resetPagingStrategies, type PageRequest } from '../../src/api/paging';
import { ErrorNode, LoadMoreNode, MessageNode, PageNode, PagedList, type Container, type ListRow } from '../../src/views/pagedList';

interface Item {
  id: number;
  container?: Container<Owner>;
}
class Owner {}
type Row = ListRow<Item, Owner>;

/** A newest-first server list of `total` items (ids total … 1), 20 a page; `fail(n)` makes the n-th request throw. */
function server(total: number, options: { ignorePaging?: boolean; fail?: (request: number) => boolean } = {}) {
  const all = Array.from({ length: total }, (_, i) => ({ id: total - i }));
  const requests: PageRequest[] = [];
  const fetchPage = async (request: PageRequest): Promise<Item[]> => {
    requests.push(request);
    if (options.fail?.(requests.length)) throw new Error('server down');
    if (options.ignorePaging) return all.slice(0, 20);
    const start = request.beforeId !== undefined ? all.findIndex((item) => item.id < request.beforeId!) : (request.offset ?? 0);
    return start < 0 ? [] : all.slice(start, start + 20);
  };
  return { requests, fetchPage };
}

function list(total: number, options: Parameters<typeof server>[1] & { owner?: Owner; pagesPerBlock?: number } = {}) {
  resetPagingStrategies();
  const source = server(total, options);
  const deleted: number[] = [];
  const pager = createPager<Item>({ list: `test ${Math.random()}`, limit: 20, fetchPage: source.fetchPage });
  pager.itemsDeleted = (n) => void deleted.push(n);
  const paged: PagedList<Item, Owner, Item> = new PagedList<Item, Owner, Item>({
    pager,
    toItem: (raw, container) => ({ ...raw, container }),
    isCurrent: () => true,
    view: 'tunes',
    owner: options.owner,
    listKey: 'root',
    emptyMessage: 'Nothing yet.',
    noun: 'items',
    pagesPerBlock: options.pagesPerBlock,
  });
  return { paged, requests: source.requests, deleted };
}

const isItem = (r: Row): r is Item => !(r instanceof PageNode || r instanceof LoadMoreNode || r instanceof ErrorNode || r instanceof MessageNode);
const items = (rows: Row[]) => rows.filter(isItem);
const groups = (rows: Row[]) => rows.filter((r): r is PageNode<Owner> => r instanceof PageNode);

/** Clicks Load more `times` times; returns what each load said to redraw. */
async function loadMore(paged: PagedList<Item, Owner, Item>, times: number): Promise<Container<Owner>[]> {
  const redrawn: Container<Owner>[] = [];
  for (let n = 0; n < times; n++) {
    const loaded = await paged.loadNext();
    assert.ok(loaded, `load ${n + 1} changed something`);
    redrawn.push(loaded.redraw);
  }
  return redrawn;
}

describe('PagedList: older pages in groups, ten to a block', () => {
  it('shows the first page in its owner with Load more, one request per page', async () => {
    const { paged, requests } = list(45);
    const root = await paged.rowsOf(undefined);
    assert.equal(items(root).length, 20);
    const first = root.at(-1);
    assert.ok(first instanceof LoadMoreNode && first.parent === undefined);
    assert.equal(requests.length, 1);

    assert.deepEqual(await loadMore(paged, 1), [undefined], 'the first older page starts a block: the owner is redrawn');
    const afterOne = paged.rows(undefined);
    assert.equal(items(afterOne).length, 20, 'the first page stays in the owner');
    const [block] = groups(afterOne);
    assert.ok(block && block.level === 'block' && block.open && block.label === 'Older items 21–40');
    assert.equal(afterOne.at(-1), block, 'Load more moved into the block');
    const inBlock = paged.rows(block);
    const [page2] = groups(inBlock);
    assert.ok(page2 && page2.level === 'page' && page2.open && page2.label === 'Items 21–40' && page2.parent === block);
    const more = inBlock.at(-1);
    assert.ok(more instanceof LoadMoreNode && more.parent === block);
    assert.deepEqual(items(paged.rows(page2)).map((i) => i.id), Array.from({ length: 20 }, (_, i) => 25 - i));
    assert.equal(items(paged.rows(page2))[0]?.container, page2, 'its items sit in the page group (getParent → reveal)');

    const page2Id = page2.id;
    assert.deepEqual(await loadMore(paged, 1), [block], 'the next page redraws its block only');
    assert.notEqual(page2.id, page2Id, 'the page opened before folds: a new id');
    assert.equal(page2.open, false);
    const page3 = groups(paged.rows(block))[1]!;
    assert.ok(page3.open && page3.label === 'Items 41–45');
    assert.equal(block.label, 'Older items 21–45', 'the block says what it holds');
    assert.equal(paged.rows(block).at(-1), page3, 'the end: no Load more');
    assert.equal(requests.length, 3, 'one request per page');
    assert.equal(paged.size, 45);
    assert.deepEqual([...paged.items()].map((i) => i.id), Array.from({ length: 45 }, (_, i) => 45 - i));
  });

  it('starts a new block after ten pages, folding the one before; rows never copy more than a page or a block', async () => {
    const { paged } = list(2_000);
    await paged.rowsOf(undefined);
    const redrawn = await loadMore(paged, 99);
    assert.equal(redrawn.filter((c) => c === undefined).length, 10, 'the owner is redrawn once per block of ten pages');
    const blocks = groups(paged.rows(undefined));
    assert.equal(blocks.length, 10);
    assert.deepEqual(blocks.map((b) => b.open), [...Array(9).fill(false), true], 'only the newest block shows open');
    assert.equal(blocks[0]!.label, 'Older items 21–220');
    assert.equal(blocks[9]!.label, 'Older items 1,821–2,000');
    assert.equal(paged.rows(undefined).length, 30, 'the owner: the first page and the blocks');
    assert.equal(paged.rows(blocks[0]).length, 10, 'an older block: its ten pages');
    assert.equal(paged.rows(blocks[9]).length, 10, 'the newest block: its nine pages and Load more');
    assert.deepEqual(await loadMore(paged, 1), [blocks[9]], 'an empty page ends the list: its block loses Load more');
    assert.equal(paged.rows(blocks[9]).length, 9);
    assert.equal(paged.size, 2_000);
  });

  it('shows the empty message for an empty list, and the incomplete row when the server ignores paging', async () => {
    const empty = list(0);
    const rows = await empty.paged.rowsOf(undefined);
    assert.ok(rows.length === 1 && rows[0] instanceof MessageNode && rows[0].message === 'Nothing yet.');

    const ignored = list(45, { ignorePaging: true });
    await ignored.paged.rowsOf(undefined);
    assert.deepEqual(await loadMore(ignored.paged, 1), [undefined], 'the trailing row of the owner changes');
    const after = ignored.paged.rows(undefined);
    assert.equal(items(after).length, 20, 'the first page is still shown, no group');
    const last = after.at(-1);
    assert.ok(last instanceof MessageNode && /ignored paging: only the first 20 items/.test(last.message));
    assert.equal(ignored.paged.incomplete, true);
  });

  it('shows a failed page as an error row where Load more was; after Retry the page loads there', async () => {
    const { paged, requests } = list(85, { fail: (n) => n === 3 });
    await paged.rowsOf(undefined);
    await loadMore(paged, 1);
    const block = groups(paged.rows(undefined))[0]!;
    assert.deepEqual(await loadMore(paged, 1), [block], 'the block is redrawn with the error');
    const failed = paged.rows(block).at(-1);
    assert.ok(failed instanceof ErrorNode && failed.parent === block && failed.pageIndex === 2);
    assert.ok(paged.owns(failed));
    paged.clearError();
    await loadMore(paged, 1);
    assert.equal(groups(paged.rows(block)).length, 2);
    assert.ok(paged.rows(block).at(-1) instanceof LoadMoreNode);
    assert.equal(requests.length, 4);
  });

  it('a failed first page is an error row in the owner, and is not asked for again until Retry', async () => {
    const owner = new Owner();
    const { paged, requests } = list(45, { owner, fail: () => true });
    const rows = await paged.rowsOf(owner);
    assert.ok(rows.length === 1 && rows[0] instanceof ErrorNode && rows[0].parent === owner && rows[0].pageIndex === 0);
    assert.equal((await paged.rowsOf(owner))[0], rows[0], 'the same row');
    assert.equal(requests.length, 1);
  });

  it('folds what a redrawn container shows, but its newest group; a new list has new ids', async () => {
    const { paged } = list(2_000);
    await paged.rowsOf(undefined);
    await loadMore(paged, 15);
    const [first, second] = groups(paged.rows(undefined));
    first!.open = true; // as if the user had opened it again
    const ids = [first!.id, second!.id];
    paged.fold(undefined);
    assert.notEqual(first!.id, ids[0]);
    assert.equal(first!.open, false);
    assert.equal(second!.id, ids[1], 'the newest block keeps its id (and VS Code its state)');
    const other = list(45).paged;
    await other.rowsOf(undefined);
    await loadMore(other, 1);
    assert.notEqual(groups(other.rows(undefined))[0]!.id.split(':')[3], first!.id.split(':')[3]);
  });

  it('puts new items on top of the first page and removes deleted ones from their page', async () => {
    const { paged, deleted } = list(45);
    await paged.rowsOf(undefined);
    await loadMore(paged, 1);
    paged.unshift({ id: 1000 });
    assert.equal((paged.rows(undefined)[0] as Item).id, 1000);
    assert.equal(paged.size, 41);
    const page2 = groups(paged.rows(groups(paged.rows(undefined))[0]))[0];
    const changed = paged.removeDeleted((item) => item.id === 20 || item.id === 1000);
    assert.deepEqual(changed, [undefined, page2], 'the containers whose rows changed');
    assert.deepEqual(deleted, [2], 'offset paging steps back');
    assert.equal(paged.size, 39);
    assert.ok(paged.find((item) => item.id === 21));
    assert.equal(paged.find((item) => item.id === 20), undefined);
  });

  it('keeps items added before the first page arrived, on top of it', async () => {
    const { paged } = list(45);
    paged.unshift({ id: 1000 });
    const rows = await paged.rowsOf(undefined);
    assert.equal((rows[0] as Item).id, 1000);
    assert.equal(items(rows).length, 21);
  });

  it('shares one request between concurrent loads, and drops a page that arrives after the list was replaced', async () => {
    resetPagingStrategies();
    const source = server(45);
    let current = true;
    const paged = new PagedList<Item, Owner, Item>({
      pager: createPager<Item>({ list: 'concurrent', limit: 20, fetchPage: source.fetchPage }),
      toItem: (raw) => raw,
      isCurrent: () => current,
      view: 'tunes',
      owner: undefined,
      listKey: 'root',
      emptyMessage: 'Nothing yet.',
      noun: 'items',
    });
    await Promise.all([paged.rowsOf(undefined), paged.rowsOf(undefined)]);
    assert.equal(source.requests.length, 1);
    const stale = paged.loadNext();
    current = false;
    assert.equal(await stale, undefined, 'nothing to redraw');
    assert.equal(paged.loadedPages, 1);
  });
});
