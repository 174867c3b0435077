import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { modelCapabilities, modelFamily, needsBaseTune, type CapabilityTune, type ModelCapabilities } from '../../src/shared/prompt/capabilities';
import {
  ASPECT_RATIOS,
  COLOR_GRADINGS,
  CONTROLNETS,
  SCHEDULERS,
  STYLES,
  applyPreset,
  defaultDraft,
  draftFromPrompt,
  normalizeDraft,
  presetOptions,
  sameDraft,
  type DraftField,
  type PromptDraft,
} from '../../src/shared/prompt/draft';
import {
  characteristicKeys,
  draftFieldForServerKey,
  draftFieldForServerMessage,
  isHttpUrl,
  issuesFromServerError,
  malformedReferences,
  validateDraft,
  type ValidationResult,
} from '../../src/shared/prompt/validation';

const FLUX_LORA: CapabilityTune = { id: 4100200, title: 'Priya', name: 'woman', branch: 'flux1', model_type: 'lora', base_tune_id: 1504944 };
const FLUX_BASE: CapabilityTune = { id: 1504944, title: 'Flux1.dev', name: null as unknown as string, branch: 'flux1', base_tune_id: null };
const GEMINI_BASE: CapabilityTune = { id: 3000001, title: 'Gemini (Nano Banana)', name: null as unknown as string, branch: 'flux1', base_tune_id: null };
const SEEDREAM_BASE: CapabilityTune = { id: 3000002, title: 'Seedream 4.5', name: null as unknown as string, branch: 'flux1', base_tune_id: null };

const flux = modelCapabilities(FLUX_LORA);
const gemini = modelCapabilities(GEMINI_BASE);
const seedream = modelCapabilities(SEEDREAM_BASE);

function check(overrides: Partial<PromptDraft>, capabilities: ModelCapabilities = flux, characteristics: string[] = []): ValidationResult {
  return validateDraft({ ...defaultDraft(), text: 'a photo of <1>', ...overrides }, { capabilities, characteristics });
}

function errorsOf(result: ValidationResult, field?: DraftField | null): string[] {
  return result.issues.filter((i) => i.severity === 'error' && (field === undefined || i.field === field)).map((i) => i.message);
}

function warningsOf(result: ValidationResult, field?: DraftField | null): string[] {
  return result.issues.filter((i) => i.severity === 'warning' && (field === undefined || i.field === field)).map((i) => i.message);
}

function assertFieldError(overrides: Partial<PromptDraft>, field: DraftField, pattern: RegExp, capabilities: ModelCapabilities = flux): void {
  const result = check(overrides, capabilities);
  const messages = errorsOf(result, field);
  assert.ok(messages.some((m) => pattern.test(m)), `expected an error on ${field} matching ${pattern}, got ${JSON.stringify(result.issues)}`);
  assert.equal(result.params, undefined, 'nothing is sent while there is an error');
}

describe('model capabilities', () => {
  it('knows the public base tunes by id', () => {
    assert.equal(modelFamily({ id: 1504944, title: 'anything' }), 'flux');
    assert.equal(modelFamily({ id: 666678, title: 'x' }), 'sdxl');
    assert.equal(modelFamily({ id: 690204, title: 'x' }), 'sd15');
    assert.equal(modelCapabilities(FLUX_BASE).isBaseModel, true);
  });

  it('recognises Gemini and Seedream base tunes by title (their ids differ per account)', () => {
    assert.equal(gemini.family, 'gemini');
    assert.equal(modelFamily({ id: 9, title: 'nano-banana pro' }), 'gemini');
    assert.equal(seedream.family, 'seedream');
  });

  it('lets a fine-tune inherit the family of its base tune by title or known id', () => {
    const dress: CapabilityTune = { id: 5, title: 'Brown dress', name: 'dress', branch: 'flux1', model_type: 'faceid', base_tune_id: 3000001 };
    assert.equal(needsBaseTune(dress), true, 'an unknown base id needs a look-up');
    assert.equal(modelFamily(dress, GEMINI_BASE), 'gemini');
    assert.equal(modelCapabilities(dress, GEMINI_BASE).resolution, true);
    assert.equal(needsBaseTune(FLUX_LORA), false, 'Flux1.dev is known by id');
    assert.equal(modelFamily(FLUX_LORA), 'flux');
  });

  it('falls back to the branch', () => {
    assert.equal(modelFamily({ id: 1, title: 't', branch: 'sdxl1' }), 'sdxl');
    assert.equal(modelFamily({ id: 1, title: 't', branch: 'sd15' }), 'sd15');
    assert.equal(modelFamily({ id: 1, title: 't', branch: 'fast' }), 'flux');
    assert.equal(modelFamily({ id: 1, title: 't' }), 'unknown');
  });

  it('gives Gemini a resolution and plain text, Seedream 1–4 images, others 1–8 and the diffusion options', () => {
    assert.deepEqual([gemini.resolution, gemini.maxImages, gemini.diffusionOptions, gemini.subjectToken], [true, 8, false, false]);
    assert.deepEqual([seedream.resolution, seedream.maxImages, seedream.forbidsSubjectToken], [false, 4, true]);
    assert.deepEqual([flux.resolution, flux.maxImages, flux.diffusionOptions, flux.subjectToken], [false, 8, true, true]);
    assert.equal(flux.referenceKind, 'lora');
    assert.equal(modelCapabilities(FLUX_BASE).referenceKind, null);
  });
});

