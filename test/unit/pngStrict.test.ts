// The tests' strict PNG reader (test/pngStrict.ts), which the integration tests run on every saved and
// zipped image: it must reject exactly the single-byte bugs a lenient check lets through (a flipped CRC
// byte, a changed image data byte, chunks out of order, bytes after IEND), and accept what the extension
// writes (the CDN's PNG with a `parameters` chunk spliced in) and what real encoders write (pngjs).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import * as crc32Module from 'buffer-crc32';

const crc32 = (crc32Module as unknown as { default?: typeof crc32Module }).default ?? crc32Module;
import { PNG } from 'pngjs';
import { largePng, patternPng } from '../sandbox/png';
import type { Prompt } from '../../src/api/astria/types';
import { PARAMETERS_KEYWORD, parametersOf, sidecarJson, withPngText } from '../../src/domain/imageMetadata';
import { PngError, assertSameImage, readPngStrict, readSidecarStrict } from '../pngStrict';

const served = patternPng('strict-reader', 96, 64);
const saved = withPngText(served, PARAMETERS_KEYWORD, 'a prompt\nSteps: 30, Prompt id: 1, Image: 1');

/** Offsets of each chunk: [type, offset of the length field, data length]. */
function layout(png: Buffer): [string, number, number][] {
  const out: [string, number, number][] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    out.push([png.toString('latin1', at + 4, at + 8), at, length]);
    at += 12 + length;
  }
  return out;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32.unsigned(body));
  return Buffer.concat([length, body, crc]);
}

function idatOf(png: Buffer): [number, number] {
  const found = layout(png).find(([type]) => type === 'IDAT');
  assert.ok(found);
  return [found[1], found[2]];
}

