// src/jobs/sweeps.ts with real parts: the real Generation and AstriaClient creating prompts in the sandbox over
// HTTP, the real change stream, and a workspace state that keeps JSON as VS Code's does (what is read back is
// what survives a reload). Guarded: what a sweep remembers and for how many sweeps, each cell's prompt created
// once (never twice, also after failures and Run missing), the words a failed cell keeps, the events a compare
// panel draws from (cell activity, whole-sweep changes), cancel, and the settings' limits.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { AstriaClient } from '../../src/api/astria/client';
import type { Prompt, PromptCreateParams } from '../../src/api/astria/types';
import { Changes } from '../../src/domain/changes';
import { Generation } from '../../src/domain/generation';
import { defaultDraft } from '../../src/shared/prompt/draft';
import { DEFAULT_MAX_PROMPTS, DEFAULT_SWEEP_CONCURRENCY, MAX_PROMPTS_LIMIT, sweepCellKey, type SweepAxis } from '../../src/shared/sweep';
import {
  MAX_REMEMBERED_SWEEPS,
  MAX_SWEEP_CONCURRENCY,
  SWEEPS_STORAGE_KEY,
  SweepStore,
  recoveredMessage,
  sweepSettingsFrom,
  type CellActivity,
  type SweepMemory,
  type SweepRunCell,
} from '../../src/jobs/sweeps';

let sandbox: Sandbox;
let tune: { id: number; title: string };
const stores: SweepStore[] = [];

/** workspaceState as VS Code keeps it: JSON, so nothing read back shares objects with what was written. */
class JsonMemory implements SweepMemory {
  readonly values = new Map<string, string>();
  writes = 0;
  get(key: string): unknown {
    const json = this.values.get(key);
    return json === undefined ? undefined : JSON.parse(json);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.writes++;
    this.values.set(key, JSON.stringify(value));
  }
}

function client(): AstriaClient {
  return new AstriaClient({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey, retries: 0, timeoutMs: 5_000 });
}

interface Harness {
  store: SweepStore;
  memory: JsonMemory;
  changes: Changes;
  logged: string[];
  informed: string[];
  events: { sweepId: string; index: number | null }[];
}

function harness(memory = new JsonMemory()): Harness {
  const changes = new Changes((error) => assert.fail(String(error)));
  const generation = new Generation({ client, changes, lookAgainMs: [30, 30] });
  const logged: string[] = [];
  const log = { info: (m: string) => void logged.push(`info: ${m}`), warn: (m: string) => void logged.push(`warn: ${m}`), error: (m: string) => void logged.push(`error: ${m}`) };
  const informed: string[] = [];
  const store = new SweepStore({ generation, changes, log }, memory, (message) => void informed.push(message));
  stores.push(store);
  const events: Harness['events'] = [];
  store.onDidChange((event) => void events.push(event));
  return { store, memory, changes, logged, informed, events };
}

let counter = 0;

/** A seed axis with one value per cell (a remembered sweep has as many cells as its grid). */
function axesFor(params: readonly PromptCreateParams[]): SweepAxis[] {
  return [{ kind: 'seed', values: params.map((p) => String(p.seed)) }];
}

function create(store: SweepStore, params: PromptCreateParams[], on: { id: number; title: string } = tune) {
  return store.create(on, defaultDraft(), axesFor(params), params);
}

function cells(n: number, label = 'sweep'): PromptCreateParams[] {
  const run = ++counter;
  return Array.from({ length: n }, (_, i) => ({ text: `${label} ${run} cell ${i}`, seed: i + 1, num_images: 1 }));
}

function runCells(params: PromptCreateParams[]): SweepRunCell[] {
  return params.map((p, index) => ({ index, params: p }));
}

function posts(): number {
  return sandbox.requests.filter((r) => r.origin === 'api' && r.method === 'POST' && r.path === `/tunes/${tune.id}/prompts`).length;
}

