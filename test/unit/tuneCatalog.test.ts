// src/domain/tuneCatalog.ts against the sandbox: a tune named by id or title in a prompt file or a tool is
// found (exact title first, else any case), says why it cannot generate, is asked for once and kept current
// by the change stream; a failed lookup is asked again (a connection problem after a while, at once when it
// was a request that failed). editorTune: what the prompt editor shows is bounded and never blank.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { abortableSleep } from '../../src/api/abort';
import { AstriaClient } from '../../src/api/astria/client';
import type { Tune } from '../../src/api/astria/types';
import { Changes } from '../../src/domain/changes';
import { editorTune, TuneCatalog } from '../../src/domain/tuneCatalog';

let sandbox: Sandbox;
let changes: Changes;
const GEMINI_BASE = 3000001;

function client(): AstriaClient {
  return new AstriaClient({
    baseUrl: sandbox.url,
    getKey: () => sandbox.astriaKey,
    timeoutMs: 1500,
    retry: { baseDelayMs: 5, sleep: (ms, signal) => abortableSleep(Math.min(ms, 5), signal) },
  });
}

function catalog(retryFailedMs?: number): TuneCatalog {
  changes = new Changes((error) => assert.fail(String(error)));
  return new TuneCatalog({ client, changes, retryFailedMs });
}

/** GET requests for this path (a tune read) or, with `search`, tune list/search requests. */
function gets(path: string): number {
  return sandbox.requests.filter((r) => r.origin === 'api' && r.method === 'GET' && r.path === path).length;
}

async function tuneTitled(title: string): Promise<Tune> {
  for await (const page of client().pagesOfTunes()) {
    const found = page.find((t) => t.title === title);
    if (found) return found;
  }
  throw new Error(`no tune ${title}`);
}

before(async () => {
  sandbox = await startSandbox({ quiet: true, speed: 1000, hostileDemo: true });
  // Two tunes whose titles differ only in case: the older lower-case one, then the newer upper-case one.
  sandbox.seedTunes(1, 'casefold');
  sandbox.seedTunes(1, 'CASEFOLD');
});
afterEach(async () => {
  await fetch(`${sandbox.url}/__admin/faults`, { method: 'DELETE' });
  sandbox.clearRequests();
});
after(() => sandbox.close());