describe('prompt validation: text', () => {
  it('requires text', () => {
    assertFieldError({ text: '   ' }, 'text', /Write what to generate/);
  });

  it('sends a valid draft with only what was set', () => {
    const result = check({ text: 'portrait of <1>', negative_prompt: '' });
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.params, { text: 'portrait of <1>', num_images: 4, aspect_ratio: '1:1' });
  });

  it('keeps angle brackets and markup as plain text', () => {
    const text = '</textarea><script>alert(1)</script> <lora:123:0.8> <b>bold</b>';
    assert.equal(check({ text }).params?.text, text);
  });

  it('refuses malformed LoRA and FaceID references and accepts well-formed ones', () => {
    assert.deepEqual(malformedReferences('<lora:123:1> <faceid:45:0.75> <lora:7:.5>'), []);
    assert.deepEqual(malformedReferences('<lora:abc:1> <faceid:12> <LORA:1:x>'), ['<lora:abc:1>', '<faceid:12>', '<LORA:1:x>']);
    assertFieldError({ text: 'a <lora:abc:1> photo' }, 'text', /<lora:abc:1> is not a valid reference/);
  });

  it('explains <1> on base models: an error for Seedream, a warning for Gemini', () => {
    assertFieldError({ text: 'photo of <1>' }, 'text', /Seedream takes plain text/, seedream);
    const onGemini = check({ text: 'photo of <1>' }, gemini);
    assert.equal(errorsOf(onGemini).length, 0);
    assert.match(warningsOf(onGemini, 'text')[0], /Gemini takes plain text/);
    assert.ok(onGemini.params, 'a warning does not block');
    assert.deepEqual(check({ text: 'photo of <1>' }).issues, [], '<1> is right for a fine-tune');
  });

  it('warns about {{keys}} that are not characteristics of the tune', () => {
    assert.deepEqual(characteristicKeys('{{eye_color}} and {{ hair }} and {{eye_color}}'), ['eye_color', 'hair']);
    const result = check({ text: '<1> with {{eye_color}} and {{hair}}' }, flux, ['eye_color']);
    assert.deepEqual(warningsOf(result, 'text'), ["{{hair}} is not one of this tune's characteristics, so it is sent as typed."]);
    assert.ok(result.params);
  });

  it('sends a negative prompt when there is one', () => {
    assert.equal(check({ negative_prompt: 'blurry' }).params?.negative_prompt, 'blurry');
  });
});

