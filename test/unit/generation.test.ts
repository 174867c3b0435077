// src/domain/generation.ts against the sandbox, on both profiles: a create that fails without saying
// whether it worked (504 or reset after the server did the work, a 200 it cannot read, a create that
// lands 1.5 s after the gateway gave up) ends with exactly one prompt or tune and says so; one that
// truly did not happen ends `unknown` and is never sent again here. Every created thing is published.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type FaultSpec, type Sandbox } from '../sandbox/server';
import { abortableSleep } from '../../src/api/abort';
import { AstriaClient } from '../../src/api/astria/client';
import type { Prompt, Tune } from '../../src/api/astria/types';
import { ApiError } from '../../src/api/errors';
import { Changes, type Change } from '../../src/domain/changes';
import {
  changeRecoveredNote,
  DEFAULT_LOOK_AGAIN_MS,
  findCreatedPrompt,
  Generation,
  outcomeUnknown,
  recoveryNote,
  recoveryReason,
  sameRequest,
  totalWait,
  unknownChangeMessage,
  unknownOutcomeMessage,
  type BatchOutcome,
  type BatchPrompt,
} from '../../src/domain/generation';

let sandbox: Sandbox;
let tuneId: number;
const published: Change[] = [];

function client(): AstriaClient {
  return new AstriaClient({
    baseUrl: sandbox.url,
    getKey: () => sandbox.astriaKey,
    timeoutMs: 1500,
    retry: { baseDelayMs: 5, sleep: (ms, signal) => abortableSleep(Math.min(ms, 5), signal) },
  });
}

/** Waits as the product does (2 s, then 4 s), shortened to 1 s and 1 s so a late create of 1.5 s is still caught. */
function generation(lookAgainMs: number[] = [1_000, 1_000]): Generation {
  const changes = new Changes((error) => assert.fail(String(error)));
  changes.subscribe((change) => void published.push(change));
  return new Generation({ client, changes, lookAgainMs });
}

function items(label: string, n: number): BatchPrompt[] {
  return Array.from({ length: n }, (_, i) => ({ key: `cell-${i}`, tuneId, params: { text: `${label} ${i}`, seed: 100 + i, num_images: 1 } }));
}

function posts(path = `/tunes/${tuneId}/prompts`): number {
  return sandbox.requests.filter((r) => r.origin === 'api' && r.method === 'POST' && r.path === path).length;
}

async function promptsWithText(text: string): Promise<Prompt[]> {
  const found: Prompt[] = [];
  for await (const page of client().pagesOfPrompts(tuneId)) found.push(...page.filter((p) => p.text === text));
  return found;
}

async function tunesTitled(title: string): Promise<Tune[]> {
  const found: Tune[] = [];
  for await (const page of client().pagesOfTunes()) found.push(...page.filter((t) => t.title === title));
  return found;
}

function fault(spec: FaultSpec): void {
  sandbox.addFault(spec);
}

before(async () => {
  sandbox = await startSandbox({ quiet: true, speed: 1000, hostileDemo: true });
  tuneId = (await client().listTunes({ title: 'Priya Sharma' }))[0]!.id;
});
afterEach(async () => {
  await fetch(`${sandbox.url}/__admin/faults`, { method: 'DELETE' });
  sandbox.setProfile('rich');
  sandbox.clearRequests();
  published.length = 0;
});
after(() => sandbox.close());

