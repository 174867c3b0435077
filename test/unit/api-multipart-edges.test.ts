// Multipart details a Rails server notices: array items, untyped files, and a body stream that reads
// from disk only when the socket asks and lets go of the file when the upload is cancelled.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iterableToStream, multipartBody, railsFormEntries } from '../../src/api/multipart';

describe('railsFormEntries array items', () => {
  it('drops null/undefined items, sends numbers and booleans as text, and a nested list as JSON (guards: "null" image URLs, lost numbers)', () => {
    const entries = railsFormEntries('tune', {
      image_urls: ['https://a/1.jpg', null, undefined, 'https://a/2.jpg'],
      ids: [7, true, false],
      grid: [[1, 2]],
    });
    assert.deepEqual(entries, [
      ['tune[image_urls][]', 'https://a/1.jpg'],
      ['tune[image_urls][]', 'https://a/2.jpg'],
      ['tune[ids][]', '7'],
      ['tune[ids][]', 'true'],
      ['tune[ids][]', 'false'],
      ['tune[grid][]', '[1,2]'],
    ]);
  });
});

describe('multipartBody files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tune-studio-multipart-edges-'));
    await writeFile(join(dir, 'photo'), Buffer.from('not really a photo'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a file without a type is sent as application/octet-stream (guards: a part with an empty Content-Type)', async () => {
    const { stream } = await multipartBody([['tune[images][]', { path: join(dir, 'photo') }]])();
    const text = await new Response(stream).text();
    assert.match(text, /filename="photo"\r\nContent-Type: application\/octet-stream\r\n/);
  });
});

describe('iterableToStream', () => {
  it('reads nothing before the consumer asks, then one chunk per read (guards: a file read ahead of the socket)', async () => {
    let pulled = 0;
    async function* chunks() {
      for (let n = 0; n < 3; n++) {
        pulled++;
        yield new Uint8Array([n]);
      }
    }
    const reader = iterableToStream(chunks()).getReader();
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(pulled, 0, 'nothing read before the first read()');
    assert.deepEqual((await reader.read()).value, new Uint8Array([0]));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(pulled, 1, 'no chunk read ahead');
    reader.releaseLock();
  });

  it('cancelling the stream ends its source, so an upload cancelled half way closes the file (guards: a leaked file handle)', async () => {
    let closed = false;
    async function* chunks() {
      try {
        for (let n = 0; ; n++) yield new Uint8Array([n]);
      } finally {
        closed = true;
      }
    }
    const reader = iterableToStream(chunks()).getReader();
    await reader.read();
    await reader.cancel();
    assert.equal(closed, true);
  });
});
