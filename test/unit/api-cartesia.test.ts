// CartesiaClient against the real sandbox server: cursor paging both ways, version header, errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { CARTESIA_BASE_URL, CARTESIA_VERSION, CartesiaClient } from '../../src/api/cartesia/client';
import type { FineTune } from '../../src/api/cartesia/types';
import { createHttp } from '../../src/api/http';
import { reply, startLoopback, type Loopback } from './loopback';
import { rejectsWith } from './support';

let sandbox: Sandbox;
let client: CartesiaClient;

before(async () => {
  sandbox = await startSandbox({ quiet: true, speed: 1000, hostileDemo: true });
  client = new CartesiaClient({ baseUrl: sandbox.cartesiaUrl, getKey: () => sandbox.cartesiaKey, retry: { baseDelayMs: 1 } });
});

after(async () => {
  await sandbox.close();
});

async function everyFineTune(): Promise<FineTune[]> {
  const all: FineTune[] = [];
  for await (const page of client.pagesOfFineTunes({ limit: 100 })) all.push(...page.data);
  return all;
}


describe('fine-tunes', () => {
  it('listFineTunes returns {data, has_more} from /fine-tunes/ with version and bearer headers', async () => {
    sandbox.clearRequests();
    const page = await client.listFineTunes({ limit: 5 });
    assert.equal(page.data.length, 5);
    assert.equal(page.has_more, true);
    const request = sandbox.requests.at(-1);
    assert.equal(request?.path, '/cartesia/fine-tunes/');
    assert.equal(request?.query.limit, '5');
    assert.equal(request?.headers['cartesia-version'], CARTESIA_VERSION);
    assert.equal(request?.headers.authorization, `Bearer ${sandbox.cartesiaKey}`);
  });

  it('pagesOfFineTunes walks forwards with starting_after until has_more is false', async () => {
    sandbox.clearRequests();
    const sizes: number[] = [];
    const ids: string[] = [];
    for await (const page of client.pagesOfFineTunes({ limit: 10 })) {
      sizes.push(page.data.length);
      ids.push(...page.data.map((ft) => ft.id));
    }
    const all = await everyFineTune();
    assert.equal(all.length, 25);
    assert.deepEqual(sizes, [10, 10, 5]);
    assert.deepEqual(ids, all.map((ft) => ft.id));
    const cursors = sandbox.requests.filter((r) => r.query.limit === '10').map((r) => r.query.starting_after);
    assert.deepEqual(cursors, [undefined, ids[9], ids[19]]);
  });

  it('pagesOfFineTunes walks backwards with ending_before = first id of each page', async () => {
    const all = await everyFineTune();
    const pages: string[][] = [];
    for await (const page of client.pagesOfFineTunes({ limit: 10, endingBefore: all[24].id })) pages.push(page.data.map((ft) => ft.id));
    const ids = all.map((ft) => ft.id);
    assert.deepEqual(pages, [ids.slice(14, 24), ids.slice(4, 14), ids.slice(0, 4)]);
  });

  it('a cursor past the end yields no pages', async () => {
    const all = await everyFineTune();
    const page = await client.listFineTunes({ startingAfter: all[24].id });
    assert.deepEqual(page, { data: [], has_more: false });
    let count = 0;
    for await (const _page of client.pagesOfFineTunes({ startingAfter: all[24].id })) count++;
    assert.equal(count, 0);
  });

  it('getFineTune and deleteFineTune (204), then not_found', async () => {
    const [first] = (await client.listFineTunes({ limit: 1 })).data;
    const fineTune = await client.getFineTune(first.id);
    assert.deepEqual(fineTune, first);
    assert.equal(sandbox.requests.at(-1)?.path, `/cartesia/fine-tunes/${first.id}`);
    await client.deleteFineTune(first.id);
    const error = await rejectsWith(client.getFineTune(first.id), 'not_found');
    assert.match(error.message, /not found/);
    assert.ok(error.requestId, 'Cartesia request id kept for support');
  });
});

describe('voices and datasets', () => {
  it('listVoices and pagesOfVoices of a completed fine-tune', async () => {
    const completed = (await everyFineTune()).filter((ft) => ft.status === 'completed');
    let fineTuneId: string | undefined;
    for (const ft of completed) {
      const page = await client.listVoices(ft.id, { limit: 1 });
      if (page.data.length > 0 && page.has_more) {
        fineTuneId = ft.id;
        break;
      }
    }
    assert.ok(fineTuneId, 'a completed fine-tune with several voices');
    const sizes: number[] = [];
    for await (const page of client.pagesOfVoices(fineTuneId, { limit: 1 })) sizes.push(page.data.length);
    assert.ok(sizes.length >= 2 && sizes.every((size) => size === 1));
    const voices = await client.listVoices(fineTuneId);
    assert.equal(voices.data.length, sizes.length);
    assert.ok(voices.data.every((voice) => typeof voice.name === 'string' && typeof voice.id === 'string'));
  });

  it('listDatasets', async () => {
    const page = await client.listDatasets();
    assert.equal(page.data.length, 5);
    assert.equal(page.has_more, false);
    assert.equal(sandbox.requests.at(-1)?.path, '/cartesia/datasets/');
  });
});

