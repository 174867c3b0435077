// The prompt's `parameters` text put into a PNG while it streams (src/domain/pngTextStream.ts): what the ZIP
// export and "save with metadata" write. A user notices a saved image that no viewer opens, a JPEG that got
// PNG bytes inside, metadata missing, or a broken file left behind after a failure.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { PngTextInserter, insertPngTextInFile, isPngFile } from '../../src/domain/pngTextStream';
import { assertSameImage } from '../pngStrict';
import { PNG_SIGNATURE, patternPng } from '../sandbox/png';

/** Streams `bytes` through a PngTextInserter in pieces of `pieceSize` bytes and collects the output. */
async function through(bytes: Buffer, text: string, pieceSize: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += pieceSize) pieces.push(bytes.subarray(i, i + pieceSize));
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(pieces).pipe(new PngTextInserter(text))) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

/** A 13-byte-IHDR-shaped header: signature, length, type, 13 bytes of data, CRC (not checked here). */
function header(signature: Buffer, length: number, type: string): Buffer {
  const b = Buffer.alloc(33);
  signature.copy(b, 0);
  b.writeUInt32BE(length, 8);
  b.write(type, 12, 'latin1');
  return b;
}

const TEXT = 'a <ohwx> woman, 35mm\nNegative prompt: blur\nSteps: 30';

describe('PNG text inserted while streaming', () => {
  const png = patternPng('streamed', 64, 48);

  it('gives a valid PNG holding the very image plus the parameters text, however the bytes arrive', async () => {
    for (const pieceSize of [1, 7, 33, 34, 4096]) {
      const saved = await through(png, TEXT, pieceSize);
      const strict = assertSameImage(saved, png, `pieces of ${pieceSize} bytes`);
      assert.equal(strict.text.get('parameters'), TEXT, `pieces of ${pieceSize} bytes`);
      assert.equal(strict.chunks[1]?.type, 'tEXt', 'the text comes right after IHDR, where viewers look first');
    }
  });

  it('passes anything that is not a PNG through byte for byte', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    assert.deepEqual(await through(jpeg, TEXT, 5), jpeg);
    const notPngButIhdrAt12 = Buffer.concat([header(Buffer.from('GIF89a\0\0'), 13, 'IHDR'), Buffer.alloc(20, 1)]);
    assert.deepEqual(await through(notPngButIhdrAt12, TEXT, 3), notPngButIhdrAt12);
  });

  it('leaves a PNG alone when its first chunk is not a well-formed IHDR (no text in the wrong place)', async () => {
    const otherFirstChunk = Buffer.concat([header(PNG_SIGNATURE, 13, 'IHDX'), Buffer.alloc(20, 2)]);
    assert.deepEqual(await through(otherFirstChunk, TEXT, 4), otherFirstChunk);
    const wrongLength = Buffer.concat([header(PNG_SIGNATURE, 14, 'IHDR'), Buffer.alloc(20, 3)]);
    assert.deepEqual(await through(wrongLength, TEXT, 4), wrongLength);
  });

  it('passes input shorter than a PNG header through unchanged, and nothing for nothing', async () => {
    assert.deepEqual(await through(png.subarray(0, 20), TEXT, 6), png.subarray(0, 20));
    assert.deepEqual(await through(Buffer.alloc(0), TEXT, 1), Buffer.alloc(0));
  });

  it('adds the text to a PNG cut off right after its header, as it does to a whole one', async () => {
    const headOnly = png.subarray(0, 33);
    const out = await through(headOnly, TEXT, 33);
    assert.ok(out.length > 33, 'the text chunk was added');
    assert.deepEqual(out.subarray(0, 33), headOnly);
    assert.equal(out.subarray(37, 41).toString('latin1'), 'tEXt');
  });
});

describe('PNG text written into a saved file', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tune-studio-pngtext-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tells a PNG file from others by its first bytes', async () => {
    await writeFile(join(dir, 'a.png'), patternPng('file', 8, 8));
    await writeFile(join(dir, 'b.png'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]));
    await writeFile(join(dir, 'short'), PNG_SIGNATURE.subarray(0, 4));
    assert.equal(await isPngFile(join(dir, 'a.png')), true);
    assert.equal(await isPngFile(join(dir, 'b.png')), false, 'a JPEG named .png');
    assert.equal(await isPngFile(join(dir, 'short')), false, 'a file cut short inside the signature');
  });

  it('rewrites the file with the text and leaves no temporary file beside it', async () => {
    const png = patternPng('saved', 32, 32);
    const path = join(dir, 'saved.png');
    await writeFile(path, png);
    await insertPngTextInFile(path, TEXT);
    const strict = assertSameImage(await readFile(path), png);
    assert.equal(strict.text.get('parameters'), TEXT);
    assert.deepEqual((await readdir(dir)).filter((name) => name.startsWith('saved.png')), ['saved.png']);
  });

  it('fails with the reading error when the file cannot be read, and leaves no temporary file', async () => {
    const sub = await mkdtemp(join(dir, 'missing-'));
    const path = join(sub, 'gone.png');
    await assert.rejects(insertPngTextInFile(path, TEXT), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    assert.deepEqual(await readdir(sub), []);
    const folder = join(sub, 'folder.png');
    await mkdir(folder);
    await assert.rejects(insertPngTextInFile(folder, TEXT), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
    assert.deepEqual(await readdir(sub), ['folder.png'], 'the .part file was removed');
  });
});
