// The prompt editor's message checks (src/shared/promptEditor.ts) at their edges: every message the
// webview sends passes one of these before the extension host acts on it, and a refusal's reason is
// what the log says.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DRAFT_FIELDS, FLAG_FIELDS, MAX_FIELD_LENGTH, defaultDraft, presetOptions, type PromptDraft } from '../../src/shared/prompt/draft';
import { MAX_IMAGES_PER_RUN, MAX_PRESET_NAME, PROMPT_EDITOR_VIEW_TYPE, draftCheck, presetOptionsCheck, promptEditorChecks } from '../../src/shared/promptEditor';

const { requests, notifications } = promptEditorChecks;

function reason(result: { ok: true } | { ok: false; reason: string }): string {
  assert.equal(result.ok, false, 'expected a refusal');
  return result.ok ? '' : result.reason;
}

const TEXT_FIELDS = DRAFT_FIELDS.filter((field) => !(FLAG_FIELDS as readonly string[]).includes(field) && !field.endsWith('_image_source'));

describe('the draft a webview sends', () => {
  it('passes a complete draft through unchanged', () => {
    const draft: PromptDraft = { ...defaultDraft(), text: '<1> portrait', cfg_scale: '6', face_swap: true, input_image_source: 'url', input_image_url: 'https://cdn.example/in.png' };
    assert.deepEqual(draftCheck(draft), { ok: true, value: draft });
  });

  it('takes every text field up to the longest allowed text, and refuses one character more, naming the field', () => {
    assert.ok(TEXT_FIELDS.includes('text') && TEXT_FIELDS.includes('mask_image_file') && TEXT_FIELDS.length === DRAFT_FIELDS.length - FLAG_FIELDS.length - 2);
    for (const field of TEXT_FIELDS) {
      const atLimit = { ...defaultDraft(), [field]: 'x'.repeat(MAX_FIELD_LENGTH) };
      assert.equal(draftCheck(atLimit).ok, true, `${field} at the limit`);
      assert.equal(reason(draftCheck({ ...defaultDraft(), [field]: 'x'.repeat(MAX_FIELD_LENGTH + 1) })), `${field}: expected a string of at most 20000 characters`);
      assert.equal(reason(draftCheck({ ...defaultDraft(), [field]: 4 })), `${field}: expected a string of at most 20000 characters`, `${field}: numbers travel as typed text`);
    }
  });

  it('takes only true or false for each switch (never the text "true")', () => {
    for (const field of FLAG_FIELDS) {
      assert.equal(draftCheck({ ...defaultDraft(), [field]: true }).ok, true, field);
      assert.equal(reason(draftCheck({ ...defaultDraft(), [field]: 'true' })), `${field}: expected a boolean`);
    }
  });

  it('takes only none, file or url as where an input or mask image comes from', () => {
    for (const field of ['input_image_source', 'mask_image_source'] as const) {
      for (const source of ['none', 'file', 'url']) assert.equal(draftCheck({ ...defaultDraft(), [field]: source }).ok, true, `${field} ${source}`);
      assert.equal(reason(draftCheck({ ...defaultDraft(), [field]: 'ftp' })), `${field}: expected one of none, file, url`);
      assert.equal(reason(draftCheck({ ...defaultDraft(), [field]: '' })), `${field}: expected one of none, file, url`);
    }
  });

  it('refuses a draft with a missing field, an unknown field, or that is not an object', () => {
    const { text: _text, ...withoutText } = defaultDraft();
    assert.equal(reason(draftCheck(withoutText)), 'text: expected a string of at most 20000 characters');
    assert.equal(reason(draftCheck({ ...defaultDraft(), prompt: 'x' })), 'unexpected field "prompt"');
    assert.equal(reason(draftCheck(null)), 'expected an object');
    assert.equal(reason(requests.submit({ draft: [] })), 'draft: expected an object');
    assert.equal(reason(requests.submit({})), 'draft: expected an object');
  });
});

