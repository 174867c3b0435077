// src/jobs/statusPoller.ts with real parts: the real AstriaClient talking HTTP to the sandbox on loopback, the
// real change stream. The sandbox runs slowly (speed 0.01: nothing finishes by itself during a test) and the
// tests finish, fail or delete tunes and prompts there as the user's server would. What is guarded is what a
// user notices: work shown finished once the server finished it, the status bar's counts, no flood of requests
// (one per tune per tick, backing off, none while idle), errors that say so or forget what is gone.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSandbox, type RecordedRequest, type Sandbox } from '../sandbox/server';
import { AstriaClient } from '../../src/api/astria/client';
import type { Prompt, Tune } from '../../src/api/astria/types';
import { tuneState } from '../../src/api/astria/state';
import { resetPagingStrategies } from '../../src/api/paging';
import { Changes, type Change } from '../../src/domain/changes';
import { StatusPoller, type PollerTiming } from '../../src/jobs/statusPoller';

const SLOW = 0.01;
/** Long enough that no timer fires during a test that ticks by hand. */
const MANUAL: PollerTiming = { baseIntervalMs: 600_000, maxIntervalMs: 600_000 };

let sandbox: Sandbox;
/** Two trained tunes of the demo data. */
let tuneA: number;
let tuneB: number;
const pollers: StatusPoller[] = [];
let counter = 0;

function client(options: { timeoutMs?: number } = {}): AstriaClient {
  // No automatic retries: the poller itself decides what a failed check means.
  return new AstriaClient({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey, retries: 0, timeoutMs: options.timeoutMs ?? 5_000 });
}

interface Harness {
  poller: StatusPoller;
  changes: Changes;
  published: Change[];
  logged: string[];
  /** How often onDidChangePending fired (the status bar redraws on it). */
  pendingEvents(): number;
}

function harness(timing: PollerTiming = MANUAL, clientOptions: { timeoutMs?: number } = {}): Harness {
  const changes = new Changes((error) => assert.fail(String(error)));
  const published: Change[] = [];
  changes.subscribe((change) => void published.push(change));
  const logged: string[] = [];
  const log = {
    info: (m: string) => void logged.push(`info: ${m}`),
    warn: (m: string) => void logged.push(`warn: ${m}`),
    error: (m: string) => void logged.push(`error: ${m}`),
  };
  const api = client(clientOptions);
  const poller = new StatusPoller({ astria: api, changes, log }, timing);
  pollers.push(poller);
  let events = 0;
  poller.onDidChangePending(() => void events++);
  return { poller, changes, published, logged, pendingEvents: () => events };
}

async function newPrompt(tuneId: number, text = 'poller'): Promise<Prompt> {
  return client().createPrompt(tuneId, { text: `${text} ${++counter}`, num_images: 1 });
}

async function newTune(): Promise<Tune> {
  return client().createTune({ title: `Poller tune ${Date.now()}-${++counter}`, name: 'man', image_urls: ['https://example.com/a.jpg'] });
}

