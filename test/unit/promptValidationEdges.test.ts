// The prompt editor's checks, word for word: each field's own message (its label, its limits), what is
// sent and what is left out, where a server's 422 lands, and how plain values (a prompt file, an agent
// tool) become a draft. The prompt editor, prompt files and the agent tools all show these words.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { modelCapabilities } from '../../src/shared/prompt/capabilities';
import { defaultDraft, type PromptDraft } from '../../src/shared/prompt/draft';
import { draftFromOptions, optionRange } from '../../src/shared/prompt/schema';
import { draftFieldForServerKey, draftFieldForServerMessage, hasErrors, isHttpUrl, issuesFromServerError, malformedReferences, validateDraft } from '../../src/shared/prompt/validation';

const flux = modelCapabilities({ id: 4100200, title: 'Priya', name: 'woman', branch: 'flux1', model_type: 'lora', base_tune_id: 1504944 });
const gemini = modelCapabilities({ id: 3000001, title: 'Gemini (Nano Banana)', name: null as unknown as string, branch: 'flux1', base_tune_id: null });

function check(overrides: Partial<PromptDraft>, capabilities = flux) {
  return validateDraft({ ...defaultDraft(), text: 'a photo of <1>', ...overrides }, { capabilities, characteristics: [] });
}
/** The issues as "severity field: message". */
function said(overrides: Partial<PromptDraft>, capabilities = flux): string[] {
  return check(overrides, capabilities).issues.map((i) => `${i.severity} ${i.field}: ${i.message}`);
}

describe('prompt checks: what is sent', () => {
  it('sends only what is set: nothing for empty fields, no blank negative prompt (guards each “if set, send”)', () => {
    assert.deepEqual(check({ num_images: '', aspect_ratio: '', negative_prompt: '   ' }).params, { text: 'a photo of <1>' });
    assert.deepEqual(check({ negative_prompt: ' blurry ' }).params, { text: 'a photo of <1>', negative_prompt: ' blurry ', num_images: 4, aspect_ratio: '1:1' });
  });

  it('takes numbers with spaces around them and decimals written “.55” (guards the number reader)', () => {
    assert.equal(check({ seed: ' 5 ' }).params?.seed, 5);
    assert.equal(check({ cfg_scale: '.55' }).params?.cfg_scale, 0.55);
    assert.equal(check({ cfg_scale: '7.' }).params?.cfg_scale, 7);
  });

  it('sends ControlNet’s options only when they are set (guards the conditioning scale and the txt2img switch)', () => {
    const base = { input_image_source: 'url' as const, input_image_url: 'https://x.test/a.png', controlnet: 'pose' };
    assert.deepEqual(check(base).params, { text: 'a photo of <1>', num_images: 4, aspect_ratio: '1:1', input_image_url: 'https://x.test/a.png', controlnet: 'pose' });
    assert.deepEqual(check({ ...base, controlnet_conditioning_scale: '0', controlnet_txt2img: true, denoising_strength: '0' }).params, {
      text: 'a photo of <1>', num_images: 4, aspect_ratio: '1:1', input_image_url: 'https://x.test/a.png', denoising_strength: 0, controlnet: 'pose', controlnet_conditioning_scale: 0, controlnet_txt2img: true,
    });
  });

  it('an input image from a file counts as an input image (guards the file source)', () => {
    const checked = check({ input_image_source: 'file', input_image_file: 'in.png', mask_image_source: 'file', mask_image_file: 'mask.png', controlnet: 'pose' });
    assert.deepEqual(checked.issues, []);
    assert.deepEqual(checked.files, { input_image: 'in.png', mask_image: 'mask.png' });
  });
});

