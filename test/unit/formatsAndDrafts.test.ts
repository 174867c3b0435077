// The words and rules the panels share for images and models: what each image format is called and sent
// as, which files the picker offers, which ISO brands are HEIC; which model family a tune belongs to and
// what that allows; and how a draft is rebuilt from saved state or from a prompt the server returned.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IMAGE_EXTENSIONS, IMAGE_FORMATS, listInWords, sniffImageFormat, type ImageFormat } from '../../src/shared/imageFormats';
import { KNOWN_BASE_TUNES, isBaseModel, modelCapabilities, modelFamily } from '../../src/shared/prompt/capabilities';
import { MAX_FIELD_LENGTH, defaultDraft, draftFromPrompt, normalizeDraft, sameDraft } from '../../src/shared/prompt/draft';

function bytes(...parts: (string | number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part)));
}

describe('image formats: names, types and picker extensions', () => {
  it('names each refused format the way people know it, with its registered media type (guards the words in “x is AVIF, which…”)', () => {
    const samples: [Uint8Array, ImageFormat, string, string][] = [
      [bytes([0, 0, 0, 0x1c], 'ftypavif', [0, 0, 0, 0], 'avifmif1'), 'avif', 'AVIF', 'image/avif'],
      [bytes('GIF89a'), 'gif', 'GIF', 'image/gif'],
      [bytes('BM', [0x36, 0, 0, 0, 0, 0, 0, 0]), 'bmp', 'BMP', 'image/bmp'],
      [bytes('II', [0x2a, 0x00]), 'tiff', 'TIFF', 'image/tiff'],
      [bytes('8BPS', [0, 1]), 'psd', 'Photoshop (PSD)', 'image/vnd.adobe.photoshop'],
      [bytes([0xff, 0x0a, 0x00]), 'jxl', 'JPEG XL', 'image/jxl'],
      [bytes('<svg xmlns="http://www.w3.org/2000/svg">'), 'svg', 'SVG', 'image/svg+xml'],
    ];
    for (const [head, format, label, mime] of samples) {
      assert.equal(sniffImageFormat(head), format);
      assert.deepEqual(IMAGE_FORMATS[format], { label, mime, supported: false }, format);
    }
  });

  it('offers every usual extension of the accepted formats in the file picker (guards the extension list)', () => {
    assert.deepEqual([...IMAGE_EXTENSIONS].sort(), ['heic', 'heif', 'jfif', 'jpeg', 'jpg', 'png', 'webp']);
  });

  it('takes every HEIF brand of a HEIC photo, as the major brand or among the compatible ones (guards the brand list)', () => {
    for (const brand of ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']) {
      assert.equal(sniffImageFormat(bytes([0, 0, 0, 0x18], 'ftyp', brand, [0, 0, 0, 0])), 'heic', `major brand ${brand}`);
      assert.equal(sniffImageFormat(bytes([0, 0, 0, 0x18], 'ftypmif1', [0, 0, 0, 0], 'mif1', brand)), 'heic', `mif1 with ${brand}`);
    }
    assert.equal(sniffImageFormat(bytes([0, 0, 0, 0x18], 'ftypmsf1', [0, 0, 0, 0])), 'heic', 'an image sequence');
    assert.equal(sniffImageFormat(bytes([0, 0, 0, 0x18], 'ftypmp42', [0, 0, 0, 0], 'isom')), undefined, 'an MP4 video');
  });

  it('reads a 12-byte ISO header, and a short file is never ISO media (guards the length rule)', () => {
    assert.equal(sniffImageFormat(bytes([0, 0, 0, 0x0c], 'ftypheic')), 'heic');
    assert.equal(sniffImageFormat(bytes('II', [0x2a, 0x00], 'ftyp')), 'tiff', 'a TIFF whose next bytes read “ftyp”');
  });

  it('needs RIFF and WEBP both for WebP, and BM for BMP (guards each signature part)', () => {
    assert.equal(sniffImageFormat(bytes('RIFX', [0x24, 0, 0, 0], 'WEBP')), undefined);
    assert.equal(sniffImageFormat(bytes('RIFF', [0x24, 0, 0, 0], 'WAVE')), undefined);
    assert.equal(sniffImageFormat(bytes('XY', [0x36, 0, 0, 0, 0, 0, 0, 0])), undefined);
  });

  it('lists nothing, one or many in words', () => {
    assert.equal(listInWords([], 'or'), '');
    assert.equal(listInWords(['PNG'], 'or'), 'PNG');
    assert.equal(listInWords(['PNG', 'JPEG'], 'and'), 'PNG and JPEG');
  });
});

