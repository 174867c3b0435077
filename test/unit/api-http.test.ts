import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors';
import { backoffDelay, createHttp, resolveTuning, retryDelay, type ResponseEvent } from '../../src/api/http';
import { abortableSleep } from '../../src/api/abort';
import { createPager, cursorPages, onPagingStrategy, pagingStrategy, pagingStrategyMessage, resetPagingStrategies, type PageRequest, type PagerPage } from '../../src/api/paging';
import { normalizePrompt, normalizeTune } from '../../src/api/astria/client';
import { parseDownloadUrl } from '../../src/api/download';

const tuning = resolveTuning({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 });

function transient(kind: ApiError['kind'], extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {}): ApiError {
  return new ApiError({ kind, message: kind, retryable: true, ...extra });
}

describe('backoffDelay', () => {
  it('doubles per attempt and caps at maxDelayMs', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, tuning)), [100, 200, 400, 800, 1000, 1000]);
  });

  it('keeps at least half the step when jitter is at its lowest', () => {
    const low = resolveTuning({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 });
    assert.deepEqual([1, 2, 3].map((attempt) => backoffDelay(attempt, low)), [50, 100, 200]);
  });

  it('spreads delays with the default random source', () => {
    const real = resolveTuning({ baseDelayMs: 1000 });
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(1, real)));
    assert.ok(delays.size > 1);
    for (const delay of delays) assert.ok(delay >= 500 && delay <= 1000);
  });
});

describe('retryDelay', () => {
  it('retries transient kinds while attempts remain', () => {
    for (const kind of ['network', 'timeout', 'server', 'rate_limited'] as const) {
      assert.equal(retryDelay(transient(kind), 1, 3, tuning), 100, kind);
    }
  });

  it('gives up after maxRetries', () => {
    assert.equal(retryDelay(transient('server'), 4, 3, tuning), undefined);
    assert.equal(retryDelay(transient('server'), 1, 0, tuning), undefined);
  });

  it('never retries an error that is not retryable (e.g. a POST)', () => {
    assert.equal(retryDelay(new ApiError({ kind: 'server', message: 'x', retryable: false }), 1, 3, tuning), undefined);
  });

  it('never retries permanent kinds even if flagged', () => {
    for (const kind of ['auth', 'validation', 'not_found', 'malformed', 'bad_request', 'cancelled'] as const) {
      assert.equal(retryDelay(transient(kind), 1, 3, tuning), undefined, kind);
    }
  });

  it('honours Retry-After instead of backoff', () => {
    assert.equal(retryDelay(transient('rate_limited', { retryAfterMs: 750 }), 1, 3, tuning), 750);
    assert.equal(retryDelay(transient('rate_limited', { retryAfterMs: 0 }), 1, 3, tuning), 0);
  });

  it('does not wait out a Retry-After beyond the cap (the caller backs off instead)', () => {
    assert.equal(retryDelay(transient('rate_limited', { retryAfterMs: 5000 }), 1, 3, tuning), undefined);
  });
});

describe('abortableSleep', () => {
  it('resolves after the delay, not before (guards: a sleep that returns at once would retry without waiting)', async () => {
    const started = performance.now();
    let resolved = false;
    const sleeping = abortableSleep(80, new AbortController().signal).then(() => (resolved = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(resolved, false, 'still asleep after 20 ms');
    await sleeping;
    const waited = performance.now() - started;
    assert.ok(waited >= 75, `resolved after ${waited.toFixed(1)} ms of 80`);
  });

  it('rejects at once when the signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(sleeping, /stop/);
  });
});

describe('createHttp without a key', () => {
  it('fails with auth before touching the network', async () => {
    const events: ResponseEvent[] = [];
    // Port 9 (discard) on a reserved address: any network attempt would show up as an event.
    const http = createHttp({ baseUrl: 'http://192.0.2.1:9', getKey: async () => '  ', provider: 'Astria', onResponse: (e) => events.push(e) });
    await assert.rejects(http.get('/tunes'), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.kind, 'auth');
      assert.match(error.message, /No Astria API key is set/);
      return true;
    });
    assert.deepEqual(events, []);
  });

  it('reports cancelled when the signal is already aborted', async () => {
    const http = createHttp({ baseUrl: 'http://192.0.2.1:9', getKey: () => 'sd_x_123456789' });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(http.get('/tunes', { signal: controller.signal }), (error: unknown) => error instanceof ApiError && error.kind === 'cancelled');
  });
});

