import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  collectImageFiles,
  describeSkipped,
  formatMegabytes,
  judgeSelection,
  megabytesToBytes,
  sha256OfFile,
  sourceFolderName,
  type ImageSelection,
} from '../../src/domain/trainingImages';
import { SNIFF_BYTES, sniffImageFormat } from '../../src/shared/imageFormats';

const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
const JPEG_HEAD = [0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0];

function bytes(...parts: (string | number[])[]): Buffer {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));
}

/** An ISO-media header: size, "ftyp", major brand, minor version, compatible brands. */
function ftyp(major: string, ...compatible: string[]): Buffer {
  return bytes([0, 0, 0, 0x1c], 'ftyp', major, [0, 0, 0, 0], ...compatible);
}

/** A file with a real signature and `size` bytes of varied filler (so different seeds differ). */
function imageBytes(head: number[], size: number, seed: number): Buffer {
  const buffer = Buffer.alloc(size);
  Buffer.from(head).copy(buffer);
  for (let i = head.length; i < size; i++) buffer[i] = (i * 31 + seed * 7) & 0xff;
  return buffer;
}

describe('sniffImageFormat', () => {
  const cases: [string, Buffer, string | undefined][] = [
    ['PNG', Buffer.from(PNG_HEAD), 'png'],
    ['JPEG (JFIF)', Buffer.from(JPEG_HEAD), 'jpeg'],
    ['JPEG (Exif)', bytes([0xff, 0xd8, 0xff, 0xe1]), 'jpeg'],
    ['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'webp'],
    ['RIFF that is not WebP (WAV)', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '), undefined],
    ['GIF89a', bytes('GIF89a', [1, 0, 1, 0]), 'gif'],
    ['GIF87a', bytes('GIF87a'), 'gif'],
    ['HEIC', ftyp('heic', 'mif1', 'heic'), 'heic'],
    ['HEIF (mif1 + heic)', ftyp('mif1', 'mif1', 'heic'), 'heic'],
    ['AVIF', ftyp('avif', 'mif1', 'avif'), 'avif'],
    ['AVIF behind mif1', ftyp('mif1', 'avif', 'miaf'), 'avif'],
    ['MP4 video', ftyp('isom', 'isom', 'mp41'), undefined],
    ['TIFF little-endian', bytes('II', [0x2a, 0]), 'tiff'],
    ['BMP', bytes('BM', [0x36, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0]), 'bmp'],
    ['text starting with BM', bytes('BMW is a car brand'), undefined],
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg">'), 'svg'],
    ['PDF', bytes('%PDF-1.7'), undefined],
    ['plain text', bytes('hello world'), undefined],
    ['empty', Buffer.alloc(0), undefined],
    ['truncated PNG signature', Buffer.from(PNG_HEAD.slice(0, 4)), undefined],
  ];
  for (const [name, head, expected] of cases) {
    it(`${name} → ${expected ?? 'not an image'}`, () => assert.equal(sniffImageFormat(head), expected));
  }
});

describe('collectImageFiles (real temp files)', () => {
  let dir: string;
  const path = (name: string): string => join(dir, name);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tune-studio-images-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function folderWith(name: string, files: Record<string, Buffer>): Promise<string> {
    const folder = path(name);
    await mkdir(folder, { recursive: true });
    for (const [file, content] of Object.entries(files)) await writeFile(join(folder, file), content);
    return folder;
  }

  it('accepts PNG, JPEG, WebP and HEIC by content, whatever the extension, with their MIME types', async () => {
    const folder = await folderWith('formats', {
      'a.png': imageBytes(PNG_HEAD, 500, 1),
      'b.jpg': imageBytes(JPEG_HEAD, 600, 2),
      'c.webp': bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ', 'x'.repeat(100)),
      'd.heic': Buffer.concat([ftyp('heic', 'mif1', 'heic'), Buffer.alloc(50, 1)]),
      'misnamed.txt': imageBytes(JPEG_HEAD, 700, 3),
    });
    const selection = await collectImageFiles([folder]);
    assert.deepEqual(
      selection.images.map((image) => [image.name, image.format, image.mime]),
      [
        ['a.png', 'png', 'image/png'],
        ['b.jpg', 'jpeg', 'image/jpeg'],
        ['c.webp', 'webp', 'image/webp'],
        ['d.heic', 'heic', 'image/heic'],
        ['misnamed.txt', 'jpeg', 'image/jpeg'],
      ],
    );
    assert.deepEqual(selection.skipped, []);
    assert.equal(selection.totalBytes, selection.images.reduce((sum, image) => sum + image.size, 0));
  });

  it('refuses files that are not images even when named like one, and says so', async () => {
    const folder = await folderWith('fake', { 'photo.jpg': Buffer.from('this is not a photo'), 'notes.md': Buffer.from('# notes') });
    const selection = await collectImageFiles([folder]);
    assert.equal(selection.images.length, 0);
    assert.deepEqual(
      selection.skipped.map((file) => [file.name, file.reason]),
      [
        ['notes.md', 'not-image'],
        ['photo.jpg', 'not-image'],
      ],
    );
    assert.match(selection.skipped[1].message, /photo\.jpg is not an image/);
    const verdict = judgeSelection(selection);
    assert.match(verdict.refusal ?? '', /no images to train on.*2 files skipped: 2 not images/i);
  });

  it('names unsupported formats (GIF, AVIF, TIFF, SVG)', async () => {
    const folder = await folderWith('unsupported', {
      'anim.gif': bytes('GIF89a', 'x'.repeat(40)),
      'pic.avif': Buffer.concat([ftyp('avif', 'mif1', 'avif'), Buffer.alloc(20, 2)]),
      'scan.tif': bytes('II', [0x2a, 0], 'x'.repeat(40)),
      'logo.svg': bytes('<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    });
    const selection = await collectImageFiles([folder]);
    const byName = new Map(selection.skipped.map((file) => [file.name, file]));
    assert.equal(selection.images.length, 0);
    for (const [name, label] of [
      ['anim.gif', 'GIF'],
      ['pic.avif', 'AVIF'],
      ['scan.tif', 'TIFF'],
      ['logo.svg', 'SVG'],
    ]) {
      const file = byName.get(name);
      assert.equal(file?.reason, 'unsupported-format', name);
      assert.match(file.message, new RegExp(`${name.replace('.', '\\.')} is in ${label} format.*convert it to PNG, JPEG, WebP or HEIC`));
    }
  });

  it('refuses zero-byte and unreadable files', async (t) => {
    const folder = await folderWith('broken', { 'empty.png': Buffer.alloc(0), 'locked.png': imageBytes(PNG_HEAD, 100, 4) });
    const locked = join(folder, 'locked.png');
    const missing = join(folder, 'gone.png');
    await chmod(locked, 0o000);
    t.after(() => chmod(locked, 0o644));
    const selection = await collectImageFiles([join(folder, 'empty.png'), locked, missing]);
    const reasons = Object.fromEntries(selection.skipped.map((file) => [file.name, file.reason]));
    assert.equal(reasons['empty.png'], 'empty');
    assert.equal(reasons['gone.png'], 'unreadable');
    assert.match(selection.skipped.find((file) => file.name === 'gone.png')?.message ?? '', /could not be read \(ENOENT\)/);
    // root reads anything, so only check the lock when it holds
    if (process.getuid?.() !== 0) assert.equal(reasons['locked.png'], 'unreadable');
  });

  it('reads only the first bytes to sniff: 4 GB sparse files are judged at once', async () => {
    const bigText = path('big.bin');
    const bigPng = path('big.png');
    await writeFile(bigText, Buffer.alloc(SNIFF_BYTES, 0x41));
    await writeFile(bigPng, Buffer.from(PNG_HEAD));
    await truncate(bigText, 4 * 1024 ** 3);
    await truncate(bigPng, 4 * 1024 ** 3 + 1);
    const started = performance.now();
    const selection = await collectImageFiles([bigText, bigPng]);
    assert.ok(performance.now() - started < 2000, 'reading 8 GB would take far longer');
    assert.deepEqual(
      selection.skipped.map((file) => [file.name, file.reason]),
      [
        ['big.bin', 'not-image'],
        ['big.png', 'too-large'],
      ],
    );
    assert.match(selection.skipped[1].message, /big\.png is 4096\.0 MB, over the 20\.0 MB limit/);
  });

  it('refuses a file over the size limit and names it and the limit', async () => {
    const folder = await folderWith('sizes', {
      'small.png': imageBytes(PNG_HEAD, 1000, 5),
      'huge.png': imageBytes(PNG_HEAD, 3 * 1024 * 1024, 6),
    });
    const selection = await collectImageFiles([folder], { maxImageBytes: 2 * 1024 * 1024 });
    assert.deepEqual(
      selection.images.map((image) => image.name),
      ['small.png'],
    );
    assert.equal(selection.skipped.length, 1);
    assert.equal(selection.skipped[0].reason, 'too-large');
    assert.match(selection.skipped[0].message, /huge\.png is 3\.0 MB, over the 2\.0 MB limit \(setting tuneStudio\.createTune\.maxImageSizeMB\)/);
  });

  it('skips the same content under another name and says which it copies; same path twice counts once', async () => {
    const same = imageBytes(JPEG_HEAD, 4096, 7);
    const folder = await folderWith('dupes', {
      '1.jpg': same,
      '2.jpg': imageBytes(JPEG_HEAD, 4096, 8),
      '10.jpg': same,
      'copy of 1.jpg': same,
    });
    const selection = await collectImageFiles([folder, join(folder, '1.jpg')]);
    assert.deepEqual(
      selection.images.map((image) => image.name),
      ['1.jpg', '2.jpg'],
    );
    assert.deepEqual(
      selection.skipped.map((file) => [file.name, file.reason, file.message]),
      [
        ['10.jpg', 'duplicate', '10.jpg has the same content as 1.jpg'],
        ['copy of 1.jpg', 'duplicate', 'copy of 1.jpg has the same content as 1.jpg'],
      ],
    );
  });

  it('scans a folder without recursing, ignores hidden files and reports subfolders', async () => {
    const folder = await folderWith('scan', { 'img2.png': imageBytes(PNG_HEAD, 200, 9), 'img10.png': imageBytes(PNG_HEAD, 300, 10), '.DS_Store': Buffer.from('junk') });
    await folderWith('scan/nested', { 'deep.png': imageBytes(PNG_HEAD, 400, 11) });
    const selection = await collectImageFiles([folder]);
    assert.deepEqual(
      selection.images.map((image) => image.name),
      ['img2.png', 'img10.png'],
      'natural order',
    );
    assert.deepEqual(
      selection.skipped.map((file) => [file.name, file.reason]),
      [['nested', 'folder']],
    );
    assert.equal(sourceFolderName(selection), 'scan');
  });

  it('warns below 4 images but allows them, and refuses an empty selection', async () => {
    const folder = await folderWith('few', { 'one.png': imageBytes(PNG_HEAD, 100, 12), 'two.png': imageBytes(PNG_HEAD, 120, 13) });
    const few = judgeSelection(await collectImageFiles([folder]));
    assert.equal(few.refusal, undefined);
    assert.match(few.fewImages ?? '', /Only 2 images: Astria recommends at least 4/);
    const none: ImageSelection = { images: [], skipped: [], totalBytes: 0, scannedFolders: [] };
    assert.match(judgeSelection(none).refusal ?? '', /No files were selected/);
  });

  it('hashes files by streaming sha256', async () => {
    const content = imageBytes(PNG_HEAD, 200_000, 14);
    const file = path('hash.png');
    await writeFile(file, content);
    assert.equal(await sha256OfFile(file), createHash('sha256').update(content).digest('hex'));
  });

  it('describes skipped files by reason', () => {
    const skipped = [
      { path: '/a', name: 'a', reason: 'duplicate' as const, message: '' },
      { path: '/b', name: 'b', reason: 'not-image' as const, message: '' },
      { path: '/c', name: 'c', reason: 'not-image' as const, message: '' },
    ];
    assert.equal(describeSkipped(skipped), '3 files skipped: 1 a duplicate, 2 not images');
  });

  it('tells why a folder entry is left out: a link to a folder, a pipe, a dangling link, an empty file, a subfolder', async () => {
    const folder = await folderWith('odd', { 'ok.png': imageBytes(PNG_HEAD, 100, 20), 'empty.png': Buffer.alloc(0) });
    await mkdir(join(folder, 'sub'));
    await symlink(join(folder, 'sub'), join(folder, 'link-to-sub'));
    await symlink(join(folder, 'nowhere.png'), join(folder, 'dangling.png'));
    execFileSync('mkfifo', [join(folder, 'pipe.png')]);
    const selection = await collectImageFiles([folder]);
    assert.deepEqual(
      selection.images.map((image) => image.name),
      ['ok.png'],
    );
    assert.deepEqual(
      selection.skipped.map((file) => [file.reason, file.message]).sort(),
      [
        ['empty', 'empty.png is empty (0 bytes)'],
        ['folder', 'link-to-sub is a folder'],
        ['folder', 'sub is a subfolder (only the folder’s own files are used)'],
        ['unreadable', 'dangling.png could not be read (ENOENT)'],
        ['unreadable', 'pipe.png is not a regular file'],
      ],
    );
  });

  it('accepts a file of exactly the size limit', async () => {
    const folder = await folderWith('limit', { 'exact.png': imageBytes(PNG_HEAD, 2048, 21) });
    const selection = await collectImageFiles([folder], { maxImageBytes: 2048 });
    assert.deepEqual(
      selection.images.map((image) => image.name),
      ['exact.png'],
    );
  });

  it('does not read a big photo of a size no other file has (only equal sizes are hashed for duplicates)', async () => {
    const big = path('unique-big.png');
    await writeFile(big, Buffer.from(PNG_HEAD));
    await truncate(big, 8 * 1024 ** 3);
    const started = performance.now();
    const selection = await collectImageFiles([big, path('hash.png')], { maxImageBytes: Number.MAX_SAFE_INTEGER });
    assert.ok(performance.now() - started < 2000, 'hashing 8 GB would take far longer');
    assert.equal(selection.images[0]?.name, 'unique-big.png');
    await rm(big);
  });

  it('rejects with the file system error when a file to hash is gone', async () => {
    await assert.rejects(sha256OfFile(path('no-such-file.png')), /ENOENT/);
  });

  it('words every skip reason in the singular and plural', () => {
    const reasons = ['not-image', 'unsupported-format', 'too-large', 'empty', 'unreadable', 'duplicate', 'folder'] as const;
    const one = reasons.map((reason) => ({ path: `/${reason}`, name: reason, reason, message: '' }));
    assert.equal(
      describeSkipped(one),
      '7 files skipped: 1 not an image, 1 in an unsupported format, 1 too large, 1 empty, 1 unreadable, 1 a duplicate, 1 a subfolder',
    );
    assert.equal(
      describeSkipped([...one, ...one]),
      '14 files skipped: 2 not images, 2 in unsupported formats, 2 too large, 2 empty, 2 unreadable, 2 duplicates, 2 subfolders',
    );
  });

  it('does not warn at exactly 4 images', () => {
    const image = (name: string) => ({ path: `/photos/${name}`, name, size: 1, format: 'png' as const, mime: 'image/png' });
    const four: ImageSelection = { images: ['a', 'b', 'c', 'd'].map(image), skipped: [], totalBytes: 4, scannedFolders: [] };
    assert.deepEqual(judgeSelection(four), {});
  });

  it('names the default title after the picked folder, else the first image’s folder, else "tune"', () => {
    const image = { path: '/photos/anna/1.png', name: '1.png', size: 1, format: 'png' as const, mime: 'image/png' };
    const base: ImageSelection = { images: [], skipped: [], totalBytes: 0, scannedFolders: [] };
    assert.equal(sourceFolderName({ ...base, images: [image] }), 'anna');
    assert.equal(sourceFolderName({ ...base, images: [image], scannedFolders: ['/photos/ben'] }), 'ben');
    assert.equal(sourceFolderName(base), 'tune');
    assert.equal(sourceFolderName({ ...base, scannedFolders: ['/'] }, 'fallback'), 'fallback');
  });

  it('shows sizes in KB below 100 KB and in MB above, and converts the MB setting to bytes', () => {
    assert.equal(formatMegabytes(0), '1 KB');
    assert.equal(formatMegabytes(50 * 1024), '50 KB');
    assert.equal(formatMegabytes(100 * 1024 - 1), '100 KB');
    assert.equal(formatMegabytes(100 * 1024), '0.1 MB');
    assert.equal(formatMegabytes(3 * 1024 * 1024), '3.0 MB');
    assert.equal(megabytesToBytes(1.5), 1572864);
  });

  it('closes every file it sniffs (guards: running out of file handles on a big folder)', async () => {
    const folder = await folderWith('handles', Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${i}.png`, imageBytes(PNG_HEAD, 100 + i, 30 + i)])));
    const openFiles = async () => (await readdir('/proc/self/fd')).length;
    const before = await openFiles();
    const selection = await collectImageFiles([folder]);
    assert.equal(selection.images.length, 20);
    assert.equal(await openFiles(), before);
  });
});