describe('errors', () => {
  it('an unknown Cartesia-Version is not_found with Cartesia\'s explanation', async () => {
    const http = createHttp({ baseUrl: sandbox.cartesiaUrl, getKey: () => sandbox.cartesiaKey, provider: 'Cartesia', headers: { 'Cartesia-Version': '1999-01-01' } });
    const error = await rejectsWith(new CartesiaClient(http).listFineTunes(), 'not_found');
    assert.equal(error.status, 404);
    assert.match(error.message, /^Cartesia refused the API version 1999-01-01 that Tune Studio sent/);
    assert.match(error.message, /API version not found/);
    assert.doesNotMatch(error.message, /\.\.$|could not find/);
  });

  it('the client always sends its version, even over caller headers', async () => {
    const pinned = new CartesiaClient({ baseUrl: sandbox.cartesiaUrl, getKey: () => sandbox.cartesiaKey, headers: { 'Cartesia-Version': '1999-01-01' } });
    assert.equal((await pinned.listDatasets()).data.length, 5);
  });

  it('a wrong key is auth, naming the Cartesia command and not the key', async () => {
    const wrongKey = 'sk_car_wrong_0123456789';
    const bad = new CartesiaClient({ baseUrl: sandbox.cartesiaUrl, getKey: () => wrongKey });
    const error = await rejectsWith(bad.listFineTunes(), 'auth');
    assert.equal(error.message, 'Cartesia rejected the API key. Set a new key with “Tune Studio: Set Cartesia API Key”.');
    assert.ok(!`${error.message} ${error.stack} ${String(error.cause)}`.includes(wrongKey));
  });

  it('a bad limit is bad_request with the server words', async () => {
    const error = await rejectsWith(client.listFineTunes({ limit: 500 }), 'bad_request');
    assert.equal(error.message, 'limit must be an integer between 1 and 100');
  });
});

describe('pagers for the Cartesia tree (Load more)', () => {
  it('fineTunePager asks for its page size and walks with starting_after = the last id', async () => {
    const all = await everyFineTune();
    sandbox.clearRequests();
    const pager = client.fineTunePager(10);
    const pages: string[][] = [];
    while (pager.hasMore) pages.push((await pager.next()).items.map((ft) => ft.id));
    const ids = all.map((ft) => ft.id);
    assert.deepEqual(pages, [ids.slice(0, 10), ids.slice(10, 20), ids.slice(20)]);
    const requests = sandbox.requests.filter((r) => r.path === '/cartesia/fine-tunes/');
    assert.deepEqual(requests.map((r) => [r.query.limit, r.query.starting_after]), [['10', undefined], ['10', ids[9]], ['10', ids[19]]]);
  });

  it('voicePager pages one fine-tune’s voices the same way', async () => {
    const completed = (await everyFineTune()).filter((ft) => ft.status === 'completed');
    let withVoices: string | undefined;
    for (const ft of completed) if ((await client.listVoices(ft.id, { limit: 1 })).has_more) withVoices = ft.id;
    assert.ok(withVoices, 'a fine-tune with several voices');
    const every = (await client.listVoices(withVoices)).data.map((voice) => voice.id);
    sandbox.clearRequests();
    const pager = client.voicePager(withVoices, 1);
    const ids: string[] = [];
    while (pager.hasMore) ids.push(...(await pager.next()).items.map((voice) => voice.id));
    assert.deepEqual(ids, every);
    assert.deepEqual(sandbox.requests.map((r) => [r.path, r.query.limit, r.query.starting_after]), every.map((_, n) => [`/cartesia/fine-tunes/${withVoices}/voices`, '1', n === 0 ? undefined : every[n - 1]]));
  });

  it('the default base URL is Cartesia’s documented API origin (where a Cartesia key may go)', () => {
    assert.equal(CARTESIA_BASE_URL, 'https://api.cartesia.ai');
  });
});

describe('answers of the wrong shape (a server on loopback that answers what the test says)', () => {
  let server: Loopback;
  let odd: CartesiaClient;
  const answer = (body: unknown) => server.handle(reply(200, body));
  before(async () => {
    server = await startLoopback();
    odd = new CartesiaClient({ baseUrl: server.url, getKey: () => 'sk_car_test_0123456789', retry: { baseDelayMs: 1 } });
  });
  after(() => server.close());

  it('a page without has_more: a page with items may have more, an empty one ends', async () => {
    answer({ data: [{ id: 'a' }] });
    assert.deepEqual(await odd.listDatasets(), { data: [{ id: 'a' }], has_more: true });
    answer({ data: [] });
    assert.deepEqual(await odd.listDatasets(), { data: [], has_more: false });
  });

  it('next_page is kept when the server gives one', async () => {
    answer({ data: [], has_more: false, next_page: 'abc' });
    assert.deepEqual(await odd.listDatasets(), { data: [], has_more: false, next_page: 'abc' });
  });

  it('a page without a data list is malformed, named by its path', async () => {
    answer({ items: [] });
    const error = await rejectsWith(odd.listFineTunes(), 'malformed');
    assert.equal(error.message, 'Cartesia sent an unexpected response where a page with a data list was expected (GET /fine-tunes/). Try again; if it keeps happening the service may be having problems.');
    assert.equal(error.retryable, false);
  });

  it('a record without a text id is malformed', async () => {
    for (const record of [{ name: 'no id' }, { id: 7 }, ['ft']]) {
      answer(record);
      const error = await rejectsWith(odd.getFineTune('ft-1'), 'malformed');
      assert.equal(error.message, 'Cartesia sent an unexpected response where an object with an id was expected (GET /fine-tunes/ft-1). Try again; if it keeps happening the service may be having problems.');
    }
    answer({ id: 'ft-1', name: 'ok' });
    assert.deepEqual(await odd.getFineTune('ft-1'), { id: 'ft-1', name: 'ok' });
  });
});