describe('readPngStrict', () => {
  it('accepts the CDN image with the parameters chunk the extension splices in, and reads its text and size', () => {
    const png = readPngStrict(saved);
    assert.equal(png.width, 96);
    assert.equal(png.height, 64);
    assert.deepEqual(png.chunks.map((c) => c.type), ['IHDR', 'tEXt', 'IDAT', 'IEND']);
    assert.equal(png.text.get(PARAMETERS_KEYWORD), 'a prompt\nSteps: 30, Prompt id: 1, Image: 1');
    const utf8 = withPngText(served, PARAMETERS_KEYWORD, 'ein Bild – 日本語');
    assert.equal(readPngStrict(utf8).text.get(PARAMETERS_KEYWORD), 'ein Bild – 日本語', 'iTXt (UTF-8) is read too');
  });

  it('accepts what an independent encoder writes (pngjs, RGBA) and the sandbox’s large incompressible images', () => {
    const image = new PNG({ width: 33, height: 7 });
    image.data.fill(0x7f);
    assert.equal(readPngStrict(PNG.sync.write(image)).colorType, 6);
    const large = largePng('strict-large', 1 << 20);
    const read = readPngStrict(large);
    assert.ok(read.idat.length > 1 << 20, 'stored, not compressed');
    assert.ok(read.chunks.filter((c) => c.type === 'IDAT').length >= 2, 'split over several IDAT chunks');
  });

  it('rejects a flipped CRC byte, in any chunk (guards: a saved PNG with a broken chunk CRC passed the suite)', () => {
    for (const [type, offset, length] of layout(saved)) {
      const broken = Buffer.from(saved);
      broken[offset + 8 + length + 3] ^= 0x01; // last byte of the CRC
      assert.throws(() => readPngStrict(broken, 'x.png'), (error: unknown) => error instanceof PngError && error.message.includes(`${type} chunk at offset ${offset} has CRC`), type);
    }
  });

  it('rejects a changed data byte under an intact-looking chunk (the CRC no longer matches)', () => {
    const [offset] = idatOf(saved);
    const broken = Buffer.from(saved);
    broken[offset + 8 + 5] ^= 0x40;
    assert.throws(() => readPngStrict(broken), /IDAT chunk at offset \d+ has CRC/);
  });

  it('tells a changed image data byte from the CDN’s image even when its CRC was recomputed (guards: the saved image is not the one served)', () => {
    // A valid PNG whose pixels differ in one byte: a strict reader alone cannot tell, the comparison must.
    const [width, height] = [96, 64];
    const other = patternPng('strict-reader', width, height);
    assert.doesNotThrow(() => assertSameImage(saved, other), 'the same image, with the metadata chunk added');
    const [offset, length] = idatOf(served);
    const raw = Buffer.from(PNG.sync.read(served).data); // RGBA
    raw[4 * (width * 10 + 10)] ^= 0x01;
    const changed = PNG.sync.write(Object.assign(new PNG({ width, height }), { data: raw }), { colorType: 2 });
    assert.doesNotThrow(() => readPngStrict(changed));
    assert.throws(() => assertSameImage(changed, served), /the image data differs from the CDN's at byte \d+/);
    // The same length, one compressed byte changed, the CRC fixed: still caught.
    const data = Buffer.from(served.subarray(offset + 8, offset + 8 + length));
    data[data.length - 6] ^= 0x01;
    const patched = Buffer.concat([served.subarray(0, offset), chunk('IDAT', data), served.subarray(offset + 12 + length)]);
    assert.throws(() => assertSameImage(patched, served), /image data (differs|does not inflate)/);
  });

  it('rejects a wrong signature, chunks out of order, a missing or misplaced IEND, and bytes after it', () => {
    const chunks = layout(saved).map(([, offset, length]) => saved.subarray(offset, offset + 12 + length));
    const [ihdr, text, idat, iend] = chunks;
    const sig = saved.subarray(0, 8);
    const cases: [string, Buffer, RegExp][] = [
      ['signature', Buffer.concat([Buffer.from('GIF89a!!'), ...chunks]), /signature/],
      ['IHDR not first', Buffer.concat([sig, text, ihdr, idat, iend]), /first chunk is tEXt, not IHDR/],
      ['no IEND', Buffer.concat([sig, ihdr, text, idat]), /does not end with IEND/],
      ['IEND before IDAT', Buffer.concat([sig, ihdr, text, iend, idat]), /bytes after IEND/],
      ['trailing bytes', Buffer.concat([saved, Buffer.from([0])]), /stray bytes|after IEND/],
      ['two IHDR', Buffer.concat([sig, ihdr, ihdr, idat, iend]), /more than one IHDR/],
      ['no IDAT', Buffer.concat([sig, ihdr, text, iend]), /no IDAT/],
      ['split IDAT', Buffer.concat([sig, ihdr, idat, text, idat, iend]), /not consecutive/],
      ['cut short', saved.subarray(0, saved.length - 20), /cut short|does not end/],
      ['unknown critical chunk', Buffer.concat([sig, ihdr, chunk('ABCD', Buffer.alloc(2)), idat, iend]), /unknown critical chunk ABCD/],
      ['two parameters chunks', Buffer.concat([sig, ihdr, text, text, idat, iend]), /two text chunks/],
      ['image data too short', Buffer.concat([sig, ihdr, chunk('IDAT', deflateSync(Buffer.alloc(10))), iend]), /inflates to 10 bytes/],
    ];
    for (const [name, bytes, expected] of cases) assert.throws(() => readPngStrict(bytes), expected, name);
  });
});

describe('readSidecarStrict', () => {
  const prompt = { id: 12, tune_id: 3, text: 'a cat', images: [], seed: 5 } as unknown as Prompt;
  const url = 'https://cdn.example/images/12-2.jpg';

  it('parses the sidecar the extension writes next to a JPEG/WebP, naming its image', () => {
    const record = readSidecarStrict(sidecarJson(parametersOf(prompt, 1, url, 'Cats')), { promptId: 12, imageIndex: 1, url, tuneId: 3 });
    assert.equal(record.prompt, 'a cat');
  });

  it('rejects a sidecar that is not JSON, or names another image', () => {
    assert.throws(() => readSidecarStrict('{"prompt": "a cat",', { promptId: 12, imageIndex: 1, url }), /is not JSON/);
    const other = sidecarJson(parametersOf(prompt, 0, url, 'Cats'));
    assert.throws(() => readSidecarStrict(other, { promptId: 12, imageIndex: 1, url }), /names image 0, not 1/);
  });
});
