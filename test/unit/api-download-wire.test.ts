// downloadToFile and downloadToMemory against a loopback server that sends exactly the status, headers and
// (half) bodies a CDN may send: what the user is told, what is kept, and what goes on the wire.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteCount, downloadToFile, downloadToMemory, parseDownloadUrl, type DownloadProgress } from '../../src/api/download';
import { reply, startLoopback, type Loopback } from './loopback';
import { rejectsWith } from './support';

let cdn: Loopback;
let dir: string;

before(async () => {
  cdn = await startLoopback();
  dir = await mkdtemp(join(tmpdir(), 'tune-studio-download-wire-'));
});

after(async () => {
  await cdn.close();
  await rm(dir, { recursive: true, force: true });
});

/** Sends the headers and `bytes` bytes of body, then leaves the response open (a stalled CDN). */
function stallAfter(bytes: number, headers: Record<string, string> = {}) {
  return (_request: unknown, response: import('node:http').ServerResponse) => {
    response.writeHead(200, { 'Content-Type': 'image/png', ...headers });
    response.write(Buffer.alloc(bytes, 7));
  };
}

/** Sends `bytes` bytes chunked (no Content-Length), then resets the connection. */
function resetAfter(bytes: number) {
  return (_request: unknown, response: import('node:http').ServerResponse) => {
    response.writeHead(200, { 'Content-Type': 'image/png' });
    response.write(Buffer.alloc(bytes, 7), () => setTimeout(() => response.socket?.destroy(), 20));
  };
}