async function promptsOnServer(text: string): Promise<Prompt[]> {
  const found: Prompt[] = [];
  for await (const page of client().pagesOfPrompts(tune.id)) found.push(...page.filter((p) => p.text === text));
  return found;
}

before(async () => {
  sandbox = await startSandbox({ quiet: true, speed: 0.01, hostileDemo: true });
  const found = (await client().listTunes({ title: 'Priya Sharma' }))[0]!;
  tune = { id: found.id, title: found.title };
});
afterEach(() => {
  for (const store of stores.splice(0)) store.dispose();
  sandbox.reset();
});
after(() => sandbox.close());

describe('SweepStore: what it remembers', () => {
  it('create() remembers the sweep with every cell missing, newest first, and says so (index null)', async () => {
    const h = harness();
    const first = await create(h.store, cells(3));
    const second = await create(h.store, cells(2));
    assert.deepEqual(h.store.list().map((r) => r.id), [second.id, first.id]);
    assert.deepEqual(h.events, [{ sweepId: first.id, index: null }, { sweepId: second.id, index: null }]);
    const read = h.store.get(first.id)!;
    assert.equal(read.tuneId, tune.id);
    assert.equal(read.tuneTitle, tune.title);
    assert.deepEqual(read.axes, [{ kind: 'seed', values: ['1', '2', '3'] }]);
    assert.equal(read.cells.length, 3);
    assert.ok(read.cells.every((c) => c.promptId === null && c.error === null), 'no prompt yet in any cell');
    assert.equal(read.cells[1]!.params.seed, 2);
    assert.ok(Math.abs(Date.parse(read.createdAt) - Date.now()) < 5_000, 'created now');
    assert.match(first.id, /^[\w-]{8,}$/, 'an id fit for a key and a URL');
    assert.notEqual(first.id, second.id);
    assert.deepEqual(h.store.get(first.id), first, 'what was returned is what is remembered');
    assert.equal(h.store.get('nope'), undefined);
  });

  it('survives a reload: a new store over the same workspace state lists the same sweeps', async () => {
    const h = harness();
    const record = await create(h.store, cells(2));
    const reloaded = harness(h.memory);
    assert.deepEqual(reloaded.store.list(), [record]);
    // What an update of the extension reads back: the sweeps of earlier versions sit under this key.
    assert.deepEqual([...h.memory.values.keys()], ['tuneStudio.sweeps']);
  });

  it('list(tuneId) gives only that tune’s sweeps', async () => {
    const h = harness();
    const mine = await create(h.store, cells(1));
    const other = await create(h.store, cells(1), { id: 42, title: 'Other' });
    assert.deepEqual(h.store.list(tune.id).map((r) => r.id), [mine.id]);
    assert.deepEqual(h.store.list(42).map((r) => r.id), [other.id]);
    assert.deepEqual(h.store.list(7), []);
    assert.equal(h.store.list().length, 2);
  });

  it(`remembers at most ${MAX_REMEMBERED_SWEEPS} sweeps: the oldest are forgotten first`, async () => {
    const h = harness();
    const ids: string[] = [];
    for (let i = 0; i < MAX_REMEMBERED_SWEEPS + 2; i++) ids.push((await create(h.store, cells(1))).id);
    const listed = h.store.list().map((r) => r.id);
    assert.equal(listed.length, MAX_REMEMBERED_SWEEPS);
    assert.deepEqual(listed, ids.slice(2).reverse());
  });

  it('drops what it cannot read back (another version, a broken entry, not a list) and keeps the rest', async () => {
    const memory = new JsonMemory();
    const h = harness(memory);
    const good = await create(h.store, cells(1));
    const stored = memory.get(SWEEPS_STORAGE_KEY) as unknown[];
    await memory.update(SWEEPS_STORAGE_KEY, [{ ...(stored[0] as object), version: 2 }, 'garbage', null, ...stored]);
    assert.deepEqual(h.store.list().map((r) => r.id), [good.id]);
    await memory.update(SWEEPS_STORAGE_KEY, { not: 'a list' });
    assert.deepEqual(h.store.list(), []);
    memory.values.clear();
    assert.deepEqual(h.store.list(), []);
  });
});

