// The self-check of the key-leak search (test/keyScanner.ts), which test/integration/keyLeak.test.ts runs
// over everything the integration suite left behind. If these fail, a clean key-leak run proves nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeHits, findKeys, needlesOf, PIECE, scanForKeys, type Secret } from '../keyScanner';

// Plainly made-up keys, without any provider's key prefix so that no secret scanner takes them for real
// ones (the scanner looks for pieces of whatever key it is given, whatever its shape). They share no
// 8-character piece, or one piece would match both.
const ASTRIA: Secret = { label: 'astria key', value: 'fake-astria-key-madeUpA1' };
const CARTESIA: Secret = { label: 'cartesia key', value: 'fake-cartesia-key-inventedB2' };
const SECRETS = [ASTRIA, CARTESIA];

describe('keyScanner: a piece of a key is found', () => {
  // Guards the main promise: a log line that prints part of a key (a prefix "for debugging", a key cut
  // at a column, a key split across two chunks) fails the check, not only the whole key.
  it('finds a deliberately leaked 8-character piece from the middle of a key in a fake log line', () => {
    const piece = ASTRIA.value.slice(7, 7 + PIECE);
    const line = `2026-12-04 09:05:30.123 [info] GET /tunes 200 (41 ms) auth=${piece}`;
    const hits = scanForKeys(SECRETS, line);
    assert.equal(hits.length, 1, 'exactly that piece');
    assert.deepEqual(
      { secret: hits[0]!.secret, encoding: hits[0]!.encoding, from: hits[0]!.from, to: hits[0]!.to, at: hits[0]!.at },
      { secret: 'astria key', encoding: 'raw', from: 7, to: 15, at: line.indexOf(piece) },
    );
  });

  // Guards every position: the first and the last piece of each key are looked for too.
  it('finds the first and the last piece of each key', () => {
    for (const secret of SECRETS) {
      for (const piece of [secret.value.slice(0, PIECE), secret.value.slice(-PIECE)]) {
        assert.ok(scanForKeys(SECRETS, `x ${piece} y`).some((h) => h.secret === secret.label), `${secret.label}: ${piece.length} characters`);
      }
    }
  });

  // Guards the obvious leak: a whole key anywhere (here in a settings file) is found, as every piece.
  it('finds a whole key', () => {
    const text = JSON.stringify({ 'tuneStudio.astria.baseUrl': 'https://api.astria.ai', note: `key: ${CARTESIA.value}` }, null, 2);
    const hits = scanForKeys(SECRETS, text).filter((h) => h.encoding === 'raw');
    assert.equal(hits.length, CARTESIA.value.length - PIECE + 1, 'every 8-character piece');
    assert.ok(hits.every((h) => h.secret === 'cartesia key'));
  });

  // Guards the encodings a key takes on its way into a URL or a header.
  it('finds a key URL-encoded in a query string', () => {
    const odd: Secret = { label: 'odd key', value: 'sk/ab+cd=ef&gh ij' };
    for (const query of [`?key=${encodeURIComponent(odd.value)}`, `?key=${encodeURIComponent(odd.value).toLowerCase()}`, `?key=${new URLSearchParams({ k: odd.value }).toString()}`]) {
      assert.ok(scanForKeys([odd], `https://cdn.example/images/1.png${query}`).some((h) => h.encoding === 'url'), query);
    }
  });

  it('finds a key base64-encoded at any byte alignment (Basic auth, data: URLs, JSON in base64)', () => {
    for (const prefix of ['', 'a', 'ab', 'user:', 'x'.repeat(17)]) {
      const encoded = Buffer.from(`${prefix}${ASTRIA.value} trailing`).toString('base64');
      assert.ok(scanForKeys(SECRETS, `Authorization: Basic ${encoded}`).some((h) => h.encoding === 'base64'), `prefix of ${prefix.length} bytes`);
    }
    // URL-safe base64 (JWT-like tokens, state parameters).
    const key: Secret = { label: 'k', value: '\u00fb\u00ff\u00fe?>~~~~~~~~~' };
    const urlSafe = Buffer.from(key.value, 'utf8').toString('base64url');
    assert.ok(scanForKeys([key], `state=${urlSafe}`).some((h) => h.encoding === 'base64url'));
  });

  it('finds a piece written as hex bytes', () => {
    const hex = Buffer.from(CARTESIA.value.slice(3, 3 + PIECE)).toString('hex');
    assert.ok(scanForKeys(SECRETS, `dump ${hex.toUpperCase()} end`).some((h) => h.encoding === 'hex' && h.secret === 'cartesia key'));
  });
});

