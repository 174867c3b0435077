// The prompt checks' last loose ends: which blank side of width/height silences the aspect-ratio
// warning, which server messages name a field only as part of a longer word (and so name none), and
// which plain values a prompt file or agent tool gives an option that takes text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { modelCapabilities } from '../../src/shared/prompt/capabilities';
import { defaultDraft, type PromptDraft } from '../../src/shared/prompt/draft';
import { draftFromOptions } from '../../src/shared/prompt/schema';
import { draftFieldForServerMessage, validateDraft } from '../../src/shared/prompt/validation';

const flux = modelCapabilities({ id: 4100200, title: 'Priya', name: 'woman', branch: 'flux1', model_type: 'lora', base_tune_id: 1504944 });

/** The issues as "severity field: message", for a draft with an aspect ratio (the default 1:1). */
function said(overrides: Partial<PromptDraft>): string[] {
  return validateDraft({ ...defaultDraft(), text: 'a photo of <1>', ...overrides }, { capabilities: flux, characteristics: [] }).issues.map(
    (i) => `${i.severity} ${i.field}: ${i.message}`,
  );
}

describe('prompt checks: width, height and the aspect ratio', () => {
  it('no “width and height are set too” warning when only the height is set (guards the width side of the check)', () => {
    assert.equal(defaultDraft().aspect_ratio, '1:1');
    assert.deepEqual(said({ w: '', h: '512' }), ['warning w: Set both width and height, or neither.']);
  });

  it('a width of only spaces is no width: no aspect-ratio warning either (guards the trim on the width)', () => {
    assert.deepEqual(said({ w: '   ', h: '512' }), ['warning w: Set both width and height, or neither.']);
  });
});

describe('server messages: a field name inside a longer word names no field', () => {
  it('a word that merely starts like a one-word field (“Textures…”) stays at the top', () => {
    assert.equal(draftFieldForServerMessage('Textures must be sharper'), undefined);
    assert.equal(draftFieldForServerMessage('Seeds are exhausted'), undefined);
  });

  it('letters, digits or an underscore glued before or after a field name make it another word', () => {
    assert.equal(draftFieldForServerMessage('max_num_images is 8'), undefined);
    assert.equal(draftFieldForServerMessage('xnum_images is 8'), undefined);
    assert.equal(draftFieldForServerMessage('2num_images is 8'), undefined);
    assert.equal(draftFieldForServerMessage('limit num_images_total reached'), undefined);
    assert.equal(draftFieldForServerMessage('limit num_imagesx reached'), undefined);
    // Sanity: the same message with the name standing alone is about that field.
    assert.equal(draftFieldForServerMessage('limit num_images reached'), 'num_images');
    assert.equal(draftFieldForServerMessage('limit (num_images) reached'), 'num_images');
  });
});

describe('plain values for an option that takes text', () => {
  it('a number is the text of a choice (YAML “aspect_ratio: 1”), but true/false or a list is refused, not turned into "true"', () => {
    assert.deepEqual(draftFromOptions({ backend_version: 1 }).problems, []);
    assert.equal(draftFromOptions({ backend_version: 1 }).draft.backend_version, '1');
    for (const value of [true, false, ['1:1'], { ratio: '1:1' }]) {
      const { draft, problems } = draftFromOptions({ aspect_ratio: value });
      assert.deepEqual(problems, [{ name: 'aspect_ratio', message: '"aspect_ratio" must be a string.' }], JSON.stringify(value));
      assert.equal(draft.aspect_ratio, defaultDraft().aspect_ratio, 'the default is kept');
    }
  });

  it('a number for free text (the negative prompt) is refused: only choices take numbers', () => {
    assert.deepEqual(draftFromOptions({ negative_prompt: 5 }).problems, [{ name: 'negative_prompt', message: '"negative_prompt" must be a string.' }]);
  });
});