describe('createPrompts (prompt files, sweeps)', () => {
  it('creates every prompt once, never more than `concurrency` at a time, and publishes each', async () => {
    let inFlight = 0;
    let most = 0;
    const outcomes = await generation().createPrompts(items('bounded', 7), {
      concurrency: 2,
      onStart: () => void (most = Math.max(most, ++inFlight)),
      onOutcome: () => void inFlight--,
    });
    assert.equal(most, 2);
    assert.equal(posts(), 7);
    assert.deepEqual(outcomes.map((o) => `${o.key}:${o.status}`), items('x', 7).map((i) => `${i.key}:created`));
    assert.equal(published.filter((c) => c.kind === 'promptCreated').length, 7, 'every view hears of every prompt');
    const texts = outcomes.map((o) => (o.status === 'created' ? o.prompt.text : ''));
    assert.deepEqual(texts, items('bounded', 7).map((i) => i.params.text), 'outcomes come back in the order of the items');
  });

  it('Cancel lets the prompts already sent finish and sends nothing more', async () => {
    const controller = new AbortController();
    const outcomes = await generation().createPrompts(items('cancelled', 6), { concurrency: 2, signal: controller.signal, onOutcome: () => controller.abort() });
    assert.equal(outcomes.filter((o) => o.status === 'created').length, 2, 'the two in flight when Cancel came finish');
    assert.equal(outcomes.filter((o) => o.status === 'not-started').length, 4);
    assert.equal(posts(), 2);
  });

  it('a 422 fails that prompt in the server’s words while the rest are created', async () => {
    const batch = items('some invalid', 3);
    batch[1] = { ...batch[1]!, params: { ...batch[1]!.params, cfg_scale: 99 } };
    const outcomes = await generation().createPrompts(batch, { concurrency: 2 });
    assert.deepEqual(outcomes.map((o) => o.status), ['created', 'failed', 'created']);
    const failure = outcomes[1] as Extract<BatchOutcome, { status: 'failed' }>;
    assert.ok(failure.error instanceof ApiError && failure.error.kind === 'validation', String(failure.error));
    assert.equal(failure.unknown, false, 'a 422 is a clear no, not an unknown');
    assert.match(failure.error.message, /cfg/i);
  });

  it('refuses two prompts with the same key before sending anything', async () => {
    const batch = items('same key', 2).map((i) => ({ ...i, key: 'one' }));
    await assert.rejects(generation().createPrompts(batch, { concurrency: 2 }), /own key/);
    assert.equal(posts(), 0);
  });
});

