// src/shared/imageFormats.ts beyond the everyday formats of imageFiles.test.ts: the rarer signatures, the
// length guards that keep a short file from being mistaken for an image, and the wording of format lists.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SUPPORTED_FORMATS_TEXT, listInWords, sniffImageFormat } from '../../src/shared/imageFormats';

function bytes(...parts: (string | number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part)));
}

describe('sniffImageFormat, rarer formats and short files', () => {
  it('recognises big-endian TIFF, Photoshop and both kinds of JPEG XL, so they are named when refused', () => {
    assert.equal(sniffImageFormat(bytes('MM', [0x00, 0x2a])), 'tiff');
    assert.equal(sniffImageFormat(bytes('II', [0x2a, 0x00])), 'tiff');
    assert.equal(sniffImageFormat(bytes('MM', [0x2a, 0x00])), undefined, 'each byte order has its own marker');
    assert.equal(sniffImageFormat(bytes('8BPS', [0, 1])), 'psd');
    assert.equal(sniffImageFormat(bytes([0xff, 0x0a, 0x00])), 'jxl');
    assert.equal(sniffImageFormat(bytes([0, 0, 0, 0x0c], 'JXL ', [0x0d, 0x0a, 0x87, 0x0a])), 'jxl');
    assert.equal(sniffImageFormat(bytes([0, 0, 0, 0x0c], 'JXL_')), undefined);
  });

  it('does not take a file cut short inside the WebP or BMP header for an image', () => {
    assert.equal(sniffImageFormat(bytes('RIFF', [0x24, 0, 0, 0], 'WEBP')), 'webp');
    assert.equal(sniffImageFormat(bytes('RIFF', [0x24, 0, 0, 0], 'WEB')), undefined);
    assert.equal(sniffImageFormat(bytes('BM', [0x36, 0, 0, 0, 0, 0, 0, 0])), 'bmp');
    assert.equal(sniffImageFormat(bytes('BM', [0x36, 0, 0, 0, 0, 0, 0])), undefined, '9 bytes: the reserved bytes are not all there');
    assert.equal(sniffImageFormat(bytes('BM', [0x36, 0, 0, 0, 0, 0, 0, 1])), undefined, 'a reserved byte that is not zero');
    assert.equal(sniffImageFormat(bytes('BM', [0x36, 0, 0, 0, 1, 0, 0, 0])), undefined);
    assert.equal(sniffImageFormat(bytes([0, 0, 0, 0x1c], 'ftyp', 'hei')), undefined, 'an ISO header without its brand');
  });

  it('tells HEIC from AVIF by the brands, never by the minor version between them', () => {
    const ftyp = (major: string, minor: number[] | string, ...compatible: string[]) => bytes([0, 0, 0, 0x1c], 'ftyp', major, minor, ...compatible);
    assert.equal(sniffImageFormat(ftyp('isom', 'heic', 'mp41')), undefined, 'a video whose minor version reads "heic"');
    assert.equal(sniffImageFormat(ftyp('isom', 'avif', 'mp41')), undefined);
    assert.equal(sniffImageFormat(ftyp('isom', [0, 0, 0, 0], 'mp41', 'heix')), 'heic');
    assert.equal(sniffImageFormat(ftyp('msf1', [0, 0, 0, 0])), 'heic');
    assert.equal(sniffImageFormat(ftyp('mif1', [0, 0, 0, 0])), 'heic', 'a plain HEIF image');
    assert.equal(sniffImageFormat(ftyp('isom', [0, 0, 0, 0], 'mif1', 'msf1')), undefined, 'mif1/msf1 alone do not make a video HEIC');
    assert.equal(sniffImageFormat(ftyp('avis', [0, 0, 0, 0])), 'avif');
    assert.equal(sniffImageFormat(ftyp('mif1', [0, 0, 0, 0], 'miaf', 'avis')), 'avif');
    assert.equal(sniffImageFormat(ftyp('isom', [0, 0, 0, 0], 'avif')), undefined, 'AVIF only as the major brand or inside a mif1 container');
  });

  it('finds an SVG only at the start (after a byte order mark or spaces), whatever the case', () => {
    assert.equal(sniffImageFormat(bytes([0xef, 0xbb, 0xbf], ' <SVG width="1">')), 'svg', 'a UTF-8 byte order mark first');
    assert.equal(sniffImageFormat(bytes([0xef, 0xbb], '<svg>')), undefined, 'half a byte order mark');
    assert.equal(sniffImageFormat(bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], '<svg>')), undefined, 'one mark only');
    assert.equal(sniffImageFormat(bytes(' \n\t<SVG>')), 'svg');
    assert.equal(sniffImageFormat(bytes('<svg\nxmlns="x">')), 'svg');
    assert.equal(sniffImageFormat(bytes('<svgfont>')), undefined);
    assert.equal(sniffImageFormat(bytes('<p><svg>')), undefined);
    assert.equal(sniffImageFormat(bytes('GIF90a')), undefined);
  });
});

describe('listInWords', () => {
  it('joins format names as a sentence says them', () => {
    assert.equal(listInWords([], 'or'), '');
    assert.equal(listInWords(['PNG'], 'or'), 'PNG');
    assert.equal(listInWords(['PNG', 'JPEG'], 'and'), 'PNG and JPEG');
    assert.equal(listInWords(['PNG', 'JPEG', 'WebP'], 'or'), 'PNG, JPEG or WebP');
    assert.equal(SUPPORTED_FORMATS_TEXT, 'PNG, JPEG, WebP or HEIC');
  });
});