async function admin(path: string, body: unknown = {}): Promise<void> {
  const response = await fetch(`${sandbox.url}/__admin/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(response.status, 200, `${path}: ${await response.text()}`);
}

const finishPrompt = (id: number) => admin(`prompts/${id}/finish`);
const finishTune = (id: number) => admin(`tunes/${id}/finish`);

/** API requests since the last clear: `GET /path` lines, in order. */
function requests(filter: (r: RecordedRequest) => boolean = () => true): RecordedRequest[] {
  return sandbox.requests.filter((r) => r.origin === 'api' && filter(r));
}
const gets = (path: string) => requests((r) => r.method === 'GET' && r.path === path);
const lines = () => requests().map((r) => `${r.method} ${r.path}`);

/** Timers pending in this process (the poller's is one of them). */
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

async function until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function kinds(published: Change[], kind: Change['kind']): Change[] {
  return published.filter((c) => c.kind === kind);
}

before(async () => {
  sandbox = await startSandbox({ quiet: true, speed: SLOW, hostileDemo: true });
  tuneA = (await client().listTunes({ title: 'Priya Sharma' }))[0]!.id;
  const tunes = await client().listTunes({ limit: 120 });
  tuneB = tunes.find((t) => t.id !== tuneA && t.name !== null && tuneState(t) === 'trained')!.id;
});
afterEach(async () => {
  for (const poller of pollers.splice(0)) poller.dispose();
  sandbox.reset();
  sandbox.setIgnorePaging(false);
  sandbox.setProfile('rich');
  sandbox.setSpeed(SLOW);
  sandbox.clearRequests();
  resetPagingStrategies();
});
after(() => sandbox.close());

describe('StatusPoller: what it watches', () => {
  it('watches what the change stream says was created while it is in progress, and nothing finished (the status bar counts)', async () => {
    const h = harness();
    const prompt = await newPrompt(tuneA);
    const tune = await newTune();
    assert.ok(h.poller.isIdle, 'nothing watched yet');
    h.changes.publish({ kind: 'promptCreated', prompt });
    h.changes.publish({ kind: 'tuneCreated', tune });
    assert.equal(h.poller.generatingCount, 1);
    assert.equal(h.poller.trainingCount, 1);
    assert.equal(h.pendingEvents(), 2, 'the status bar hears of each');
    assert.equal(h.poller.isIdle, false);
    // The same prompt again (a fresher copy) is not a second one.
    h.changes.publish({ kind: 'promptCreated', prompt: { ...prompt } });
    h.poller.watchTune({ ...tune });
    assert.equal(h.poller.generatingCount, 1);
    assert.equal(h.poller.trainingCount, 1);
    assert.equal(h.pendingEvents(), 2, 'nothing new: no redraw');
    // Finished work is not watched.
    await finishPrompt(prompt.id);
    await finishTune(tune.id);
    const done = await client().getPrompt(tuneA, prompt.id);
    const trained = await client().getTune(tune.id);
    const fresh = harness();
    fresh.changes.publish({ kind: 'promptCreated', prompt: done });
    fresh.changes.publish({ kind: 'tuneCreated', tune: trained });
    fresh.changes.publish({ kind: 'promptProgressed', prompt: await newPrompt(tuneA) });
    assert.ok(fresh.poller.isIdle, 'finished work, and changes other than created ones, add nothing');
    assert.equal(fresh.pendingEvents(), 0);
  });

  it('counts prompts across tunes (the status bar’s “N generating”)', async () => {
    const h = harness();
    for (const prompt of [await newPrompt(tuneA), await newPrompt(tuneA), await newPrompt(tuneB)]) h.poller.watchPrompt(prompt);
    assert.equal(h.poller.generatingCount, 3);
    assert.equal(h.poller.trainingCount, 0);
  });
});

describe('StatusPoller: finished work is reported', () => {
  it('publishes promptProgressed while the sandbox generates, then promptFinished with the images once it is done', async () => {
    const h = harness();
    const prompt = await newPrompt(tuneA);
    h.poller.watchPrompt(prompt);
    await h.poller.tick();
    assert.deepEqual(h.published.map((c) => c.kind), ['promptProgressed']);
    assert.equal(h.poller.generatingCount, 1);
    await finishPrompt(prompt.id);
    const eventsBefore = h.pendingEvents();
    await h.poller.tick();
    const finished = kinds(h.published, 'promptFinished') as Array<Extract<Change, { kind: 'promptFinished' }>>;
    assert.equal(finished.length, 1);
    assert.equal(finished[0]!.prompt.id, prompt.id);
    assert.ok(finished[0]!.prompt.images.length > 0, 'the finished copy carries the images');
    assert.equal(h.poller.generatingCount, 0);
    assert.ok(h.poller.isIdle);
    assert.ok(h.pendingEvents() > eventsBefore, 'the status bar hears that it is done');
    // Nothing is asked any more.
    sandbox.clearRequests();
    await h.poller.tick();
    assert.deepEqual(lines(), []);
  });

  it('a prompt the server failed is reported finished (with its error), not watched for ever', async () => {
    const h = harness();
    const prompt = await newPrompt(tuneA);
    h.poller.watchPrompt(prompt);
    await admin(`prompts/${prompt.id}/fail`, { message: 'NSFW filter' });
    await h.poller.tick();
    const finished = kinds(h.published, 'promptFinished') as Array<Extract<Change, { kind: 'promptFinished' }>>;
    assert.equal(finished[0]?.prompt.user_error, 'NSFW filter');
    assert.ok(h.poller.isIdle);
  });

  it('publishes tuneProgressed while a tune trains, then tuneFinished once the sandbox has trained it', async () => {
    const h = harness();
    const tune = await newTune();
    h.changes.publish({ kind: 'tuneCreated', tune });
    await h.poller.tick();
    assert.deepEqual(h.published.slice(1).map((c) => c.kind), ['tuneProgressed']);
    assert.equal(h.poller.trainingCount, 1);
    await finishTune(tune.id);
    await h.poller.tick();
    const finished = kinds(h.published, 'tuneFinished') as Array<Extract<Change, { kind: 'tuneFinished' }>>;
    assert.equal(finished.length, 1);
    assert.ok(finished[0]!.tune.trained_at, 'the finished copy is the trained one');
    assert.equal(h.poller.trainingCount, 0);
    assert.ok(h.poller.isIdle);
  });

  it('a tune that moves from pending to training is news (the status bar redraws); the same state again is not', async () => {
    const h = harness();
    const tune = await newTune();
    h.poller.watchTune(tune);
    const afterWatch = h.pendingEvents();
    await h.poller.tick();
    assert.equal(h.pendingEvents(), afterWatch, 'still pending: nothing to redraw');
    // Pending ends in about 100 ms from now, training much later.
    sandbox.setSpeed(SLOW * 2_000);
    await sleep(250);
    sandbox.setSpeed(SLOW);
    await h.poller.tick();
    assert.equal(h.pendingEvents(), afterWatch + 1, 'pending → training is shown');
    assert.ok((kinds(h.published, 'tuneProgressed').at(-1) as Extract<Change, { kind: 'tuneProgressed' }>).tune.started_training_at);
    await h.poller.tick();
    assert.equal(h.pendingEvents(), afterWatch + 1, 'training → training is not');
  });
});

describe('StatusPoller: requests', () => {
  it('asks once per tune per tick, never once per prompt: GET /tunes/:id/prompts covers all of a tune’s prompts, GET /tunes/:id a training tune', async () => {
    const h = harness();
    const prompts = [await newPrompt(tuneA), await newPrompt(tuneA), await newPrompt(tuneA), await newPrompt(tuneB), await newPrompt(tuneB)];
    const tune = await newTune();
    for (const prompt of prompts) h.poller.watchPrompt(prompt);
    h.poller.watchTune(tune);
    sandbox.clearRequests();
    await h.poller.tick();
    assert.deepEqual(lines().sort(), [`GET /tunes/${tuneA}/prompts`, `GET /tunes/${tuneB}/prompts`, `GET /tunes/${tune.id}`].sort());
    assert.equal(kinds(h.published, 'promptProgressed').length, 5, 'every prompt got its fresh copy from the lists');
    // The newest page only: below the newest watched prompt, as many as a page holds.
    const list = gets(`/tunes/${tuneA}/prompts`)[0]!;
    assert.equal(list.query.before_id, String(prompts[2]!.id + 1));
    assert.equal(list.query.limit, '120');
  });

  it('a tick asked for while one is under way does not ask again', async () => {
    const h = harness();
    h.poller.watchPrompt(await newPrompt(tuneA));
    sandbox.clearRequests();
    await Promise.all([h.poller.tick(), h.poller.tick()]);
    assert.equal(gets(`/tunes/${tuneA}/prompts`).length, 1);
  });

  it('on a server that ignores limit and before_id (the documented profile: 20 a page) it reads further pages until the watched prompt is listed', async () => {
    const h = harness();
    const old = await newPrompt(tuneA, 'old');
    for (let i = 0; i < 25; i++) await newPrompt(tuneA, 'newer');
    sandbox.setProfile('documented');
    h.poller.watchPrompt(old);
    sandbox.clearRequests();
    await h.poller.tick();
    assert.equal(kinds(h.published, 'promptProgressed').length, 1, 'found in the lists');
    assert.deepEqual(requests((r) => r.path.startsWith(`/tunes/${tuneA}/prompts/`)), [], 'never asked by id');
    const pages = gets(`/tunes/${tuneA}/prompts`);
    assert.ok(pages.length >= 2 && pages.length <= 5, `a few pages, got ${pages.length}`);
    await finishPrompt(old.id);
    await h.poller.tick();
    assert.equal(kinds(h.published, 'promptFinished').length, 1);
  });

  it('finds watched prompts spread over several pages in the lists, the newest and an older one, asking none by id', async () => {
    const h = harness();
    const old = await newPrompt(tuneA, 'old');
    for (let i = 0; i < 25; i++) await newPrompt(tuneA, 'newer');
    const newest = await newPrompt(tuneA, 'newest');
    sandbox.setProfile('documented');
    h.poller.watchPrompt(newest);
    h.poller.watchPrompt(old);
    sandbox.clearRequests();
    await h.poller.tick();
    assert.deepEqual(requests((r) => r.path.startsWith(`/tunes/${tuneA}/prompts/`)), [], 'never asked by id');
    assert.equal(kinds(h.published, 'promptProgressed').length, 2);
  });

  it('reads no page past the one that holds the oldest watched prompt', async () => {
    const h = harness();
    const watched = await newPrompt(tuneA, 'watched');
    for (let i = 0; i < 19; i++) await newPrompt(tuneA, 'newer');
    sandbox.setProfile('documented');
    h.poller.watchPrompt(watched);
    sandbox.clearRequests();
    await h.poller.tick();
    // The 20 newest prompts (one page here) end with the watched one. That page is asked twice (with
    // before_id, then without, as the pager learns how this server pages); a second page would be a third.
    const pages = gets(`/tunes/${tuneA}/prompts`);
    assert.equal(pages.length, 2, `read ${pages.map((r) => JSON.stringify(r.query)).join(' ')}`);
    assert.equal(kinds(h.published, 'promptProgressed').length, 1);
  });

  it('reads at most five pages a tick, then asks for the prompts still missing by id', async () => {
    const h = harness();
    const old = await newPrompt(tuneB, 'oldest');
    for (let i = 0; i < 110; i++) await newPrompt(tuneB, 'newer');
    sandbox.setProfile('documented');
    h.poller.watchPrompt(old);
    sandbox.clearRequests();
    await h.poller.tick();
    // Five pages of 20; the first is asked twice (before_id, then offset: the pager learns how this server pages).
    assert.equal(gets(`/tunes/${tuneB}/prompts`).length, 6, 'five pages of 20');
    assert.equal(gets(`/tunes/${tuneB}/prompts/${old.id}`).length, 1, 'then by id');
    assert.equal(kinds(h.published, 'promptProgressed').length, 1);
  });

  it('on a server that ignores paging altogether (first 20 only), a watched prompt further down is asked for by id and reported', async () => {
    const h = harness();
    const old = await newPrompt(tuneA, 'old');
    for (let i = 0; i < 22; i++) await newPrompt(tuneA, 'newer');
    sandbox.setIgnorePaging(true);
    h.poller.watchPrompt(old);
    await finishPrompt(old.id);
    sandbox.clearRequests();
    await h.poller.tick();
    assert.equal(gets(`/tunes/${tuneA}/prompts/${old.id}`).length, 1);
    assert.equal(kinds(h.published, 'promptFinished').length, 1);
    assert.ok(h.poller.isIdle);
  });

  it('stops reading pages once they are older than the oldest watched prompt (a prompt deleted elsewhere costs no extra pages)', async () => {
    const h = harness();
    const watched = await newPrompt(tuneA, 'watched');
    const gone = await newPrompt(tuneA, 'gone');
    for (let i = 0; i < 30; i++) await newPrompt(tuneA, 'newer');
    sandbox.setProfile('documented');
    h.poller.watchPrompt(watched);
    h.poller.watchPrompt(gone);
    await client().deletePrompt(tuneA, gone.id);
    sandbox.clearRequests();
    await h.poller.tick();
    const pages = gets(`/tunes/${tuneA}/prompts`).length;
    assert.ok(pages <= 3, `stops at the page holding the oldest watched prompt, read ${pages}`);
    assert.equal(gets(`/tunes/${tuneA}/prompts/${gone.id}`).length, 1, 'the missing one is asked for by id (404)');
    assert.equal(h.poller.generatingCount, 1, 'the deleted one is forgotten, the other kept');
  });
});

describe('StatusPoller: gone, refused, failing', () => {
  it('a prompt deleted elsewhere is forgotten (404 by id), without being reported finished', async () => {
    const h = harness();
    const kept = await newPrompt(tuneA);
    const prompt = await newPrompt(tuneA);
    h.poller.watchPrompt(kept);
    h.poller.watchPrompt(prompt);
    await client().deletePrompt(tuneA, prompt.id);
    const before = h.pendingEvents();
    await h.poller.tick();
    assert.equal(h.poller.generatingCount, 1);
    assert.equal(kinds(h.published, 'promptFinished').length, 0);
    assert.ok(h.pendingEvents() > before, 'the status bar count drops');
    assert.equal(h.poller.lastFailure, undefined);
  });

  it('a tune deleted elsewhere (404) is forgotten with its prompts, not reported finished', async () => {
    const h = harness();
    const tune = await newTune();
    h.poller.watchTune(tune);
    h.poller.watchPrompt(await client().createPrompt(tune.id, { text: 'waits for training', num_images: 1 }));
    await client().deleteTune(tune.id);
    const before = h.pendingEvents();
    await h.poller.tick();
    assert.ok(h.poller.isIdle);
    assert.equal(kinds(h.published, 'tuneFinished').length, 0);
    assert.ok(h.pendingEvents() > before);
    sandbox.clearRequests();
    await h.poller.tick();
    assert.deepEqual(lines(), [], 'nothing asked about it again');
  });

  it('a refused key (401) forgets everything: nothing can be polled, the trees offer Set API Key', async () => {
    const h = harness();
    h.poller.watchPrompt(await newPrompt(tuneA));
    h.poller.watchTune(await newTune());
    sandbox.addFault({ match: '/tunes', kind: 'status401', count: 1 });
    const before = h.pendingEvents();
    await h.poller.tick();
    assert.ok(h.poller.isIdle);
    assert.equal(h.poller.lastFailure, undefined, 'no “checks failing” left on the status bar');
    assert.ok(h.pendingEvents() > before);
    sandbox.clearRequests();
    await h.poller.tick();
    assert.deepEqual(lines(), []);
  });

  it('a 403 is a failure shown on the status bar, not a refused key: the work stays watched', async () => {
    const h = harness();
    h.poller.watchPrompt(await newPrompt(tuneA));
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, kind: 'status403', count: 1 });
    await h.poller.tick();
    assert.equal(h.poller.generatingCount, 1);
    assert.match(h.poller.lastFailure ?? '', /refused access/);
  });

  it('a failing check is said (lastFailure, the log) and the work kept; the next good check clears it and finds the work done', async () => {
    const h = harness();
    const prompt = await newPrompt(tuneA);
    h.poller.watchPrompt(prompt);
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, kind: 'status500', count: 1 });
    const before = h.pendingEvents();
    await h.poller.tick();
    assert.ok(h.poller.lastFailure, 'the status bar says checks are failing');
    assert.ok(h.pendingEvents() > before, 'and is redrawn to say so');
    assert.ok(h.logged.some((line) => line.startsWith(`warn: Status check for tune ${tuneA} failed: `)), h.logged.join('\n'));
    assert.equal(h.poller.generatingCount, 1);
    await finishPrompt(prompt.id);
    const failing = h.pendingEvents();
    await h.poller.tick();
    assert.equal(h.poller.lastFailure, undefined);
    assert.ok(h.pendingEvents() > failing);
    assert.equal(kinds(h.published, 'promptFinished').length, 1);
  });

  it('a failure in one tune does not keep the other tunes from being checked', async () => {
    const h = harness();
    h.poller.watchPrompt(await newPrompt(tuneA));
    const other = await newPrompt(tuneB);
    h.poller.watchPrompt(other);
    await finishPrompt(other.id);
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, kind: 'status500', count: 1 });
    await h.poller.tick();
    assert.equal(kinds(h.published, 'promptFinished').length, 1);
    assert.ok(h.poller.lastFailure);
  });

  it('429: the rest of the round waits (no other tune is asked) and the next check waits as long as Retry-After says', async () => {
    const h = harness({ baseIntervalMs: 20, maxIntervalMs: 200 });
    h.poller.watchPrompt(await newPrompt(tuneA));
    h.poller.watchPrompt(await newPrompt(tuneB));
    sandbox.clearRequests();
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, kind: 'status429', retryAfter: 1, count: 1 });
    await until('the first round', () => gets(`/tunes/${tuneA}/prompts`).length >= 1);
    await until('the second round', () => gets(`/tunes/${tuneA}/prompts`).length >= 2, 4_000);
    const [first, second] = gets(`/tunes/${tuneA}/prompts`);
    assert.equal(first!.status, 429);
    assert.ok(second!.at - first!.at >= 950, `waited ${second!.at - first!.at} ms for a Retry-After of 1 s`);
    assert.equal(requests((r) => r.path === `/tunes/${tuneB}/prompts` && r.at < second!.at).length, 0, 'tune B waited too');
    await until('the status to clear', () => h.poller.lastFailure === undefined);
  });

  it('429: the Retry-After wait also holds back a check asked for during that round (something new watched)', async () => {
    const h = harness({ baseIntervalMs: 400, maxIntervalMs: 5_000 });
    h.poller.watchPrompt(await newPrompt(tuneA));
    h.poller.watchPrompt(await newPrompt(tuneB));
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, kind: 'slow', delayMs: 150, count: 1 });
    sandbox.addFault({ match: `/tunes/${tuneB}/prompts`, kind: 'status429', retryAfter: 1, count: 1 });
    sandbox.clearRequests();
    const ticking = h.poller.tick();
    await until('the first request', () => gets(`/tunes/${tuneA}/prompts`).length === 1);
    h.poller.watchPrompt(await newPrompt(tuneA)); // its check is due 400 ms from now, before the Retry-After ends
    await ticking;
    const refused = gets(`/tunes/${tuneB}/prompts`)[0];
    assert.equal(refused?.status, 429);
    await until('the next round', () => requests((r) => r.at > refused!.at && r.method === 'GET').length > 0, 4_000);
    const next = requests((r) => r.at > refused!.at && r.method === 'GET')[0]!;
    assert.ok(next.at - refused!.at >= 950, `the next check came ${next.at - refused!.at} ms after a Retry-After of 1 s`);
  });

  it('a 429 is shown as the failure until a check succeeds', async () => {
    const h = harness();
    h.poller.watchPrompt(await newPrompt(tuneA));
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, kind: 'status429', retryAfter: 1, count: 1 });
    await h.poller.tick();
    assert.ok(h.poller.lastFailure);
    assert.equal(h.poller.generatingCount, 1);
    await h.poller.tick();
    assert.equal(h.poller.lastFailure, undefined);
  });
  it('a prompt that cannot be asked for by id (500) is kept and the failure shown, not forgotten', async () => {
    const h = harness();
    const old = await newPrompt(tuneA, 'old');
    for (let i = 0; i < 22; i++) await newPrompt(tuneA, 'newer');
    sandbox.setIgnorePaging(true);
    h.poller.watchPrompt(old);
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts/${old.id}`, kind: 'status500', count: 1 });
    await h.poller.tick();
    assert.equal(h.poller.generatingCount, 1);
    assert.ok(h.poller.lastFailure);
    assert.equal(kinds(h.published, 'promptFinished').length, 0);
  });

  it('a 429 without Retry-After waits twice the interval before the next check', async () => {
    const h = harness({ baseIntervalMs: 250, maxIntervalMs: 250 });
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, method: 'GET', kind: 'status429', retryAfter: null, count: 1 });
    h.poller.watchPrompt(await newPrompt(tuneA));
    await until('two checks', () => gets(`/tunes/${tuneA}/prompts`).length >= 2, 4_000);
    const [first, second] = gets(`/tunes/${tuneA}/prompts`);
    assert.equal(first!.status, 429);
    assert.ok(second!.at - first!.at >= 450, `waited ${second!.at - first!.at} ms (500 expected)`);
  });

  it('a view whose redraw throws is logged; the others still hear of the change', async () => {
    const h = harness();
    h.poller.onDidChangePending(() => {
      throw new Error('status bar broke');
    });
    let heard = 0;
    h.poller.onDidChangePending(() => void heard++);
    h.poller.watchPrompt(await newPrompt(tuneA));
    assert.equal(heard, 1);
    assert.ok(h.logged.includes('error: A view failed to follow the status checks: status bar broke'), h.logged.join('\n'));
  });
});