describe('model families and what they allow', () => {
  const tune = (more: Record<string, unknown>) => ({ id: 42, title: 'My tune', name: 'woman', base_tune_id: null, ...more });

  it('knows the public base models by id, with their titles (guards the known-base table)', () => {
    assert.deepEqual(
      Object.entries(KNOWN_BASE_TUNES).map(([id, base]) => `${id} ${base.family} ${base.title}`),
      ['666678 sdxl SDXL 1.0', '690204 sd15 Realistic Vision v5.1', '1504944 flux Flux1.dev'],
    );
  });

  it('names each family in messages, from the branch when nothing else tells (guards the labels and branches)', () => {
    assert.equal(modelCapabilities(tune({ branch: 'flux1' })).label, 'Flux');
    assert.equal(modelCapabilities(tune({ branch: 'fast' })).label, 'Flux');
    assert.equal(modelCapabilities(tune({ branch: 'sdxl1' })).label, 'SDXL');
    assert.equal(modelCapabilities(tune({ branch: 'sd15' })).label, 'SD 1.5');
    assert.equal(modelCapabilities(tune({ branch: 'other' })).label, 'Unknown model');
  });

  it('takes Nano Banana however it is written as Gemini (guards the title pattern)', () => {
    for (const title of ['Nano Banana Pro', 'nano-banana', 'NanoBanana', 'Gemini 2.5']) assert.equal(modelFamily(tune({ title, name: null })), 'gemini', title);
    assert.equal(modelFamily(tune({ title: 'Nano and a banana', branch: 'sd15' })), 'sd15');
  });

  it('a base model: a known id, or no subject class and no base of its own (guards each part of the rule)', () => {
    assert.equal(isBaseModel({ id: 690204, title: 'Realistic Vision v5.1', name: 'man', base_tune_id: null }), true, 'a known id, whatever its class');
    assert.equal(isBaseModel({ id: 7, title: 'x' }), true, 'no class, no base');
    assert.equal(isBaseModel({ id: 7, title: 'x', name: '', base_tune_id: null }), true);
    assert.equal(isBaseModel({ id: 7, title: 'x', name: null as unknown as string, base_tune_id: undefined }), true);
    assert.equal(isBaseModel({ id: 7, title: 'x', name: 'woman' }), false, 'a subject class');
    assert.equal(isBaseModel({ id: 7, title: 'x', name: null as unknown as string, base_tune_id: 1504944 }), false, 'a base of its own');
  });

  it('a fine-tune is referenced as what it is, and Seedream takes no diffusion options (guards referenceKind and plain-text models)', () => {
    assert.equal(modelCapabilities(tune({ model_type: 'lora', base_tune_id: 1504944 })).referenceKind, 'lora');
    assert.equal(modelCapabilities(tune({ model_type: 'faceid', base_tune_id: 1504944 })).referenceKind, 'faceid');
    assert.equal(modelCapabilities(tune({ model_type: 'checkpoint', base_tune_id: 1504944 })).referenceKind, null);
    const seedream = modelCapabilities(tune({ title: 'Seedream 4.5', name: null }));
    assert.equal(seedream.diffusionOptions, false);
    assert.equal(seedream.maxImages, 4);
  });
});

