// The gallery's ZIP export against the sandbox CDN: every image whole with its metadata, an image the
// CDN cuts short (or never sends) left out by name while the rest is exported, and no half-written
// archive under the final name, ever (failure, nothing to export, cancel).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { AstriaClient } from '../../src/api/astria/client';
import type { BulkImage } from '../../src/webviews/galleryModel';
import { PARAMETERS_KEYWORD, parametersOf, parametersText, withPngText } from '../../src/domain/imageMetadata';
import { PngTextInserter, describeZipExport, exportZipFile, zipEntryName } from '../../src/webviews/zipExport';

let sandbox: Sandbox;
let dir: string;
let images: BulkImage[];

before(async () => {
  sandbox = await startSandbox({ quiet: true, speed: 1000, seed: 'empty' });
  const seeded = await fetch(`${sandbox.url}/__admin/seed-gallery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: 8, title: 'Zip export' }),
  });
  const tune = (await seeded.json()) as { id: number; title: string };
  const astria = new AstriaClient({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey });
  const prompts = await astria.listPrompts(tune.id, { limit: 50 });
  images = prompts.flatMap((prompt) => prompt.images.map((url, imageIndex) => ({ prompt, imageIndex, url, tuneTitle: tune.title })));
  assert.ok(images.length >= 6, `${images.length} images`);
  dir = await mkdtemp(join(tmpdir(), 'tune-studio-zip-test-'));
});

after(async () => {
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

function readZip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
          const parts: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => parts.push(chunk));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(parts));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** What the archive must hold for an image: the CDN's bytes with the parameters chunk after IHDR. */
async function expectedEntry(image: BulkImage): Promise<Buffer> {
  const cdn = Buffer.from(await (await fetch(image.url)).arrayBuffer());
  return withPngText(cdn, PARAMETERS_KEYWORD, parametersText(parametersOf(image.prompt, image.imageIndex, image.url, image.tuneTitle)));
}

const clearFaults = async () => void (await fetch(`${sandbox.url}/__admin/faults`, { method: 'DELETE' }));
const cdnPath = (image: BulkImage) => new URL(image.url).pathname;

describe('exportZipFile', () => {
  it('writes every image whole, with its parameters, in the order selected, and nothing else next to the archive', async () => {
    const selection = images.slice(0, 5);
    const target = join(dir, 'all.zip');
    const settled: number[] = [];
    const result = await exportZipFile(selection, target, { signal: new AbortController().signal, onEntry: (n) => settled.push(n) });
    assert.deepEqual(result, { entries: 5, total: 5, failed: [] });
    assert.deepEqual(settled, [1, 2, 3, 4, 5]);
    const entries = await readZip(target);
    assert.deepEqual([...entries.keys()], selection.map(zipEntryName));
    for (const image of selection) assert.ok(entries.get(zipEntryName(image))!.equals(await expectedEntry(image)), zipEntryName(image));
    assert.deepEqual(await readdir(dir), ['all.zip']);
  });

  it('an image the CDN cuts short fails only its entry, named with the reason; the others are exported (guards: the export hung forever)', async () => {
    const selection = images.slice(0, 6);
    const cut = selection[1];
    sandbox.addFault({ match: cdnPath(cut), origin: 'cdn', kind: 'truncated', count: 100 });
    const target = join(dir, 'cut.zip');
    try {
      const result = await exportZipFile(selection, target, { signal: new AbortController().signal });
      assert.equal(result.entries, 5);
      assert.equal(result.total, 6);
      assert.deepEqual(result.failed.map((f) => f.name), [zipEntryName(cut)]);
      assert.match(result.failed[0].reason, /^The download from 127\.0\.0\.1:\d+ was cut short: the connection closed after \d+ bytes of \d+ bytes\. Try again\.$/);
      const entries = await readZip(target);
      const whole = selection.filter((i) => i !== cut);
      assert.deepEqual([...entries.keys()], whole.map(zipEntryName));
      for (const image of whole) assert.ok(entries.get(zipEntryName(image))!.equals(await expectedEntry(image)), zipEntryName(image));
      assert.equal(
        describeZipExport(result, 'exports/cut.zip'),
        `Exported 5 of 6 images to exports/cut.zip · could not export 1: ${zipEntryName(cut)} (${result.failed[0].reason}).`,
      );
    } finally {
      await clearFaults();
    }
    assert.deepEqual((await readdir(dir)).sort(), ['all.zip', 'cut.zip'], 'no temporary file left');
  });

  it('an image the CDN never finishes sending fails after the download timeout, and the export still ends', async () => {
    const selection = images.slice(0, 3);
    sandbox.addFault({ match: cdnPath(selection[2]), origin: 'cdn', kind: 'hang', count: 100 });
    const target = join(dir, 'hang.zip');
    try {
      const result = await exportZipFile(selection, target, { signal: new AbortController().signal, timeoutMs: 300 });
      assert.equal(result.entries, 2);
      assert.deepEqual(result.failed.map((f) => f.name), [zipEntryName(selection[2])]);
      assert.match(result.failed[0].reason, /did not answer within 0\.3 s/);
      assert.deepEqual([...(await readZip(target)).keys()], selection.slice(0, 2).map(zipEntryName));
    } finally {
      await clearFaults();
    }
    await rm(target);
  });

  it('when no image arrives whole: fails naming them, and the file already under that name is untouched (guards: a half-written archive under the final name)', async () => {
    const selection = images.slice(0, 2);
    for (const image of selection) sandbox.addFault({ match: cdnPath(image), origin: 'cdn', kind: 'truncated', count: 100 });
    const target = join(dir, 'kept.zip');
    await writeFile(target, 'the archive that was here before');
    try {
      await assert.rejects(
        exportZipFile(selection, target, { signal: new AbortController().signal }),
        (error: Error) => {
          assert.match(error.message, /^none of the 2 images could be downloaded: /);
          for (const image of selection) assert.ok(error.message.includes(`${zipEntryName(image)} (The download from`), error.message);
          return true;
        },
      );
    } finally {
      await clearFaults();
    }
    assert.equal(await readFile(target, 'utf8'), 'the archive that was here before');
    assert.deepEqual((await readdir(dir)).sort(), ['all.zip', 'cut.zip', 'kept.zip']);
  });

  it('Cancel: stops at once, and neither the archive nor a partial file is left', async () => {
    const selection = images.slice(0, 4);
    sandbox.addFault({ match: '/images/', origin: 'cdn', kind: 'hang', count: 100 });
    const target = join(dir, 'cancelled.zip');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    try {
      await assert.rejects(exportZipFile(selection, target, { signal: controller.signal }), /^Error: Cancelled\.$/);
    } finally {
      await clearFaults();
    }
    assert.ok(Date.now() - started < 5_000, 'cancelled without waiting for the downloads');
    assert.deepEqual((await readdir(dir)).sort(), ['all.zip', 'cut.zip', 'kept.zip']);
  });

  it('puts the same image selected twice in once', async () => {
    const target = join(dir, 'twice.zip');
    const result = await exportZipFile([images[0], { ...images[0] }], target, { signal: new AbortController().signal });
    assert.deepEqual(result, { entries: 1, total: 1, failed: [] });
    assert.equal(describeZipExport(result, 'twice.zip'), 'Exported 1 image to twice.zip.');
    await rm(target);
  });
});

describe('PngTextInserter', () => {
  const collect = async (chunks: Buffer[], text: string) => {
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(chunks).pipe(new PngTextInserter(text))) out.push(chunk as Buffer);
    return Buffer.concat(out);
  };

  it('gives the bytes withPngText gives, however the PNG is cut into chunks', async () => {
    const png = Buffer.from(await (await fetch(images[0].url)).arrayBuffer());
    const expected = withPngText(png, PARAMETERS_KEYWORD, 'a prompt, ünïcode');
    for (const size of [1, 7, 32, 33, 34, png.length]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < png.length; at += size) chunks.push(png.subarray(at, at + size));
      assert.ok((await collect(chunks, 'a prompt, ünïcode')).equals(expected), `chunks of ${size}`);
    }
  });

  it('passes anything that is not a PNG through unchanged, short files included', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, ...Array.from({ length: 60 }, (_, i) => i)]);
    assert.ok((await collect([jpeg.subarray(0, 10), jpeg.subarray(10)], 'x')).equals(jpeg));
    assert.ok((await collect([Buffer.from('tiny')], 'x')).equals(Buffer.from('tiny')));
    assert.equal((await collect([], 'x')).length, 0);
  });
});

describe('describeZipExport', () => {
  it('names at most three failures', () => {
    const failed = [1, 2, 3, 4].map((n) => ({ name: `t/${n}-1.png`, reason: `reason ${n}` }));
    assert.equal(
      describeZipExport({ entries: 2, total: 6, failed }, 'a.zip'),
      'Exported 2 of 6 images to a.zip · could not export 4: t/1-1.png (reason 1); t/2-1.png (reason 2); t/3-1.png (reason 3); ….',
    );
  });
});