describe('SweepStore: running a sweep', () => {
  it('creates one prompt per cell, remembers each cell’s prompt, and keeps the prompts for the compare panel', async () => {
    const h = harness();
    const params = cells(3);
    const record = await create(h.store, params);
    sandbox.clearRequests();
    const tally = await h.store.run(record.id, runCells(params), 2);
    assert.deepEqual(tally, { created: 3, failed: 0, notStarted: 0 });
    assert.equal(posts(), 3);
    const cellsNow = h.store.get(record.id)!.cells;
    for (const [i, cell] of cellsNow.entries()) {
      assert.ok(cell.promptId, `cell ${i} has its prompt`);
      assert.equal(cell.error, null);
      const [onServer] = await promptsOnServer(params[i]!.text);
      assert.equal(onServer?.id, cell.promptId, 'the prompt of that cell, with that cell’s text');
      assert.equal(h.store.prompts.get(cell.promptId!)?.text, params[i]!.text);
    }
    assert.ok(h.logged.some((l) => l === `info: Sweep ${record.id}: cell 1 is prompt ${cellsNow[0]!.promptId}`), h.logged.join('\n'));
    assert.equal(h.store.isRunning(record.id), false);
    assert.deepEqual(h.informed, [], 'nothing to tell');
  });

  it('running an older sweep fills that sweep’s cells, not the newest sweep’s', async () => {
    const h = harness();
    const olderParams = cells(2, 'older');
    const older = await create(h.store, olderParams);
    const newer = await create(h.store, cells(2, 'newer'));
    await h.store.run(older.id, runCells(olderParams), 2);
    assert.ok(h.store.get(older.id)!.cells.every((c) => c.promptId !== null), 'the run sweep has its prompts');
    assert.ok(h.store.get(newer.id)!.cells.every((c) => c.promptId === null), 'the other sweep is untouched');
  });

  it('never sends a cell that already has its prompt: running again (Run missing) creates nothing twice', async () => {
    const h = harness();
    const params = cells(3);
    const record = await create(h.store, params);
    await h.store.run(record.id, runCells(params).slice(0, 2), 2);
    const firstIds = h.store.get(record.id)!.cells.map((c) => c.promptId);
    assert.ok(firstIds[0] && firstIds[1] && firstIds[2] === null);
    sandbox.clearRequests();
    const tally = await h.store.run(record.id, runCells(params), 2);
    assert.deepEqual(tally, { created: 1, failed: 0, notStarted: 0 }, 'only the missing cell');
    assert.equal(posts(), 1);
    const ids = h.store.get(record.id)!.cells.map((c) => c.promptId);
    assert.deepEqual(ids.slice(0, 2), firstIds.slice(0, 2), 'the cells keep their prompts');
    assert.ok(ids[2]);
    for (const p of params) assert.equal((await promptsOnServer(p.text)).length, 1, `exactly one prompt for “${p.text}”`);
  });

  it('a cell the server refuses keeps the server’s words; Run missing then creates it and clears them', async () => {
    const h = harness();
    const params = cells(3);
    const record = await create(h.store, params);
    sandbox.addFault({ kind: 'status422', method: 'POST', match: `/tunes/${tune.id}/prompts`, count: 1, body: { error: 'Text is too long for this model' } });
    const tally = await h.store.run(record.id, runCells(params), 1);
    assert.deepEqual(tally, { created: 2, failed: 1, notStarted: 0 });
    const failed = h.store.get(record.id)!.cells[0]!;
    assert.equal(failed.promptId, null);
    assert.equal(failed.error, 'Text is too long for this model');
    assert.ok(h.logged.includes(`warn: Sweep ${record.id}: cell 1 failed: Text is too long for this model`), h.logged.join('\n'));
    const events = h.events.length;
    const again = await h.store.run(record.id, runCells(params), 1);
    assert.deepEqual(again, { created: 1, failed: 0, notStarted: 0 });
    const cell = h.store.get(record.id)!.cells[0]!;
    assert.ok(cell.promptId);
    assert.equal(cell.error, null, 'the old error is gone');
    assert.ok(h.events.slice(events).some((e) => e.index === 0), 'the cell was redrawn');
  });

  it('a cell whose error is cleared as soon as it is sent again (not only once it succeeds)', async () => {
    const h = harness();
    const params = cells(1);
    const record = await create(h.store, params);
    sandbox.addFault({ kind: 'status422', method: 'POST', match: `/tunes/${tune.id}/prompts`, count: 1, body: { error: 'No' } });
    await h.store.run(record.id, runCells(params), 1);
    let errorWhileSending: string | null | undefined;
    h.store.onDidChange(({ index }) => {
      if (index === 0 && h.store.activityOf(record.id, 0) === 'sending') errorWhileSending = h.store.get(record.id)!.cells[0]!.error;
    });
    await h.store.run(record.id, runCells(params), 1);
    assert.equal(errorWhileSending, null);
  });

  it('a create that got no answer and is not on the server fails with words that say so and that Run missing sends it again', async () => {
    const h = harness();
    const params = cells(1);
    const record = await create(h.store, params);
    sandbox.addFault({ kind: 'status503', method: 'POST', match: `/tunes/${tune.id}/prompts`, count: 1 });
    const tally = await h.store.run(record.id, runCells(params), 1);
    assert.deepEqual(tally, { created: 0, failed: 1, notStarted: 0 });
    const error = h.store.get(record.id)!.cells[0]!.error ?? '';
    assert.match(error, /was not found on the server/);
    assert.match(error, / Run missing sends it again\.$/);
    assert.equal((await promptsOnServer(params[0]!.text)).length, 0);
  });

  it('a create that failed although the server made the prompt is found, not sent again, and the user is told once', async () => {
    const h = harness();
    const params = cells(3);
    const record = await create(h.store, params);
    sandbox.addFault({ kind: 'status504', method: 'POST', match: `/tunes/${tune.id}/prompts`, count: 2 });
    const tally = await h.store.run(record.id, runCells(params), 1);
    assert.deepEqual(tally, { created: 3, failed: 0, notStarted: 0 });
    for (const p of params) assert.equal((await promptsOnServer(p.text)).length, 1, 'not sent twice');
    assert.deepEqual(h.informed, [recoveredMessage(`Seed on ${tune.title}`, new Map([['The server timed out', [1, 2]]]))]);
    assert.ok(h.logged.some((l) => l.endsWith('(found after an ambiguous failure, not sent twice)')), h.logged.join('\n'));
  });

  it('says which cells are on their way (waiting, then sending) and forgets it when they are done', async () => {
    const h = harness();
    const params = cells(4);
    const record = await create(h.store, params);
    const seen: { index: number | null; activity: (CellActivity | undefined)[]; running: boolean }[] = [];
    h.store.onDidChange(({ sweepId, index }) => {
      if (sweepId !== record.id) return;
      seen.push({ index, activity: params.map((_, i) => h.store.activityOf(record.id, i)), running: h.store.isRunning(record.id) });
    });
    let sendingMost = 0;
    h.store.onDidChange(() => {
      sendingMost = Math.max(sendingMost, params.filter((_, i) => h.store.activityOf(record.id, i) === 'sending').length);
    });
    await h.store.run(record.id, runCells(params), 2);
    assert.deepEqual(seen[0], { index: null, activity: ['waiting', 'waiting', 'waiting', 'waiting'], running: true }, 'the whole sweep starts waiting');
    assert.ok(seen.some((s) => s.index === 0 && s.activity[0] === 'sending'), 'a cell is shown sending');
    assert.equal(sendingMost, 2, 'never more than `concurrency` at once');
    assert.deepEqual(seen.at(-1), { index: null, activity: [undefined, undefined, undefined, undefined], running: false }, 'the end is one more whole-sweep change');
    assert.equal(h.store.activityOf('unknown', 0), undefined);
  });

  it('runs only the cells it is given, and only those still missing', async () => {
    const h = harness();
    const params = cells(3);
    const record = await create(h.store, params);
    sandbox.clearRequests();
    const tally = await h.store.run(record.id, [{ index: 1, params: params[1]! }], 2);
    assert.deepEqual(tally, { created: 1, failed: 0, notStarted: 0 });
    assert.deepEqual(h.store.get(record.id)!.cells.map((c) => c.promptId !== null), [false, true, false]);
  });

  it('cancel() stops what has not started: those cells stay missing (no error), requests under way finish', async () => {
    const h = harness();
    const params = cells(4);
    const record = await create(h.store, params);
    let cancelled = false;
    h.store.onDidChange(({ index }) => {
      if (index !== null && !cancelled && h.store.activityOf(record.id, index) === 'sending') {
        cancelled = true;
        h.store.cancel(record.id);
      }
    });
    const tally = await h.store.run(record.id, runCells(params), 1);
    assert.deepEqual(tally, { created: 1, failed: 0, notStarted: 3 });
    const stored = h.store.get(record.id)!.cells;
    assert.ok(stored[0]!.promptId);
    assert.deepEqual(stored.slice(1).map((c) => [c.promptId, c.error]), [[null, null], [null, null], [null, null]]);
    h.store.cancel('not running');
  });

  it('refuses a sweep it does not remember, and a second run of a sweep already running', async () => {
    const h = harness();
    await assert.rejects(h.store.run('gone', [], 1), /no longer remembered in this workspace/);
    const params = cells(2);
    const record = await create(h.store, params);
    const first = h.store.run(record.id, runCells(params), 1);
    assert.equal(h.store.isRunning(record.id), true);
    await assert.rejects(h.store.run(record.id, runCells(params), 1), /already creating its prompts/);
    await first;
    sandbox.clearRequests();
    assert.deepEqual(await h.store.run(record.id, runCells(params), 1), { created: 0, failed: 0, notStarted: 0 });
    assert.equal(posts(), 0);
  });

  it('a sweep forgotten while it runs (too many newer ones) does not come back', async () => {
    const h = harness();
    const params = cells(1);
    const record = await create(h.store, params);
    const running = h.store.run(record.id, runCells(params), 1);
    await h.memory.update(SWEEPS_STORAGE_KEY, []);
    await running;
    assert.deepEqual(h.store.list(), []);
  });

  it('dispose() stops a run: cells not started stay missing', async () => {
    const h = harness();
    const params = cells(3);
    const record = await create(h.store, params);
    const running = h.store.run(record.id, runCells(params), 1);
    h.store.dispose();
    const tally = await running;
    assert.ok(tally.notStarted >= 2, JSON.stringify(tally));
  });
});

