// Hover thumbnails of prompt files against a real local HTTP server: the 2 MB cap holds while the body
// streams (an endless or lying server cannot make the extension read or keep more), a Content-Length
// over the cap is refused before the body, and the inlined images are cached within a byte budget (LRU).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadToMemory } from '../../src/api/download';
import { MAX_THUMBNAIL_BYTES, ThumbnailSources, thumbnailMarkdown } from '../../src/domain/thumbnails';
import { rejectsWith } from './support';

const MB = 1024 * 1024;
/** What the endless route would send in all, if nobody stopped reading: 25 times the cap. */
const ENDLESS_BYTES = 50 * MB;
const CHUNK = 64 * 1024;
/** The endless route's pace: 64 KB every 10 ms (about 6 MB/s), so reading all 50 MB would take ~8 s. */
const PACE_MS = 10;
/** How long the declared-50-MB route waits before its first body byte. */
const DECLARED_BODY_DELAY_MS = 1_500;

/** One response of the server, as the server saw it. */
interface Served {
  path: string;
  /** Body bytes handed to the socket. */
  written: number;
  /** The server sent its whole body. */
  finished: boolean;
  /** Resolves when the connection of this response closed (finished or cut off). */
  closed: Promise<void>;
}

let server: Server;
let origin: string;
const served: Served[] = [];
/** TCP connections the server accepted (an https request to it connects, though it never becomes a request). */
let connections = 0;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let onClosed!: () => void;
  const record: Served = { path: url.pathname, written: 0, finished: false, closed: new Promise((resolve) => (onClosed = resolve)) };
  served.push(record);
  let closed = false;
  res.on('close', () => {
    closed = true;
    onClosed();
  });
  res.on('error', () => undefined);
  const send = (body: Buffer, headers: Record<string, string | number>) => {
    res.writeHead(200, headers);
    record.written = body.length;
    record.finished = true;
    res.end(body);
  };
  switch (url.pathname) {
    case '/endless.png': {
      // No Content-Length: chunked, slowly, until 50 MB or until the client goes away.
      res.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(CHUNK, 0x42);
      const pump = (): void => {
        if (closed) return;
        if (record.written >= ENDLESS_BYTES) {
          record.finished = true;
          res.end();
          return;
        }
        record.written += chunk.length;
        if (res.write(chunk)) setTimeout(pump, PACE_MS);
        else res.once('drain', () => setTimeout(pump, PACE_MS));
      };
      pump();
      return;
    }
    case '/declared.png': {
      // Says 50 MB up front, then waits before sending anything of the body.
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': ENDLESS_BYTES });
      res.flushHeaders();
      setTimeout(() => {
        if (closed) return;
        record.written += CHUNK;
        res.write(Buffer.alloc(CHUNK));
      }, DECLARED_BODY_DELAY_MS);
      return;
    }
    case '/sized.png': {
      // ?bytes=N, chunked (no Content-Length) unless ?declare is given.
      const body = Buffer.alloc(Number(url.searchParams.get('bytes')), 0x17);
      if (url.searchParams.has('declare')) return send(body, { 'content-type': 'image/png', 'content-length': body.length });
      res.writeHead(200, { 'content-type': 'image/png' });
      record.written = body.length;
      record.finished = true;
      res.write(body.subarray(0, body.length >> 1));
      res.end(body.subarray(body.length >> 1));
      return;
    }
    case '/typed':
      // ?type=<Content-Type>: three bytes sent as that type.
      return send(Buffer.from([1, 2, 3]), { 'content-type': url.searchParams.get('type') ?? '' });
    case '/slow.png':
      // Answers after 300 ms, so two hovers overlap.
      setTimeout(() => send(Buffer.from([4, 5, 6]), { 'content-type': 'image/png' }), 300);
      return;
    case '/page.html':
      return send(Buffer.from('<html>not an image</html>'), { 'content-type': 'text/html' });
    default: {
      // /img/<name>.png?bytes=N: an image of that size, with its length.
      const match = /^\/img\/[\w-]+\.png$/.exec(url.pathname);
      if (match) return send(Buffer.alloc(Number(url.searchParams.get('bytes') ?? 1000), 0x89), { 'content-type': 'image/png', 'content-length': Number(url.searchParams.get('bytes') ?? 1000) });
      res.writeHead(404).end();
    }
  }
}