describe('prompt validation: numbers and choices', () => {
  it('takes 1–8 images, 1–4 on Seedream', () => {
    assert.equal(check({ num_images: '8' }).params?.num_images, 8);
    assertFieldError({ num_images: '9' }, 'num_images', /between 1 and 8/);
    assertFieldError({ num_images: '0' }, 'num_images', /between 1 and 8/);
    assertFieldError({ num_images: '2.5' }, 'num_images', /whole number/);
    assertFieldError({ num_images: 'four' }, 'num_images', /must be a number/);
    assertFieldError({ num_images: '5', text: 'a bottle' }, 'num_images', /between 1 and 4/, seedream);
    assert.equal(check({ num_images: '4', text: 'a bottle' }, seedream).params?.num_images, 4);
    assert.equal(check({ num_images: '' }).params?.num_images, undefined, 'empty = server default');
  });

  it('accepts every documented aspect ratio and nothing else', () => {
    for (const ratio of ASPECT_RATIOS) assert.equal(check({ aspect_ratio: ratio }).params?.aspect_ratio, ratio);
    assertFieldError({ aspect_ratio: '7:5' }, 'aspect_ratio', /not one of/);
  });

  it('sends a resolution only to models that take it', () => {
    for (const resolution of ['1K', '2K', '4K']) {
      assert.equal(check({ resolution, text: 'a dress' }, gemini).params?.resolution, resolution);
    }
    assertFieldError({ resolution: '8K', text: 'a dress' }, 'resolution', /not one of/, gemini);
    const onFlux = check({ resolution: '2K' });
    assert.equal(onFlux.params?.resolution, undefined, 'hidden field, not sent');
    assert.deepEqual(onFlux.issues, []);
  });

  it('wants width and height as multiples of 8, both or neither', () => {
    const sized = check({ w: '1024', h: '768', aspect_ratio: '' });
    assert.deepEqual([sized.params?.w, sized.params?.h], [1024, 768]);
    assert.deepEqual(sized.issues, []);
    assertFieldError({ w: '1001', h: '768' }, 'w', /multiple of 8 \(try 1000 or 1008\)/);
    assertFieldError({ w: '1024', h: '770' }, 'h', /multiple of 8 \(try 768 or 776\)/);
    assertFieldError({ w: '0', h: '8' }, 'w', /between 8 and/);
    assertFieldError({ w: '-8', h: '8' }, 'w', /between 8 and/);
    assert.match(warningsOf(check({ w: '512' }), 'h')[0], /both width and height/);
    assert.match(warningsOf(check({ w: '512', h: '512', aspect_ratio: '16:9' }), 'aspect_ratio')[0], /may use those instead/);
  });

  it('takes a seed from 0 to 2^32', () => {
    assert.equal(check({ seed: '0' }).params?.seed, 0);
    assert.equal(check({ seed: String(2 ** 32) }).params?.seed, 2 ** 32);
    assertFieldError({ seed: String(2 ** 32 + 1) }, 'seed', /between 0 and 4294967296/);
    assertFieldError({ seed: '-1' }, 'seed', /between 0 and/);
    assertFieldError({ seed: '1e3' }, 'seed', /must be a number/);
  });

  it('takes 0–50 steps and a CFG scale of 0–15', () => {
    assert.equal(check({ steps: '30' }).params?.steps, 30);
    assertFieldError({ steps: '51' }, 'steps', /between 0 and 50/);
    assertFieldError({ steps: '10.5' }, 'steps', /whole number/);
    assert.equal(check({ cfg_scale: '3.5' }).params?.cfg_scale, 3.5);
    assertFieldError({ cfg_scale: '15.5' }, 'cfg_scale', /between 0 and 15/);
  });

  it('accepts the documented schedulers, styles, color gradings and backend version', () => {
    for (const scheduler of SCHEDULERS) assert.equal(check({ scheduler }).params?.scheduler, scheduler);
    for (const style of STYLES) assert.equal(check({ style }).params?.style, style);
    for (const grading of COLOR_GRADINGS) assert.equal(check({ color_grading: grading }).params?.color_grading, grading);
    assert.equal(check({ backend_version: '1' }).params?.backend_version, 1);
    assertFieldError({ scheduler: 'ddim' }, 'scheduler', /not one of/);
    assertFieldError({ style: 'Vaporwave' }, 'style', /not one of/);
    assertFieldError({ color_grading: 'Kodachrome' }, 'color_grading', /not one of/);
    assertFieldError({ backend_version: '2' }, 'backend_version', /not one of/);
  });

  it('does not send the diffusion options to Gemini or Seedream', () => {
    const result = check({ text: 'a dress', steps: '30', cfg_scale: '7', scheduler: 'euler', style: 'Cinematic', super_resolution: true, face_correct: true }, gemini);
    assert.deepEqual(result.params, { text: 'a dress', num_images: 4, aspect_ratio: '1:1' });
  });
});

