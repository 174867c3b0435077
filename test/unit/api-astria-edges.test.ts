// AstriaClient details a user would notice: the messages for odd responses (loopback server), search and
// find-by-title limits (sandbox), the default server, upload timeouts and the normalised fields.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { AstriaClient, normalizePrompt, normalizeTune } from '../../src/api/astria/client';
import type { Tune } from '../../src/api/astria/types';
import { pagingStrategy } from '../../src/api/paging';
import type { TuneSearchProgress } from '../../src/api/astria/client';
import { reply, startLoopback, type Loopback } from './loopback';
import { rejectsWith } from './support';

const KEY = 'sd_edgecase_key_123456';

describe('the default server', () => {
  it('with no base URL the client talks to https://api.astria.ai (guards: an empty default base URL)', async () => {
    const asked: string[] = [];
    const client = new AstriaClient({ getKey: (origin) => (asked.push(origin), { checkedOn: 'http://127.0.0.1:9' }) });
    const error = await rejectsWith(client.listTunes(), 'auth');
    assert.deepEqual(asked, ['https://api.astria.ai']);
    assert.match(error.message, /^Tune Studio is set to talk to https:\/\/api\.astria\.ai, but your Astria key/);
  });
});

describe('responses of an unexpected shape', () => {
  let server: Loopback;
  let client: AstriaClient;
  let dir: string;
  before(async () => {
    server = await startLoopback(reply(200, { ok: true }));
    client = new AstriaClient({ baseUrl: server.url, getKey: () => KEY, retry: { baseDelayMs: 1 } });
    dir = await mkdtemp(join(tmpdir(), 'tune-studio-astria-edges-'));
    await writeFile(join(dir, 'face.jpg'), Buffer.alloc(1000, 1));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const said = (what: string, method: string, path: string) =>
    `Astria sent an unexpected response where ${what} was expected (${method} ${path}). Try again; if it keeps happening the service may be having problems.`;

  it('each call names what it expected and the request, so the log line and the message agree (guards: the wrong request named)', async () => {
    server.handle(reply(200, { ok: true }));
    const cases: [() => Promise<unknown>, string, string, string][] = [
      [() => client.listTunes(), 'a list', 'GET', '/tunes'],
      [() => client.listPrompts(5), 'a list', 'GET', '/tunes/5/prompts'],
      [() => client.listAllPrompts(), 'a list', 'GET', '/prompts'],
      [() => client.getTune(5), 'an object with an id', 'GET', '/tunes/5'],
      [() => client.updateTune(5, { title: 'x' }), 'an object with an id', 'PATCH', '/tunes/5'],
      [() => client.getPrompt(5, 6), 'an object with an id', 'GET', '/tunes/5/prompts/6'],
      [() => client.createPrompt(5, { text: 'x' }), 'an object with an id', 'POST', '/tunes/5/prompts'],
      [() => client.duplicatePrompt(6), 'an object with an id', 'POST', '/prompts/6/duplicate'],
      [() => client.createTune({ title: 't', name: 'man' }), 'an object with an id', 'POST', '/tunes'],
    ];
    for (const [call, what, method, path] of cases) {
      const error = await rejectsWith(call(), 'malformed');
      assert.equal(error.message, said(what, method, path));
      assert.deepEqual([error.method, error.path], [method, path]);
    }
  });

  it('a body wrapped as {"prompt": …} or {"tune": …} is unwrapped; one with its own id is not (guards: callback-shaped answers)', async () => {
    server.handle(reply(200, { prompt: { id: 9, text: 'inner' } }));
    assert.equal((await client.createPrompt(5, { text: 'x' })).id, 9);
    assert.equal((await client.duplicatePrompt(6)).id, 9);
    server.handle(reply(200, { tune: { id: 11, title: 'inner' } }));
    assert.equal((await client.createTune({ title: 't', name: 'man' })).id, 11);
    server.handle(reply(200, { id: 12, text: 'outer', prompt: { id: 1, text: 'a field that happens to be an object' } }));
    assert.equal((await client.createPrompt(5, { text: 'x' })).id, 12);
  });

  it('duplicatePrompt sends no body without overrides, and {"prompt": overrides} with them', async () => {
    server.handle(reply(200, { id: 13, text: 'copy' }));
    const start = server.seen.length;
    await client.duplicatePrompt(6);
    await client.duplicatePrompt(6, { num_images: 2 });
    const [plain, changed] = server.seen.slice(start);
    assert.equal(plain.body, '');
    assert.equal(plain.headers['content-type'], undefined);
    assert.deepEqual(JSON.parse(changed.body), { prompt: { num_images: 2 } });
  });

  it('an upload’s own timeoutMs is the limit, not the 15-minute default (guards: a stuck upload the user waits on for minutes)', { timeout: 5_000 }, async () => {
    server.handle(() => undefined); // reads the whole upload, never answers
    const error = await rejectsWith(client.createTune({ title: 't', name: 'man' }, [{ path: join(dir, 'face.jpg'), type: 'image/jpeg' }], { timeoutMs: 150 }), 'timeout');
    assert.match(error.message, /^Astria did not answer within 0\.2 s\./);
  });

  it('a search ignores tunes without a title and returns only the matches of a page the server did not filter (guards: every tune of a short page returned)', async () => {
    server.handle(reply(200, [{ id: 3, title: 'Bob' }, { id: 2, title: 'Eve' }, { id: 1, title: null }]));
    const found = await client.searchTunes('e');
    assert.deepEqual(found.map((tune) => tune.id), [2]);
  });
});

describe('normalised fields', () => {
  it('a single image URL string becomes a one-item list, an empty string none', () => {
    const tune = normalizeTune({ id: 1, orig_images: 'https://cdn/a.jpg', ckpt_urls: '' });
    assert.deepEqual(tune.orig_images, ['https://cdn/a.jpg']);
    assert.deepEqual(tune.ckpt_urls, []);
  });

  it('cfg_scale null stays null and a missing one stays missing (guards: "0" shown as the scale)', () => {
    assert.equal(normalizePrompt({ id: 1, cfg_scale: null }).cfg_scale, null);
    assert.equal(normalizePrompt({ id: 1 }).cfg_scale, undefined);
  });
});

describe('search and find on the sandbox', () => {
  let sandbox: Sandbox;
  let client: AstriaClient;
  let all: Tune[];
  before(async () => {
    sandbox = await startSandbox({ quiet: true, speed: 1000 });
    client = new AstriaClient({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey, retry: { baseDelayMs: 1 } });
    all = [];
    for await (const page of client.pagesOfTunes()) all.push(...page);
  });
  after(() => sandbox.close());

  const tuneRequests = (start: number) => sandbox.requests.slice(start).filter((r) => r.path === '/tunes');

  it('a search with spaces around the words finds the tune and asks the server with the words alone', async () => {
    const start = sandbox.requests.length;
    const found = await client.searchTunes('  Priya Sharma  ');
    assert.ok(found.length >= 1);
    assert.ok(found.every((tune) => tune.title.includes('Priya Sharma')));
    assert.equal(tuneRequests(start)[0].query.title, 'Priya Sharma');
  });

  it('an empty search lists one page of the asked size, without a title filter', async () => {
    const start = sandbox.requests.length;
    const found = await client.searchTunes('   ', { limit: 7 });
    assert.equal(found.length, 7);
    assert.deepEqual(tuneRequests(start).map((r) => r.query), [{ limit: '7' }]);
  });

  it('findTuneByTitle looks at the first pages only: a tune on page 2 is found by default, not with pages: 1 (guards: a recovery scan of the whole account)', async () => {
    const firstPage = new Set(all.slice(0, 20).map((tune) => tune.title));
    const onPage2 = all.slice(20, 40).find((tune) => !firstPage.has(tune.title));
    assert.ok(onPage2, 'a title only on page 2');
    let start = sandbox.requests.length;
    assert.equal(await client.findTuneByTitle(onPage2.title, { pages: 1 }), undefined);
    assert.equal(tuneRequests(start).length, 1);
    start = sandbox.requests.length;
    assert.equal((await client.findTuneByTitle(onPage2.title))?.id, onPage2.id);
    assert.equal(tuneRequests(start).length, 2);
  });

  it('findTuneByTitle stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await rejectsWith(client.findTuneByTitle(all[0].title, { signal: controller.signal }), 'cancelled');
  });

  it('prompt pagers remember their paging per list: all prompts and a tune’s prompts (guards: one list’s strategy applied to another)', async () => {
    for await (const _page of client.pagesOfPrompts(undefined, { limit: 20 })) break;
    const pager = client.promptPager(undefined, { limit: 20 });
    await pager.next();
    await pager.next();
    assert.equal(pagingStrategy(`${sandbox.url} GET /prompts`), 'keyset');
    const tuneId = all.find((tune) => tune.title.includes('Priya Sharma'))!.id;
    const tunePager = client.promptPager(tuneId, { limit: 20 });
    await tunePager.next();
    await tunePager.next();
    assert.equal(pagingStrategy(`${sandbox.url} GET /tunes/:id/prompts`), 'keyset');
  });
});

describe('search limits (documented server: no title filter, 20 per page)', () => {
  let sandbox: Sandbox;
  let client: AstriaClient;
  before(async () => {
    sandbox = await startSandbox({ quiet: true, speed: 1000, profile: 'documented' });
    client = new AstriaClient({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey, retry: { baseDelayMs: 1 } });
  });
  after(() => sandbox.close());

  it('maxScanned stops the client-side scan at that many tunes (guards: a search that walks the whole account)', async () => {
    const start = sandbox.requests.length;
    const notes: TuneSearchProgress[] = [];
    const found = await client.searchTunes('no tune is called this', { limit: 20, maxScanned: 20, onProgress: (p) => notes.push(p) });
    assert.deepEqual(found, []);
    assert.equal(sandbox.requests.slice(start).filter((r) => r.path === '/tunes').length, 1);
    assert.deepEqual(notes, [{ searched: 20, serverFiltered: false }]);
  });
});

describe('a full page of matches is not the last page', () => {
  let sandbox: Sandbox;
  let client: AstriaClient;
  before(async () => {
    sandbox = await startSandbox({ quiet: true, speed: 1000, seed: 'empty' });
    sandbox.seedTunes(45, 'Tune');
    client = new AstriaClient({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey, retry: { baseDelayMs: 1 } });
  });
  after(() => sandbox.close());

  it('30 matches asked 30 at a time: the search goes on and finds all 45 (guards: a search cut at its page size)', async () => {
    const found = await client.searchTunes('tune', { limit: 30 });
    assert.equal(found.length, 45);
  });
});