describe('TuneCatalog.lookup (prompt files, agent tools)', () => {
  it('finds a trained tune by its exact title, with its editor offer and no problem', async () => {
    const priya = await tuneTitled('Priya Sharma — headshots');
    const found = await catalog().lookup('Priya Sharma — headshots');
    assert.equal(found.tune?.id, priya.id);
    assert.equal(found.editor?.title, 'Priya Sharma — headshots');
    assert.equal(found.problem, undefined);
    assert.equal(found.transient, undefined);
  });

  it('prefers the tune with exactly that title over one differing only in case, and falls back to any case', async () => {
    const lower = await tuneTitled('casefold 1');
    const upper = await tuneTitled('CASEFOLD 1');
    const tunes = catalog();
    assert.equal((await tunes.lookup('casefold 1')).tune?.id, lower.id);
    assert.equal((await tunes.lookup('CASEFOLD 1')).tune?.id, upper.id);
    const priya = await tuneTitled('Priya Sharma — headshots');
    const anyCase = await tunes.lookup('PRIYA sharma — HEADSHOTS');
    assert.equal(anyCase.tune?.id, priya.id);
    assert.equal(anyCase.problem, undefined);
    // The search finds both "casefold 1" tunes for "casefold", but neither is titled that: no guess.
    const partial = await tunes.lookup('casefold');
    assert.equal(partial.tune, undefined);
    assert.equal(partial.problem, 'No tune is titled “casefold” on this Astria account: write its exact title or its id.');
  });

  it('keeps lookups of different ids and titles apart', async () => {
    const priya = await tuneTitled('Priya Sharma — headshots');
    const marco = await tuneTitled('Marco Rossi');
    const tunes = catalog();
    assert.equal((await tunes.lookup(priya.id)).tune?.title, 'Priya Sharma — headshots');
    assert.equal((await tunes.lookup(marco.id)).tune?.title, 'Marco Rossi');
    assert.equal((await tunes.lookup('Priya Sharma — headshots')).tune?.id, priya.id);
    assert.equal((await tunes.lookup('Marco Rossi')).tune?.id, marco.id);
  });

  it('says no tune has that title and how to name one instead', async () => {
    const found = await catalog().lookup('Nobody has this title 7f3a');
    assert.deepEqual(found, { problem: 'No tune is titled “Nobody has this title 7f3a” on this Astria account: write its exact title or its id.' });
  });

  it('says there is no tune with that id, as a lasting (not connection) problem', async () => {
    const found = await catalog().lookup(987654321);
    assert.deepEqual(found, { problem: 'There is no tune 987654321 on this Astria account.' });
  });

  it('returns a tune that cannot generate with the reason, naming its state', async () => {
    const failed = await tuneTitled('Failed: blurry selfies');
    const found = await catalog().lookup(failed.id);
    assert.equal(found.tune?.id, failed.id);
    assert.equal(found.editor?.id, failed.id);
    assert.equal(found.problem, `Tune ${failed.id} “Failed: blurry selfies” is failed: only a trained tune can generate images.`);
  });

  it('reports a connection failure as transient, keeps it briefly, then asks again', async () => {
    const priya = await tuneTitled('Priya Sharma — headshots');
    sandbox.addFault({ match: `/tunes/${priya.id}`, method: 'GET', kind: 'status401', origin: 'api' });
    const tunes = catalog(150);
    const first = await tunes.lookup(priya.id);
    assert.equal(first.transient, true);
    assert.match(first.problem ?? '', /^The tune could not be looked up: \S/);
    assert.equal(first.tune, undefined);
    assert.deepEqual(await tunes.lookup(priya.id), first, 'kept for a while: no request storm');
    assert.equal(gets(`/tunes/${priya.id}`), 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const again = await tunes.lookup(priya.id);
    assert.equal(again.problem, undefined);
    assert.equal(again.tune?.id, priya.id);
    assert.equal(gets(`/tunes/${priya.id}`), 2);
  });

  it('keeps a lasting answer, and an answer that replaced an expired failure, past the retry delay', async () => {
    const title = 'Priya Sharma — headshots';
    sandbox.addFault({ match: '^/tunes\\?', method: 'GET', kind: 'status401', origin: 'api' });
    const tunes = catalog(150);
    assert.equal((await tunes.lookup(title)).transient, true);
    tunes.forget(title);
    assert.equal((await tunes.lookup(title)).problem, undefined);
    assert.deepEqual(await tunes.lookup(987654321), { problem: 'There is no tune 987654321 on this Astria account.' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    sandbox.clearRequests();
    assert.equal((await tunes.lookup(title)).tune?.title, title);
    await tunes.lookup(987654321);
    assert.equal(sandbox.requests.length, 0, 'neither was asked again');
  });

  it('forgets a tune by id or by title so the next lookup asks the server again', async () => {
    const priya = await tuneTitled('Priya Sharma — headshots');
    const tunes = catalog();
    await tunes.lookup(priya.id);
    await tunes.lookup('Marco Rossi');
    sandbox.clearRequests();
    await tunes.lookup(priya.id);
    await tunes.lookup('Marco Rossi');
    assert.equal(sandbox.requests.length, 0, 'both cached');
    tunes.forget(priya.id);
    await tunes.lookup(priya.id);
    assert.equal(gets(`/tunes/${priya.id}`), 1);
    tunes.forget('Marco Rossi');
    await tunes.lookup('Marco Rossi');
    assert.equal(gets('/tunes'), 1);
  });
});

describe('TuneCatalog.get (prompt editor, hovers)', () => {
  it('reads a tune once, reads a shared base tune once, and reads again after clear()', async () => {
    const dress = await tuneTitled('Brown dress');
    const boots = await tuneTitled('Leather boots');
    const tunes = catalog();
    const first = await tunes.get(dress.id);
    await tunes.get(dress.id);
    await tunes.get(boots.id);
    assert.equal(gets(`/tunes/${dress.id}`), 1);
    assert.equal(gets(`/tunes/${GEMINI_BASE}`), 1, 'the Gemini base tune is read once for both');
    assert.equal(first.base?.id, GEMINI_BASE);
    assert.equal(first.editor.baseTune?.title, 'Gemini (Nano Banana)');
    tunes.clear();
    await tunes.get(dress.id);
    assert.equal(gets(`/tunes/${dress.id}`), 2);
    assert.equal(gets(`/tunes/${GEMINI_BASE}`), 2);
  });

  it('does not read a well-known base tune, but reads an unknown one even when the title tells the family', async () => {
    const priya = await tuneTitled('Priya Sharma — headshots');
    const dress = await tuneTitled('Brown dress');
    const tunes = catalog();
    const flux = await tunes.get(priya.id);
    assert.equal(flux.base, undefined);
    assert.equal(flux.editor.baseTune?.title, 'Flux1.dev');
    assert.equal(sandbox.requests.filter((r) => r.path === '/tunes/1504944').length, 0);
    const titled = await tunes.get(dress.id, { ...dress, title: 'Gemini-style dress shots' });
    assert.equal(titled.base?.id, GEMINI_BASE);
    assert.equal(titled.editor.baseTune?.title, 'Gemini (Nano Banana)');
  });

  it('does not keep a failed read: the next caller reads again', async () => {
    const marco = await tuneTitled('Marco Rossi');
    sandbox.addFault({ match: `/tunes/${marco.id}`, method: 'GET', kind: 'status401', origin: 'api' });
    const tunes = catalog();
    await assert.rejects(tunes.get(marco.id));
    assert.equal((await tunes.get(marco.id)).tune.title, 'Marco Rossi');
  });

  it('keeps a fresh copy published while a read was failing', async () => {
    const marco = await tuneTitled('Marco Rossi');
    sandbox.addFault({ match: `/tunes/${marco.id}`, method: 'GET', kind: 'status401', origin: 'api' });
    const tunes = catalog();
    const failing = tunes.get(marco.id);
    changes.publish({ kind: 'tuneFinished', tune: { ...marco, title: 'Marco Rossi (fresh)' } });
    await assert.rejects(failing);
    assert.equal((await tunes.get(marco.id)).tune.title, 'Marco Rossi (fresh)');
    assert.equal(gets(`/tunes/${marco.id}`), 1, 'the fresh copy is used, not read again');
  });
});

describe('TuneCatalog and the change stream', () => {
  for (const kind of ['tuneCreated', 'tuneProgressed', 'tuneFinished'] as const) {
    it(`a ${kind} change replaces the cached tune and its lookup without a request`, async () => {
      const priya = await tuneTitled('Priya Sharma — headshots');
      const tunes = catalog();
      await tunes.get(priya.id);
      assert.equal((await tunes.lookup(priya.id)).problem, undefined);
      sandbox.clearRequests();
      const training = { ...priya, title: 'Priya retrained', trained_at: null, started_training_at: new Date().toISOString() };
      changes.publish({ kind, tune: training });
      assert.equal((await tunes.get(priya.id)).editor.title, 'Priya retrained');
      assert.equal((await tunes.get(priya.id)).tune.trained_at, null);
      assert.equal((await tunes.lookup(priya.id)).problem, `Tune ${priya.id} “Priya retrained” is training: only a trained tune can generate images.`);
      assert.equal(sandbox.requests.length, 0);
    });
  }

  it('a tuneDeleted change forgets the tune, so it is read again', async () => {
    const priya = await tuneTitled('Priya Sharma — headshots');
    const tunes = catalog();
    await tunes.lookup(priya.id);
    changes.publish({ kind: 'tuneDeleted', tuneId: priya.id });
    await tunes.lookup(priya.id);
    await tunes.get(priya.id);
    assert.equal(gets(`/tunes/${priya.id}`), 2);
  });

  it('a change about a tune never asked for is ignored', async () => {
    const priya = await tuneTitled('Priya Sharma — headshots');
    const tunes = catalog();
    changes.publish({ kind: 'tuneFinished', tune: { ...priya, title: 'Not cached' } });
    assert.equal((await tunes.get(priya.id)).tune.title, 'Priya Sharma — headshots');
  });
});

describe('editorTune (what the prompt editor shows)', () => {
  function tune(overrides: Partial<Tune> = {}): Tune {
    return { id: 42, title: 'Priya', name: 'woman', token: 'ohwx', branch: 'flux1', model_type: 'lora', base_tune_id: 1504944, ...overrides } as Tune;
  }

  it('never shows a blank or unbounded title', () => {
    assert.equal(editorTune(tune({ title: '' })).title, 'Tune 42');
    assert.equal(editorTune(tune({ title: null as unknown as string })).title, 'Tune 42');
    assert.equal(editorTune(tune({ title: 'x'.repeat(600) })).title.length, 500);
  });

  it('shows no class name or token when empty, and bounds them', () => {
    const empty = editorTune(tune({ name: '', token: '' }));
    assert.equal(empty.className, null);
    assert.equal(empty.token, null);
    const long = editorTune(tune({ name: 'n'.repeat(150), token: 't'.repeat(150) }));
    assert.equal(long.className?.length, 100);
    assert.equal(long.token?.length, 100);
  });

  it('bounds characteristics: at most 50, each value at most 500 characters', () => {
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i === 0 ? 'v'.repeat(600) : 'v']));
    const info = editorTune(tune({ characteristics: many }));
    assert.equal(Object.keys(info.characteristics).length, 50);
    assert.equal(info.characteristics.k0?.length, 500);
  });

  it('names an unknown base tune by id, and bounds a long base title', () => {
    assert.deepEqual(editorTune(tune({ base_tune_id: 424242 })).baseTune, { id: 424242, title: 'Tune 424242' });
    const base = tune({ id: 424242, title: 'b'.repeat(600), base_tune_id: null });
    assert.equal(editorTune(tune({ base_tune_id: 424242 }), base).baseTune?.title.length, 500);
  });
});
