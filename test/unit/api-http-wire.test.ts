// createHttp against a loopback server that answers exactly what each case needs: what goes on the wire
// (headers, query, body), when a request is repeated, and what the caller is told.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors';
import { createHttp, resolveTuning, retryDelay, type HttpOptions, type ResponseEvent } from '../../src/api/http';
import { reply, startLoopback, type Loopback, type LoopbackHandler } from './loopback';
import { rejectsWith } from './support';

const KEY = 'plain-key-4f9a2c';
let server: Loopback;

before(async () => {
  server = await startLoopback();
});

after(async () => {
  await server.close();
});

function http(extra: Partial<HttpOptions> = {}) {
  const events: ResponseEvent[] = [];
  const client = createHttp({ baseUrl: server.url, getKey: () => KEY, provider: 'Astria', retry: { baseDelayMs: 1 }, onResponse: (event) => events.push(event), ...extra });
  return { client, events };
}

/** Answers with each handler in turn (the last one repeats). */
function inTurn(...handlers: LoopbackHandler[]): LoopbackHandler {
  let next = 0;
  return (request, response) => handlers[Math.min(next++, handlers.length - 1)](request, response);
}

function since(start: number) {
  return server.seen.slice(start);
}

describe('what goes on the wire', () => {
  it('asks for JSON with the key; a GET or a bodiless POST carries no Content-Type, a JSON POST does (guards: the request headers)', async () => {
    const { client } = http();
    server.handle(reply(200, { id: 1 }));
    const start = server.seen.length;
    await client.get('/tunes');
    await client.post('/prompts/1/likes');
    await client.post('/tunes', { json: { tune: { title: 't' } } });
    const [get, like, create] = since(start);
    assert.equal(get.headers.accept, 'application/json');
    assert.equal(get.headers.authorization, `Bearer ${KEY}`);
    assert.equal(get.headers['content-type'], undefined);
    assert.equal(like.headers['content-type'], undefined);
    assert.equal(like.body, '');
    assert.equal(create.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(create.body), { tune: { title: 't' } });
  });

  it('X-Workspace-Id is sent trimmed, and not at all when it is only spaces (guards: an empty workspace header)', async () => {
    server.handle(reply(200, []));
    const start = server.seen.length;
    await http({ workspaceId: '  ws-7  ' }).client.get('/tunes');
    await http({ workspaceId: '   ' }).client.get('/tunes');
    const [named, blank] = since(start);
    assert.equal(named.headers['x-workspace-id'], 'ws-7');
    assert.equal('x-workspace-id' in blank.headers, false);
  });

  it('query values that are null or undefined are left out, not sent as "null" (guards: ?title=null)', async () => {
    server.handle(reply(200, []));
    const start = server.seen.length;
    await http().client.get('/tunes', { query: { title: null, before_id: undefined, limit: 5, branch: false } });
    const [request] = since(start);
    assert.deepEqual(Object.fromEntries(request.query), { limit: '5', branch: 'false' });
  });
});