describe('presets a webview saves', () => {
  const options = presetOptions({ ...defaultDraft(), cfg_scale: '7', style: 'Cinematic', hires_fix: true });

  it('saves the options under the trimmed name', () => {
    assert.deepEqual(requests.savePreset({ name: '  Studio look  ', options }), { ok: true, value: { name: 'Studio look', options } });
  });

  it('fills options the webview left out with the defaults', () => {
    assert.deepEqual(presetOptionsCheck({ cfg_scale: '7' }), { ok: true, value: presetOptions({ ...defaultDraft(), cfg_scale: '7' }) });
    assert.deepEqual(presetOptionsCheck({}), { ok: true, value: presetOptions(defaultDraft()) });
  });

  it('refuses options carrying the text or an image, a bad value, an unknown option, or no object', () => {
    for (const field of ['text', 'input_image_source', 'input_image_url', 'input_image_file', 'mask_image_source', 'mask_image_url', 'mask_image_file']) {
      const value = field.endsWith('_source') ? 'none' : 'x';
      assert.equal(reason(presetOptionsCheck({ ...options, [field]: value })), `unexpected field "${field}"`);
    }
    assert.equal(reason(presetOptionsCheck({ ...options, hires_fix: 'yes' })), 'hires_fix: expected a boolean');
    assert.equal(reason(presetOptionsCheck({ ...options, sampler: 'x' })), 'unexpected field "sampler"');
    assert.equal(reason(presetOptionsCheck(null)), 'expected an object');
    assert.equal(reason(presetOptionsCheck(['cfg_scale'])), 'expected an object');
    assert.equal(reason(presetOptionsCheck('cfg_scale')), 'expected an object');
    assert.equal(reason(requests.savePreset({ name: 'ok', options: { ...options, text: 'x' } })), 'options: unexpected field "text"');
  });

  it(`takes names of 1 to ${MAX_PRESET_NAME} characters, for saving and deleting`, () => {
    const bad = `name: expected a name of 1–${MAX_PRESET_NAME} characters`;
    for (const check of [(name: unknown) => requests.savePreset({ name, options }), (name: unknown) => requests.deletePreset({ name })]) {
      assert.equal(check('x'.repeat(MAX_PRESET_NAME)).ok, true);
      assert.equal(check('x').ok, true);
      assert.equal(reason(check('x'.repeat(MAX_PRESET_NAME + 1))), bad);
      assert.equal(reason(check('')), bad);
      assert.equal(reason(check(' \t ')), bad);
      assert.equal(reason(check(7)), bad);
    }
    assert.deepEqual(requests.deletePreset({ name: ' Studio look ' }), { ok: true, value: { name: 'Studio look' } });
  });
});