describe('SweepStore: prompts follow the change stream', () => {
  it('keeps the freshest copy of its prompts (the poller’s), keeps a like the copy does not carry, ignores other prompts', async () => {
    const h = harness();
    const params = cells(1);
    const record = await create(h.store, params);
    await h.store.run(record.id, runCells(params), 1);
    const id = h.store.get(record.id)!.cells[0]!.promptId!;
    const created = h.store.prompts.get(id)!;
    h.changes.publish({ kind: 'promptLiked', prompt: { ...created, liked: true } });
    assert.equal(h.store.prompts.get(id)!.liked, true);
    const finished = { ...created, images: ['https://cdn.example/1.png'], liked: undefined };
    h.changes.publish({ kind: 'promptFinished', prompt: finished });
    assert.deepEqual(h.store.prompts.get(id)!.images, ['https://cdn.example/1.png']);
    assert.equal(h.store.prompts.get(id)!.liked, true, 'a copy without `liked` keeps the like');
    h.changes.publish({ kind: 'promptProgressed', prompt: { ...created, liked: false, text: 'fresh' } });
    assert.equal(h.store.prompts.get(id)!.liked, false);
    assert.equal(h.store.prompts.get(id)!.text, 'fresh');
    h.changes.publish({ kind: 'promptFinished', prompt: { ...created, id: 1 } });
    h.changes.publish({ kind: 'promptCreated', prompt: { ...created, text: 'not followed' } });
    assert.equal(h.store.prompts.has(1), false, 'not one of its prompts');
    assert.equal(h.store.prompts.get(id)!.text, 'fresh', 'created is not a fresh copy');
    h.store.dispose();
    h.changes.publish({ kind: 'promptProgressed', prompt: { ...created, text: 'after dispose' } });
    assert.equal(h.store.prompts.get(id)!.text, 'fresh', 'stops following once disposed');
  });

  it('a view whose redraw throws is logged; the others still hear of the sweep', async () => {
    const h = harness();
    h.store.onDidChange(() => {
      throw new Error('compare panel broke');
    });
    let heard = 0;
    h.store.onDidChange(() => void heard++);
    await create(h.store, cells(1));
    assert.equal(h.events.length, 1);
    assert.equal(heard, 1);
    assert.ok(h.logged.includes('error: A view failed to follow a sweep: compare panel broke'), h.logged.join('\n'));
  });

  it('after dispose nobody hears of it', async () => {
    const h = harness();
    h.store.dispose();
    await create(h.store, cells(1));
    assert.deepEqual(h.events, []);
  });
});