describe('downloadToFile: what the user is told', () => {
  it('a link the CDN refuses (401 or 403) says the link may have expired, not that the key is wrong (guards: refused links read as an auth problem)', async () => {
    for (const status of [401, 403]) {
      cdn.handle(reply(status, { error: 'AccessDenied' }));
      const error = await rejectsWith(downloadToFile(`${cdn.url}/signed/a.png`, join(dir, 'a.png')), 'not_found');
      assert.equal(error.message, `${cdn.host} refused the download (${status}): the link may have expired. Refresh and try again.`);
      assert.equal(error.status, status);
    }
  });

  it('a CDN server error names the host and is retryable (a GET is safe to repeat); 404 names the path (guards: the error context of a download)', async () => {
    cdn.handle(reply(500, ''));
    const error = await rejectsWith(downloadToFile(`${cdn.url}/images/b.png`, join(dir, 'b.png')), 'server');
    assert.equal(error.message, `${cdn.host} had a server error (500). Try again in a moment.`);
    assert.equal(error.retryable, true);
    assert.equal(error.method, 'GET');
    assert.equal(error.path, '/images/b.png');
    cdn.handle(reply(404, ''));
    const missing = await rejectsWith(downloadToFile(`${cdn.url}/images/gone.png`, join(dir, 'gone.png')), 'not_found');
    assert.equal(missing.message, `${cdn.host} could not find /images/gone.png.`);
  });

  it('asks for any type (Accept: */*) and sends no Authorization (guards: the request headers of a download)', async () => {
    cdn.handle(reply(200, 'x', { 'Content-Type': 'image/png' }));
    const start = cdn.seen.length;
    await downloadToFile(`${cdn.url}/ok.png`, join(dir, 'ok.png'));
    const [request] = cdn.seen.slice(start);
    assert.equal(request.headers.accept, '*/*');
    assert.equal(request.headers.authorization, undefined);
  });

  it('a CDN that stalls mid-body is a timeout (a GET: nothing about "may have gone through"), not a cut-short download, and leaves no file', async () => {
    const before = await readdir(dir);
    cdn.handle(stallAfter(2000, { 'Content-Length': '4000' }));
    const error = await rejectsWith(downloadToFile(`${cdn.url}/slow.png`, join(dir, 'slow.png'), { timeoutMs: 150, signal: new AbortController().signal }), 'timeout');
    assert.equal(error.message, `${cdn.host} did not answer within 0.2 s.`);
    assert.equal(error.retryable, true);
    assert.deepEqual(await readdir(dir), before);
  });

  it('cancelling mid-body is cancelled, not a cut-short download', async () => {
    cdn.handle(stallAfter(2000, { 'Content-Length': '4000' }));
    const controller = new AbortController();
    const progress: DownloadProgress[] = [];
    const download = downloadToFile(`${cdn.url}/slow.png`, join(dir, 'cancel.png'), { signal: controller.signal, onProgress: (p) => (progress.push(p), controller.abort()) });
    await rejectsWith(download, 'cancelled');
    assert.ok(progress.length > 0, 'the body had started');
  });

  it('without Content-Length the progress has no total and a cut-short message gives no "of …" (guards: a total of 0 bytes)', async () => {
    cdn.handle(resetAfter(3000));
    const progress: DownloadProgress[] = [];
    const error = await rejectsWith(downloadToFile(`${cdn.url}/chunked.png`, join(dir, 'chunked.png'), { onProgress: (p) => progress.push(p) }), 'network');
    assert.ok(progress.length > 0);
    assert.ok(progress.every((p) => p.totalBytes === undefined), JSON.stringify(progress.at(-1)));
    assert.match(error.message, new RegExp(`^The download from ${cdn.host} was cut short: the connection closed after \\d+ bytes\\. Try again\\.$`));
  });

  it('a file that cannot be written (its folder is gone) says so, not blaming the CDN or a cut-short body (guards: disk errors blamed on the connection)', async () => {
    cdn.handle(reply(200, 'y'.repeat(5000), { 'Content-Type': 'image/png' }));
    const error = await rejectsWith(downloadToFile(`${cdn.url}/ok.png`, join(dir, 'no-such-folder', 'a.png')), 'bad_request');
    assert.equal(error.message, 'Could not write the downloaded file to disk (ENOENT). Check that its folder can be written to and the disk has space.');
    assert.match(String((error.cause as Error | undefined)?.message), /ENOENT/);
    await mkdir(join(dir, 'taken'), { recursive: true });
    const taken = await rejectsWith(downloadToFile(`${cdn.url}/ok.png`, join(dir, 'taken')), 'bad_request');
    assert.match(taken.message, /^Could not write the downloaded file to disk \(EISDIR\)\./);
    assert.ok(!(await readdir(dir)).some((name) => name.endsWith('.part')), 'no temporary file left');
  });

  it('a body that fails right after the headers leaves no file behind (guards: a stray ".part" file)', async () => {
    const before = await readdir(dir);
    cdn.handle((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': '5000' });
      response.write(Buffer.alloc(10), () => response.socket?.destroy());
    });
    for (let round = 0; round < 5; round++) {
      await rejectsWith(downloadToFile(`${cdn.url}/broken.png`, join(dir, 'broken.png')), 'network');
      assert.deepEqual(await readdir(dir), before, `round ${round}`);
    }
  });

  it('an address that is not a URL is refused in words', async () => {
    const error = await rejectsWith(downloadToFile('not a url', join(dir, 'never.png')), 'bad_request');
    assert.equal(error.message, 'Cannot download: the address is not a valid URL.');
    assert.throws(() => parseDownloadUrl('::'), /not a valid URL/);
  });
});