describe('the other requests of the prompt editor', () => {
  it('picks or drops a file only as the input or the mask image', () => {
    assert.deepEqual(requests.chooseFile({ target: 'input_image' }), { ok: true, value: { target: 'input_image' } });
    assert.equal(requests.chooseFile({ target: 'mask_image' }).ok, true);
    assert.equal(reason(requests.chooseFile({ target: 'style_image' })), 'target: expected one of input_image, mask_image');
    assert.equal(requests.dropFile({ target: 'mask_image', uriList: 'x'.repeat(64_000) }).ok, true);
    assert.equal(reason(requests.dropFile({ target: 'mask_image', uriList: 'x'.repeat(64_001) })), 'uriList: expected a string of at most 64000 characters');
    assert.equal(reason(requests.dropFile({ target: 'other', uriList: 'file:///a.png' })), 'target: expected one of input_image, mask_image');
  });

  it('lists references from the start (null) or from a positive cursor', () => {
    assert.deepEqual(requests.listReferences({ cursor: null }), { ok: true, value: { cursor: null } });
    assert.equal(requests.listReferences({ cursor: 1 }).ok, true);
    assert.equal(reason(requests.listReferences({ cursor: 0 })), `cursor: expected an integer in [1, ${Number.MAX_SAFE_INTEGER}]`);
    assert.equal(reason(requests.listReferences({})), `cursor: expected an integer in [1, ${Number.MAX_SAFE_INTEGER}]`);
  });

  it(`opens in the gallery only image 0 to ${MAX_IMAGES_PER_RUN - 1} of a real prompt`, () => {
    assert.equal(requests.openResult({ promptId: 1, imageIndex: 0 }).ok, true);
    assert.equal(requests.openResult({ promptId: 1, imageIndex: MAX_IMAGES_PER_RUN - 1 }).ok, true);
    assert.equal(reason(requests.openResult({ promptId: 1, imageIndex: MAX_IMAGES_PER_RUN })), 'imageIndex: expected an integer in [0, 15]');
    assert.equal(reason(requests.openResult({ promptId: 1, imageIndex: -1 })), 'imageIndex: expected an integer in [0, 15]');
    assert.equal(reason(requests.openResult({ promptId: 0, imageIndex: 0 })), `promptId: expected an integer in [1, ${Number.MAX_SAFE_INTEGER}]`);
  });

  it('takes requests without parameters only as an empty object', () => {
    for (const name of ['loadHistory', 'openOnBaseTune', 'retryLoad', 'listSweeps'] as const) {
      assert.deepEqual(requests[name]({}), { ok: true, value: {} }, name);
      assert.equal(reason(requests[name]({ tuneId: 1 })), 'unexpected field "tuneId"', name);
      assert.equal(reason(requests[name](undefined)), 'expected an object', name);
    }
  });

  it('plans and runs a sweep only of a complete draft and at most three checked axes', () => {
    const draft = defaultDraft();
    const axes = [{ kind: 'seed', values: ['1', '2'] }];
    for (const check of [requests.planSweep, requests.runSweep]) {
      assert.deepEqual(check({ draft, axes }), { ok: true, value: { draft, axes } });
      assert.equal(reason(check({ draft, axes: [{ kind: 'colour', values: [] }] })), 'axes: [0]: kind: expected one of seed, cfg_scale, steps, weight, style, scheduler, denoising_strength, super_resolution, text');
      assert.equal(reason(check({ draft: { ...draft, seed: 1 }, axes })), 'draft: seed: expected a string of at most 20000 characters');
    }
    assert.equal(requests.saveAsPromptFile({ draft }).ok, true);
    assert.equal(reason(requests.saveAsPromptFile({ draft, path: '/tmp/x' })), 'unexpected field "path"');
  });

  it('opens a sweep only by an id of 1 to 64 letters, digits, _ or - (no path can sneak in)', () => {
    const bad = 'sweepId: expected a sweep id';
    assert.deepEqual(requests.openSweep({ sweepId: 'a-b_C9' }), { ok: true, value: { sweepId: 'a-b_C9' } });
    assert.equal(requests.openSweep({ sweepId: 'x'.repeat(64) }).ok, true);
    assert.equal(reason(requests.openSweep({ sweepId: 'x'.repeat(65) })), bad);
    assert.equal(reason(requests.openSweep({ sweepId: '' })), bad);
    assert.equal(reason(requests.openSweep({ sweepId: '../abc' })), bad);
    assert.equal(reason(requests.openSweep({ sweepId: 'abc/..' })), bad);
    assert.equal(reason(requests.openSweep({ sweepId: 'ab c' })), bad);
    assert.equal(reason(requests.openSweep({ sweepId: 12 })), bad);
  });
});

describe('notifications of the prompt editor', () => {
  it('takes a changed draft only whole', () => {
    assert.equal(notifications.draftChanged({ draft: defaultDraft() }).ok, true);
    assert.equal(reason(notifications.draftChanged({ draft: { ...defaultDraft(), extra: 1 } })), 'draft: unexpected field "extra"');
  });

  it('takes a render report of 0 to 1000 fields and an error of at most 4000 characters', () => {
    assert.equal(notifications.didRender({ fields: 0 }).ok, true);
    assert.equal(notifications.didRender({ fields: 1000 }).ok, true);
    assert.equal(reason(notifications.didRender({ fields: 1001 })), 'fields: expected an integer in [0, 1000]');
    assert.equal(notifications.error({ message: 'x'.repeat(4000) }).ok, true);
    assert.equal(reason(notifications.error({ message: 'x'.repeat(4001) })), 'message: expected a string of at most 4000 characters');
  });

  it('takes only the sweep section as opened, with whether it is open', () => {
    assert.deepEqual(notifications.revealed({ section: 'sweep', open: false }), { ok: true, value: { section: 'sweep', open: false } });
    assert.equal(reason(notifications.revealed({ section: 'advanced', open: true })), 'section: expected one of sweep');
    assert.equal(reason(notifications.revealed({ section: 'sweep' })), 'open: expected a boolean');
  });
});

describe('the prompt editor panel', () => {
  it('is restored after a reload: its view type is the one VS Code activates the extension for', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { activationEvents: string[] };
    assert.equal(PROMPT_EDITOR_VIEW_TYPE, 'tuneStudio.promptEditor');
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${PROMPT_EDITOR_VIEW_TYPE}`));
  });
});