for (const profile of ['rich', 'documented'] as const) {
  describe(`a prompt is never billed twice (${profile} profile)`, () => {
    before(() => sandbox.setProfile(profile));

    const afterTheWork = [
      ['status504', '504 after the server created it'],
      ['reset', 'a dropped connection after the server created it'],
      ['malformedAfterWork', 'a 200 whose body cannot be read, after the server created it'],
      ['lateCreate', 'a 504 at once, the prompt created 1.5 s later'],
    ] as const;
    for (const [kind, what] of afterTheWork) {
      it(`${what} → found, not sent again, exactly one prompt, and the user is told`, async () => {
        sandbox.setProfile(profile);
        const text = `gen ${kind} ${profile} ${Date.now()}`;
        fault({ kind, method: 'POST', match: `/tunes/${tuneId}/prompts`, count: 1 });
        const outcome = await generation().createPrompt(tuneId, { text, seed: 5, num_images: 1 });
        assert.equal(outcome.status, 'created', JSON.stringify(outcome));
        assert.equal(outcome.status === 'created' && outcome.recovered, true);
        assert.match(recoveryNote(outcome, 'prompt'), /the prompt was created \(found on the server\); it was not sent again/);
        assert.equal(posts(), 1, 'one POST');
        assert.equal((await promptsWithText(text)).length, 1, 'exactly one prompt on the server');
        assert.deepEqual(published.map((c) => c.kind), ['promptCreated']);
      });
    }

    it('a 500 before any work → looked for twice, `unknown`, never sent again, nothing published', async () => {
      sandbox.setProfile(profile);
      const text = `gen refused ${profile} ${Date.now()}`;
      fault({ kind: 'status500', method: 'POST', match: `/tunes/${tuneId}/prompts`, count: 1 });
      const outcome = await generation([20, 20]).createPrompt(tuneId, { text, num_images: 1 });
      assert.equal(outcome.status, 'unknown');
      assert.equal(posts(), 1, 'not sent again without the user');
      const looks = sandbox.requests.filter((r) => r.method === 'GET' && r.path === `/tunes/${tuneId}/prompts`).length;
      assert.equal(looks, 3, 'looked now and after each wait');
      assert.equal((await promptsWithText(text)).length, 0);
      assert.deepEqual(published, []);
      assert.match(unknownOutcomeMessage('prompt', outcome.status === 'unknown' && outcome.error, 40), /^Astria had a server error \(500\)[^.]*\. The prompt was not found on the server, also 0 s later, so it was not sent again: sending it again may generate and bill twice\.$/);
    });

    it('two identical prompts with one failing ambiguously: each claims its own, none twice', async () => {
      sandbox.setProfile(profile);
      const text = `gen twins ${profile} ${Date.now()}`;
      const gen = generation();
      const first = await gen.createPrompt(tuneId, { text, seed: 9, num_images: 1 });
      fault({ kind: 'status504', method: 'POST', match: `/tunes/${tuneId}/prompts`, count: 1 });
      const second = await gen.createPrompt(tuneId, { text, seed: 9, num_images: 1 });
      assert.equal(first.status, 'created');
      assert.equal(second.status, 'created');
      assert.notEqual(first.status === 'created' && first.value.id, second.status === 'created' && second.value.id, 'the second did not claim the first one');
      assert.equal((await promptsWithText(text)).length, 2);
    });
  });

  describe(`a prompt sent again after no answer is looked for first (${profile} profile)`, () => {
    const looks = () => sandbox.requests.filter((r) => r.method === 'GET' && r.path === `/tunes/${tuneId}/prompts`).length;
    /** The sandbox's requests in order, as "GET" and "POST" on this tune's prompts. */
    const trail = () => sandbox.requests.filter((r) => r.path === `/tunes/${tuneId}/prompts`).map((r) => r.method);

    it('the earlier attempt created it after all → taken, not POSTed again, and the user is told so (guards the look before a second POST)', async () => {
      sandbox.setProfile(profile);
      const text = `gen again late ${profile} ${Date.now()}`;
      const gen = generation([20, 20]);
      fault({ kind: 'lateCreate', delayMs: 400, method: 'POST', match: `/tunes/${tuneId}/prompts`, count: 1 });
      const first = await gen.createPrompt(tuneId, { text, seed: 7, num_images: 1 });
      assert.equal(first.status, 'unknown', 'not there yet when it was looked for');
      while ((await promptsWithText(text)).length === 0) await abortableSleep(50);
      published.length = 0;
      // The same request, its parameters in another order: still the same request.
      const again = await gen.createPrompt(tuneId, { num_images: 1, seed: 7, text });
      assert.equal(again.status, 'created', JSON.stringify(again));
      assert.equal(again.status === 'created' && again.earlierAttempt, true);
      assert.equal(recoveryNote(again, 'prompt'), 'The earlier attempt did create the prompt; it was not sent again. ');
      assert.equal(posts(), 1, 'one POST in all: not billed twice');
      assert.equal((await promptsWithText(text)).length, 1);
      assert.deepEqual(published.map((c) => c.kind), ['promptCreated'], 'the views are told');
      sandbox.clearRequests();
      const third = await gen.createPrompt(tuneId, { text, seed: 7, num_images: 1 });
      assert.equal(third.status === 'created' && third.earlierAttempt, undefined, 'the doubt was cleared: a third send is a new prompt');
      assert.deepEqual(trail(), ['POST'], 'sent without a look');
    });

    it('the earlier attempt created nothing → looked for once, then sent once', async () => {
      sandbox.setProfile(profile);
      const text = `gen again 500 ${profile} ${Date.now()}`;
      const gen = generation([20, 20]);
      fault({ kind: 'status500', method: 'POST', match: `/tunes/${tuneId}/prompts`, count: 1 });
      assert.equal((await gen.createPrompt(tuneId, { text, num_images: 1 })).status, 'unknown');
      sandbox.clearRequests();
      const again = await gen.createPrompt(tuneId, { text, num_images: 1 });
      assert.equal(again.status, 'created');
      assert.equal(again.status === 'created' && (again.recovered || again.earlierAttempt === true), false, 'a plain create');
      assert.deepEqual(trail(), ['GET', 'POST'], 'looked for first, then sent once');
      assert.equal((await promptsWithText(text)).length, 1);
    });

    it('the look itself fails → nothing sent, and the next send looks again', async () => {
      sandbox.setProfile(profile);
      const text = `gen again look fails ${profile} ${Date.now()}`;
      const gen = generation([20, 20]);
      fault({ kind: 'status500', method: 'POST', match: `/tunes/${tuneId}/prompts`, count: 1 });
      assert.equal((await gen.createPrompt(tuneId, { text, num_images: 1 })).status, 'unknown');
      sandbox.clearRequests();
      fault({ kind: 'status401', method: 'GET', match: `/tunes/${tuneId}/prompts`, count: 1 });
      const refused = await gen.createPrompt(tuneId, { text, num_images: 1 });
      assert.equal(refused.status, 'failed', 'nobody can tell whether the earlier one worked');
      assert.equal(posts(), 0, 'not sent');
      const again = await gen.createPrompt(tuneId, { text, num_images: 1 });
      assert.equal(again.status, 'created');
      assert.deepEqual(trail(), ['GET', 'GET', 'POST'], 'looked again before sending');
    });

    it('another request (other text, tune option or file) is sent without a look', async () => {
      sandbox.setProfile(profile);
      const text = `gen again other ${profile} ${Date.now()}`;
      const gen = generation([20, 20]);
      fault({ kind: 'status500', method: 'POST', match: `/tunes/${tuneId}/prompts`, count: 1 });
      assert.equal((await gen.createPrompt(tuneId, { text, seed: 1, num_images: 1 })).status, 'unknown');
      const before = looks();
      assert.equal((await gen.createPrompt(tuneId, { text, seed: 2, num_images: 1 })).status, 'created');
      assert.equal((await gen.createPrompt(tuneId, { text: `${text} b`, seed: 1, num_images: 1 })).status, 'created');
      assert.equal(looks(), before, 'no look for a request that never went unanswered');
    });

    it('a batch sent again tells which prompts an earlier run had created', async () => {
      sandbox.setProfile(profile);
      const label = `gen again batch ${profile} ${Date.now()}`;
      const gen = generation([20, 20]);
      fault({ kind: 'lateCreate', delayMs: 400, method: 'POST', match: `/tunes/${tuneId}/prompts`, count: 1 });
      const first = await gen.createPrompts(items(label, 1), { concurrency: 1 });
      assert.equal(first[0]?.status === 'failed' && first[0].unknown, true);
      while ((await promptsWithText(`${label} 0`)).length === 0) await abortableSleep(50);
      const [again] = await gen.createPrompts(items(label, 1), { concurrency: 1 });
      assert.equal(again?.status === 'created' && again.earlierAttempt, true, JSON.stringify(again));
      assert.equal(posts(), 1);
    });
  });

  describe(`a tune is never billed twice (${profile} profile: no idempotent titles there)`, () => {
    const params = (title: string) => ({ title, name: 'woman', branch: 'fast' as const, image_urls: ['https://example.com/1.jpg'] });

    for (const kind of ['status504', 'reset', 'malformedAfterWork', 'lateCreate'] as const) {
      it(`${kind} after the work → found by its title, not POSTed again, exactly one tune`, async () => {
        sandbox.setProfile(profile);
        const title = `Gen tune ${kind} ${profile} ${Date.now()}`;
        fault({ match: '^/tunes$', method: 'POST', kind, count: 1 });
        const outcome = await generation().createTune(params(title), []);
        assert.equal(outcome.status, 'created', JSON.stringify(outcome));
        assert.equal(outcome.status === 'created' && outcome.value.title, title);
        assert.equal(outcome.status === 'created' && outcome.recovered, true);
        assert.equal(posts('/tunes'), 1);
        assert.equal((await tunesTitled(title)).length, 1);
        assert.deepEqual(published.map((c) => c.kind), ['tuneCreated']);
      });
    }

    it('a 500 before any work → `unknown`, no second POST (the user decides)', async () => {
      sandbox.setProfile(profile);
      const title = `Gen tune refused ${profile} ${Date.now()}`;
      fault({ match: '^/tunes$', method: 'POST', kind: 'status500', count: 1 });
      const outcome = await generation([20, 20]).createTune(params(title), []);
      assert.equal(outcome.status, 'unknown');
      assert.equal(posts('/tunes'), 1);
      assert.equal((await tunesTitled(title)).length, 0);
    });

    it('a 422 is a clear no: `failed`, nothing looked for', async () => {
      sandbox.setProfile(profile);
      const outcome = await generation().createTune({ title: `Gen tune invalid ${Date.now()}`, name: 'woman', image_urls: [] }, []);
      assert.equal(outcome.status, 'failed');
      assert.ok(outcome.status === 'failed' && outcome.error instanceof ApiError && outcome.error.kind === 'validation');
      assert.equal(sandbox.requests.filter((r) => r.method === 'GET').length, 0);
    });
  });
}

