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
  isPng,
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
    assert.equal(parsed?.negativePrompt, 'fog');
    assert.equal(parsed?.settings.get('Model hash'), 'abc');
    const spaced = parseParametersText('a castle\nSteps: 20, Lora: "a, b"  , Size: 512x768');
    assert.equal(spaced?.settings.get('Lora'), 'a, b');
    assert.equal(spaced?.settings.get('Size'), '512x768', 'spaces after a quoted value do not end the settings');
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

/** A raw PNG chunk (length, type, data, CRC) as another tool would write it. */
function rawChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** The PNG with extra chunks inserted right after IHDR (signature 8 + IHDR 25 bytes). */
function withChunksAfterIhdr(png: Buffer, ...chunks: Buffer[]): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
}

describe('image metadata: edge cases a user meets', () => {
  const small = () => encodePng(4, 4, (x, y) => [x * 60, y * 60, 90]);

  it('keeps the settings line to one line and drops blank server fields (guards: a negative prompt with line breaks or an empty sampler corrupting the file)', () => {
    const odd = {
      ...prompt,
      text: null,
      negative_prompt: ' blurry\r\n\nlowres ',
      scheduler: '   ',
      cfg_scale: 7,
      w: 512,
      h: null,
      aspect_ratio: '1:1',
    } as unknown as Prompt;
    const p = parametersOf(odd, 0, 'https://x/1.png', 'Tune A');
    assert.equal(p.prompt, '', 'a prompt without text is written as an empty prompt');
    assert.equal(p.cfgScale, '7', 'a numeric CFG scale is kept');
    assert.equal(p.size, undefined, 'no size without both width and height');
    assert.equal(p.scheduler, undefined, 'a blank sampler is left out');
    const text = parametersText(p);
    assert.equal(text.split('\n')[1], 'Negative prompt: blurry lowres');
    assert.match(text, /, Aspect ratio: "1:1", /);
    assert.doesNotMatch(text, /Sampler|Size/);

    const blank = parametersOf({ ...prompt, negative_prompt: '  ', cfg_scale: ' ', tune: undefined } as unknown as Prompt, 0, 'u');
    assert.equal(blank.negativePrompt, undefined, 'a blank negative prompt writes no "Negative prompt:" line');
    assert.equal(blank.cfgScale, undefined, 'a blank CFG scale is left out');
    assert.equal(blank.tuneTitle, undefined);
    assert.doesNotMatch(parametersText(blank), /Negative prompt|CFG scale/);
  });

  it('names Tune Studio as the generator in the sidecar JSON', () => {
    const json = JSON.parse(sidecarJson(parametersOf(prompt, 0, prompt.images[0]))) as Record<string, unknown>;
    assert.equal(json.generator, 'Tune Studio (Astria)');
  });

  it('tells a PNG by its whole 8-byte signature (guards: a JPEG or a half signature taken for a PNG)', () => {
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(isPng(signature), true, 'exactly the signature is a PNG start');
    assert.equal(isPng(signature.subarray(0, 7)), false);
    assert.equal(isPng(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46])), false, 'a JPEG is not a PNG');
    assert.equal(isPng(Buffer.from([0x89, 0, 0, 0, 0, 0, 0, 0])), false, 'one matching byte is not enough');
  });

  it('says which chunk is truncated, and refuses a PNG without IHDR first or IEND last (guards: saving metadata into a broken file)', () => {
    const png = small();
    const iend = png.length - 12;
    assert.throws(() => pngChunks(png.subarray(0, iend)), /must start with IHDR and end with IEND/, 'cut right before IEND');
    assert.throws(() => pngChunks(png.subarray(0, iend - 3)), /^Error: truncated IDAT chunk$/);
    assert.throws(() => pngChunks(png.subarray(0, 8)), /must start with IHDR/, 'only a signature');
    assert.throws(() => pngChunks(Buffer.concat([png.subarray(0, 8), png.subarray(iend)])), /must start with IHDR/, 'signature and IEND only');
  });

  it('stops at IEND and ignores bytes some tools append after it, writing a clean PNG', () => {
    const png = small();
    const trailing = Buffer.concat([png, Buffer.alloc(16)]);
    assert.deepEqual(pngChunks(trailing).at(-1)?.type, 'IEND');
    const written = withPngText(trailing, PARAMETERS_KEYWORD, 'a cat');
    assert.equal(PNG.sync.read(written).width, 4);
    assert.equal(readPngText(written).get(PARAMETERS_KEYWORD), 'a cat');
  });

  it('writes Latin-1 text (ÿ included) as tEXt and text with a NUL byte as iTXt, reading both back', () => {
    const latin = withPngText(small(), PARAMETERS_KEYWORD, 'café ÿ');
    assert.deepEqual(pngChunks(latin).map((c) => c.type).slice(0, 2), ['IHDR', 'tEXt']);
    assert.equal(readPngText(latin).get(PARAMETERS_KEYWORD), 'café ÿ');
    const nul = withPngText(small(), PARAMETERS_KEYWORD, 'a\u0000b');
    assert.deepEqual(pngChunks(nul).map((c) => c.type).slice(0, 2), ['IHDR', 'iTXt'], 'tEXt may not hold a NUL byte');
    assert.equal(readPngText(nul).get(PARAMETERS_KEYWORD), 'a\u0000b');
  });

  it('reads compressed zTXt and iTXt chunks other tools write, and only text chunks with a keyword', () => {
    const ztxt = rawChunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), zlib.deflateSync(Buffer.from('zipped café', 'latin1'))]));
    const itxt = rawChunk('iTXt', Buffer.concat([Buffer.from('Title\0\x01\0en\0Titel\0', 'latin1'), zlib.deflateSync(Buffer.from('東京 night', 'utf8'))]));
    const noKeyword = rawChunk('tEXt', Buffer.from('\0orphan text', 'latin1'));
    const noNul = rawChunk('tEXt', Buffer.from('NoSeparatorHere', 'latin1'));
    const privateChunk = rawChunk('prVt', Buffer.from('parameters\0not text', 'latin1'));
    const png = withChunksAfterIhdr(small(), ztxt, itxt, noKeyword, noNul, privateChunk);
    const texts = readPngText(png);
    assert.deepEqual([...texts.entries()], [
      ['Comment', 'zipped café'],
      ['Title', '東京 night'],
    ]);
    const written = withPngText(png, PARAMETERS_KEYWORD, 'a cat');
    assert.deepEqual(
      pngChunks(written).map((c) => c.type),
      ['IHDR', 'tEXt', 'zTXt', 'iTXt', 'tEXt', 'tEXt', 'prVt', 'IDAT', 'IEND'],
      'every other chunk, even one whose data starts like "parameters\\0", is kept',
    );
    assert.equal(readPngText(written).get(PARAMETERS_KEYWORD), 'a cat');
  });

  it('computes the chunk CRC without zlib.crc32, as on Node before 20.15 (older VS Code hosts)', () => {
    // The module object itself (an `import * as` namespace is a copy the code under test does not read).
    const z = process.getBuiltinModule('node:zlib') as { crc32?: unknown };
    const native = z.crc32;
    assert.ok(native, 'this Node has zlib.crc32, so the test really switches to the fallback');
    z.crc32 = undefined;
    try {
      assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
      assert.equal(crc32(Buffer.from('IEND', 'latin1')), 0xae426082);
    } finally {
      z.crc32 = native;
    }
  });
});

