// runPromptBatch against the sandbox: bounded concurrency, Cancel, and a failure whose outcome is
// unknown never turning into a second prompt.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { abortableSleep } from '../../src/api/abort';
import { AstriaClient } from '../../src/api/astria/client';
import type { Prompt } from '../../src/api/astria/types';
import { ApiError } from '../../src/api/errors';
import { runPromptBatch, sameRequest, type BatchOutcome, type BatchPrompt } from '../../src/jobs/promptBatch';

let sandbox: Sandbox;
let tuneId: number;

function client(): AstriaClient {
  return new AstriaClient({
    baseUrl: sandbox.url,
    getKey: () => sandbox.astriaKey,
    timeoutMs: 1500,
    retry: { baseDelayMs: 5, sleep: (ms, signal) => abortableSleep(Math.min(ms, 5), signal) },
  });
}

function watcher(): { watched: Prompt[]; watchPrompt(prompt: Prompt): void } {
  const watched: Prompt[] = [];
  return { watched, watchPrompt: (prompt) => void watched.push(prompt) };
}

function items(label: string, n: number): BatchPrompt[] {
  return Array.from({ length: n }, (_, i) => ({ key: `cell-${i}`, tuneId, params: { text: `${label} ${i}`, seed: 100 + i, num_images: 1 } }));
}

function posts(): number {
  return sandbox.requests.filter((r) => r.origin === 'api' && r.method === 'POST' && r.path === `/tunes/${tuneId}/prompts`).length;
}

async function promptsWithText(text: string): Promise<Prompt[]> {
  const found: Prompt[] = [];
  for await (const page of client().pagesOfPrompts(tuneId)) found.push(...page.filter((p) => p.text === text));
  return found;
}

before(async () => {
  sandbox = await startSandbox({ quiet: true, speed: 1000 });
  tuneId = (await client().listTunes({ title: 'Priya Sharma' }))[0]!.id;
});
afterEach(async () => {
  await fetch(`${sandbox.url}/__admin/faults`, { method: 'DELETE' });
  sandbox.setProfile('rich');
  sandbox.clearRequests();
});
after(() => sandbox.close());

describe('runPromptBatch', () => {
  it('creates every prompt once, never more than `concurrency` at a time, and watches each', async () => {
    let inFlight = 0;
    let most = 0;
    const poller = watcher();
    const outcomes = await runPromptBatch(client(), poller, items('bounded', 7), {
      concurrency: 2,
      onStart: () => void (most = Math.max(most, ++inFlight)),
      onOutcome: () => void inFlight--,
    });
    assert.equal(most, 2);
    assert.equal(posts(), 7);
    assert.deepEqual(outcomes.map((o) => `${o.key}:${o.status}`), items('x', 7).map((i) => `${i.key}:created`));
    assert.equal(poller.watched.length, 7);
    const texts = outcomes.map((o) => (o.status === 'created' ? o.prompt.text : ''));
    assert.deepEqual(texts, items('bounded', 7).map((i) => i.params.text), 'outcomes come back in the order of the items');
  });

  it('Cancel lets the prompts already sent finish and sends nothing more', async () => {
    const controller = new AbortController();
    const outcomes = await runPromptBatch(client(), watcher(), items('cancelled', 6), {
      concurrency: 2,
      signal: controller.signal,
      onOutcome: () => controller.abort(),
    });
    const created = outcomes.filter((o) => o.status === 'created').length;
    assert.equal(created, 2, 'the two in flight when Cancel came finish');
    assert.equal(outcomes.filter((o) => o.status === 'not-started').length, 4);
    assert.equal(posts(), 2);
  });

  for (const profile of ['rich', 'documented'] as const) {
    it(`a 504 after the server created the prompt finds it instead of posting again (${profile} profile)`, async () => {
      sandbox.setProfile(profile);
      const batch = items(`gateway ${profile} ${Date.now()}`, 3);
      sandbox.addFault({ kind: 'status504', method: 'POST', match: `/tunes/${tuneId}/prompts`, count: 1 });
      const outcomes = await runPromptBatch(client(), watcher(), batch, { concurrency: 1 });
      assert.deepEqual(outcomes.map((o) => o.status), ['created', 'created', 'created']);
      assert.equal((outcomes[0] as Extract<BatchOutcome, { status: 'created' }>).recovered, true);
      assert.equal(posts(), 3, 'one POST per prompt, none repeated');
      for (const item of batch) assert.equal((await promptsWithText(item.params.text)).length, 1, item.params.text);
    });
  }

  it('a 500 the server answered before doing anything fails that prompt only, and creates nothing for it', async () => {
    const batch = items(`refused ${Date.now()}`, 3);
    sandbox.addFault({ kind: 'status500', method: 'POST', match: `/tunes/${tuneId}/prompts`, count: 1 });
    const outcomes = await runPromptBatch(client(), watcher(), batch, { concurrency: 1 });
    assert.deepEqual(outcomes.map((o) => o.status), ['failed', 'created', 'created']);
    const failure = outcomes[0] as Extract<BatchOutcome, { status: 'failed' }>;
    assert.ok(failure.error instanceof ApiError && failure.error.status === 500);
    assert.equal((await promptsWithText(batch[0]!.params.text)).length, 0);
  });

  it('a 422 fails that prompt in the server’s words while the rest are created', async () => {
    const batch = items('some invalid', 3);
    batch[1] = { ...batch[1]!, params: { ...batch[1]!.params, cfg_scale: 99 } };
    const outcomes = await runPromptBatch(client(), watcher(), batch, { concurrency: 2 });
    assert.deepEqual(outcomes.map((o) => o.status), ['created', 'failed', 'created']);
    const failure = outcomes[1] as Extract<BatchOutcome, { status: 'failed' }>;
    assert.ok(failure.error instanceof ApiError && failure.error.kind === 'validation', String(failure.error));
    assert.match(failure.error.message, /cfg/i);
  });

  it('refuses two prompts with the same key before sending anything', async () => {
    const batch = items('same key', 2).map((i) => ({ ...i, key: 'one' }));
    await assert.rejects(runPromptBatch(client(), watcher(), batch, { concurrency: 2 }), /own key/);
    assert.equal(posts(), 0);
  });
});

describe('sameRequest', () => {
  const prompt = { id: 1, tune_id: 2, text: 'a cat', seed: 7, cfg_scale: '3.0', steps: null, images: [], created_at: '' } as Prompt;
  it('matches the text and every value the server echoes, numbers as strings included', () => {
    assert.equal(sameRequest(prompt, { text: 'a cat', seed: 7, cfg_scale: 3, steps: 30, style: 'Anime' }), true);
  });
  it('tells apart prompts that differ in text or in an echoed value', () => {
    assert.equal(sameRequest(prompt, { text: 'a dog', seed: 7 }), false);
    assert.equal(sameRequest(prompt, { text: 'a cat', seed: 8 }), false);
    assert.equal(sameRequest(prompt, { text: 'a cat', cfg_scale: 4 }), false);
  });
});