describe('prompt checks: each field’s own words', () => {
  it('names the field and its allowed values when a choice is not one of them', () => {
    assert.match(said({ aspect_ratio: '7:3' })[0], /^error aspect_ratio: Aspect ratio "7:3" is not one of: 1:1, /);
    assert.match(said({ scheduler: 'x' })[0], /^error scheduler: Scheduler "x" is not one of: euler, euler_a, /);
    assert.match(said({ style: 'x' })[0], /^error style: Style "x" is not one of: /);
    assert.match(said({ color_grading: 'x' })[0], /^error color_grading: Color grading "x" is not one of: /);
    assert.equal(said({ backend_version: '2' })[0], 'error backend_version: Backend version "2" is not one of: 1.');
    assert.match(said({ controlnet: 'x', input_image_source: 'url', input_image_url: 'https://x.test/a.png' })[0], /^error controlnet: ControlNet "x" is not one of: composition, /);
    assert.deepEqual(said({ text: 'a cat', resolution: '8K' }, gemini), ['error resolution: Resolution "8K" is not one of: 1K, 2K, 4K.']);
  });

  it('says “whole number” for width, height and seed, and gives each number its limits', () => {
    assert.deepEqual(said({ w: '512.5', h: '512' }), ['error w: Width must be a whole number.', 'warning aspect_ratio: Width and height are set too: the model may use those instead of the aspect ratio.']);
    assert.deepEqual(said({ seed: '1.5' }), ['error seed: Seed must be a whole number.']);
    assert.deepEqual(said({ seed: 'x' }), ['error seed: Seed must be a number.']);
    const image = { input_image_source: 'url' as const, input_image_url: 'https://x.test/a.png' };
    assert.deepEqual(said({ ...image, denoising_strength: '2' }), ['error denoising_strength: Denoising strength must be between 0 and 1.']);
    assert.deepEqual(said({ ...image, controlnet: 'pose', controlnet_conditioning_scale: '-1' }), ['error controlnet_conditioning_scale: Conditioning scale must be 0 or more.']);
  });

  it('asks for both width and height, on the missing one, ignoring blanks (guards the pair warnings)', () => {
    assert.deepEqual(said({ w: '512', h: '', aspect_ratio: '' }), ['warning h: Set both width and height, or neither.']);
    assert.deepEqual(said({ w: '', h: '512', aspect_ratio: '' }), ['warning w: Set both width and height, or neither.']);
    assert.deepEqual(said({ w: '  ', h: '', aspect_ratio: '' }), [], 'spaces are empty');
    assert.deepEqual(said({ w: '  ', h: '512', aspect_ratio: '' }), ['warning w: Set both width and height, or neither.'], 'a blank width is the missing one');
    assert.deepEqual(said({ w: '512', h: '  ' }), ['warning h: Set both width and height, or neither.'], 'no aspect-ratio warning with one side blank');
    assert.deepEqual(said({ w: '512', h: '512', aspect_ratio: '' }), [], 'no aspect ratio, no conflict');
  });

  it('asks for the mask image’s URL or file on the mask’s own field (guards the mask wording and fields)', () => {
    const input = { input_image_source: 'url' as const, input_image_url: 'https://x.test/a.png' };
    assert.deepEqual(said({ ...input, mask_image_source: 'url', mask_image_url: '  ' }), ['error mask_image_url: Paste the URL of the mask image.']);
    assert.deepEqual(said({ ...input, mask_image_source: 'url', mask_image_url: 'ftp://x.test/m.png' }), ['error mask_image_url: The mask image URL must start with https:// (or http://).']);
    assert.deepEqual(said({ ...input, mask_image_source: 'file' }), ['error mask_image_file: Choose a workspace file for the mask image.']);
    assert.deepEqual(said({ input_image_source: 'url', input_image_url: '' }), ['error input_image_url: Paste the URL of the input image.']);
    assert.deepEqual(said({ input_image_source: 'file' }), ['error input_image_file: Choose a workspace file for the input image.']);
    assert.equal(check({ ...input, mask_image_source: 'url', mask_image_url: ' https://x.test/m.png ' }).params?.mask_image_url, 'https://x.test/m.png', 'trimmed');
  });

  it('tells an error from a warning (guards hasErrors)', () => {
    assert.equal(hasErrors([]), false);
    assert.equal(hasErrors([{ field: 'w', message: 'x', severity: 'warning' }]), false);
    assert.equal(hasErrors([{ field: 'w', message: 'x', severity: 'warning' }, { field: 'h', message: 'y', severity: 'error' }]), true);
  });
});

