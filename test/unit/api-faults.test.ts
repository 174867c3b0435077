// Fault injection through the sandbox: each failure class maps to the right ApiError kind, and only
// requests that are safe to repeat are retried.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { startSandbox, type FaultSpec, type Sandbox } from '../sandbox/server';
import { abortableSleep } from '../../src/api/abort';
import { AstriaClient, type AstriaClientOptions } from '../../src/api/astria/client';
import { CartesiaClient } from '../../src/api/cartesia/client';
import { ApiError } from '../../src/api/errors';
import type { ResponseEvent } from '../../src/api/http';

let sandbox: Sandbox;
let trainedTuneId: number;
const sleeps: number[] = [];
const events: ResponseEvent[] = [];
const seenErrors: ApiError[] = [];

/** Records the delay the retry policy chose, but waits only a few ms so the suite stays fast. */
async function recordingSleep(ms: number, signal?: AbortSignal): Promise<void> {
  sleeps.push(ms);
  await abortableSleep(Math.min(ms, 5), signal);
}

function astria(overrides: Partial<AstriaClientOptions> = {}): AstriaClient {
  return new AstriaClient({
    baseUrl: sandbox.url,
    getKey: () => sandbox.astriaKey,
    timeoutMs: 2000,
    retry: { baseDelayMs: 10, sleep: recordingSleep },
    onResponse: (event) => events.push(event),
    ...overrides,
  });
}

function fault(spec: FaultSpec): void {
  sandbox.addFault(spec);
}

function requestsTo(method: string, path: string): number {
  return sandbox.requests.filter((request) => request.origin === 'api' && request.method === method && request.path === path).length;
}