describe('StatusPoller: clear and forget', () => {
  it('clear() while a check is in flight: the old answer does not put the tune back, nor report it', async () => {
    const h = harness();
    const tune = await newTune();
    h.poller.watchTune(tune);
    await finishTune(tune.id);
    sandbox.addFault({ match: `/tunes/${tune.id}`, kind: 'slow', delayMs: 300, count: 1 });
    const ticking = h.poller.tick();
    await until('the request', () => gets(`/tunes/${tune.id}`).length === 1);
    h.poller.clear();
    assert.ok(h.poller.isIdle);
    await ticking;
    assert.ok(h.poller.isIdle, 'still nothing watched');
    assert.equal(kinds(h.published, 'tuneFinished').length, 0, 'not reported from a stale answer');
    assert.equal(kinds(h.published, 'tuneProgressed').length, 0);
  });

  it('clear() while a prompt list is in flight: its prompts are not put back nor reported', async () => {
    const h = harness();
    const prompt = await newPrompt(tuneA);
    h.poller.watchPrompt(prompt);
    await finishPrompt(prompt.id);
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, kind: 'slow', delayMs: 300, count: 1 });
    const ticking = h.poller.tick();
    await until('the request', () => gets(`/tunes/${tuneA}/prompts`).length === 1);
    h.poller.clear();
    await ticking;
    assert.ok(h.poller.isIdle);
    assert.equal(kinds(h.published, 'promptFinished').length, 0);
  });

  it('clear() while a failing check is in flight: no failure is shown afterwards, nothing else is asked', async () => {
    // The check times out after 300 ms (the sandbox never answers); the key changes before that.
    const h = harness(MANUAL, { timeoutMs: 300 });
    h.poller.watchPrompt(await newPrompt(tuneA));
    h.poller.watchPrompt(await newPrompt(tuneB));
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, kind: 'hang', count: 1 });
    const ticking = h.poller.tick();
    await until('the request', () => gets(`/tunes/${tuneA}/prompts`).length === 1);
    h.poller.clear();
    const events = h.pendingEvents();
    await ticking;
    assert.equal(h.poller.lastFailure, undefined);
    assert.ok(h.poller.isIdle);
    assert.equal(h.pendingEvents(), events, 'nothing to redraw');
    assert.equal(gets(`/tunes/${tuneB}/prompts`).length, 0);
  });

  it('clear() during a tune check: work watched again right after (the new key’s) is not checked nor reported by the stale round', async () => {
    const h = harness();
    const tune = await newTune();
    const prompt = await newPrompt(tune.id);
    h.poller.watchTune(tune);
    sandbox.addFault({ match: `/tunes/${tune.id}`, kind: 'slow', delayMs: 300, count: 1 });
    sandbox.clearRequests();
    const ticking = h.poller.tick();
    await until('the request', () => gets(`/tunes/${tune.id}`).length === 1);
    h.poller.clear();
    h.poller.watchTune(tune);
    h.poller.watchPrompt(prompt);
    await ticking;
    assert.equal(gets(`/tunes/${tune.id}/prompts`).length, 0, 'the stale round asked nothing more');
    assert.equal(kinds(h.published, 'tuneProgressed').length + kinds(h.published, 'tuneFinished').length, 0, 'the stale answer was not reported');
    assert.equal(h.poller.trainingCount, 1, 'the new watch stays');
  });

  it('clear() during one tune’s prompt list: the stale round does not go on to the next tune, even when it is watched again', async () => {
    const h = harness();
    const [a, b] = [await newPrompt(tuneA), await newPrompt(tuneB)];
    h.poller.watchPrompt(a);
    h.poller.watchPrompt(b);
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, kind: 'slow', delayMs: 300, count: 1 });
    sandbox.clearRequests();
    const ticking = h.poller.tick();
    await until('the request', () => gets(`/tunes/${tuneA}/prompts`).length === 1);
    h.poller.clear();
    h.poller.watchPrompt(b);
    await ticking;
    assert.equal(gets(`/tunes/${tuneB}/prompts`).length, 0);
    assert.equal(h.poller.generatingCount, 1);
  });

  it('clear() during the last tune of a round whose first tune failed: the old failure is not shown afterwards', async () => {
    const h = harness();
    h.poller.watchPrompt(await newPrompt(tuneA));
    h.poller.watchPrompt(await newPrompt(tuneB));
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, kind: 'status500', count: 1 });
    sandbox.addFault({ match: `/tunes/${tuneB}/prompts`, kind: 'slow', delayMs: 300, count: 1 });
    sandbox.clearRequests();
    const ticking = h.poller.tick();
    await until('the last request', () => gets(`/tunes/${tuneB}/prompts`).length === 1);
    h.poller.clear();
    await ticking;
    assert.equal(h.poller.lastFailure, undefined);
  });

  it('clear() while the only check is failing: no failure is shown and nothing logged afterwards', async () => {
    const h = harness(MANUAL, { timeoutMs: 300 });
    h.poller.watchPrompt(await newPrompt(tuneA));
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, kind: 'hang', count: 1 });
    sandbox.clearRequests();
    const ticking = h.poller.tick();
    await until('the request', () => gets(`/tunes/${tuneA}/prompts`).length === 1);
    h.poller.clear();
    await ticking;
    assert.equal(h.poller.lastFailure, undefined);
    assert.deepEqual(h.logged, []);
  });

  it('clear() while a prompt list is in flight that lacks the watched prompt: it is not asked for by id afterwards', async () => {
    const h = harness();
    const old = await newPrompt(tuneA, 'old');
    for (let i = 0; i < 22; i++) await newPrompt(tuneA, 'newer');
    sandbox.setIgnorePaging(true);
    h.poller.watchPrompt(old);
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, method: 'GET', kind: 'slow', delayMs: 300, count: 1 });
    sandbox.clearRequests();
    const ticking = h.poller.tick();
    await until('the request', () => gets(`/tunes/${tuneA}/prompts`).length === 1);
    h.poller.clear();
    await ticking;
    assert.equal(gets(`/tunes/${tuneA}/prompts/${old.id}`).length, 0);
  });

  it('clear() while a prompt is asked for by id: the stale answer is not reported', async () => {
    const h = harness();
    const old = await newPrompt(tuneA, 'old');
    for (let i = 0; i < 22; i++) await newPrompt(tuneA, 'newer');
    sandbox.setIgnorePaging(true);
    h.poller.watchPrompt(old);
    await finishPrompt(old.id);
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts/${old.id}`, kind: 'slow', delayMs: 300, count: 1 });
    sandbox.clearRequests();
    const ticking = h.poller.tick();
    await until('the request', () => gets(`/tunes/${tuneA}/prompts/${old.id}`).length === 1);
    h.poller.clear();
    await ticking;
    assert.equal(kinds(h.published, 'promptFinished').length + kinds(h.published, 'promptProgressed').length, 0);
  });

  it('forgetPrompt / forgetTune (and promptDeleted / tuneDeleted on the change stream) stop watching at once', async () => {
    const h = harness();
    const [a1, a2, b1] = [await newPrompt(tuneA), await newPrompt(tuneA), await newPrompt(tuneB)];
    const tune = await newTune();
    for (const p of [a1, a2, b1]) h.poller.watchPrompt(p);
    h.poller.watchTune(tune);
    h.poller.watchPrompt(await client().createPrompt(tune.id, { text: 'waits', num_images: 1 }));
    let events = h.pendingEvents();
    h.poller.forgetPrompt(tuneA, a1.id);
    assert.equal(h.poller.generatingCount, 3);
    assert.equal(h.pendingEvents(), ++events);
    h.poller.forgetPrompt(tuneA, a1.id);
    h.poller.forgetPrompt(tuneA, 1);
    h.poller.forgetPrompt(999, 1);
    h.poller.forgetTune(999);
    assert.equal(h.pendingEvents(), events, 'forgetting what is not watched changes nothing');
    h.changes.publish({ kind: 'promptDeleted', tuneId: tuneA, promptId: a2.id });
    assert.equal(h.poller.generatingCount, 2);
    assert.equal(h.pendingEvents(), ++events);
    // A tune still training, with a prompt waiting for it: both go.
    h.changes.publish({ kind: 'tuneDeleted', tuneId: tune.id });
    assert.equal(h.poller.trainingCount, 0);
    assert.equal(h.poller.generatingCount, 1);
    assert.equal(h.pendingEvents(), ++events);
    sandbox.clearRequests();
    await h.poller.tick();
    assert.deepEqual(lines(), [`GET /tunes/${tuneB}/prompts`], 'only what is still watched is asked');
    h.poller.forgetTune(tuneB);
    assert.ok(h.poller.isIdle);
  });

  it('forgetTune of a tune with only prompts watched forgets them', async () => {
    const h = harness();
    h.poller.watchPrompt(await newPrompt(tuneA));
    h.poller.forgetTune(tuneA);
    assert.ok(h.poller.isIdle);
  });

  it('after dispose nothing is asked and nothing heard', async () => {
    const h = harness({ baseIntervalMs: 20, maxIntervalMs: 40 });
    h.poller.watchPrompt(await newPrompt(tuneA));
    h.poller.dispose();
    const events = h.pendingEvents();
    sandbox.clearRequests();
    h.changes.publish({ kind: 'promptCreated', prompt: await newPrompt(tuneB) });
    await h.poller.tick();
    await sleep(120);
    assert.deepEqual(lines().filter((l) => l.startsWith('GET')), []);
    assert.equal(h.pendingEvents(), events);
  });
  it('forgetTune while its check is in flight: the answer does not put it back nor report it', async () => {
    const h = harness();
    const tune = await newTune();
    h.poller.watchTune(tune);
    await finishTune(tune.id);
    sandbox.addFault({ match: `/tunes/${tune.id}`, kind: 'slow', delayMs: 300, count: 1 });
    const ticking = h.poller.tick();
    await until('the request', () => gets(`/tunes/${tune.id}`).length === 1);
    h.poller.forgetTune(tune.id);
    const events = h.pendingEvents();
    await ticking;
    assert.ok(h.poller.isIdle);
    assert.equal(kinds(h.published, 'tuneFinished').length, 0);
    assert.equal(h.pendingEvents(), events, 'the status bar is not redrawn for the stale answer');
  });

  it('forgetPrompt while it is asked for by id: it is not reported', async () => {
    const h = harness();
    const old = await newPrompt(tuneA, 'old');
    for (let i = 0; i < 22; i++) await newPrompt(tuneA, 'newer');
    sandbox.setIgnorePaging(true);
    h.poller.watchPrompt(old);
    await finishPrompt(old.id);
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts/${old.id}`, kind: 'slow', delayMs: 300, count: 1 });
    const ticking = h.poller.tick();
    await until('the request', () => gets(`/tunes/${tuneA}/prompts/${old.id}`).length === 1);
    h.poller.forgetPrompt(tuneA, old.id);
    await ticking;
    assert.equal(kinds(h.published, 'promptFinished').length, 0);
    assert.ok(h.poller.isIdle);
  });

  it('a prompt watched while its tune’s only other prompt is being forgotten mid-check stays watched', async () => {
    const h = harness();
    const first = await newPrompt(tuneA);
    h.poller.watchPrompt(first);
    sandbox.addFault({ match: `/tunes/${tuneA}/prompts`, method: 'GET', kind: 'slow', delayMs: 300, count: 1 });
    const ticking = h.poller.tick();
    await until('the request', () => gets(`/tunes/${tuneA}/prompts`).length === 1);
    h.poller.forgetPrompt(tuneA, first.id);
    const second = await newPrompt(tuneA);
    h.poller.watchPrompt(second);
    await ticking;
    assert.equal(h.poller.generatingCount, 1, 'the new prompt is still counted');
    await finishPrompt(second.id);
    await h.poller.tick();
    assert.deepEqual(kinds(h.published, 'promptFinished').map((c) => (c as Extract<Change, { kind: 'promptFinished' }>).prompt.id), [second.id]);
  });

  it('holds one timer while something is watched and none once it is forgotten or cleared', async () => {
    const h = harness();
    const prompt = await newPrompt(tuneA);
    const tune = await newTune();
    const idle = timers();
    h.poller.watchPrompt(prompt);
    h.poller.watchTune(tune);
    assert.equal(timers(), idle + 1, 'one timer for everything watched');
    h.poller.forgetPrompt(tuneA, prompt.id);
    assert.equal(timers(), idle + 1);
    h.poller.forgetTune(tune.id);
    assert.equal(timers(), idle, 'idle: no timer');
    h.poller.watchPrompt(prompt);
    h.poller.clear();
    assert.equal(timers(), idle, 'cleared: no timer');
    h.poller.watchPrompt(prompt);
    h.poller.dispose();
    assert.equal(timers(), idle, 'disposed: no timer');
    h.poller.watchPrompt(await newPrompt(tuneB));
    assert.equal(timers(), idle, 'nothing is scheduled after dispose');
  });
});

