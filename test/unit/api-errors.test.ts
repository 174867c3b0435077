import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiError,
  type RequestContext,
  describeFields,
  errorFromException,
  errorFromResponse,
  missingKeyError,
  parseRetryAfter,
  parseServerError,
  scrubSecrets,
  toProviderInfo,
} from '../../src/api/errors';

const KEY = 'sd_unit_test_key_0123456789';
const astria = toProviderInfo('Astria');

function ctx(overrides: Partial<RequestContext> = {}): RequestContext {
  return { provider: astria, method: 'GET', path: '/tunes', repeatable: true, secrets: [KEY], ...overrides };
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}, context = ctx()): ApiError {
  return errorFromResponse(status, new Headers(headers), typeof body === 'string' ? body : JSON.stringify(body), context);
}

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-05-01T12:00:00Z');

  it('reads delta seconds', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('1.5', now), 1500);
  });

  it('reads an HTTP date relative to now', () => {
    assert.equal(parseRetryAfter('Fri, 01 May 2026 12:00:30 GMT', now), 30_000);
  });

  it('never returns a negative wait for a past date', () => {
    assert.equal(parseRetryAfter('Fri, 01 May 2026 11:00:00 GMT', now), 0);
  });

  it('is undefined for absent or garbage values', () => {
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
  });
});

describe('parseServerError', () => {
  it('reads {"error": "..."}', () => {
    assert.deepEqual(parseServerError('{"error":"Title has already been taken"}'), { message: 'Title has already been taken', requestId: undefined });
  });

  it('reads field-keyed messages and keeps the fields', () => {
    const parsed = parseServerError('{"images":["must contain at least one image"],"name":["is not included in the list","is required"]}');
    assert.equal(parsed.message, 'images must contain at least one image; name is not included in the list; name is required');
    assert.deepEqual(parsed.fields, { images: ['must contain at least one image'], name: ['is not included in the list', 'is required'] });
  });

  it('reads Rails {"errors": {...}} and "base" messages without a field prefix', () => {
    const parsed = parseServerError('{"errors":{"base":["Not enough credits"],"title":["can\'t be blank"]}}');
    assert.equal(parsed.message, "Not enough credits; title can't be blank");
  });

  it('reads Cartesia {title, message, request_id}', () => {
    const body = { error_code: null, title: 'Not Found', message: 'API version not found: No API schema exists for the requested Cartesia-Version.', request_id: 'req_1' };
    assert.deepEqual(parseServerError(JSON.stringify(body)), { message: body.message, requestId: 'req_1' });
  });

  it('falls back to the title when message is empty', () => {
    assert.equal(parseServerError('{"title":"Conflict","message":""}').message, 'Conflict');
  });

  it('keeps short plain text but drops HTML pages', () => {
    assert.equal(parseServerError('Retry later').message, 'Retry later');
    assert.deepEqual(parseServerError('<!DOCTYPE html><html><body>502</body></html>'), {});
    assert.deepEqual(parseServerError(''), {});
    assert.deepEqual(parseServerError(undefined), {});
  });

  it('truncates very long text', () => {
    const message = parseServerError('x'.repeat(2000)).message ?? '';
    assert.ok(message.length <= 501);
  });

  it('describeFields joins every message', () => {
    assert.equal(describeFields({ images: ['a', 'b'] }), 'images a; images b');
  });
});