describe('createPager', () => {
  const ids = Array.from({ length: 45 }, (_, index) => ({ id: 1000 - index }));
  /** A server that honours before_id (keyset) or only offset, 20 per page. */
  const server = (honoursKeyset: boolean, calls: PageRequest[]) => async (request: PageRequest) => {
    calls.push(request);
    const below = honoursKeyset && request.beforeId !== undefined ? ids.filter((item) => item.id < request.beforeId!) : ids;
    return below.slice(request.offset ?? 0, (request.offset ?? 0) + 20);
  };
  const drain = async (pager: ReturnType<typeof createPager<{ id: number }>>) => {
    const got: number[] = [];
    for (let guard = 0; pager.hasMore && guard < 20; guard++) got.push(...(await pager.next()).items.map((item) => item.id));
    return got;
  };

  it('follows before_id on a keyset server and remembers keyset', async () => {
    resetPagingStrategies();
    const calls: PageRequest[] = [];
    const got = await drain(createPager({ list: 'k', fetchPage: server(true, calls) }));
    assert.deepEqual(got, ids.map((item) => item.id));
    assert.deepEqual(calls, [{}, { beforeId: 981 }, { beforeId: 961 }]);
    assert.equal(pagingStrategy('k'), 'keyset');
  });

  it('falls back to offset when before_id is ignored, once, and remembers it for the list', async () => {
    resetPagingStrategies();
    const events: string[] = [];
    const subscription = onPagingStrategy((event) => events.push(`${event.list}:${event.strategy}`));
    const calls: PageRequest[] = [];
    const got = await drain(createPager({ list: 'o', limit: 50, fetchPage: server(false, calls) }));
    assert.deepEqual(got, ids.map((item) => item.id), 'every item exactly once');
    assert.deepEqual(calls, [{}, { beforeId: 981 }, { offset: 20 }, { offset: 40 }]);
    assert.deepEqual(events, ['o:offset']);
    const again: PageRequest[] = [];
    await drain(createPager({ list: 'o', fetchPage: server(false, again) }));
    assert.deepEqual(again, [{}, { offset: 20 }, { offset: 40 }], 'no second keyset probe');
    subscription.dispose();
  });

  it('a server that ignores before_id, limit and offset: stops at the repeat, says the list may be incomplete, logs "ignored"', async () => {
    resetPagingStrategies();
    const events: string[] = [];
    const subscription = onPagingStrategy((event) => events.push(`${event.list}:${event.strategy}`));
    const calls: PageRequest[] = [];
    const stuck = async (request: PageRequest) => (calls.push(request), ids.slice(0, 20));
    const pager = createPager({ list: 's', limit: 50, fetchPage: stuck });
    const pages: PagerPage<{ id: number }>[] = [];
    for (let guard = 0; pager.hasMore && guard < 20; guard++) pages.push(await pager.next());
    assert.deepEqual(pages.map((page) => page.items.length), [20, 0], 'the first page, then nothing twice');
    assert.equal(pages[0].incomplete, undefined, 'the first page does not know yet');
    assert.deepEqual({ hasMore: pages[1].hasMore, incomplete: pages[1].incomplete }, { hasMore: false, incomplete: true });
    assert.equal(pager.incomplete, true);
    assert.deepEqual(await pager.next(), { items: [], hasMore: false, incomplete: true }, 'asking again sends nothing');
    assert.deepEqual(calls, [{}, { beforeId: 981 }, { offset: 20 }], 'one keyset probe, one offset probe, no loop');
    assert.equal(pagingStrategy('s'), 'ignored');
    assert.deepEqual(events, ['s:ignored'], 'never announced as "offset": offset did not work either');
    subscription.dispose();

    // Remembered: the next pager of that list skips the keyset probe, and still checks that offset is ignored.
    const again: PageRequest[] = [];
    const second = createPager({ list: 's', fetchPage: async (request: PageRequest) => (again.push(request), ids.slice(0, 20)) });
    assert.equal((await drain(second)).length, 20);
    assert.equal(second.incomplete, true);
    assert.deepEqual(again, [{}, { offset: 20 }]);
  });

  it('a list the server ignored paging on recovers when offset works again; a short first page is never "incomplete"', async () => {
    resetPagingStrategies();
    await drain(createPager({ list: 'r', fetchPage: async () => ids.slice(0, 20) }));
    assert.equal(pagingStrategy('r'), 'ignored');
    const recovered = createPager({ list: 'r', fetchPage: server(false, []) });
    assert.deepEqual(await drain(recovered), ids.map((item) => item.id));
    assert.equal(recovered.incomplete, false);
    assert.equal(pagingStrategy('r'), 'offset');

    const calls: PageRequest[] = [];
    const short = createPager({ list: 'r2', fetchPage: async (request: PageRequest) => (calls.push(request), ids.slice(0, 7)) });
    assert.equal((await drain(short)).length, 7);
    assert.equal(short.incomplete, false);
    assert.equal(calls.length, 1, 'a short page is the whole list: nothing to probe');
  });

  it('the log line says what the server honours, and that it ignores paging when it does', () => {
    const list = 'https://api.example GET /tunes';
    assert.equal(pagingStrategyMessage({ list, strategy: 'keyset' }), `Paging ${list} with before_id (keyset).`);
    assert.equal(pagingStrategyMessage({ list, strategy: 'offset' }), `Paging ${list} with offset: the server ignores before_id.`);
    const ignored = pagingStrategyMessage({ list, strategy: 'ignored' });
    assert.match(ignored, /ignores paging/);
    assert.match(ignored, /before_id, limit and offset/);
    assert.match(ignored, /may be incomplete/);
  });

  it('starts from a first page the caller already fetched, without asking for it again', async () => {
    resetPagingStrategies();
    const calls: PageRequest[] = [];
    const fetchPage = server(false, calls);
    const firstPage = await fetchPage({});
    calls.length = 0;
    const got = await drain(createPager({ list: 'p', fetchPage, firstPage }));
    assert.deepEqual(got, ids.map((item) => item.id));
    assert.deepEqual(calls, [{ beforeId: 981 }, { offset: 20 }, { offset: 40 }], 'page 1 is never asked for');
  });

  it('a remembered keyset strategy that stops working falls back again', async () => {
    resetPagingStrategies();
    await drain(createPager({ list: 'x', fetchPage: server(true, []) }));
    const got = await drain(createPager({ list: 'x', fetchPage: server(false, []) }));
    assert.equal(new Set(got).size, 45);
    assert.equal(pagingStrategy('x'), 'offset');
  });

  it('offset paging steps back after a deletion, so the next page skips nothing', async () => {
    resetPagingStrategies();
    const items = ids.slice(0, 40).map((item) => ({ ...item }));
    const live = [...items];
    const fetchPage = async (request: PageRequest) => live.slice(request.offset ?? 0, (request.offset ?? 0) + 20);
    const pager = createPager({ list: 'd', fetchPage });
    const first = (await pager.next()).items;
    live.splice(live.indexOf(items[3]), 1); // deleted in the tree after it was listed
    pager.itemsDeleted?.(1);
    const second = (await pager.next()).items;
    assert.equal(first.length + second.length, 40, 'the tune after the first page is not skipped');
    assert.equal(second[0].id, items[20].id);
  });

  it('"more" means the last page brought new items: an exactly full last page costs one empty fetch', async () => {
    resetPagingStrategies();
    const forty = ids.slice(0, 40);
    const calls: PageRequest[] = [];
    const pager = createPager({ list: 'f', fetchPage: async (request: PageRequest) => (calls.push(request), forty.filter((item) => request.beforeId === undefined || item.id < request.beforeId).slice(0, 20)) });
    assert.equal((await drain(pager)).length, 40);
    assert.equal(calls.length, 3);
  });
});