describe('StatusPoller: timing', () => {
  it('has no timer while idle: nothing is asked before anything is watched, nor after all is done', async () => {
    const h = harness({ baseIntervalMs: 20, maxIntervalMs: 40 });
    sandbox.clearRequests();
    await sleep(150);
    assert.deepEqual(lines(), []);
    const prompt = await newPrompt(tuneA);
    await finishPrompt(prompt.id);
    sandbox.clearRequests();
    h.poller.watchPrompt(prompt);
    await until('the prompt to be reported', () => kinds(h.published, 'promptFinished').length === 1);
    const asked = lines().length;
    await sleep(200);
    assert.equal(lines().length, asked, 'no request once idle');
    assert.ok(h.poller.isIdle);
  });

  it('checks something new within the base interval, and backs off (×1.6 up to the maximum) while a training tune does not change', async () => {
    const h = harness({ baseIntervalMs: 20, maxIntervalMs: 300 });
    const tune = await newTune();
    sandbox.clearRequests();
    const watchedAt = Date.now();
    h.poller.watchTune(tune);
    await until('eight checks', () => gets(`/tunes/${tune.id}`).length >= 8, 6_000);
    const at = gets(`/tunes/${tune.id}`).map((r) => r.at);
    assert.ok(at[0]! - watchedAt < 150, `first check after ${at[0]! - watchedAt} ms (base 20)`);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // Expected 32, 51, 82, 131, 210, 300, 300 ms.
    assert.ok(gaps[0]! < 120, `gaps ${gaps.join(', ')}`);
    assert.ok(gaps[4]! > 150, `gaps ${gaps.join(', ')}`);
    assert.ok(gaps.at(-1)! >= 270 && gaps.at(-1)! < 500, `held at the maximum: gaps ${gaps.join(', ')}`);
    assert.ok(at.at(-1)! - at[0]! > 900, `backed off: ${at.length} checks in ${at.at(-1)! - at[0]!} ms`);
  });

  it('something new resets the back-off: a prompt watched while backed off is checked within the base interval', async () => {
    const h = harness({ baseIntervalMs: 20, maxIntervalMs: 1_000 });
    const tune = await newTune();
    h.poller.watchTune(tune);
    await until('the back-off', () => gets(`/tunes/${tune.id}`).length >= 7, 6_000);
    // The next check of the tune is now about 400 ms away.
    await sleep(30);
    const prompt = await newPrompt(tuneA);
    await finishPrompt(prompt.id);
    const watchedAt = Date.now();
    h.poller.watchPrompt(prompt);
    await until('the new prompt to be reported', () => kinds(h.published, 'promptFinished').length === 1, 3_000);
    assert.ok(Date.now() - watchedAt < 200, `reported after ${Date.now() - watchedAt} ms`);
  });

  it('a finished tune is news: the back-off starts again from the base interval for what is still watched', async () => {
    const h = harness({ baseIntervalMs: 20, maxIntervalMs: 1_000 });
    const [slow, done] = [await newTune(), await newTune()];
    h.poller.watchTune(slow);
    h.poller.watchTune(done);
    await until('the back-off', () => gets(`/tunes/${slow.id}`).length >= 7, 6_000);
    await finishTune(done.id);
    await until('the tune to be reported', () => kinds(h.published, 'tuneFinished').length === 1, 3_000);
    const reported = gets(`/tunes/${slow.id}`).length;
    await until('the next check', () => gets(`/tunes/${slow.id}`).length > reported, 3_000);
    const at = gets(`/tunes/${slow.id}`).map((r) => r.at);
    assert.ok(at.at(-1)! - at.at(-2)! < 200, `checked ${at.at(-1)! - at.at(-2)!} ms after the news`);
  });

  it('a prompt generating on a trained tune is checked every base interval, not backed off (done within seconds)', async () => {
    const h = harness({ baseIntervalMs: 20, maxIntervalMs: 5_000 });
    h.poller.watchPrompt(await newPrompt(tuneB));
    sandbox.clearRequests();
    await sleep(1_200);
    const checks = gets(`/tunes/${tuneB}/prompts`).length;
    // Backed off, 1.2 s would hold 7 checks (after 20, 32, 51, 82, 131, 210, 336 ms); every 20 ms, far more.
    assert.ok(checks >= 11, `${checks} checks in 1.2 s`);
  });

  it('failing checks back off even for a generating prompt', async () => {
    const h = harness({ baseIntervalMs: 20, maxIntervalMs: 5_000 });
    sandbox.addFault({ match: `/tunes/${tuneB}/prompts`, method: 'GET', kind: 'status500', count: 1_000 });
    h.poller.watchPrompt(await newPrompt(tuneB));
    sandbox.clearRequests();
    await sleep(1_200);
    const checks = gets(`/tunes/${tuneB}/prompts`).length;
    assert.ok(checks >= 3 && checks <= 9, `${checks} failing checks in 1.2 s (7 expected)`);
    assert.ok(h.poller.lastFailure);
  });

  it('a check asked for from outside replaces the scheduled one (no second timer)', async () => {
    const h = harness({ baseIntervalMs: 100, maxIntervalMs: 100 });
    h.poller.watchPrompt(await newPrompt(tuneA));
    sandbox.clearRequests();
    for (let i = 0; i < 5; i++) await h.poller.tick();
    const asked = gets(`/tunes/${tuneA}/prompts`).length;
    assert.equal(asked, 5);
    await sleep(250);
    const timed = gets(`/tunes/${tuneA}/prompts`).length - asked;
    assert.ok(timed >= 1 && timed <= 3, `${timed} timed checks in 250 ms at 100 ms`);
  });
  it('a stream of new work does not keep pushing the first check back', async () => {
    const h = harness({ baseIntervalMs: 60, maxIntervalMs: 60 });
    const prompts: Prompt[] = [];
    for (let i = 0; i < 8; i++) prompts.push(await newPrompt(tuneA));
    sandbox.clearRequests();
    const start = Date.now();
    for (const prompt of prompts) {
      h.poller.watchPrompt(prompt);
      await sleep(30);
    }
    const first = gets(`/tunes/${tuneA}/prompts`)[0];
    assert.ok(first, 'checked while new prompts kept coming');
    assert.ok(first.at - start < 200, `first check ${first.at - start} ms after the first prompt`);
  });

  it('a tune watched while a round is under way keeps its check within the base interval: the round’s own back-off does not push it back', async () => {
    const h = harness({ baseIntervalMs: 1_500, maxIntervalMs: 60_000 });
    const [old, fresh] = [await newTune(), await newTune()];
    h.poller.watchTune(old);
    sandbox.addFault({ match: `/tunes/${old.id}`, method: 'GET', kind: 'slow', delayMs: 1_000, count: 1 });
    sandbox.clearRequests();
    const ticking = h.poller.tick();
    await until('the round’s request', () => gets(`/tunes/${old.id}`).length === 1);
    h.poller.watchTune(fresh); // due 1.5 s from now, about 0.5 s after the round ends
    await ticking;
    const endedAt = Date.now();
    // Nothing changed in the round: it backs off to 2.4 s. Replacing the new tune's timer with that would
    // check it no sooner than 2.4 s after the round (about 3.4 s after it was watched).
    await until('the new tune’s first check', () => gets(`/tunes/${fresh.id}`).length === 1, 6_000);
    const checkedAfter = gets(`/tunes/${fresh.id}`)[0]!.at - endedAt;
    assert.ok(checkedAfter < 2_000, `first checked ${checkedAfter} ms after the round ended (due about 500 ms after it)`);
  });

  it('the prompts of a tune still training wait with it: backed off, not checked every base interval', async () => {
    const h = harness({ baseIntervalMs: 20, maxIntervalMs: 5_000 });
    const tune = await newTune();
    h.poller.watchTune(tune);
    h.poller.watchPrompt(await client().createPrompt(tune.id, { text: 'waits', num_images: 1 }));
    sandbox.clearRequests();
    await sleep(1_200);
    const checks = gets(`/tunes/${tune.id}`).length;
    assert.ok(checks >= 3 && checks <= 9, `${checks} checks in 1.2 s (7 expected)`);
  });
});