describe('sweep settings and messages', () => {
  it('sweepSettingsFrom takes whole numbers from 1 up to the limits, and the defaults otherwise', () => {
    const from = (maxPrompts: unknown, concurrency: unknown) =>
      sweepSettingsFrom((name) => (name === 'sweeps.maxPrompts' ? maxPrompts : name === 'sweeps.concurrency' ? concurrency : assert.fail(name)));
    assert.deepEqual(from(30, 3), { maxPrompts: 30, concurrency: 3 });
    assert.deepEqual(from(1, 1), { maxPrompts: 1, concurrency: 1 });
    assert.deepEqual(from(MAX_PROMPTS_LIMIT + 1, MAX_SWEEP_CONCURRENCY + 1), { maxPrompts: MAX_PROMPTS_LIMIT, concurrency: MAX_SWEEP_CONCURRENCY });
    assert.deepEqual(from(MAX_PROMPTS_LIMIT, MAX_SWEEP_CONCURRENCY), { maxPrompts: MAX_PROMPTS_LIMIT, concurrency: MAX_SWEEP_CONCURRENCY });
    for (const bad of [0, -3, 2.5, '12', undefined, null, Number.NaN]) {
      assert.deepEqual(from(bad, bad), { maxPrompts: DEFAULT_MAX_PROMPTS, concurrency: DEFAULT_SWEEP_CONCURRENCY }, String(bad));
    }
    assert.equal(MAX_SWEEP_CONCURRENCY, 8);
  });

  it('recoveredMessage names the cells (sorted), per reason, in one sentence', () => {
    assert.equal(
      recoveredMessage('Seed on Priya', new Map([['The server timed out', [1]]])),
      'Sweep “Seed on Priya”: The server timed out on cell 1, but the prompt was created (found on the server); it was not sent again.',
    );
    assert.equal(
      recoveredMessage('Seed on Priya', new Map([['The server timed out', [3, 1]], ['The connection failed', [2, 10, 4]]])),
      'Sweep “Seed on Priya”: The server timed out on cells 1 and 3; The connection failed on cells 2, 4 and 10, but the prompts were created (found on the server); they were not sent again.',
    );
  });

  it('cell keys of a run are the sweep’s (sweep:<id>:<index>)', () => {
    assert.equal(sweepCellKey('abc', 2), 'sweep:abc:2');
  });
});