describe('drafts: the form’s defaults, saved state, and a prompt the server returned', () => {
  it('opens with empty fields, 4 images at 1:1, no images, every switch off (guards the defaults)', () => {
    const draft = defaultDraft();
    for (const [field, value] of Object.entries(draft)) {
      if (field === 'num_images') assert.equal(value, '4');
      else if (field === 'aspect_ratio') assert.equal(value, '1:1');
      else if (field.endsWith('_source')) assert.equal(value, 'none', field);
      else if (typeof value === 'boolean') assert.equal(value, false, field);
      else assert.equal(value, '', field);
    }
  });

  it('restores saved state field by field: image sources from their list, switches only as switches, numbers as text, long text cut (guards normalizeDraft)', () => {
    const restored = normalizeDraft({ input_image_source: 'url', mask_image_source: 'bogus', film_grain: true, hires_fix: 'yes', seed: 5, steps: Number.POSITIVE_INFINITY, text: 'a'.repeat(MAX_FIELD_LENGTH + 1), cfg_scale: '7' });
    assert.equal(restored.input_image_source, 'url');
    assert.equal(restored.mask_image_source, 'none');
    assert.equal(restored.film_grain, true);
    assert.equal(restored.hires_fix, false);
    assert.equal(restored.seed, '5');
    assert.equal(restored.steps, '');
    assert.equal(restored.text.length, MAX_FIELD_LENGTH);
    assert.equal(restored.cfg_scale, '7');
  });

  it('tells drafts apart by any one field (guards sameDraft)', () => {
    const draft = { ...defaultDraft(), text: 'a' };
    assert.equal(sameDraft(draft, { ...draft }), true);
    assert.equal(sameDraft(draft, { ...draft, seed: '1' }), false);
  });

  it('rebuilds numbers from a prompt: “3.0” is 3, blanks and non-numbers are empty (guards the number reader)', () => {
    const draft = draftFromPrompt({ text: 'x', seed: ' 3.0 ', steps: '   ', cfg_scale: 'abc', w: Number.NaN, h: 512 } as never);
    assert.deepEqual([draft.seed, draft.steps, draft.cfg_scale, draft.w, draft.h], ['3', '', '', '', '512']);
    assert.equal(draftFromPrompt({ text: 'a'.repeat(MAX_FIELD_LENGTH + 5) }).text.length, MAX_FIELD_LENGTH);
  });

  it('keeps the form’s aspect ratio only for a prompt sized by neither width nor height (guards the aspect rule)', () => {
    assert.equal(draftFromPrompt({ text: 'x' }).aspect_ratio, '1:1');
    assert.equal(draftFromPrompt({ text: 'x', w: 512 }).aspect_ratio, '');
    assert.equal(draftFromPrompt({ text: 'x', h: 512 }).aspect_ratio, '');
    assert.equal(draftFromPrompt({ text: 'x', h: 512, aspect_ratio: '3:4' }).aspect_ratio, '3:4');
  });

  it('reuses a prompt’s images as URLs, uploaded ones included, and nothing when it had none (guards the image rules)', () => {
    const none = draftFromPrompt({ text: 'x' });
    assert.deepEqual([none.input_image_source, none.mask_image_source], ['none', 'none']);
    const uploaded = draftFromPrompt({ text: 'x', input_image: 'http://cdn.test/in.png', mask_image: 'https://cdn.test/m.png' } as never);
    assert.deepEqual([uploaded.input_image_source, uploaded.input_image_url, uploaded.mask_image_source, uploaded.mask_image_url], ['url', 'http://cdn.test/in.png', 'url', 'https://cdn.test/m.png']);
    const given = draftFromPrompt({ text: 'x', mask_image_url: 'https://cdn.test/m2.png' });
    assert.deepEqual([given.mask_image_source, given.mask_image_url], ['url', 'https://cdn.test/m2.png']);
    const notAUrl = draftFromPrompt({ text: 'x', mask_image: 'see https://cdn.test/m.png' } as never);
    assert.equal(notAUrl.mask_image_source, 'none', 'a string that only contains a URL');
    const long = draftFromPrompt({ text: 'x', mask_image: `https://cdn.test/${'a'.repeat(MAX_FIELD_LENGTH)}` } as never);
    assert.equal(long.mask_image_url.length, MAX_FIELD_LENGTH);
  });
});