describe('keyScanner: clean text passes', () => {
  // Guards against a check that cries wolf (and then gets switched off): text that talks about keys,
  // masks them, or shares fewer than 8 characters with one, reports nothing.
  it('passes a text without any 8-character piece of a key', () => {
    const text = [
      '2026-12-04 09:05:30.123 [info] Astria API key saved to secret storage, for https://api.astria.ai.',
      'GET /tunes?limit=20 200 (41 ms)',
      'Authorization: Bearer ***',
      `prefix only: ${ASTRIA.value.slice(0, PIECE - 1)} and ${CARTESIA.value.slice(-(PIECE - 1))}`,
      Buffer.from('an unrelated base64 payload, long enough to matter').toString('base64'),
    ].join('\n');
    assert.deepEqual(scanForKeys(SECRETS, text), []);
    assert.deepEqual(findKeys(SECRETS, 'log', text), []);
  });

  it('reports a 7-character piece of a key as nothing, an 8-character one as a leak', () => {
    assert.deepEqual(scanForKeys(SECRETS, `.${ASTRIA.value.slice(5, 12)}.`), []);
    assert.equal(scanForKeys(SECRETS, `.${ASTRIA.value.slice(5, 13)}.`).length, 1);
  });
});

describe('keyScanner: allowed values', () => {
  // Guards the one exception the key-leak check makes: an Authorization header may hold its own
  // service's key (even a refused one), and two keys may share a run of characters (the sandbox's
  // demo keys share "_sandbox_demo"), but the other service's key is still found there.
  const astria: Secret = { label: 'astria', value: 'sd_sandbox_demo_key' };
  const cartesia: Secret = { label: 'cartesia', value: 'sk_car_sandbox_demo' };

  it('does not count a piece shared with an allowed value', () => {
    assert.deepEqual(scanForKeys([cartesia], `Authorization: Bearer ${astria.value}`, { allowed: [astria.value] }), []);
    assert.deepEqual(scanForKeys([cartesia], 'Authorization: Bearer sd_refused_by_the_sandbox', { allowed: [astria.value] }), []);
    assert.ok(scanForKeys([cartesia], `Authorization: Bearer ${astria.value}`).length > 0, 'without the allowance the shared run is found');
  });

  it('still finds the pieces that are only in the other key', () => {
    const hits = scanForKeys([cartesia], `Authorization: Bearer ${cartesia.value}`, { allowed: [astria.value] });
    assert.ok(hits.length > 0);
    assert.ok(hits.every((h) => h.from < 7), `only the pieces with "sk_car_" in them (${hits.map((h) => h.from).join(', ')})`);
  });
});

describe('keyScanner: reports', () => {
  // Guards the report itself: an assertion message that printed the key would be a leak of its own.
  it('names the secret and the place, and masks every matched character', () => {
    const text = `before ${ASTRIA.value} after`;
    const lines = describeHits('output channel', text, scanForKeys(SECRETS, text));
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.startsWith(`output channel: astria key (raw), characters 0–${ASTRIA.value.length} of the key`));
    for (let i = 0; i + PIECE <= ASTRIA.value.length; i++) assert.ok(!lines[0]!.includes(ASTRIA.value.slice(i, i + PIECE)));
    assert.match(lines[0]!, /before ▒+ after/);
  });

  it('looks for a short key whole', () => {
    assert.deepEqual(needlesOf('abc').filter((n) => n.encoding === 'raw').map((n) => n.text), ['abc']);
    assert.equal(scanForKeys([{ label: 'short', value: 'abc' }], 'xxabcxx').length, 1);
  });
});
