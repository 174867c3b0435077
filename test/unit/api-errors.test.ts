import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiError,
  type RequestContext,
  badBaseUrlError,
  cancelledError,
  describeFields,
  keyElsewhereError,
  otherOriginError,
  refusedDownloadError,
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
    // Which request failed travels with the error (for a support ticket).
    assert.deepEqual([error.method, error.path], ['GET', '/tunes']);
  });

  it('maps our own timer to timeout, warning about non-GET side effects', () => {
    const get = errorFromException(new Error('aborted'), { ...ctx(), timedOut: true, timeoutMs: 1500, cancelled: false });
    assert.equal(get.kind, 'timeout');
    assert.equal(get.message, 'Astria did not answer within 1.5 s.');
    const post = errorFromException(new Error('aborted'), { ...ctx({ method: 'POST', repeatable: false }), timedOut: true, timeoutMs: 1500, cancelled: false });
    assert.match(post.message, /may have gone through/);
    assert.equal(post.retryable, false);
    assert.deepEqual([post.method, post.path], ['POST', '/tunes']);
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

// Edges found by mutation testing (npm run mutate -- api): each pins what a user reads or a caller relies on.
describe('messages at their edges', () => {
  const noProvider = toProviderInfo(undefined);

  it('an ApiError says so when printed (logs show "ApiError: …")', () => {
    assert.equal(String(cancelledError('GET', '/tunes')), 'ApiError: The request was cancelled.');
    assert.equal(cancelledError().kind, 'cancelled');
  });

  it('key messages name the provider, and read as plain English without one (guards: "No this service API key")', () => {
    assert.equal(missingKeyError({ name: 'Cartesia' }, 'GET', '/x').message, 'No Cartesia API key is set.');
    assert.equal(missingKeyError(noProvider, 'GET', '/x').message, 'No API key is set.');
    assert.equal(
      keyElsewhereError(astria, 'http://a.test', 'http://b.test', 'GET', '/tunes').message,
      'Tune Studio is set to talk to http://a.test, but your Astria key was checked on http://b.test. Use the key there?',
    );
    assert.equal(keyElsewhereError(noProvider, 'http://a.test', 'http://b.test', 'GET', '/tunes').message, 'Tune Studio is set to talk to http://a.test, but your key was checked on http://b.test. Use the key there?');
    assert.equal(keyElsewhereError(astria, 'http://a.test', 'http://b.test', 'GET', '/tunes').keyCheckedOn, 'http://b.test');
    assert.equal(otherOriginError(astria, 'https://evil.test', 'GET', '/x').message, 'Tune Studio refused to send your Astria key to https://evil.test: it only talks to the server the key was checked on.');
    assert.equal(otherOriginError(noProvider, 'https://evil.test', 'GET', '/x').message, 'Tune Studio refused to send your key to https://evil.test: it only talks to the server the key was checked on.');
    assert.equal(badBaseUrlError(astria, 'ftp://x', 'GET', '/x').message, 'The Astria base URL “ftp://x” is not an http(s) URL. Fix it in your user settings (Tune Studio).');
    assert.equal(badBaseUrlError(noProvider, 'ftp://x', 'GET', '/x').message, 'The base URL “ftp://x” is not an http(s) URL. Fix it in your user settings (Tune Studio).');
  });

  it('a refused download blames the link, on a GET of its path', () => {
    const error = refusedDownloadError(403, 'cdn.example', '/images/1.png');
    assert.deepEqual([error.kind, error.status, error.method, error.path], ['not_found', 403, 'GET', '/images/1.png']);
    assert.equal(error.message, 'cdn.example refused the download (403): the link may have expired. Refresh and try again.');
  });

  it('Retry-After counts on 429 and 503 only', () => {
    assert.equal(jsonResponse(503, '', { 'Retry-After': '5' }).retryAfterMs, 5000);
    assert.equal(jsonResponse(500, '', { 'Retry-After': '5' }).retryAfterMs, undefined);
    assert.equal(jsonResponse(502, '', { 'Retry-After': '5' }).retryAfterMs, undefined);
  });

  it('only a 404 is a refused API version: a 422 that mentions one keeps its own words', () => {
    const error = jsonResponse(422, { error: 'api version field is invalid' });
    assert.equal(error.kind, 'validation');
    assert.equal(error.message, 'api version field is invalid');
  });

  it('a refused API version names the version sent, once, with the server words ending in one full stop', () => {
    const cartesia = toProviderInfo('Cartesia');
    const words = { message: 'API version not found: no schema for v1.2.  \n' };
    assert.equal(
      jsonResponse(404, words, {}, ctx({ provider: cartesia, apiVersion: '2024-06-10' })).message,
      'Cartesia refused the API version 2024-06-10 that Tune Studio sent (Cartesia-Version header): API version not found: no schema for v1.2.',
    );
    assert.equal(
      jsonResponse(404, { message: 'API version not found' }, {}, ctx({ provider: cartesia })).message,
      'Cartesia refused the API version that Tune Studio sent (Cartesia-Version header): API version not found.',
    );
  });

  it('a network failure without a system code says so without empty brackets', () => {
    const error = errorFromException(new TypeError('fetch failed'), { ...ctx(), timedOut: false, timeoutMs: 1000, cancelled: false });
    assert.equal(error.message, 'Could not reach Astria. Check your connection and the base URL setting.');
    assert.equal((error.cause as Error).message, 'fetch failed', 'the cause is the message alone, no empty code before it');
  });

  it('the cause names the innermost of at most five nested causes, and a system code up to six levels deep', () => {
    const chain = (depth: number, code?: { at: number; value: string }): Error => {
      let error: Error = Object.assign(new Error(`level ${depth}`), code?.at === depth ? { code: code.value } : {});
      for (let level = depth - 1; level >= 0; level--) {
        error = Object.assign(new Error(`level ${level}`, { cause: error }), code?.at === level ? { code: code.value } : {});
      }
      return error;
    };
    const map = (error: Error) => errorFromException(error, { ...ctx(), timedOut: false, timeoutMs: 1000, cancelled: false });
    assert.equal((map(chain(8)).cause as Error).message, 'level 5', 'five steps down, no further');
    assert.equal((map(chain(3)).cause as Error).message, 'level 3');
    assert.match(map(chain(8, { at: 5, value: 'ECONNRESET' })).message, /\(ECONNRESET\)/, 'a code six levels down (0…5) is found');
    assert.doesNotMatch(map(chain(8, { at: 6, value: 'ECONNRESET' })).message, /ECONNRESET/, 'but not seven');
    assert.match(map(chain(2, { at: 0, value: '' })).message, /^Could not reach Astria\. /, 'an empty code is no code');
    const emptyThenReal = Object.assign(new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ENOTFOUND' }) }), { code: '' });
    assert.match(map(emptyThenReal).message, /\(ENOTFOUND\)/, 'an empty code does not hide a real one below it');
  });
});

describe('parseRetryAfter and parseServerError at their edges', () => {
  it('Retry-After: two-decimal seconds, blanks, and numbers followed by words', () => {
    assert.equal(parseRetryAfter('1.25'), 1250);
    assert.equal(parseRetryAfter('   '), undefined);
    assert.equal(parseRetryAfter('12abc'), undefined);
  });

  it('JSON null says nothing (guards: a TypeError instead of the status message)', () => {
    assert.deepEqual(parseServerError('null'), {});
    assert.equal(jsonResponse(500, 'null').message, 'Astria had a server error (500). Try again in a moment.');
  });

  it('a 422 or 400 without words still says what happened', () => {
    assert.equal(jsonResponse(422, '').message, 'Astria rejected the request as invalid.');
    assert.equal(jsonResponse(400, '').message, 'Astria rejected the request (400).');
  });

  it('plain text is trimmed; a JSON string is the message', () => {
    assert.deepEqual(parseServerError('  Retry later \n'), { message: 'Retry later' });
    assert.deepEqual(parseServerError('"just words"'), { message: 'just words' });
  });

  it('text that only contains HTML somewhere is kept; a JSON array is nothing', () => {
    assert.deepEqual(parseServerError('Error near <html> tag'), { message: 'Error near <html> tag' });
    assert.deepEqual(parseServerError('["a","b"]'), {});
  });

  it('a list of error strings is joined, other items skipped; a list without strings says nothing', () => {
    assert.deepEqual(parseServerError('{"errors":["Title is taken",3,"Too many images"],"request_id":"r1"}'), { message: 'Title is taken; Too many images', requestId: 'r1' });
    assert.deepEqual(parseServerError('{"errors":[1,2]}'), { requestId: undefined });
  });

  it('only lists of strings are field messages: empty lists, mixed lists and numbers are not', () => {
    assert.deepEqual(parseServerError('{"images":["must contain at least one image"],"count":3,"tags":[],"mixed":["a",1]}'), {
      message: 'images must contain at least one image',
      fields: { images: ['must contain at least one image'] },
      requestId: undefined,
    });
    assert.deepEqual(parseServerError('{"count":3,"tags":[]}'), { requestId: undefined });
  });

  it('a blank message gives way to the next field with words', () => {
    assert.equal(parseServerError('{"message":"   ","error":"Real reason"}').message, 'Real reason');
  });

  it('server words are cut at 500 characters with an ellipsis, and not before', () => {
    assert.equal(parseServerError('x'.repeat(500)).message, 'x'.repeat(500));
    assert.equal(parseServerError('y'.repeat(501)).message, `${'y'.repeat(500)}…`);
  });
});

describe('scrubSecrets at its edges', () => {
  it('blanks every known secret of four characters or more, whatever its shape', () => {
    assert.equal(scrubSecrets('code abcd and abc', ['abcd', 'abc']), 'code [redacted] and abc');
    assert.equal(scrubSecrets('my plainsecret here', ['plainsecret']), 'my [redacted] here');
  });

  it('blanks a whole bearer token after any spacing, and key-shaped tokens after their prefix', () => {
    assert.equal(scrubSecrets('Authorization: Bearer   tok123,rest', []), 'Authorization: Bearer   [redacted],rest');
    assert.equal(scrubSecrets('key sd_abcdef12 and sk_car_abcdef!', []), 'key sd_[redacted] and sk_car_[redacted]!');
    assert.equal(scrubSecrets('short sd_abcde stays', []), 'short sd_abcde stays');
  });
});