describe('sameRequest', () => {
  const prompt = { id: 1, tune_id: 2, text: 'a cat', seed: 7, cfg_scale: '3.0', steps: null, images: [], created_at: '' } as unknown as Prompt;
  it('matches the text and every value the server echoes, numbers as strings included', () => {
    assert.equal(sameRequest(prompt, { text: 'a cat', seed: 7, cfg_scale: 3, steps: 30, style: 'Anime' }), true);
  });
  it('tells apart prompts that differ in text or in an echoed value', () => {
    assert.equal(sameRequest(prompt, { text: 'a dog', seed: 7 }), false);
    assert.equal(sameRequest(prompt, { text: 'a cat', seed: 8 }), false);
    assert.equal(sameRequest(prompt, { text: 'a cat', cfg_scale: 4 }), false);
  });
});

describe('sending: plain outcomes, Cancel before sending, batch unknowns', () => {
  it('a prompt and a tune created at the first try are not reported as recovered', async () => {
    const prompt = await generation().createPrompt(tuneId, { text: `gen plain ${Date.now()}`, num_images: 1 });
    assert.equal(prompt.status === 'created' && prompt.recovered, false);
    assert.equal(recoveryNote(prompt, 'prompt'), '', 'nothing to tell the user');
    const tune = await generation().createTune({ title: `Gen tune plain ${Date.now()}`, name: 'woman', branch: 'fast', image_urls: ['https://example.com/1.jpg'] }, []);
    assert.equal(tune.status === 'created' && tune.recovered, false);
    assert.deepEqual(published.map((c) => c.kind), ['promptCreated', 'tuneCreated']);
  });

  it('Cancel before sending sends no prompt and no tune, and says failed (not unknown)', async () => {
    const signal = AbortSignal.abort();
    const prompt = await generation().createPrompt(tuneId, { text: `gen cancelled ${Date.now()}`, num_images: 1 }, {}, { signal });
    const tune = await generation().createTune({ title: `Gen tune cancelled ${Date.now()}`, name: 'woman', branch: 'fast', image_urls: ['https://example.com/1.jpg'] }, [], { signal });
    assert.deepEqual([prompt.status, tune.status], ['failed', 'failed']);
    assert.equal(posts(), 0);
    assert.equal(posts('/tunes'), 0);
  });

  it('a batch prompt whose create went unanswered and was not found is marked unknown', async () => {
    fault({ kind: 'status500', method: 'POST', match: `/tunes/${tuneId}/prompts`, count: 1 });
    const outcomes = await generation([20, 20]).createPrompts(items(`batch unknown ${Date.now()}`, 1), { concurrency: 1 });
    assert.equal(outcomes[0]?.status, 'failed');
    assert.equal(outcomes[0]?.status === 'failed' && outcomes[0].unknown, true);
    assert.equal(posts(), 1);
  });
});

