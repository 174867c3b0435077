// A key is bound to the server it was checked on (src/auth/keyBinding.ts), and the HTTP layer sends it
// nowhere else: not to another origin named by a path, not after a cross-origin redirect, and not when
// the stored key was checked on another server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keyFor, originOf, parseStored, serializeStored, withKey } from '../../src/auth/keyBinding';
import { createHttp } from '../../src/api/http';
import { ApiError } from '../../src/api/errors';

describe('key binding', () => {
  it('hands out a key only for the origin it was checked on (case, default port and path do not matter)', () => {
    const stored = withKey({}, 'https://API.astria.ai:443/v1', 'sd_real');
    assert.equal(keyFor(stored, 'https://api.astria.ai'), 'sd_real');
    assert.deepEqual(keyFor(stored, 'https://collector.example'), { checkedOn: 'https://api.astria.ai' });
    assert.deepEqual(keyFor(stored, 'http://api.astria.ai'), { checkedOn: 'https://api.astria.ai' }, 'http is another origin');
    assert.equal(keyFor({}, 'https://api.astria.ai'), undefined);
  });

  it('keeps the sandbox key and the real key apart, and offers the newest one elsewhere', () => {
    let stored = withKey({}, 'https://api.astria.ai', 'sd_real');
    stored = withKey(stored, 'http://127.0.0.1:4010', 'sd_sandbox');
    assert.equal(keyFor(stored, 'https://api.astria.ai'), 'sd_real');
    assert.equal(keyFor(stored, 'http://127.0.0.1:4010'), 'sd_sandbox');
    assert.deepEqual(keyFor(stored, 'https://other.example'), { checkedOn: 'http://127.0.0.1:4010' });
    stored = withKey(stored, 'https://api.astria.ai', 'sd_real2');
    assert.deepEqual(keyFor(stored, 'https://other.example'), { checkedOn: 'https://api.astria.ai' });
  });

  it('reads what it wrote, and binds a bare key from an older version to the user’s server', () => {
    const stored = withKey({}, 'https://api.astria.ai', 'sd_real');
    assert.deepEqual(parseStored(serializeStored(stored), () => 'unused'), stored);
    assert.deepEqual(parseStored('sd_legacy_key', () => originOf('https://api.astria.ai/')), { 'https://api.astria.ai': 'sd_legacy_key' });
    assert.deepEqual(parseStored(undefined, () => 'unused'), {});
    assert.deepEqual(parseStored('{not json', () => 'https://a.example'), { 'https://a.example': '{not json' });
  });

  it('treats a stored entry that is JSON but not its own format as a bare key, so no key is lost or invented', () => {
    const legacy = () => 'https://a.example';
    for (const raw of ['{"v":1,"byOrigin":{"https://b.example":"k"}}', '{"v":2}', '{"v":2,"byOrigin":null}', '{"v":2,"byOrigin":"sd_k"}', '{"v":2,"byOrigin":0}']) {
      assert.deepEqual(parseStored(raw, legacy), { 'https://a.example': raw }, raw);
    }
  });

  it('drops empty and non-text keys from a stored entry rather than sending them', () => {
    const raw = JSON.stringify({ v: 2, byOrigin: { 'https://a.example': 'sd_a', 'https://b.example': '', 'https://c.example': 5, 'https://d.example': null } });
    assert.deepEqual(parseStored(raw, () => 'unused'), { 'https://a.example': 'sd_a' });
  });
});

describe('the HTTP layer sends the key only to its origin', () => {
  const seen: { server: 'home' | 'other'; path: string; headers: IncomingHttpHeaders }[] = [];
  let home: Server;
  let other: Server;
  let homeUrl = '';
  let otherUrl = '';
  const listen = (server: Server): Promise<string> =>
    new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

  before(async () => {
    other = createServer((req, res) => {
      seen.push({ server: 'other', path: req.url ?? '', headers: req.headers });
      res.setHeader('content-type', 'application/json');
      res.end('[]');
    });
    otherUrl = await listen(other);
    home = createServer((req, res) => {
      seen.push({ server: 'home', path: req.url ?? '', headers: req.headers });
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `${otherUrl}/landed` });
        return res.end();
      }
      res.setHeader('content-type', 'application/json');
      res.end('[]');
    });
    homeUrl = await listen(home);
  });

  after(() => {
    home.close();
    other.close();
  });

  const reset = () => seen.splice(0);

  it('refuses a path that names another origin, before sending anything', async () => {
    reset();
    const http = createHttp({ baseUrl: homeUrl, getKey: () => 'sd_secret_key_1234', provider: 'Astria', retries: 0 });
    await assert.rejects(http.get(`${otherUrl}/tunes`), (e: unknown) => e instanceof ApiError && /refused to send your Astria key/.test(e.message));
    await assert.rejects(http.get('//127.0.0.2:9/tunes'), ApiError);
    assert.deepEqual(seen, []);
  });

  it('drops the Authorization header when the server redirects to another origin', async () => {
    reset();
    const http = createHttp({ baseUrl: homeUrl, getKey: () => 'sd_secret_key_1234', provider: 'Astria', retries: 0 });
    await http.get('/redirect');
    const landed = seen.find((r) => r.server === 'other');
    assert.ok(landed, 'the redirect was followed');
    assert.equal(landed.headers.authorization, undefined);
    assert.equal(seen.find((r) => r.server === 'home')?.headers.authorization, 'Bearer sd_secret_key_1234');
  });

  it('sends nothing when the stored key was checked on another server, and says where', async () => {
    reset();
    const origins: string[] = [];
    const http = createHttp({
      baseUrl: homeUrl,
      getKey: (origin) => (origins.push(origin), { checkedOn: 'https://api.astria.ai' }),
      provider: 'Astria',
      retries: 0,
    });
    await assert.rejects(http.get('/tunes'), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.kind, 'auth');
      assert.equal(e.keyCheckedOn, 'https://api.astria.ai');
      assert.equal(e.message, `Tune Studio is set to talk to ${homeUrl}, but your Astria key was checked on https://api.astria.ai. Use the key there?`);
      return true;
    });
    assert.deepEqual(origins, [homeUrl], 'the key was asked for the configured origin');
    assert.deepEqual(seen, []);
  });

  it('names a base URL that is not http(s) instead of failing obscurely', async () => {
    const http = createHttp({ baseUrl: 'ftp://x', getKey: () => 'k', provider: 'Astria', retries: 0 });
    await assert.rejects(http.get('/tunes'), /base URL “ftp:\/\/x” is not an http\(s\) URL/);
  });
});