describe('prompt validation: flags and their dependencies', () => {
  it('sends flags only when on', () => {
    const on = check({ super_resolution: true, inpaint_faces: true, hires_fix: true, face_correct: true, face_swap: true, film_grain: true, prompt_expansion: true });
    assert.deepEqual(
      [on.params?.super_resolution, on.params?.inpaint_faces, on.params?.hires_fix, on.params?.face_correct, on.params?.face_swap, on.params?.film_grain, on.params?.prompt_expansion],
      [true, true, true, true, true, true, true],
    );
    const off = check({});
    assert.equal('super_resolution' in (off.params ?? {}), false);
  });

  it('needs super resolution for inpaint faces and hires fix', () => {
    assertFieldError({ inpaint_faces: true }, 'inpaint_faces', /needs super resolution/);
    assertFieldError({ hires_fix: true }, 'hires_fix', /needs super resolution/);
  });
});

describe('prompt validation: image to image', () => {
  it('takes an input image URL (http or https only)', () => {
    const result = check({ input_image_source: 'url', input_image_url: 'https://cdn.example/in.png', denoising_strength: '0.6' });
    assert.equal(result.params?.input_image_url, 'https://cdn.example/in.png');
    assert.equal(result.params?.denoising_strength, 0.6);
    assertFieldError({ input_image_source: 'url', input_image_url: '' }, 'input_image_url', /Paste the URL/);
    assertFieldError({ input_image_source: 'url', input_image_url: 'javascript:alert(1)' }, 'input_image_url', /must start with https/);
    assertFieldError({ input_image_source: 'url', input_image_url: 'https://user:pw@host/x.png' }, 'input_image_url', /must start with https/);
    assert.equal(isHttpUrl('http://127.0.0.1:4010/a.png'), true);
  });

  it('takes an input image file as an upload, not a parameter', () => {
    const result = check({ input_image_source: 'file', input_image_file: 'file:///ws/in.png' });
    assert.deepEqual(result.files, { input_image: 'file:///ws/in.png' });
    assert.equal(result.params?.input_image_url, undefined);
    assertFieldError({ input_image_source: 'file', input_image_file: '' }, 'input_image_file', /Choose a workspace file/);
  });

  it('keeps the denoising strength between 0 and 1, and only with an input image', () => {
    assertFieldError({ input_image_source: 'url', input_image_url: 'https://x/y.png', denoising_strength: '1.5' }, 'denoising_strength', /between 0 and 1/);
    assert.equal(check({ denoising_strength: '0.5' }).params?.denoising_strength, undefined);
  });

  it('needs an input image for ControlNet and a mask', () => {
    assertFieldError({ controlnet: 'canny' }, 'controlnet', /needs an input image/);
    assertFieldError({ mask_image_source: 'url', mask_image_url: 'https://x/mask.png' }, 'mask_image_source', /only applies to an input image/);
  });

  it('sends every ControlNet type with its conditioning scale and txt2img flag', () => {
    for (const controlnet of CONTROLNETS) {
      const result = check({
        input_image_source: 'url',
        input_image_url: 'https://x/in.png',
        controlnet,
        controlnet_conditioning_scale: '0.8',
        controlnet_txt2img: true,
      });
      assert.deepEqual([result.params?.controlnet, result.params?.controlnet_conditioning_scale, result.params?.controlnet_txt2img], [controlnet, 0.8, true]);
    }
    assertFieldError({ input_image_source: 'url', input_image_url: 'https://x/in.png', controlnet: 'sketch' }, 'controlnet', /not one of/);
    assertFieldError(
      { input_image_source: 'url', input_image_url: 'https://x/in.png', controlnet: 'depth', controlnet_conditioning_scale: '-1' },
      'controlnet_conditioning_scale',
      /0 or more/,
    );
  });

  it('sends a mask as URL or file', () => {
    const byUrl = check({ input_image_source: 'url', input_image_url: 'https://x/in.png', mask_image_source: 'url', mask_image_url: 'https://x/m.png' });
    assert.equal(byUrl.params?.mask_image_url, 'https://x/m.png');
    const byFile = check({ input_image_source: 'file', input_image_file: 'file:///ws/in.png', mask_image_source: 'file', mask_image_file: 'file:///ws/m.png' });
    assert.deepEqual(byFile.files, { input_image: 'file:///ws/in.png', mask_image: 'file:///ws/m.png' });
  });
});

