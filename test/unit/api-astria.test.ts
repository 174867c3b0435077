// AstriaClient against the real sandbox server over HTTP: every call, paging, headers, error mapping.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { AstriaClient } from '../../src/api/astria/client';
import { promptState, tuneState } from '../../src/api/astria/state';
import type { Tune } from '../../src/api/astria/types';
import { createHttp, type ResponseEvent } from '../../src/api/http';
import { rejectsWith } from './support';

let sandbox: Sandbox;
let client: AstriaClient;
const events: ResponseEvent[] = [];

before(async () => {
  sandbox = await startSandbox({ quiet: true, speed: 1000 });
  client = new AstriaClient({ baseUrl: sandbox.url, getKey: async () => sandbox.astriaKey, onResponse: (event) => events.push(event), retry: { baseDelayMs: 1 } });
});

after(async () => {
  await sandbox.close();
});

async function allTunes(): Promise<Tune[]> {
  const tunes: Tune[] = [];
  for await (const page of client.pagesOfTunes()) tunes.push(...page);
  return tunes;
}

async function tuneTitled(title: string): Promise<Tune> {
  const found = (await allTunes()).find((tune) => tune.title === title);
  assert.ok(found, `demo tune "${title}" exists`);
  return found;
}

function unique(label: string): string {
  return `${label} ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}


describe('tunes', () => {
  it('listTunes returns one page of 20, newest first, with the auth header', async () => {
    sandbox.clearRequests();
    const page = await client.listTunes();
    assert.equal(page.length, 20);
    assert.ok(page.every((tune, index) => index === 0 || tune.id < page[index - 1].id));
    const request = sandbox.requests.at(-1);
    assert.equal(request?.headers.authorization, `Bearer ${sandbox.astriaKey}`);
    assert.equal(request?.headers['x-workspace-id'], undefined);
  });

  it('listTunes honours limit and beforeId', async () => {
    const first = await client.listTunes({ limit: 5 });
    const next = await client.listTunes({ limit: 5, beforeId: first[4].id });
    assert.equal(first.length, 5);
    assert.ok(next.every((tune) => tune.id < first[4].id));
    assert.equal(sandbox.requests.at(-1)?.query.before_id, String(first[4].id));
  });

  it('pagesOfTunes walks all 45 demo tunes in three pages of 20, 20, 5', async () => {
    sandbox.clearRequests();
    const sizes: number[] = [];
    const ids = new Set<number>();
    for await (const page of client.pagesOfTunes()) {
      sizes.push(page.length);
      for (const tune of page) ids.add(tune.id);
    }
    assert.deepEqual(sizes, [20, 20, 5]);
    assert.equal(ids.size, 45);
    const cursors = sandbox.requests.filter((r) => r.path === '/tunes').map((r) => r.query.before_id);
    assert.equal(cursors.length, 3);
    assert.equal(cursors[0], undefined);
  });

  it('pagesOfTunes stops after an exactly full last page with one empty fetch', async () => {
    const sizes: number[] = [];
    for await (const page of client.pagesOfTunes({ limit: 15 })) sizes.push(page.length);
    assert.deepEqual(sizes, [15, 15, 15]);
  });

  it('listTunes filters by title', async () => {
    const found = await client.listTunes({ title: 'Priya Sharma' });
    assert.ok(found.length >= 1);
    assert.ok(found.every((tune) => tune.title.includes('Priya Sharma')));
  });

  it('getTune returns one tune with normalised arrays and derivable state', async () => {
    const [newest] = await client.listTunes({ limit: 1 });
    const tune = await client.getTune(newest.id);
    assert.equal(tune.id, newest.id);
    assert.ok(Array.isArray(tune.orig_images));
    assert.ok(Array.isArray(tune.ckpt_urls));
    assert.ok(['pending', 'training', 'trained', 'expired', 'failed'].includes(tuneState(tune)));
  });

  it('demo data covers every tune state', async () => {
    const states = new Set((await allTunes()).map((tune) => tuneState(tune)));
    for (const state of ['trained', 'expired', 'failed'] as const) assert.ok(states.has(state), state);
  });

  it('getTune of an unknown id is not_found', async () => {
    const error = await rejectsWith(client.getTune(1), 'not_found');
    assert.equal(error.status, 404);
    assert.match(error.message, /Astria could not find \/tunes\/1/);
  });

  it('createTune (JSON, image URLs) creates and trains; same title returns the same tune', async () => {
    const title = unique('JSON tune');
    const params = { title, name: 'man', branch: 'fast' as const, image_urls: ['https://example.com/1.jpg'], characteristics: { eye_color: 'blue' } };
    const created = await client.createTune(params);
    assert.equal(created.title, title);
    assert.deepEqual(created.characteristics, { eye_color: 'blue' });
    const again = await client.createTune(params);
    assert.equal(again.id, created.id);
    const request = sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/tunes').at(-1);
    assert.match(String(request?.headers['content-type']), /application\/json/);
  });

  it('createTune without images shows the server words and keeps the fields map', async () => {
    const error = await rejectsWith(client.createTune({ title: unique('No images'), name: 'man' }), 'validation');
    assert.equal(error.status, 422);
    assert.equal(error.message, 'images must contain at least one image');
    assert.deepEqual(error.fields, { images: ['must contain at least one image'] });
  });

  it('updateTune PATCHes {tune: {...}} and deleteTune removes it', async () => {
    const created = await client.createTune({ title: unique('Editable'), name: 'woman', image_urls: ['https://example.com/a.jpg'] });
    const renamed = await client.updateTune(created.id, { title: `${created.title} (renamed)`, auto_extend: true });
    assert.equal(renamed.title, `${created.title} (renamed)`);
    assert.equal(renamed.auto_extend, true);
    await client.deleteTune(created.id);
    await rejectsWith(client.getTune(created.id), 'not_found');
  });
});

describe('prompts', () => {
  let trained: Tune;

  before(async () => {
    trained = await tuneTitled('Priya Sharma — headshots');
  });

  it('listPrompts returns one page of a tune\'s prompts', async () => {
    const page = await client.listPrompts(trained.id);
    assert.equal(page.length, 20);
    assert.ok(page.every((prompt) => prompt.tune_id === trained.id && Array.isArray(prompt.images)));
  });

  it('pagesOfPrompts follows before_id across all of a tune\'s prompts', async () => {
    const everything = await client.listPrompts(trained.id, { limit: 120 });
    assert.ok(everything.length > 20 && everything.length < 40, `${everything.length} demo prompts`);
    const sizes: number[] = [];
    const ids: number[] = [];
    for await (const page of client.pagesOfPrompts(trained.id)) {
      sizes.push(page.length);
      ids.push(...page.map((prompt) => prompt.id));
    }
    assert.deepEqual(sizes, [20, everything.length - 20]);
    assert.deepEqual(ids, everything.map((prompt) => prompt.id));
  });

  it('listAllPrompts and pagesOfPrompts(undefined) cover every tune, with a text filter', async () => {
    const firstPage = await client.listAllPrompts({ limit: 10 });
    assert.equal(firstPage.length, 10);
    assert.ok(new Set(firstPage.map((prompt) => prompt.tune_id)).size >= 1);
    let total = 0;
    let pages = 0;
    for await (const page of client.pagesOfPrompts(undefined, { limit: 50 })) {
      total += page.length;
      pages++;
    }
    assert.ok(pages >= 2 && total > 50, `${pages} pages, ${total} prompts`);
    const filtered = await client.listAllPrompts({ text: 'café' });
    assert.ok(filtered.length > 0);
    assert.ok(filtered.every((prompt) => prompt.text.toLowerCase().includes('café')));
    assert.equal(sandbox.requests.at(-1)?.query.text, 'café');
  });

  it('createPrompt (JSON) queues generation, getPrompt follows it to done', async () => {
    const created = await client.createPrompt(trained.id, { text: 'ohwx woman <lora:1:0.8> at the beach', num_images: 2, cfg_scale: 3 });
    assert.equal(created.tune_id, trained.id);
    assert.equal(created.text, 'ohwx woman <lora:1:0.8> at the beach');
    assert.equal(typeof created.cfg_scale, 'number');
    assert.notEqual(promptState(created), 'failed');
    let latest = created;
    for (let i = 0; i < 100 && promptState(latest) !== 'done'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      latest = await client.getPrompt(trained.id, created.id);
    }
    assert.equal(promptState(latest), 'done');
    assert.equal(latest.images.length, 2);
  });

  it('createPrompt validation errors carry the server words', async () => {
    const error = await rejectsWith(client.createPrompt(trained.id, { text: 'x', num_images: 99 }), 'validation');
    assert.equal(error.message, 'num_images must be between 1 and 8');
  });

  it('duplicatePrompt copies with overrides; like/unlike toggle; deletePrompt removes', async () => {
    const [source] = await client.listPrompts(trained.id, { limit: 1 });
    const copy = await client.duplicatePrompt(source.id, { num_images: 1 });
    assert.notEqual(copy.id, source.id);
    assert.equal(copy.text, source.text);
    assert.equal(copy.num_images, 1);

    await client.likePrompt(copy.id);
    assert.equal((await client.getPrompt(trained.id, copy.id)).liked, true);
    await client.unlikePrompt(copy.id);
    assert.equal((await client.getPrompt(trained.id, copy.id)).liked, false);

    await client.deletePrompt(trained.id, copy.id);
    await rejectsWith(client.getPrompt(trained.id, copy.id), 'not_found');
  });

  it('duplicatePrompt without overrides sends no body', async () => {
    const [source] = await client.listPrompts(trained.id, { limit: 1 });
    const copy = await client.duplicatePrompt(source.id);
    assert.equal(copy.text, source.text);
    await client.deletePrompt(trained.id, copy.id);
  });
});

describe('packs', () => {
  it('listPacks, listGalleryPacks and getPack', async () => {
    const own = await client.listPacks();
    const gallery = await client.listGalleryPacks();
    assert.ok(own.length >= 1);
    assert.ok(gallery.length >= own.length);
    const detail = await client.getPack(own[0].id);
    assert.equal(detail.id, own[0].id);
    assert.equal(typeof detail.prompts_per_class, 'object');
    assert.equal(sandbox.requests.at(-1)?.path, `/p/${own[0].id}`);
  });

  it('createTuneFromPack creates a tune and queues the pack prompts', async () => {
    const [pack] = await client.listPacks();
    const detail = await client.getPack(pack.id);
    const className = Object.keys(detail.prompts_per_class ?? {})[0];
    const tune = await client.createTuneFromPack(pack.id, { title: unique('From pack'), name: className, image_urls: ['https://example.com/p.jpg'] });
    assert.equal(tune.name, className);
    const prompts = await client.listPrompts(tune.id);
    assert.equal(prompts.length, detail.prompts_per_class?.[className]?.length);
    assert.equal(sandbox.requests.filter((r) => r.method === 'POST').at(-1)?.path, `/p/${pack.id}/tunes`);
  });
});

describe('headers, workspace, logging and auth', () => {
  it('sends X-Workspace-Id and sees the workspace\'s tunes', async () => {
    const workspace = new AstriaClient({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey, workspaceId: 'ws_demo' });
    const titles: string[] = [];
    for await (const page of workspace.pagesOfTunes()) titles.push(...page.map((tune) => tune.title));
    assert.equal(sandbox.requests.at(-1)?.headers['x-workspace-id'], 'ws_demo');
    assert.ok(titles.includes('Team mascot (workspace)'));
    assert.ok(!(await allTunes()).some((tune) => tune.title === 'Team mascot (workspace)'));
  });

  it('accepts an Http built elsewhere (shared logging)', async () => {
    const http = createHttp({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey, provider: 'Astria' });
    const page = await new AstriaClient(http).listTunes({ limit: 2 });
    assert.equal(page.length, 2);
  });

  it('onResponse reports method, path without query, status and duration', async () => {
    events.length = 0;
    await client.listTunes({ limit: 3, title: 'secret-ish title' });
    const [event] = events;
    assert.equal(event.method, 'GET');
    assert.equal(event.path, '/tunes');
    assert.equal(event.status, 200);
    assert.equal(event.attempt, 1);
    assert.ok(event.durationMs >= 0);
    assert.ok(!JSON.stringify(events).includes(sandbox.astriaKey));
  });

  it('a wrong key is an auth error naming the command, never the key', async () => {
    const wrongKey = 'sd_wrong_key_abcdef123456';
    const bad = new AstriaClient({ baseUrl: sandbox.url, getKey: () => wrongKey });
    const error = await rejectsWith(bad.listTunes(), 'auth');
    assert.equal(error.status, 401);
    assert.equal(error.message, 'Astria rejected the API key. Set a new key with “Tune Studio: Set Astria API Key”.');
    assert.ok(!JSON.stringify({ message: error.message, stack: error.stack, cause: String(error.cause) }).includes(wrongKey));
  });

  it('a missing key fails before any request is sent', async () => {
    sandbox.clearRequests();
    const keyless = new AstriaClient({ baseUrl: sandbox.url, getKey: async () => undefined });
    const error = await rejectsWith(keyless.listTunes(), 'auth');
    assert.match(error.message, /No Astria API key is set/);
    assert.equal(sandbox.requests.length, 0);
  });
});

// The same reading code against a server with every convenience (rich) and one that does only what
// Astria's public docs promise (documented: offset paging, 20 per page, no title filter, no extra fields).
for (const profile of ['rich', 'documented'] as const) {
  describe(`paging and search whatever the server supports (${profile} profile)`, () => {
    let server: Sandbox;
    let api: AstriaClient;
    before(async () => {
      server = await startSandbox({ quiet: true, speed: 1000, profile });
      api = new AstriaClient({ baseUrl: server.url, getKey: () => server.astriaKey, retry: { baseDelayMs: 1 } });
    });
    after(() => server.close());

    const listed = profile === 'rich' ? 45 : 40; // documented: base tunes are not the user's own

    it('a tune pager with page size 50 reaches every tune exactly once, then stops', async () => {
      const pager = api.tunePager({ limit: 50 });
      const ids: number[] = [];
      for (let guard = 0; pager.hasMore && guard < 10; guard++) ids.push(...(await pager.next()).items.map((tune) => tune.id));
      assert.equal(ids.length, listed);
      assert.equal(new Set(ids).size, listed);
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
      const requests = server.requests.filter((r) => r.path === '/tunes').length;
      assert.ok(requests <= 6, `${requests} requests`);
    });

    it('pagesOfTunes (limit 15) walks every tune exactly once', async () => {
      const ids: number[] = [];
      for await (const page of api.pagesOfTunes({ limit: 15 })) ids.push(...page.map((tune) => tune.id));
      assert.equal(new Set(ids).size, listed);
      assert.equal(ids.length, listed);
    });

    it('pagesOfPrompts walks all of a tune’s 35+ prompts exactly once', async () => {
      const priya = (await api.searchTunes('Priya Sharma'))[0];
      assert.ok(priya, 'Priya is found');
      const ids: number[] = [];
      for await (const page of api.pagesOfPrompts(priya.id, { limit: 50 })) ids.push(...page.map((prompt) => prompt.id));
      assert.ok(ids.length >= 35, `${ids.length} prompts`);
      assert.equal(new Set(ids).size, ids.length);
    });

    it('searchTunes finds the oldest tune (page 2+), filtering on the server only when it honours title', async () => {
      const all: Tune[] = [];
      for await (const page of api.pagesOfTunes()) all.push(...page);
      const oldest = all.filter((tune) => tune.name !== null).at(-1)!;
      const notes: { searched: number; serverFiltered: boolean }[] = [];
      const found = await api.searchTunes(oldest.title.slice(0, 12).toUpperCase(), { onProgress: (p) => notes.push(p) });
      assert.ok(found.some((tune) => tune.id === oldest.id), `“${oldest.title}” found`);
      assert.equal(notes.at(-1)?.serverFiltered, profile === 'rich');
      if (profile === 'documented') assert.ok(notes.at(-1)!.searched >= 21, 'scanned past the first page');
    });

    it('searchTunes stops at once when aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(api.searchTunes('nothing like this', { signal: controller.signal }));
    });

    it('findTuneByTitle matches the exact title only', async () => {
      const [newest] = await api.listTunes();
      assert.equal((await api.findTuneByTitle(newest.title))?.id, newest.id);
      assert.equal(await api.findTuneByTitle(`${newest.title} (not this)`), undefined);
    });

    it(profile === 'rich' ? 'undocumented fields are sent' : 'undocumented fields are absent, and the types allow it', async () => {
      const [tune] = await api.listTunes();
      const [prompt] = await api.listAllPrompts();
      for (const field of ['auto_extend', 'preset', 'user_error'] as const) assert.equal(field in tune, profile === 'rich', field);
      for (const field of ['liked', 'prompt_likes_count', 'user_error'] as const) assert.equal(field in prompt, profile === 'rich', field);
    });

    it('a tune 422 shows the server’s words', async () => {
      const error = await rejectsWith(api.createTune({ title: unique('Bad'), name: 'man' }), 'validation');
      assert.match(error.message, /images must contain at least one image/);
    });
  });
}

// Search when every tune's title matches: a full page of matches proves nothing about the `title` filter.
// 45 tunes "Tune 1" … "Tune 45" and nothing else (no demo data), on both profiles.
for (const profile of ['rich', 'documented'] as const) {
  describe(`searchTunes over 45 tunes that all match (${profile} profile)`, () => {
    let server: Sandbox;
    let api: AstriaClient;
    before(async () => {
      server = await startSandbox({ quiet: true, speed: 1000, profile, seed: 'empty' });
      server.seedTunes(45, 'Tune');
      api = new AstriaClient({ baseUrl: server.url, getKey: () => server.astriaKey, retry: { baseDelayMs: 1 } });
    });
    after(() => server.close());

    const tuneRequests = () => server.requests.filter((r) => r.path === '/tunes').map((r) => r.query);
    const titles = (tunes: Tune[]) => tunes.map((tune) => tune.title).sort();
    const expected = Array.from({ length: 45 }, (_, n) => `Tune ${n + 1}`).sort();

    it('finds all 45, asking for page 1 once', async () => {
      server.clearRequests();
      const notes: { searched: number; serverFiltered: boolean }[] = [];
      const found = await api.searchTunes('tune', { onProgress: (p) => notes.push(p) });
      assert.deepEqual(titles(found), expected);
      const requests = tuneRequests();
      assert.ok(requests.every((q) => q.title === 'tune'), 'every page asks the same query (title kept)');
      assert.equal(requests.filter((q) => q.before_id === undefined && q.offset === undefined).length, 1, 'page 1 once');
      if (profile === 'rich') {
        // The server filters and honours limit 50: 45 < 50 is the whole answer, one request.
        assert.deepEqual(requests, [{ title: 'tune', limit: '50' }]);
        assert.deepEqual(notes, [{ searched: 45, serverFiltered: true }]);
      } else {
        // 20 titles that all match prove nothing: page 1 is reused, one keyset probe (ignored), then offset.
        assert.deepEqual(requests.map(({ before_id, offset }) => ({ before_id, offset })), [
          { before_id: undefined, offset: undefined },
          { before_id: String(found[19].id), offset: undefined },
          { before_id: undefined, offset: '20' },
          { before_id: undefined, offset: '40' },
        ]);
        assert.deepEqual(notes.at(-1), { searched: 45, serverFiltered: false });
      }
    });

    it('a second search asks no page twice (the paging strategy is remembered)', async () => {
      server.clearRequests();
      const found = await api.searchTunes('Tune');
      assert.equal(found.length, 45);
      const requests = tuneRequests().map(({ before_id, offset }) => `${before_id ?? '-'}/${offset ?? '-'}`);
      assert.equal(new Set(requests).size, requests.length, `no request twice: ${requests.join(', ')}`);
      assert.equal(requests.length, profile === 'rich' ? 1 : 3);
    });

    it('a narrower query finds exactly its matches ("Tune 1": 1 and 10–19)', async () => {
      const found = await api.searchTunes('Tune 1');
      assert.deepEqual(titles(found), ['Tune 1', ...Array.from({ length: 10 }, (_, n) => `Tune 1${n}`)].sort());
    });

    it('a small page size still finds all 45', async () => {
      assert.equal((await api.searchTunes('tune', { limit: 15 })).length, 45);
    });
  });
}

describe('a server that ignores every paging parameter', () => {
  let server: Sandbox;
  let api: AstriaClient;
  before(async () => {
    server = await startSandbox({ quiet: true, speed: 1000, ignorePaging: true });
    api = new AstriaClient({ baseUrl: server.url, getKey: () => server.astriaKey, retry: { baseDelayMs: 1 } });
  });
  after(() => server.close());

  it('the tune pager lists the first page once, stops, and says the list may be incomplete', async () => {
    const pager = api.tunePager({ limit: 50 });
    const ids: number[] = [];
    for (let guard = 0; pager.hasMore && guard < 10; guard++) ids.push(...(await pager.next()).items.map((tune) => tune.id));
    assert.equal(ids.length, 20);
    assert.equal(new Set(ids).size, 20);
    assert.equal(pager.incomplete, true);
    assert.ok(server.requests.filter((r) => r.path === '/tunes').length <= 3, 'no loop');
  });

  it('searchTunes still reaches a tune beyond the first page through the title filter', async () => {
    server.setIgnorePaging(false);
    const all: Tune[] = [];
    for await (const page of api.pagesOfTunes()) all.push(...page);
    server.setIgnorePaging(true);
    const oldest = all.filter((tune) => tune.name !== null).at(-1)!;
    assert.ok(!(await api.listTunes()).some((tune) => tune.id === oldest.id), 'not on the only page the server lists');
    const found = await api.searchTunes(oldest.title);
    assert.ok(found.some((tune) => tune.id === oldest.id), `“${oldest.title}” found`);
  });
});