describe('findCreatedPrompt (the prompt an unanswered create made)', () => {
  it('finds it when sent at most two minutes (clock slack) before it was created, unless already claimed', async () => {
    const params = { text: `gen find ${Date.now()}`, seed: 11, num_images: 1 };
    const made = await client().createPrompt(tuneId, params);
    const createdAt = Date.parse(made.created_at);
    assert.equal((await findCreatedPrompt(client(), tuneId, params, createdAt))?.id, made.id);
    assert.equal((await findCreatedPrompt(client(), tuneId, params, createdAt + 120_000))?.id, made.id, 'server clock up to 2 min behind');
    assert.equal(await findCreatedPrompt(client(), tuneId, params, createdAt + 120_001), undefined, 'created before this send: not its prompt');
    assert.equal(await findCreatedPrompt(client(), tuneId, params, createdAt, new Set([made.id])), undefined, 'claimed by another create');
    assert.equal(await findCreatedPrompt(client(), tuneId, { ...params, seed: 12 }, createdAt), undefined);
  });
});

describe('confirmChange and the waits between looks', () => {
  function counted(waits: readonly number[]): { gen: Generation; slept: number[] } {
    const slept: number[] = [];
    const changes = new Changes((error) => assert.fail(String(error)));
    const gen = new Generation({ client, changes, lookAgainMs: waits, sleep: async (ms) => void slept.push(ms) });
    return { gen, slept };
  }

  it('is true as soon as the server shows the change, false when it never does, sleeping only between looks', async () => {
    const found = counted([30, 40]);
    let looks = 0;
    assert.equal(await found.gen.confirmChange(async () => ++looks === 2), true);
    assert.deepEqual([looks, found.slept], [2, [30]]);
    const never = counted([30, 40]);
    looks = 0;
    assert.equal(await never.gen.confirmChange(async () => (++looks, false)), false);
    assert.deepEqual([looks, never.slept], [3, [30, 40]]);
  });

  it('Cancel during a wait stops looking at once (real timers)', async () => {
    const gen = new Generation({ client, changes: new Changes(), lookAgainMs: [10_000, 10_000] });
    const controller = new AbortController();
    let looks = 0;
    const started = Date.now();
    const confirmed = gen.confirmChange(async () => {
      looks++;
      setTimeout(() => controller.abort(), 20);
      return false;
    }, controller.signal);
    assert.equal(await confirmed, false);
    assert.equal(looks, 1, 'no look after Cancel');
    assert.ok(Date.now() - started < 5_000, 'did not sit out the 10 s wait');
  });

  it('Cancel before a wait stops looking at once (real timers)', async () => {
    const gen = new Generation({ client, changes: new Changes(), lookAgainMs: [10_000, 10_000] });
    const controller = new AbortController();
    let looks = 0;
    const started = Date.now();
    const confirmed = gen.confirmChange(async () => {
      looks++;
      controller.abort();
      return false;
    }, controller.signal);
    assert.equal(await confirmed, false);
    assert.equal(looks, 1);
    assert.ok(Date.now() - started < 5_000, 'did not sit out the 10 s wait');
  });

  it('tells how long it waits: the default 2 s + 4 s, shortened waits, and back to the default', () => {
    assert.equal(totalWait(DEFAULT_LOOK_AGAIN_MS), 6_000);
    const gen = new Generation({ client, changes: new Changes() });
    assert.equal(gen.waitedMs, 6_000);
    gen.setLookAgain([100, 250]);
    assert.equal(gen.waitedMs, 350);
    gen.setLookAgain(undefined);
    assert.equal(gen.waitedMs, 6_000);
    const shortened = new Generation({ client, changes: new Changes(), lookAgainMs: [10, 20] });
    shortened.setLookAgain([1_000]);
    assert.equal(shortened.waitedMs, 1_000);
    shortened.setLookAgain(undefined);
    assert.equal(shortened.waitedMs, 30);
  });
});