describe('what the caller gets back', () => {
  it('a 200 whose body is only white space reads as no content, not as malformed JSON', async () => {
    server.handle((_request, response) => response.end('\n  \n'));
    assert.equal(await http().client.post('/prompts/1/likes'), undefined);
  });

  it('the key echoed in a server’s words is blanked out of the message (guards: the key shown in a notification)', async () => {
    server.handle(reply(400, { error: `key ${KEY} is not valid for this workspace` }));
    const error = await rejectsWith(http().client.get('/tunes'), 'bad_request');
    assert.equal(error.message, 'key [redacted] is not valid for this workspace');
  });

  it('a refused API version names the version header sent, not another header (guards: the wrong header quoted)', async () => {
    server.handle(reply(404, { message: 'Invalid API version' }));
    const { client } = http({ provider: 'Cartesia', headers: { 'X-Client': 'tune-studio', 'Cartesia-Version': '2025-04-16' } });
    const error = await rejectsWith(client.get('/voices'), 'not_found');
    assert.match(error.message, /refused the API version 2025-04-16 that Tune Studio sent/);
  });

  it('errors and log lines name the path without its query string (guards: search words in the log)', async () => {
    server.handle(reply(404, { error: 'nope' }));
    const { client, events } = http();
    const error = await rejectsWith(client.get('/tunes/9?title=private%20words#x'), 'not_found');
    assert.equal(error.path, '/tunes/9');
    assert.equal(events.at(-1)?.path, '/tunes/9');
  });

  it('the logged duration is the time the attempt took (guards: a duration counted from process start)', async () => {
    server.handle((_request, response) => setTimeout(() => response.end('[]'), 30));
    const { client, events } = http();
    const started = performance.now();
    await client.get('/tunes');
    const took = performance.now() - started;
    const [event] = events;
    assert.ok(event.durationMs >= 20 && event.durationMs <= took + 1, `${event.durationMs} ms logged, ${took.toFixed(1)} ms taken`);
  });

  it('a base URL that is not http(s) or not a URL is refused in words pointing at the setting, with nothing sent', async () => {
    for (const baseUrl of ['xhttp://127.0.0.1:9', 'not a url']) {
      const { client, events } = http({ baseUrl });
      const error = await rejectsWith(client.get('/tunes'), 'bad_request');
      assert.equal(error.message, `The Astria base URL “${baseUrl}” is not an http(s) URL. Fix it in your user settings (Tune Studio).`);
      assert.deepEqual(events, []);
    }
  });

  it('an https base URL is one the key may be sent to: the key check runs (here: the key belongs to another server)', async () => {
    const { client, events } = http({ baseUrl: 'https://api.example:9443', getKey: () => ({ checkedOn: 'https://other.example' }) });
    const error = await rejectsWith(client.get('/tunes'), 'auth');
    assert.equal(error.keyCheckedOn, 'https://other.example');
    assert.deepEqual(events, []);
  });

  it('an absolute URL to another server is refused before the key is sent there', async () => {
    const { client, events } = http();
    const error = await rejectsWith(client.get('https://elsewhere.example/tunes'), 'bad_request');
    assert.match(error.message, /refused to send your Astria key to https:\/\/elsewhere\.example/);
    assert.deepEqual(events, []);
  });

  it('a request cancelled before it starts sends nothing and logs nothing', async () => {
    server.handle(reply(200, []));
    const controller = new AbortController();
    controller.abort();
    const start = server.seen.length;
    let made = 0;
    const { client, events } = http();
    const body = async () => (made++, { stream: new Blob(['x']).stream(), headers: {} });
    await rejectsWith(client.post('/tunes', { body, signal: controller.signal }), 'cancelled');
    assert.equal(made, 0, 'the upload body was never opened');
    assert.deepEqual(events, []);
    assert.equal(since(start).length, 0);
  });
});

describe('when a request is repeated', () => {
  it('a POST marked idempotent is retried after a 500; an unmarked one is not (guards: a tune create lost to one 500)', async () => {
    const { client } = http();
    server.handle(inTurn(reply(500, ''), reply(200, { id: 3 })));
    let start = server.seen.length;
    assert.deepEqual(await client.post('/tunes', { json: { tune: {} }, idempotent: true }), { id: 3 });
    assert.equal(since(start).length, 2);
    server.handle(inTurn(reply(500, ''), reply(200, { id: 4 })));
    start = server.seen.length;
    const error = await rejectsWith(client.post('/tunes', { json: { tune: {} } }), 'server');
    assert.equal(error.retryable, false);
    assert.equal(since(start).length, 1);
  });

  it('a DELETE of something that is not there is not_found on the first attempt (guards: deleting a wrong id reported as done)', async () => {
    server.handle(reply(404, { error: 'Not found' }));
    const start = server.seen.length;
    await rejectsWith(http().client.delete('/tunes/404'), 'not_found');
    assert.equal(since(start).length, 1);
  });

  it('only a retried DELETE treats not_found as done: a retried GET that ends in 404 is not_found', async () => {
    server.handle(inTurn(reply(500, ''), reply(404, { error: 'Not found' })));
    await rejectsWith(http().client.get('/tunes/5'), 'not_found');
  });

  it('a retried DELETE that ends in another error reports that error (guards: any error read as "already deleted")', async () => {
    server.handle(inTurn(reply(500, ''), reply(422, { error: 'cannot delete a training tune' })));
    const error = await rejectsWith(http().client.delete('/tunes/6'), 'validation');
    assert.equal(error.message, 'cannot delete a training tune');
  });

  it('a Retry-After exactly at the longest wait is waited for', () => {
    const tuning = resolveTuning({ baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 });
    const limited = new ApiError({ kind: 'rate_limited', message: 'x', retryable: true, retryAfterMs: 1000 });
    assert.equal(retryDelay(limited, 1, 3, tuning), 1000);
  });
});