describe('errorFromResponse', () => {
  it('401 → auth, naming the provider and the command that sets a key', () => {
    const error = jsonResponse(401, { error: 'bad key' });
    assert.equal(error.kind, 'auth');
    assert.equal(error.status, 401);
    assert.equal(error.message, 'Astria rejected the API key. Set a new key with “Tune Studio: Set Astria API Key”.');
    assert.equal(error.retryable, false);
  });

  it('stays provider-neutral without a provider', () => {
    const error = errorFromResponse(401, new Headers(), '', ctx({ provider: {} }));
    assert.equal(error.message, 'The server rejected the API key.');
  });

  it('403 → auth with the server words', () => {
    const error = jsonResponse(403, { error: 'Workspace not accessible' });
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /Workspace not accessible/);
  });

  it('422 {"error"} → validation with the server words verbatim', () => {
    const error = jsonResponse(422, { error: 'resolution is not supported by this model' }, {}, ctx({ method: 'POST', repeatable: false }));
    assert.equal(error.kind, 'validation');
    assert.equal(error.message, 'resolution is not supported by this model');
  });

  it('422 field-keyed → validation with "field message" and the fields map', () => {
    const error = jsonResponse(422, { images: ['must contain at least one image'] });
    assert.equal(error.kind, 'validation');
    assert.equal(error.message, 'images must contain at least one image');
    assert.deepEqual(error.fields, { images: ['must contain at least one image'] });
  });

  it('404 → not_found naming the path (never the query)', () => {
    const error = jsonResponse(404, { error: 'Not found' }, {}, ctx({ path: '/tunes/42' }));
    assert.equal(error.kind, 'not_found');
    assert.equal(error.message, 'Astria could not find /tunes/42: Not found.');
  });

  it('Cartesia unknown version 404 shows Cartesia\'s explanation', () => {
    const body = { error_code: null, title: 'Not Found', message: 'API version not found: No API schema exists for the requested Cartesia-Version.', request_id: 'r-9' };
    const error = jsonResponse(404, body, {}, ctx({ provider: toProviderInfo('Cartesia'), path: '/fine-tunes/' }));
    assert.equal(error.kind, 'not_found');
    assert.match(error.message, /API version not found/);
    assert.equal(error.requestId, 'r-9');
  });

  it('400 → bad_request with the server words', () => {
    const error = jsonResponse(400, { error: 'offset too large, use before_id' });
    assert.equal(error.kind, 'bad_request');
    assert.equal(error.message, 'offset too large, use before_id');
  });

  it('429 → rate_limited, retryable, with Retry-After in ms', () => {
    const error = jsonResponse(429, { error: 'Too many requests' }, { 'Retry-After': '7' });
    assert.equal(error.kind, 'rate_limited');
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, 7000);
    assert.match(error.message, /Try again in 7 s/);
  });

  it('429 without Retry-After still says to wait', () => {
    const error = jsonResponse(429, '');
    assert.equal(error.retryAfterMs, undefined);
    assert.match(error.message, /Wait a moment/);
  });

  it('500 → server, retryable for a GET', () => {
    const error = jsonResponse(500, '<html><body>oops</body></html>');
    assert.equal(error.kind, 'server');
    assert.equal(error.retryable, true);
    assert.equal(error.message, 'Astria had a server error (500). Try again in a moment.');
  });

  it('500 on a non-idempotent POST is not retryable', () => {
    assert.equal(jsonResponse(500, '', {}, ctx({ method: 'POST', repeatable: false })).retryable, false);
  });

  it('504 → timeout that says the request may have gone through', () => {
    const error = jsonResponse(504, '', {}, ctx({ method: 'POST', path: '/tunes/1/prompts', repeatable: false }));
    assert.equal(error.kind, 'timeout');
    assert.equal(error.status, 504);
    assert.match(error.message, /may have gone through/);
    assert.equal(error.retryable, false);
  });

  it('never lets the key through, even if the server echoes it', () => {
    const error = jsonResponse(422, { error: `Key ${KEY} is malformed; header was Bearer ${KEY}` });
    assert.ok(!error.message.includes(KEY), error.message);
    assert.match(error.message, /\[redacted\]/);
  });
});

describe('errorFromException', () => {
  const networkFailure = (): Error => {
    const reset = Object.assign(new Error('other side closed'), { code: 'ECONNRESET' });
    return new TypeError('fetch failed', { cause: reset });
  };

  it('maps a socket failure to network with the system code', () => {
    const error = errorFromException(networkFailure(), { ...ctx(), timedOut: false, timeoutMs: 1000, cancelled: false });
    assert.equal(error.kind, 'network');
    assert.equal(error.retryable, true);
    assert.match(error.message, /Could not reach Astria \(ECONNRESET\)/);
    assert.ok(error.cause instanceof Error);
    assert.equal((error.cause as Error).message, 'ECONNRESET: other side closed');
  });

  it('maps our own timer to timeout, warning about non-GET side effects', () => {
    const get = errorFromException(new Error('aborted'), { ...ctx(), timedOut: true, timeoutMs: 1500, cancelled: false });
    assert.equal(get.kind, 'timeout');
    assert.equal(get.message, 'Astria did not answer within 1.5 s.');
    const post = errorFromException(new Error('aborted'), { ...ctx({ method: 'POST', repeatable: false }), timedOut: true, timeoutMs: 1500, cancelled: false });
    assert.match(post.message, /may have gone through/);
    assert.equal(post.retryable, false);
  });

  it('maps the caller\'s abort to cancelled (never retryable)', () => {
    const error = errorFromException(new Error('aborted'), { ...ctx(), timedOut: false, timeoutMs: 1000, cancelled: true });
    assert.equal(error.kind, 'cancelled');
    assert.equal(error.retryable, false);
  });

  it('scrubs the key from the cause text', () => {
    const leaky = new Error(`request with Authorization: Bearer ${KEY} failed`);
    const error = errorFromException(leaky, { ...ctx(), timedOut: false, timeoutMs: 1000, cancelled: false });
    assert.ok(!String((error.cause as Error).message).includes(KEY));
  });
});

describe('scrubSecrets and missingKeyError', () => {
  it('removes known secrets and key-shaped tokens', () => {
    const text = `a ${KEY} b sk_car_fake_not_a_key c Bearer xyz`;
    const scrubbed = scrubSecrets(text, [KEY]);
    assert.ok(!scrubbed.includes(KEY));
    assert.ok(!scrubbed.includes('sk_car_fake_not_a_key'));
    assert.ok(!scrubbed.includes('xyz'));
  });

  it('missing key → auth, telling the user how to set one', () => {
    const error = missingKeyError(astria, 'GET', '/tunes');
    assert.equal(error.kind, 'auth');
    assert.equal(error.message, 'No Astria API key is set. Set one with “Tune Studio: Set Astria API Key”.');
  });

  it('toProviderInfo accepts a name or a full description', () => {
    assert.deepEqual(toProviderInfo(undefined), {});
    assert.deepEqual(toProviderInfo({ name: 'X' }), { name: 'X' });
  });
});