describe('outcomeUnknown (may the failed request have created it?)', () => {
  const error = (kind: ApiError['kind'], status?: number) => new ApiError({ kind, message: kind, status });
  it('yes for no answer, an unreadable answer, and any 5xx', () => {
    for (const e of [error('timeout'), error('network'), error('malformed', 200), error('server', 500), error('server'), error('rate_limited', 503), error('bad_request', 500)]) {
      assert.equal(outcomeUnknown(e), true, `${e.kind} ${e.status}`);
    }
  });
  it('no for a clear refusal, a cancel, or something that is not an API error', () => {
    for (const e of [error('validation', 422), error('auth', 401), error('not_found', 404), error('rate_limited', 429), error('bad_request', 499), error('cancelled')]) {
      assert.equal(outcomeUnknown(e), false, `${e.kind} ${e.status}`);
    }
    assert.equal(outcomeUnknown(new Error('boom')), false);
  });
});

describe('what the user is told', () => {
  const error = (kind: ApiError['kind'], message: string = kind) => new ApiError({ kind, message });
  it('names why a recovered create or change failed', () => {
    assert.equal(recoveryReason(error('timeout')), 'The server timed out');
    assert.equal(recoveryReason(error('network')), 'The connection failed');
    assert.equal(recoveryReason(error('malformed')), 'The server sent an answer that could not be read');
    assert.equal(recoveryReason(error('server')), 'The server failed');
    assert.equal(recoveryReason(undefined), 'The server failed');
    assert.equal(changeRecoveredNote(error('network'), 'the tune was renamed'), 'The connection failed, but the tune was renamed (checked on the server); it was not sent again.');
    assert.equal(recoveryNote({ status: 'failed', error: error('validation') }, 'prompt'), '');
  });
  it('an unknown tune says training may bill twice; an unknown change gives the seconds waited and what to check', () => {
    assert.equal(
      unknownOutcomeMessage('tune', error('timeout', 'The request timed out. Retry later.'), 6_000),
      'The request timed out. The tune was not found on the server, also 6 s later, so it was not sent again: sending it again may train and bill twice.',
    );
    assert.equal(
      unknownChangeMessage('rename', error('network', 'Socket closed! Again'), 'Look at the tune list.', 6_000),
      'Socket closed! The rename did not show on the server, also 6 s later, so it was not sent again: it may still happen. Look at the tune list.',
    );
  });
  it('quotes only the first line’s sentence, and the whole first line when it has no sentence end', () => {
    assert.match(unknownOutcomeMessage('prompt', new Error('Bad gateway\nUpstream said no. Later'), 0), /^Bad gateway\nUpstream said no\. Later The prompt/);
    assert.match(unknownChangeMessage('like', new Error('Bad gateway\nUpstream said no. Later'), 'Check.', 0), /^Bad gateway\nUpstream said no\. Later The like/);
  });
});

describe('sameRequest: values the server echoes in another type', () => {
  const prompt = { id: 1, tune_id: 2, text: 'a cat', seed: '7', aspect_ratio: '1:1', super_resolution: 'true', face_correct: true, steps: 30, images: [], created_at: '' } as unknown as Prompt;
  it('a number sent as text or echoed as text, a boolean echoed as text or sent as text, and equal strings match', () => {
    assert.equal(sameRequest(prompt, { text: 'a cat', seed: 7, steps: '30' as unknown as number, aspect_ratio: '1:1', super_resolution: true, face_correct: 'true' as unknown as boolean }), true);
  });
  it('a different string, boolean or number does not match; parameters sent empty are not compared', () => {
    assert.equal(sameRequest(prompt, { text: 'a cat', aspect_ratio: '16:9' }), false);
    assert.equal(sameRequest(prompt, { text: 'a cat', super_resolution: false }), false);
    assert.equal(sameRequest(prompt, { text: 'a cat', face_correct: 'false' as unknown as boolean }), false);
    assert.equal(sameRequest(prompt, { text: 'a cat', steps: '31' as unknown as number }), false);
    assert.equal(sameRequest(prompt, { text: 'a cat', seed: undefined, steps: null as unknown as number }), true);
  });
});
