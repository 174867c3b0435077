// downloadToFile against the sandbox CDN origin: streams to disk, never sends the API key anywhere
// but the API origin, refuses non-http(s) URLs, leaves no partial files.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { AstriaClient } from '../../src/api/astria/client';
import type { Prompt } from '../../src/api/astria/types';
import { CartesiaClient } from '../../src/api/cartesia/client';
import { downloadToFile, type DownloadProgress } from '../../src/api/download';
import { rejectsWith } from './support';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let sandbox: Sandbox;
let astria: AstriaClient;
let dir: string;
let donePrompt: Prompt;

before(async () => {
  sandbox = await startSandbox({ quiet: true, speed: 1000, hostileDemo: true });
  astria = new AstriaClient({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey });
  dir = await mkdtemp(join(tmpdir(), 'tune-studio-download-'));
  const prompts = await astria.listAllPrompts({ limit: 50 });
  const withImages = prompts.find((prompt) => prompt.images.length > 0);
  assert.ok(withImages, 'a demo prompt with images');
  donePrompt = withImages;
});

after(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});


describe('downloadToFile', () => {
  it('streams a generated image from the CDN to disk without an Authorization header', async () => {
    const start = sandbox.requests.length;
    const url = donePrompt.images[0];
    assert.ok(url.startsWith(sandbox.cdnUrl));
    const destination = join(dir, 'image.png');
    const progress: DownloadProgress[] = [];
    const result = await downloadToFile(url, destination, { onProgress: (p) => progress.push(p) });
    const bytes = await readFile(destination);
    assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE));
    assert.equal(result.bytes, bytes.length);
    assert.equal(result.contentType, 'image/png');
    assert.equal(progress.at(-1)?.receivedBytes, bytes.length);
    assert.equal(progress.at(-1)?.totalBytes, bytes.length);
    const cdnRequests = sandbox.requests.slice(start).filter((r) => r.origin === 'cdn');
    assert.equal(cdnRequests.length, 1);
    assert.equal(cdnRequests[0].headers.authorization, undefined);
  });

  it('downloads an uploaded file byte-identical (tune photos, Cartesia previews)', async () => {
    const original = randomBytes(750_000);
    await writeFile(join(dir, 'photo.jpg'), original);
    const tune = await astria.createTune({ title: `Download check ${Date.now()}`, name: 'man' }, [{ path: join(dir, 'photo.jpg'), type: 'image/jpeg' }]);
    const uploaded = tune.orig_images?.[0];
    assert.ok(uploaded, 'the tune lists its training image');
    await downloadToFile(uploaded, join(dir, 'copy.jpg'));
    const copy = await readFile(join(dir, 'copy.jpg'));
    assert.equal(createHash('sha256').update(copy).digest('hex'), createHash('sha256').update(original).digest('hex'));
  });

  it('fetches a Cartesia voice preview (WAV) too', async () => {
    const cartesia = new CartesiaClient({ baseUrl: sandbox.cartesiaUrl, getKey: () => sandbox.cartesiaKey });
    let preview: string | undefined;
    for await (const page of cartesia.pagesOfFineTunes({ limit: 100 })) {
      for (const fineTune of page.data.filter((ft) => ft.status === 'completed')) {
        preview ??= (await cartesia.listVoices(fineTune.id)).data.find((voice) => voice.preview_file_url)?.preview_file_url ?? undefined;
      }
    }
    assert.ok(preview, 'a voice with a preview');
    const result = await downloadToFile(preview, join(dir, 'voice.wav'));
    assert.equal(result.contentType, 'audio/wav');
    assert.equal((await readFile(join(dir, 'voice.wav'))).subarray(0, 4).toString('ascii'), 'RIFF');
  });

  it('refuses non-http(s) URLs without any request', async () => {
    const start = sandbox.requests.length;
    for (const url of ['file:///etc/passwd', 'data:text/plain,hi', 'ftp://example.com/x.png']) {
      const error = await rejectsWith(downloadToFile(url, join(dir, 'never')), 'bad_request');
      assert.match(error.message, /only http and https/);
    }
    assert.equal(sandbox.requests.length, start);
    assert.ok(!(await readdir(dir)).includes('never'));
  });

  it('404 → not_found and no file, not even a partial one', async () => {
    const before = await readdir(dir);
    const error = await rejectsWith(downloadToFile(`${sandbox.cdnUrl}/images/1-1.png`, join(dir, 'missing.png')), 'not_found');
    assert.equal(error.status, 404);
    assert.deepEqual(await readdir(dir), before);
  });

  it('a hanging CDN → timeout; a reset → network; cancelling → cancelled; no partial files', async () => {
    const before = await readdir(dir);
    const url = donePrompt.images[0];
    sandbox.addFault({ match: '/images/', origin: 'cdn', kind: 'hang' });
    await rejectsWith(downloadToFile(url, join(dir, 'slow.png'), { timeoutMs: 200 }), 'timeout');
    sandbox.addFault({ match: '/images/', origin: 'cdn', kind: 'reset' });
    await rejectsWith(downloadToFile(url, join(dir, 'reset.png')), 'network');
    sandbox.addFault({ match: '/images/', origin: 'cdn', kind: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await rejectsWith(downloadToFile(url, join(dir, 'cancelled.png'), { signal: controller.signal }), 'cancelled');
    assert.deepEqual(await readdir(dir), before);
  });

  it('a body the CDN cuts short → network, in words that say so (not "could not reach"), and no partial file (guards: a truncated image read as a connection problem)', async () => {
    const before = await readdir(dir);
    const url = donePrompt.images[0];
    const whole = (await readFile(join(dir, 'image.png'))).length;
    sandbox.addFault({ match: '/images/', origin: 'cdn', kind: 'truncated' });
    const error = await rejectsWith(downloadToFile(url, join(dir, 'cut.png')), 'network');
    assert.equal(error.retryable, true);
    const host = new URL(sandbox.cdnUrl).host;
    assert.equal(error.message, `The download from ${host} was cut short: the connection closed after ${Math.floor(whole / 2)} bytes of ${whole} bytes. Try again.`);
    assert.deepEqual(await readdir(dir), before);
  });
});

describe('the CDN never sees the API key', () => {
  it('no CDN request in this file carried Authorization, and every keyed request went to the API origin', () => {
    const cdn = sandbox.requests.filter((r) => r.origin === 'cdn');
    assert.ok(cdn.length >= 6);
    assert.ok(sandbox.requests.some((r) => r.origin === 'api' && r.headers.authorization === `Bearer ${sandbox.astriaKey}`));
    for (const request of cdn) assert.equal(request.headers.authorization, undefined, request.path);
    for (const request of sandbox.requests.filter((r) => r.headers.authorization !== undefined)) assert.equal(request.origin, 'api');
  });
});