describe('downloadToMemory', () => {
  it('returns the bytes and the media type in lower case without parameters; no type → "" (guards: a thumbnail type check on "Image/PNG ; q")', async () => {
    cdn.handle(reply(200, 'abc', { 'Content-Type': 'Image/PNG ; charset=binary' }));
    const got = await downloadToMemory(`${cdn.url}/t.png`, { maxBytes: 100 });
    assert.equal(got.mediaType, 'image/png');
    assert.equal(Buffer.from(got.bytes).toString(), 'abc');
    assert.equal(cdn.seen.at(-1)?.headers.accept, '*/*');
    cdn.handle((_request, response) => {
      response.removeHeader('Content-Type');
      response.end('raw');
    });
    assert.equal((await downloadToMemory(`${cdn.url}/t`, { maxBytes: 100 })).mediaType, '');
  });

  it('an error status is an error, its body unread: 401/403 say the link may have expired, 404 names the path, 500 is retryable', async () => {
    for (const status of [401, 403]) {
      cdn.handle(reply(status, ''));
      const error = await rejectsWith(downloadToMemory(`${cdn.url}/m.png`, { maxBytes: 100 }), 'not_found');
      assert.equal(error.message, `${cdn.host} refused the download (${status}): the link may have expired. Refresh and try again.`);
    }
    cdn.handle(reply(404, ''));
    const missing = await rejectsWith(downloadToMemory(`${cdn.url}/m.png`, { maxBytes: 100 }), 'not_found');
    assert.equal(missing.message, `${cdn.host} could not find /m.png.`);
    assert.equal(missing.method, 'GET');
    cdn.handle(reply(500, ''));
    const failed = await rejectsWith(downloadToMemory(`${cdn.url}/m.png`, { maxBytes: 100 }), 'server');
    assert.equal(failed.retryable, true);
    assert.equal(failed.message, `${cdn.host} had a server error (500). Try again in a moment.`);
  });

  it('a type the caller does not accept is refused in words naming it, or saying it had none', async () => {
    cdn.handle(reply(200, '<html>', { 'Content-Type': 'text/html; charset=utf-8' }));
    const onlyImages = (type: string) => type.startsWith('image/');
    const error = await rejectsWith(downloadToMemory(`${cdn.url}/p`, { maxBytes: 100, acceptType: onlyImages }), 'malformed');
    assert.equal(error.message, `${cdn.host} sent text/html, which is not accepted here.`);
    assert.equal(error.method, 'GET');
    cdn.handle((_request, response) => {
      response.removeHeader('Content-Type');
      response.end('raw');
    });
    const untyped = await rejectsWith(downloadToMemory(`${cdn.url}/p`, { maxBytes: 100, acceptType: onlyImages }), 'malformed');
    assert.equal(untyped.message, `${cdn.host} sent a file without a type, which is not accepted here.`);
  });

  it('redirect "error" refuses a redirect; by default it is followed (guards: a thumbnail fetched from wherever a link points)', async () => {
    cdn.handle((request, response) => {
      if (request.path === '/moved') {
        response.writeHead(302, { Location: '/there' });
        response.end();
      } else {
        response.writeHead(200, { 'Content-Type': 'image/png' });
        response.end('there');
      }
    });
    assert.equal(Buffer.from((await downloadToMemory(`${cdn.url}/moved`, { maxBytes: 100 })).bytes).toString(), 'there');
    const start = cdn.seen.length;
    await rejectsWith(downloadToMemory(`${cdn.url}/moved`, { maxBytes: 100, redirect: 'error' }), 'network');
    assert.deepEqual(cdn.seen.slice(start).map((r) => r.path), ['/moved'], 'the redirect was not followed');
  });

  it('a stall is a timeout, a cancel is cancelled, a reset is network: each says what happened', async () => {
    cdn.handle(stallAfter(10));
    const live = new AbortController();
    const slow = await rejectsWith(downloadToMemory(`${cdn.url}/s`, { maxBytes: 100, timeoutMs: 100, signal: live.signal }), 'timeout');
    assert.equal(slow.message, `${cdn.host} did not answer within 0.1 s.`);
    const controller = new AbortController();
    const cancelled = downloadToMemory(`${cdn.url}/s`, { maxBytes: 100, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await rejectsWith(cancelled, 'cancelled');
    cdn.handle((_request, response) => response.socket?.destroy());
    const reset = await rejectsWith(downloadToMemory(`${cdn.url}/r`, { maxBytes: 100, signal: new AbortController().signal }), 'network');
    assert.match(reset.message, new RegExp(`^Could not reach ${cdn.host}`));
  });
});

describe('byteCount', () => {
  it('counts bytes to 9999, then KB, then MB, with "1 byte" singular (guards: the cut-short message)', () => {
    assert.equal(byteCount(1), '1 byte');
    assert.equal(byteCount(2), '2 bytes');
    assert.equal(byteCount(9_999), '9999 bytes');
    assert.equal(byteCount(10_000), '10 KB');
    assert.equal(byteCount(52_000), '51 KB');
    assert.equal(byteCount(1024 * 1024 - 1), '1024 KB');
    assert.equal(byteCount(1024 * 1024), '1 MB');
    assert.equal(byteCount(2_162_688), '2.1 MB');
  });
});