describe('prompt checks: URLs and references', () => {
  it('takes an http(s) URL up to 4096 characters, without credentials (guards the URL rule)', () => {
    const at = (length: number) => `https://x.test/${'a'.repeat(length - 15)}`;
    assert.equal(isHttpUrl(at(4096)), true);
    assert.equal(isHttpUrl(at(4097)), false);
    assert.equal(isHttpUrl('ftp://x.test/a.png'), false);
    assert.equal(isHttpUrl('https://user@x.test/a.png'), false);
    assert.equal(isHttpUrl('https://:secret@x.test/a.png'), false);
    assert.equal(isHttpUrl('not a url'), false);
  });

  it('knows a well-formed <lora:ID:WEIGHT> from a slip (guards the reference pattern)', () => {
    assert.deepEqual(malformedReferences('<lora:12:10> <lora: 12:1.5 > <faceid:7:.5>'), []);
    assert.deepEqual(malformedReferences('<lora:x12:1> <lora:12:1x> <lora:12>'), ['<lora:x12:1>', '<lora:12:1x>', '<lora:12>']);
  });
});

describe('prompt checks: where a server’s 422 lands', () => {
  it('reads field keys written prompt[x], prompt.x, in any case with spaces, and nothing that only looks like one', () => {
    assert.equal(draftFieldForServerKey('prompt[seed]'), 'seed');
    assert.equal(draftFieldForServerKey('prompt.seed'), 'seed');
    assert.equal(draftFieldForServerKey(' Seed '), 'seed');
    assert.equal(draftFieldForServerKey('seeprompt[d]'), undefined);
    assert.equal(draftFieldForServerKey('prompt[se]ed'), undefined);
    assert.equal(draftFieldForServerKey('wprompt.'), undefined);
  });

  it('takes the field a message names first, and a field written in words at its start', () => {
    assert.equal(draftFieldForServerMessage('num_images must be less than cfg_scale'), 'num_images');
    assert.equal(draftFieldForServerMessage('Too many: cfg_scale and num_images'), 'cfg_scale');
    assert.equal(draftFieldForServerMessage('Num images must be at most 8'), 'num_images');
  });

  it('puts a message of an unknown key at the top with its key, and base/error messages as they are', () => {
    assert.deepEqual(issuesFromServerError({ message: 'x', fields: { base: ['Out of credits'], error: ['Try later'], foo: ['is odd'], seed: ['is too big'] } }), [
      { field: null, message: 'Out of credits', severity: 'error' },
      { field: null, message: 'Try later', severity: 'error' },
      { field: null, message: 'foo is odd', severity: 'error' },
      { field: 'seed', message: 'is too big', severity: 'error' },
    ]);
  });
});

describe('prompt checks: plain values (prompt files, agent tools) as a draft', () => {
  it('describes each option’s allowed values in words (guards optionRange)', () => {
    assert.equal(optionRange({ type: 'string' }), 'text');
    assert.equal(optionRange({ type: 'number', minimum: 0 }), 'a number, 0 or more');
    assert.equal(optionRange({ type: 'integer', minimum: 1, maximum: 8 }), 'a whole number from 1 to 8');
    assert.equal(optionRange({ type: 'number', maximum: 5 }), 'a number');
    assert.equal(optionRange({ type: 'number' }), 'a number');
  });

  it('skips empty values, takes a number for a choice, refuses a number for free text and a number that is not finite', () => {
    assert.deepEqual(draftFromOptions({ seed: null, steps: undefined }).problems, []);
    const fromNumber = draftFromOptions({ backend_version: 1 });
    assert.equal(fromNumber.draft.backend_version, '1');
    assert.deepEqual(draftFromOptions({ negative_prompt: 5 }).problems, [{ name: 'negative_prompt', message: '"negative_prompt" must be a string.' }]);
    assert.deepEqual(draftFromOptions({ seed: Number.POSITIVE_INFINITY }).problems, [{ name: 'seed', message: '"seed" must be a number.' }]);
    assert.deepEqual(draftFromOptions({ seed: '5' }).problems, [{ name: 'seed', message: '"seed" must be a number.' }]);
  });

  it('an image URL given turns its source to URL (guards input and mask alike)', () => {
    const { draft } = draftFromOptions({ input_image_url: 'https://x.test/a.png', mask_image_url: 'https://x.test/m.png' });
    assert.equal(draft.input_image_source, 'url');
    assert.equal(draft.mask_image_source, 'url');
    assert.equal(draftFromOptions({}).draft.mask_image_source, 'none');
  });
});