async function rejectsWith(promise: Promise<unknown>, kind: ApiError['kind']): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected ApiError, got ${String(error)}`);
    seenErrors.push(error);
    assert.equal(error.kind, kind, error.message);
    return error;
  }
  assert.fail(`expected a ${kind} error`);
}


function uniqueTitle(label: string): string {
  return `${label} ${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

const LIST_TUNES = /^\/tunes(\?|$)/;

before(async () => {
  sandbox = await startSandbox({ quiet: true, speed: 1000, hostileDemo: true });
  const priya = (await astria().listTunes({ title: 'Priya Sharma' }))[0];
  trainedTuneId = priya.id;
  sandbox.clearRequests();
  events.length = 0;
});

afterEach(async () => {
  // Faults with a count left over from one test must not leak into the next.
  await fetch(`${sandbox.url}/__admin/faults`, { method: 'DELETE' });
  sandbox.clearRequests();
  sleeps.length = 0;
  events.length = 0;
});

after(async () => {
  await sandbox.close();
});

describe('GET requests are retried on transient failures', () => {
  it('500 once → retried after a backoff, then succeeds', async () => {
    fault({ match: LIST_TUNES, method: 'GET', kind: 'status500' });
    const page = await astria().listTunes();
    assert.equal(page.length, 20);
    assert.equal(requestsTo('GET', '/tunes'), 2);
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0] >= 5 && sleeps[0] <= 10, `backoff ${sleeps[0]}`);
    assert.deepEqual(events.map((e) => [e.attempt, e.status, e.errorKind]), [[1, 500, 'server'], [2, 200, undefined]]);
  });

  it('500 every time → server error after 1 + 3 attempts with growing backoff', async () => {
    fault({ match: LIST_TUNES, method: 'GET', kind: 'status500', count: 10 });
    const error = await rejectsWith(astria().listTunes(), 'server');
    assert.equal(error.status, 500);
    assert.equal(error.retryable, true);
    assert.equal(requestsTo('GET', '/tunes'), 4);
    assert.equal(sleeps.length, 3);
    assert.ok(sleeps[2] > sleeps[0]);
  });

  it('429 with Retry-After → waits exactly that long, then succeeds', async () => {
    fault({ match: LIST_TUNES, method: 'GET', kind: 'status429', retryAfter: 1 });
    await astria().listTunes();
    assert.deepEqual(sleeps, [1000]);
    assert.equal(requestsTo('GET', '/tunes'), 2);
  });

  it('429 with Retry-After is honoured in real time too', async () => {
    fault({ match: LIST_TUNES, method: 'GET', kind: 'status429', retryAfter: 1 });
    const started = Date.now();
    await astria({ retry: { baseDelayMs: 1 } }).listTunes({ limit: 1 });
    assert.ok(Date.now() - started >= 950, `waited ${Date.now() - started} ms`);
  });

  it('429 asking for longer than the cap is not waited out: rate_limited with retryAfterMs', async () => {
    fault({ match: LIST_TUNES, method: 'GET', kind: 'status429', retryAfter: 60 });
    const error = await rejectsWith(astria().listTunes(), 'rate_limited');
    assert.equal(error.retryAfterMs, 60_000);
    assert.match(error.message, /Try again in 60 s/);
    assert.equal(requestsTo('GET', '/tunes'), 1);
  });

  it('504 → retried; with no retries left it is a timeout saying the request may have gone through', async () => {
    fault({ match: LIST_TUNES, method: 'GET', kind: 'status504' });
    assert.equal((await astria().listTunes()).length, 20);
    assert.equal(requestsTo('GET', '/tunes'), 2);

    fault({ match: LIST_TUNES, method: 'GET', kind: 'status504' });
    const error = await rejectsWith(astria({ retries: 0 }).listTunes(), 'timeout');
    assert.equal(error.status, 504);
    assert.match(error.message, /may have gone through/);
  });

  it('hang → timeout after timeoutMs; retried, the next attempt succeeds', async () => {
    fault({ match: LIST_TUNES, method: 'GET', kind: 'hang' });
    const error = await rejectsWith(astria({ retries: 0, timeoutMs: 200 }).listTunes(), 'timeout');
    assert.equal(error.status, undefined);
    assert.equal(error.message, 'Astria did not answer within 0.2 s.');
    assert.equal(events.at(-1)?.status, 0);

    fault({ match: LIST_TUNES, method: 'GET', kind: 'hang' });
    assert.equal((await astria({ timeoutMs: 200 }).listTunes()).length, 20);
  });

  it('connection reset → network; retried, the next attempt succeeds', async () => {
    fault({ match: LIST_TUNES, method: 'GET', kind: 'reset' });
    const error = await rejectsWith(astria({ retries: 0 }).listTunes(), 'network');
    assert.match(error.message, /^Could not reach Astria/);
    assert.equal(error.retryable, true);

    fault({ match: LIST_TUNES, method: 'GET', kind: 'reset' });
    assert.equal((await astria().listTunes()).length, 20);
    assert.equal(requestsTo('GET', '/tunes'), 3);
  });

  it('malformed JSON in a 200 → malformed, not retried', async () => {
    fault({ match: LIST_TUNES, method: 'GET', kind: 'malformed' });
    const error = await rejectsWith(astria().listTunes(), 'malformed');
    assert.equal(error.message, 'Astria sent a response that is not valid JSON (GET /tunes). Try again; if it keeps happening the service may be having problems.');
    assert.equal(requestsTo('GET', '/tunes'), 1);
  });

  it('a retried DELETE whose first attempt went through counts as deleted', async () => {
    const client = astria();
    const tune = await client.createTune({ title: uniqueTitle('Delete me'), name: 'man', image_urls: ['https://example.com/x.jpg'] });
    fault({ match: `/tunes/${tune.id}`, method: 'DELETE', kind: 'status504' });
    await client.deleteTune(tune.id);
    assert.equal(requestsTo('DELETE', `/tunes/${tune.id}`), 2);
    await rejectsWith(client.getTune(tune.id), 'not_found');
  });
});

