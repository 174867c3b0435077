// The metadata writer of saved images: the A1111 `parameters` text, spliced into a PNG as a text chunk
// and read back with an independent reader (ExifReader), while the image data stays byte for byte.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import ExifReader from 'exifreader';
import { PNG } from 'pngjs';
import { encodePng, patternPng } from '../sandbox/png';
import type { Prompt } from '../../src/api/astria/types';
import {
  PARAMETERS_KEYWORD,
  crc32,
  parametersOf,
  parametersText,
  pngChunks,
  parseParametersText,
  promptFromParameters,
  readPngText,
  sidecarJson,
  withPngText,
} from '../../src/domain/imageMetadata';

const prompt: Prompt = {
  id: 4242,
  tune_id: 77,
  text: '<lora:77:1> portrait of ohwx man, studio light, 85mm',
  negative_prompt: 'blurry, lowres',
  num_images: 4,
  seed: 1234567,
  steps: 30,
  cfg_scale: '3.5',
  scheduler: 'euler_a',
  w: 896,
  h: 1152,
  aspect_ratio: null,
  images: ['https://cdn.example/images/4242-1.png'],
  created_at: '2026-11-30T10:00:00.000Z',
  tune: { id: 77, title: 'Portraits: studio, light' },
} as Prompt;

function idat(png: Uint8Array): Buffer {
  return Buffer.concat(pngChunks(png).filter((c) => c.type === 'IDAT').map((c) => Buffer.from(c.data)));
}

/** What ExifReader (an independent, maintained reader) finds under the `parameters` key. */
function exifParameters(png: Buffer): string | undefined {
  const tags = ExifReader.load(png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer) as Record<string, { value?: unknown; description?: string }>;
  const tag = tags[PARAMETERS_KEYWORD];
  return typeof tag?.value === 'string' ? tag.value : tag?.description;
}

describe('image metadata', () => {
  it('writes A1111-style parameters: prompt, negative prompt, then the settings line with tune and prompt ids', () => {
    const text = parametersText(parametersOf(prompt, 1, prompt.images[0]));
    const [first, second, third] = text.split('\n');
    assert.equal(first, prompt.text);
    assert.equal(second, 'Negative prompt: blurry, lowres');
    assert.equal(
      third,
      'Steps: 30, Sampler: euler_a, CFG scale: 3.5, Seed: 1234567, Size: 896x1152, Tune id: 77, Tune: "Portraits: studio, light", Prompt id: 4242, Image: 2',
    );
  });

  it('leaves out what the server did not say (no "undefined" in the file)', () => {
    const bare = { id: 1, tune_id: 2, text: 'a cat', images: [], created_at: '' } as unknown as Prompt;
    const text = parametersText(parametersOf(bare, 0, 'https://x/1.png'));
    assert.equal(text, 'a cat\nTune id: 2, Prompt id: 1, Image: 1');
  });

  it('splices a tEXt chunk into a PNG that an independent reader finds, with IDAT and pixels byte-identical', () => {
    const original = patternPng('metadata test', 64, 48);
    const text = parametersText(parametersOf(prompt, 0, prompt.images[0]));
    const written = withPngText(original, PARAMETERS_KEYWORD, text);

    assert.equal(exifParameters(written), text, 'ExifReader reads the same parameters back');
    assert.deepEqual(idat(written), idat(original), 'the compressed image data is untouched');
    const before = PNG.sync.read(original);
    const after = PNG.sync.read(written); // pngjs checks every chunk's CRC while decoding
    assert.equal(after.width, 64);
    assert.ok(Buffer.compare(before.data, after.data) === 0, 'decoded pixels are identical');
    const types = pngChunks(written).map((c) => c.type);
    assert.deepEqual(types.slice(0, 2), ['IHDR', 'tEXt'], 'the text comes before the image data');
    assert.equal(written.length, original.length + 12 + PARAMETERS_KEYWORD.length + 1 + text.length);
  });

  it('uses iTXt (UTF-8) for text beyond Latin-1, and replaces an earlier parameters chunk instead of adding a second', () => {
    const original = encodePng(8, 8, (x, y) => [x * 30, y * 30, 128]);
    const once = withPngText(original, PARAMETERS_KEYWORD, 'old text');
    const unicode = 'Portrait — 東京の夜, emoji 🌃\nNegative prompt: ugly';
    const twice = withPngText(once, PARAMETERS_KEYWORD, unicode);
    const textChunks = pngChunks(twice).filter((c) => c.type === 'tEXt' || c.type === 'iTXt');
    assert.deepEqual(
      textChunks.map((c) => c.type),
      ['iTXt'],
    );
    assert.equal(exifParameters(twice), unicode);
    assert.equal(readPngText(twice).get(PARAMETERS_KEYWORD), unicode);
    assert.deepEqual(idat(twice), idat(original));
  });

  it('refuses what is not a PNG rather than corrupting it', () => {
    assert.throws(() => withPngText(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), PARAMETERS_KEYWORD, 'x'), /not a PNG/);
    const truncated = patternPng('t', 16, 16).subarray(0, 40);
    assert.throws(() => withPngText(truncated, PARAMETERS_KEYWORD, 'x'), /truncated|IEND/);
  });

  it('computes the chunk CRC like zlib', () => {
    const data = Buffer.from('IHDR and some bytes');
    const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
    if (native) assert.equal(crc32(data), native(data) >>> 0);
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  });

  it('reads its own parameters text back into a prompt to remix: tune, text, negative prompt and options', () => {
    const multiline = { ...prompt, text: 'line one\nline two, with: colons' } as Prompt;
    const parsed = parseParametersText(parametersText(parametersOf(multiline, 1, multiline.images[0])));
    assert.ok(parsed);
    assert.equal(parsed.prompt, 'line one\nline two, with: colons');
    assert.equal(parsed.negativePrompt, 'blurry, lowres');
    assert.equal(parsed.settings.get('Tune'), 'Portraits: studio, light', 'a quoted value keeps its commas and colons');
    const remix = promptFromParameters(parsed);
    assert.ok(remix);
    assert.deepEqual(
      { id: remix.id, tune_id: remix.tune_id, seed: remix.seed, steps: remix.steps, cfg_scale: remix.cfg_scale, scheduler: remix.scheduler, w: remix.w, h: remix.h },
      { id: 4242, tune_id: 77, seed: 1234567, steps: 30, cfg_scale: 3.5, scheduler: 'euler_a', w: 896, h: 1152 },
    );
  });

  it('reads Stable Diffusion WebUI text, and refuses to remix what names no tune', () => {
    const webui = 'a castle\nNegative prompt: fog\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, Model hash: abc';
    const parsed = parseParametersText(webui);
    assert.equal(parsed?.prompt, 'a castle');
    assert.equal(parsed?.settings.get('Model hash'), 'abc');
    assert.equal(parsed && promptFromParameters(parsed), undefined);
    assert.equal(parseParametersText(''), undefined);
    assert.equal(parseParametersText('just a prompt')?.prompt, 'just a prompt');
  });

  it('writes a sidecar JSON for JPEG/WebP with every parameter and the A1111 text', () => {
    const json = JSON.parse(sidecarJson(parametersOf(prompt, 2, prompt.images[0]))) as Record<string, unknown>;
    assert.equal(json.prompt, prompt.text);
    assert.equal(json.seed, 1234567);
    assert.equal(json.promptId, 4242);
    assert.equal(json.tuneTitle, 'Portraits: studio, light');
    assert.equal(json.imageIndex, 2);
    assert.match(String(json.parameters), /Seed: 1234567/);
  });
});