before(async () => {
  server = createServer(handle);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The last response the server served on `path`. */
function lastServed(path: string): Served {
  const record = served.findLast((r) => r.path === path);
  assert.ok(record, `the server was asked for ${path}`);
  return record;
}

function hits(path: string): number {
  return served.filter((r) => r.path === path).length;
}

/** Fails when the server still holds the connection `ms` after the client gave up. */
async function closedWithin(record: Served, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the server still had the connection ${ms} ms after the client gave up (${record.written} bytes written)`)), ms);
  });
  try {
    await Promise.race([record.closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('downloadToMemory: the size cap holds while the body streams', () => {
  it('guards against buffering a whole body first: an endless 50 MB stream is cut off just past 2 MB, the connection closed, the limit named', async () => {
    const started = Date.now();
    const error = await rejectsWith(downloadToMemory(`${origin}/endless.png`, { maxBytes: 2 * MB, timeoutMs: 60_000 }), 'too_large');
    const elapsed = Date.now() - started;
    assert.match(error.message, /is over the 2 MB limit; the download was stopped after 2(\.\d)? MB\./, 'a clear message: the cap and where reading stopped');
    const record = lastServed('/endless.png');
    await closedWithin(record, 3_000);
    assert.equal(record.finished, false, 'the server was still sending when the client went away');
    // What the server could hand to its socket is what the client read plus what the socket buffers hold:
    // far below the 50 MB it would have sent, and far below what reading it all would take (~8 s).
    assert.ok(record.written <= 4 * MB, `the server wrote ${(record.written / MB).toFixed(1)} MB of its 50 MB`);
    assert.ok(elapsed < 5_000, `the client gave up after ${elapsed} ms`);
  });

  it('guards against reading what a Content-Length says is too large: refused before a byte of the body arrives', async () => {
    const error = await rejectsWith(downloadToMemory(`${origin}/declared.png`, { maxBytes: 2 * MB, timeoutMs: 10_000 }), 'too_large');
    assert.match(error.message, /is 50 MB, over the 2 MB limit; it was not downloaded\./);
    const record = lastServed('/declared.png');
    assert.equal(record.written, 0, 'the server had not sent any of the body when the client refused it');
    await closedWithin(record, DECLARED_BODY_DELAY_MS - 500);
    assert.equal(record.written, 0, 'the connection closed before the server would have sent its body');
  });

  it('guards the boundary: a body of exactly the cap is taken whole, one byte more is refused (streamed and declared)', async () => {
    const cap = 100_000;
    for (const declare of ['', '&declare']) {
      const taken = await downloadToMemory(`${origin}/sized.png?bytes=${cap}${declare}`, { maxBytes: cap });
      assert.equal(taken.bytes.byteLength, cap);
      assert.ok(taken.bytes.every((byte) => byte === 0x17), 'the bytes arrive intact, in order');
      assert.equal(taken.mediaType, 'image/png');
      await rejectsWith(downloadToMemory(`${origin}/sized.png?bytes=${cap + 1}${declare}`, { maxBytes: cap }), 'too_large');
    }
  });

  it('guards the type check: a type not accepted is refused before its body is read', async () => {
    const error = await rejectsWith(downloadToMemory(`${origin}/page.html`, { maxBytes: MB, acceptType: (type) => type.startsWith('image/') }), 'malformed');
    assert.match(error.message, /sent text\/html, which is not accepted here/);
  });
});

describe('ThumbnailSources: what a prompt-file hover shows', () => {
  it('guards the hover against huge images: an endless plain-http image becomes a short text within the 5 s limit, and is not fetched again', async () => {
    const sources = new ThumbnailSources();
    const url = `${origin}/endless.png`;
    const before = hits('/endless.png');
    const started = Date.now();
    assert.deepEqual(await sources.source(url), { kind: 'tooLarge', text: 'larger than 2 MB, not shown' });
    assert.ok(Date.now() - started < 4_000, 'stopped at the cap, not by the 5 s timeout');
    const record = lastServed('/endless.png');
    await closedWithin(record, 3_000);
    assert.ok(record.written <= MAX_THUMBNAIL_BYTES + 2 * MB, `the server wrote ${(record.written / MB).toFixed(1)} MB`);
    assert.deepEqual(await sources.source(url), { kind: 'tooLarge', text: 'larger than 2 MB, not shown' });
    assert.equal(hits('/endless.png'), before + 1, 'the "too large" answer is remembered');
  });

  it('inlines a small plain-http image as a data: URL and leaves https URLs to the workbench (no request)', async () => {
    const sources = new ThumbnailSources();
    const thumbnail = await sources.source(`${origin}/img/small.png?bytes=3`);
    assert.deepEqual(thumbnail, { kind: 'image', src: `data:image/png;base64,${Buffer.alloc(3, 0x89).toString('base64')}` });
    const before = served.length;
    assert.deepEqual(await sources.source('https://cdn.example.com/a.png'), { kind: 'image', src: 'https://cdn.example.com/a.png' });
    assert.equal(served.length, before);
    assert.deepEqual(await sources.source(`${origin}/page.html`), { kind: 'image', src: `${origin}/page.html` }, 'not an image: the URL is kept');
  });

  it('guards the memory the cache holds: bounded by bytes, it evicts the least recently used image (fetched again later), not a recently used one', async () => {
    // Each 30,000-byte image is a 40,000-character data URL (plus its URL): three fit in 130,000 bytes, four do not.
    const sources = new ThumbnailSources({ cacheBytes: 130_000 });
    const url = (name: string) => `${origin}/img/${name}.png?bytes=30000`;
    for (const name of ['a', 'b', 'c']) await sources.source(url(name));
    assert.deepEqual(sources.cachedUrls(), [url('a'), url('b'), url('c')]);
    await sources.source(url('a')); // a is used again: b is now the least recently used
    assert.equal(hits('/img/a.png'), 1, 'a came from the cache');
    await sources.source(url('d'));
    assert.deepEqual(sources.cachedUrls(), [url('c'), url('a'), url('d')], 'b, the least recently used, was evicted');
    assert.ok(sources.cachedBytes <= 130_000, `${sources.cachedBytes} bytes cached`);
    await sources.source(url('a'));
    assert.equal(hits('/img/a.png'), 1, 'a, recently used, was kept');
    await sources.source(url('b'));
    assert.equal(hits('/img/b.png'), 2, 'b was fetched again');
    assert.ok(sources.cachedBytes <= 130_000);
  });

  it('guards which types are inlined: png, jpeg, webp and gif exactly, nothing that merely contains them', async () => {
    const sources = new ThumbnailSources();
    for (const type of ['image/png', 'image/jpeg', 'image/webp', 'image/gif']) {
      const thumbnail = await sources.source(`${origin}/typed?type=${encodeURIComponent(type)}`);
      assert.equal(thumbnail.kind === 'image' && thumbnail.src, `data:${type};base64,AQID`, type);
    }
    for (const type of ['image/svg+xml', 'x-image/png', 'image/pngx', 'text/plain']) {
      const url = `${origin}/typed?type=${encodeURIComponent(type)}&refused`;
      assert.deepEqual(await sources.source(url), { kind: 'image', src: url }, `${type}: the URL is kept, nothing inlined`);
    }
  });

  it('guards the count bound of the cache: with room for two entries, the third evicts the oldest', async () => {
    const sources = new ThumbnailSources({ cacheEntries: 2 });
    const url = (name: string) => `${origin}/img/${name}.png?bytes=10`;
    for (const name of ['e', 'f', 'g']) await sources.source(url(name));
    assert.deepEqual(sources.cachedUrls(), [url('f'), url('g')]);
  });

  it('guards the extension host against fetching https images itself: no connection is made, even to a reachable server', async () => {
    const sources = new ThumbnailSources();
    const before = connections;
    const https = `https${origin.slice('http'.length)}/img/tls.png?next=http://127.0.0.1/`;
    assert.deepEqual(await sources.source(https), { kind: 'image', src: https });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(connections, before);
  });

  it('guards against duplicate downloads: two hovers at once share one request', async () => {
    const sources = new ThumbnailSources();
    const url = `${origin}/slow.png`;
    const [a, b] = await Promise.all([sources.source(url), sources.source(url)]);
    assert.deepEqual(a, b);
    assert.equal(hits('/slow.png'), 1);
  });

  it('writes the hover Markdown: the picture at the asked width, a link around it when given, a short text when too large', async () => {
    const sources = new ThumbnailSources({ maxImageBytes: MB });
    assert.equal(await thumbnailMarkdown('https://cdn.example.com/a.png', 'Image 1', 120, undefined, sources), '![Image 1](https://cdn.example.com/a.png|width=120)');
    assert.equal(
      await thumbnailMarkdown('https://cdn.example.com/a.png', 'Image 1', 64, 'command:x', sources),
      '[![Image 1](https://cdn.example.com/a.png|width=64)](command:x)',
    );
    assert.equal(await thumbnailMarkdown(`${origin}/img/big.png?bytes=${MB + 1}`, 'Image 2', 64, undefined, sources), 'Image 2: larger than 1 MB, not shown');
  });
});