describe('creating a prompt is never retried', () => {
  const path = (): string => `/tunes/${trainedTuneId}/prompts`;

  it('500 → server error after one attempt, not retryable', async () => {
    fault({ match: path(), method: 'POST', kind: 'status500' });
    const error = await rejectsWith(astria().createPrompt(trainedTuneId, { text: 'one try only' }), 'server');
    assert.equal(error.retryable, false);
    assert.equal(requestsTo('POST', path()), 1);
    assert.deepEqual(sleeps, []);
  });

  it('504 → timeout that warns it may have gone through (and it did: exactly one prompt exists)', async () => {
    const text = uniqueTitle('ohwx woman after a 504');
    fault({ match: path(), method: 'POST', kind: 'status504' });
    const client = astria();
    const error = await rejectsWith(client.createPrompt(trainedTuneId, { text }), 'timeout');
    assert.match(error.message, /may have gone through/);
    assert.match(error.message, /Refresh before trying again/);
    assert.equal(requestsTo('POST', path()), 1);
    const created = (await client.listAllPrompts({ text })).filter((prompt) => prompt.text === text);
    assert.equal(created.length, 1);
  });

  it('reset → network error, one attempt', async () => {
    fault({ match: path(), method: 'POST', kind: 'reset' });
    const error = await rejectsWith(astria().createPrompt(trainedTuneId, { text: 'reset' }), 'network');
    assert.equal(error.retryable, false);
    assert.equal(requestsTo('POST', path()), 1);
  });

  it('429 → rate_limited, one attempt, retryAfterMs for the caller', async () => {
    fault({ match: path(), method: 'POST', kind: 'status429', retryAfter: 2 });
    const error = await rejectsWith(astria().createPrompt(trainedTuneId, { text: 'busy' }), 'rate_limited');
    assert.equal(error.retryAfterMs, 2000);
    assert.equal(requestsTo('POST', path()), 1);
  });

  it('hang → timeout that warns it may have gone through, one attempt', async () => {
    fault({ match: path(), method: 'POST', kind: 'hang' });
    const error = await rejectsWith(astria({ timeoutMs: 200 }).createPrompt(trainedTuneId, { text: 'slow' }), 'timeout');
    assert.match(error.message, /may have gone through/);
    assert.equal(requestsTo('POST', path()), 1);
  });

  it('maxTimeoutMs bounds an upload too (uploads otherwise get 15 minutes per attempt)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ts-max-timeout-'));
    try {
      const input = join(dir, 'in.png');
      await writeFile(input, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
      fault({ match: path(), method: 'POST', kind: 'hang' });
      const started = Date.now();
      const upload = astria({ maxTimeoutMs: 300 }).createPrompt(trainedTuneId, { text: 'slow upload' }, { input_image: { path: input, type: 'image/png' } });
      const error = await rejectsWith(upload, 'timeout');
      assert.match(error.message, /0\.3 s|within 0|may have gone through/);
      assert.ok(Date.now() - started < 5_000, `gave up after ${Date.now() - started} ms`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// Creating a tune after a failure (look for it by title, never send it again unasked): test/unit/generation.test.ts.

describe('cancellation', () => {
  it('aborting during a hang → cancelled at once, not retried', async () => {
    fault({ match: LIST_TUNES, method: 'GET', kind: 'hang' });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await rejectsWith(astria({ timeoutMs: 5000 }).listTunes({ signal: controller.signal }), 'cancelled');
    assert.ok(Date.now() - started < 1000);
    assert.equal(requestsTo('GET', '/tunes'), 1);
  });

  it('aborting during a retry backoff → cancelled, no further attempt', async () => {
    fault({ match: LIST_TUNES, method: 'GET', kind: 'status500', count: 10 });
    const controller = new AbortController();
    const client = astria({ retry: { baseDelayMs: 10_000 }, onResponse: () => controller.abort() });
    await rejectsWith(client.listTunes({ signal: controller.signal }), 'cancelled');
    assert.equal(requestsTo('GET', '/tunes'), 1);
  });
});

describe('Cartesia faults', () => {
  it('429 concurrency_limited is retried after Retry-After; 500 too', async () => {
    const cartesia = new CartesiaClient({ baseUrl: sandbox.cartesiaUrl, getKey: () => sandbox.cartesiaKey, retry: { sleep: recordingSleep } });
    fault({ match: '/cartesia/fine-tunes', method: 'GET', kind: 'status429', retryAfter: 1 });
    fault({ match: '/cartesia/fine-tunes', method: 'GET', kind: 'status500' });
    const page = await cartesia.listFineTunes({ limit: 3 });
    assert.equal(page.data.length, 3);
    assert.equal(sleeps[0], 1000);
    assert.equal(sleeps.length, 2);
  });

  it('malformed → malformed naming Cartesia', async () => {
    const cartesia = new CartesiaClient({ baseUrl: sandbox.cartesiaUrl, getKey: () => sandbox.cartesiaKey });
    fault({ match: '/cartesia/datasets', method: 'GET', kind: 'malformed' });
    const error = await rejectsWith(cartesia.listDatasets(), 'malformed');
    assert.match(error.message, /^Cartesia sent a response that is not valid JSON/);
  });
});

describe('the API key never leaks', () => {
  it('is absent from every error message, cause, stack and inspection above', () => {
    assert.ok(seenErrors.length >= 15, `${seenErrors.length} errors collected`);
    for (const error of seenErrors) {
      const views = [error.message, String(error.stack), String(error.cause), inspect(error, { depth: 5 }), JSON.stringify(error)];
      for (const view of views) assert.ok(!view.includes(sandbox.astriaKey) && !view.includes(sandbox.cartesiaKey), view);
    }
  });
});