describe('server validation errors', () => {
  it('puts field-keyed messages next to their fields, in the server’s words', () => {
    assert.deepEqual(issuesFromServerError({ message: 'num_images must be less than 9', fields: { num_images: ['must be less than 9'], w: ['is odd'] } }), [
      { field: 'num_images', message: 'must be less than 9', severity: 'error' },
      { field: 'w', message: 'is odd', severity: 'error' },
    ]);
  });

  it('puts unknown field keys at the top, naming the key', () => {
    assert.deepEqual(issuesFromServerError({ message: 'x', fields: { base: ['Out of credits'], tune: ['is busy'] } }), [
      { field: null, message: 'Out of credits', severity: 'error' },
      { field: null, message: 'tune is busy', severity: 'error' },
    ]);
  });

  it('finds the field an {"error": …} message names, else the top', () => {
    const cases: [string, DraftField | undefined][] = [
      ['num_images must be between 1 and 8', 'num_images'],
      ['Seedream accepts num_images between 1 and 4', 'num_images'],
      ['w must be a positive multiple of 8 (got 1001)', 'w'],
      ['resolution is not supported by this model; only the Gemini base tune (3000001) accepts it', 'resolution'],
      ['inpaint_faces requires super_resolution to be enabled', 'inpaint_faces'],
      ["Text can't be blank", 'text'],
      ['cfg_scale must be between 0 and 15', 'cfg_scale'],
      ['Num images must be less than 9', 'num_images'],
      ['This tune has expired; extend it to generate images', undefined],
      ['Please write plain text with style', undefined],
    ];
    for (const [message, field] of cases) assert.equal(draftFieldForServerMessage(message), field, message);
    assert.deepEqual(issuesFromServerError({ message: 'This tune has expired' }), [{ field: null, message: 'This tune has expired', severity: 'error' }]);
  });

  it('maps server keys to form fields', () => {
    assert.equal(draftFieldForServerKey('prompt[num_images]'), 'num_images');
    assert.equal(draftFieldForServerKey('input_image'), 'input_image_file');
    assert.equal(draftFieldForServerKey('height'), 'h');
    assert.equal(draftFieldForServerKey('images'), undefined);
  });
});

describe('drafts, presets and history', () => {
  it('normalizes anything into a complete draft', () => {
    assert.deepEqual(normalizeDraft(null), defaultDraft());
    const draft = normalizeDraft({ text: 'hi', num_images: 3, super_resolution: 'yes', input_image_source: 'ftp', extra: 1 });
    assert.equal(draft.text, 'hi');
    assert.equal(draft.num_images, '3');
    assert.equal(draft.super_resolution, false, 'a wrong type takes the default');
    assert.equal(draft.input_image_source, 'none');
    assert.equal('extra' in draft, false);
  });

  it('keeps options, not text or images, in presets', () => {
    const draft: PromptDraft = { ...defaultDraft(), text: 'secret', steps: '30', input_image_source: 'url', input_image_url: 'https://x/y.png' };
    const options = presetOptions(draft);
    assert.equal('text' in options, false);
    assert.equal('input_image_url' in options, false);
    const applied = applyPreset({ ...defaultDraft(), text: 'mine' }, options);
    assert.deepEqual([applied.text, applied.steps, applied.input_image_source], ['mine', '30', 'none']);
    assert.ok(sameDraft(applied, applyPreset(applied, options)));
  });

  it('rebuilds a draft from a saved prompt (Remix, History)', () => {
    const draft = draftFromPrompt({
      text: '<1> in a suit',
      num_images: 2,
      cfg_scale: '3.0',
      w: 512,
      h: 768,
      aspect_ratio: null,
      super_resolution: true,
      backend_version: 1,
      input_image: 'https://cdn.example/uploads/1/in.png',
      controlnet: 'pose',
    });
    assert.deepEqual(
      [draft.text, draft.num_images, draft.cfg_scale, draft.w, draft.h, draft.aspect_ratio, draft.super_resolution, draft.backend_version],
      ['<1> in a suit', '2', '3', '512', '768', '', true, '1'],
    );
    assert.deepEqual([draft.input_image_source, draft.input_image_url, draft.controlnet], ['url', 'https://cdn.example/uploads/1/in.png', 'pose']);
  });
});