describe('cursorPages', () => {
  const all = Array.from({ length: 7 }, (_, index) => ({ id: `ft_${index}` }));
  const page = (items: { id: string }[], hasMore: boolean) => ({ data: items, has_more: hasMore });

  it('walks forwards with starting_after and trusts has_more', async () => {
    const seen: string[] = [];
    const fetchPage = async ({ startingAfter }: { startingAfter?: string }) => {
      const start = startingAfter === undefined ? 0 : all.findIndex((item) => item.id === startingAfter) + 1;
      const items = all.slice(start, start + 3);
      return page(items, start + 3 < all.length);
    };
    for await (const p of cursorPages(fetchPage, {})) seen.push(...p.data.map((item) => item.id));
    assert.deepEqual(seen, all.map((item) => item.id));
  });

  it('stops on an empty page even if has_more lies', async () => {
    let calls = 0;
    const fetchPage = async ({ startingAfter }: { startingAfter?: string }) => {
      calls++;
      return startingAfter === undefined ? page(all.slice(0, 3), true) : page([], true);
    };
    for await (const _p of cursorPages(fetchPage, {})) {
      // drain
    }
    assert.equal(calls, 2);
  });

  it('walks backwards with ending_before = first id', async () => {
    const seen: string[][] = [];
    const fetchPage = async ({ endingBefore }: { endingBefore?: string }) => {
      const end = all.findIndex((item) => item.id === endingBefore);
      const items = all.slice(Math.max(0, end - 3), end);
      return page(items, end - 3 > 0);
    };
    for await (const p of cursorPages(fetchPage, { endingBefore: 'ft_6' })) seen.push(p.data.map((item) => item.id));
    assert.deepEqual(seen, [['ft_3', 'ft_4', 'ft_5'], ['ft_0', 'ft_1', 'ft_2']]);
  });
});