describe('image metadata: reading parameters back', () => {
  it('reads CRLF and old-Mac CR line ends like LF', () => {
    for (const eol of ['\r\n', '\r']) {
      const parsed = parseParametersText(`a castle${eol}Negative prompt: fog${eol}Steps: 20, Seed: 1`);
      assert.equal(parsed?.prompt, 'a castle');
      assert.equal(parsed?.negativePrompt, 'fog');
      assert.equal(parsed?.settings.get('Steps'), '20');
    }
  });

  it('reads loosely written settings: no space after a colon, spaces around keys and values, an indented line', () => {
    const parsed = parseParametersText('a cat \n  Steps : 20, Sampler: Euler a , Seed:5,CFG scale: 7');
    assert.ok(parsed);
    assert.equal(parsed.prompt, 'a cat', 'the prompt is trimmed');
    assert.equal(parsed.negativePrompt, undefined);
    assert.deepEqual([...parsed.settings.entries()], [
      ['Steps', '20'],
      ['Sampler', 'Euler a'],
      ['Seed', '5'],
      ['CFG scale', '7'],
    ]);
  });

  it('keeps a value with a bad escape, and one that only ends with a quote, as written', () => {
    const parsed = parseParametersText('a cat\nSteps: 20, Tune: "bad \\q escape", Frame: 8x10", Seed: 1');
    assert.equal(parsed?.settings.get('Tune'), 'bad \\q escape');
    assert.equal(parsed?.settings.get('Frame'), '8x10"');
    assert.equal(parsed?.settings.get('Seed'), '1');
  });

  it('keeps a one-line prompt that merely contains "word:value" as the prompt, not settings', () => {
    const parsed = parseParametersText('style:anime, lighting: soft');
    assert.equal(parsed?.prompt, 'style:anime, lighting: soft');
    assert.equal(parsed?.settings.size, 0);
    assert.equal(parsed?.negativePrompt, undefined);
  });

  it('reads a settings line without a prompt, so a file with only a tune id can still be remixed', () => {
    const parsed = parseParametersText('Steps: 20, Tune id: 5');
    assert.ok(parsed);
    assert.equal(parsed.prompt, '');
    assert.equal(promptFromParameters(parsed)?.tune_id, 5);
  });

  it('remixes only whole, non-negative numbers and an exact WxH size', () => {
    const remix = (line: string) => {
      const parsed = parseParametersText(`a cat\n${line}`);
      assert.ok(parsed);
      const p = promptFromParameters(parsed);
      assert.ok(p);
      return p;
    };
    const a = remix('Tune id: 7, Seed: 0, Steps: -5, Prompt id: abc, Size: 512x768px');
    assert.deepEqual({ seed: a.seed, steps: a.steps, id: a.id, w: a.w, h: a.h }, { seed: 0, steps: null, id: 0, w: null, h: null });
    const b = remix('Tune id: 7, Seed: 1.5, Size: ca. 512x768');
    assert.deepEqual({ seed: b.seed, w: b.w, h: b.h }, { seed: null, w: null, h: null });
    const c = remix('Tune id: 7, Size: 640x480');
    assert.deepEqual({ w: c.w, h: c.h, cfg: c.cfg_scale }, { w: 640, h: 480, cfg: null });
  });
});