describe('normalisers', () => {
  it('turns cfg_scale strings into numbers and images into an array', () => {
    const prompt = normalizePrompt({ id: 1, tune_id: 2, text: 't', cfg_scale: '3.0', images: null, created_at: 'x' });
    assert.equal(prompt.cfg_scale, 3);
    assert.deepEqual(prompt.images, []);
  });

  it('keeps numeric cfg_scale, nulls nonsense, tolerates {url} images', () => {
    assert.equal(normalizePrompt({ id: 1, cfg_scale: 7.5, images: [] }).cfg_scale, 7.5);
    assert.equal(normalizePrompt({ id: 1, cfg_scale: 'high', images: [] }).cfg_scale, null);
    assert.deepEqual(normalizePrompt({ id: 1, images: ['a', { url: 'b' }, 3] }).images, ['a', 'b']);
  });

  it('fills tune arrays', () => {
    const tune = normalizeTune({ id: 1, title: 't', name: 'man', created_at: 'x', orig_images: null });
    assert.deepEqual(tune.orig_images, []);
    assert.deepEqual(tune.ckpt_urls, []);
  });
});

describe('parseDownloadUrl', () => {
  it('accepts http and https', () => {
    assert.equal(parseDownloadUrl('https://cdn.example/a.png').host, 'cdn.example');
    assert.equal(parseDownloadUrl('http://127.0.0.1:5000/a.png').port, '5000');
  });

  it('refuses other schemes and garbage', () => {
    for (const url of ['file:///etc/passwd', 'data:image/png;base64,AAAA', 'javascript:alert(1)', 'not a url']) {
      assert.throws(() => parseDownloadUrl(url), (error: unknown) => error instanceof ApiError && error.kind === 'bad_request', url);
    }
  });
});
