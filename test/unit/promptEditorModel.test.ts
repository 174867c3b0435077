import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Prompt, Tune } from '../../src/api/astria/types';
import { editorTune } from '../../src/domain/tuneCatalog';
import { deletePreset, draftFromViewState, editorTarget, historyEntries, normalizePresets, parseUriList, readStoredDraft, referenceTunes, runFromPrompt, savePreset, tuneIdFromViewState, type OpenRequest } from '../../src/webviews/promptEditorModel';
import { parseOpenArgument } from '../../src/commands/promptEditorArgs';
import { draftCheck, MAX_PRESETS, promptEditorChecks } from '../../src/shared/promptEditor';
import { defaultDraft, presetOptions } from '../../src/shared/prompt/draft';

/** What the prompt editor opens for a command argument: the command's parse, then the front door's target. */
function openRequest(arg: unknown): OpenRequest {
  const request = parseOpenArgument(arg);
  return request ? editorTarget(request) : {};
}

const NOW = Date.parse('2026-05-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function tune(overrides: Partial<Tune> = {}): Tune {
  return {
    id: 10,
    title: 'Priya',
    name: 'woman',
    token: 'ohwx',
    branch: 'flux1',
    model_type: 'lora',
    base_tune_id: 1504944,
    created_at: iso(NOW - 86_400_000),
    started_training_at: iso(NOW - 86_000_000),
    trained_at: iso(NOW - 85_000_000),
    expires_at: iso(NOW + 86_400_000),
    ...overrides,
  };
}

function prompt(overrides: Partial<Prompt> = {}): Prompt {
  return { id: 100, tune_id: 10, text: '<1> portrait', images: [], created_at: iso(NOW), ...overrides };
}

describe('opening arguments', () => {
  it('opens the picker without a tune', () => {
    assert.deepEqual(openRequest(undefined), {});
    assert.deepEqual(openRequest('nonsense'), {});
  });

  it('takes a tree node', () => {
    const node = { kind: 'tune', tune: tune() };
    assert.deepEqual(openRequest(node), { tuneId: 10, tune: tune() });
    const remix = openRequest({ kind: 'prompt', prompt: prompt({ seed: 3 }) });
    assert.equal(remix.tuneId, 10);
    assert.equal(remix.prefill?.reason, 'remix');
    assert.equal(remix.prefill?.draft.seed, '3');
  });

  it('takes the gallery’s Remix and Use as Input Image', () => {
    const remix = openRequest({ tuneId: 10, prefill: prompt({ text: 'a b c', num_images: 2 }), mode: 'remix' });
    assert.deepEqual([remix.tuneId, remix.prefill?.reason, remix.prefill?.draft.text, remix.prefill?.draft.num_images], [10, 'remix', 'a b c', '2']);
    const img2img = openRequest({ tuneId: 10, prefill: prompt(), mode: 'img2img', inputImageUrl: 'https://cdn.example/x.png' });
    assert.deepEqual([img2img.prefill?.draft.input_image_source, img2img.prefill?.draft.input_image_url], ['url', 'https://cdn.example/x.png']);
    const hostile = openRequest({ tuneId: 10, mode: 'img2img', inputImageUrl: 'javascript:alert(1)' });
    assert.deepEqual(hostile, { tuneId: 10 }, 'a URL that is not http(s) is dropped');
    assert.equal(openRequest({ prefill: prompt({ tune_id: 42 }) }).tuneId, 42, 'the prompt names its tune');
    assert.equal(openRequest({ tuneId: -1 }).tuneId, undefined);
  });
});

describe('what the webview is sent', () => {
  it('describes a fine-tune with its subject, characteristics and base tune', () => {
    const info = editorTune(tune({ characteristics: { eye_color: 'hazel eyes', 'bad key': 'x' } }));
    assert.deepEqual([info.className, info.token, info.baseTune], ['woman', 'ohwx', { id: 1504944, title: 'Flux1.dev' }]);
    assert.deepEqual(info.characteristics, { eye_color: 'hazel eyes' });
    assert.equal(info.capabilities.family, 'flux');
  });

  it('describes a base model without a subject', () => {
    const gemini = editorTune(tune({ id: 3000001, title: 'Gemini (Nano Banana)', name: null as unknown as string, token: null, base_tune_id: null, model_type: null }));
    assert.deepEqual([gemini.className, gemini.token, gemini.baseTune, gemini.capabilities.resolution], [null, null, null, true]);
  });

  it('turns a prompt into a run of the results strip, keeping only http(s) images', () => {
    assert.equal(runFromPrompt(prompt()).phase, 'queued');
    assert.equal(runFromPrompt(prompt({ started_training_at: iso(NOW) })).phase, 'generating');
    const done = runFromPrompt(prompt({ trained_at: iso(NOW), images: ['https://cdn/a.png', 'javascript:alert(1)', 'data:image/png;base64,xx'] }));
    assert.deepEqual([done.phase, done.images, done.expectedImages, done.key], ['done', ['https://cdn/a.png'], 1, 'prompt:100']);
    const failed = runFromPrompt(prompt({ user_error: 'NSFW' }));
    assert.deepEqual([failed.phase, failed.error], ['failed', 'NSFW']);
  });

  it('offers trained LoRA and FaceID tunes as references', () => {
    const page = [
      tune({ id: 1 }),
      tune({ id: 2, model_type: 'faceid' }),
      tune({ id: 3, model_type: 'pti' }),
      tune({ id: 4, trained_at: null }),
      tune({ id: 5, expires_at: iso(NOW - 1000) }),
    ];
    assert.deepEqual(
      referenceTunes(page, NOW).map((t) => [t.id, t.kind]),
      [
        [1, 'lora'],
        [2, 'faceid'],
      ],
    );
  });

  it('merges the server’s last prompts with this session’s, newest first, at most 20', () => {
    const server = Array.from({ length: 20 }, (_, n) => prompt({ id: 200 - n, text: `server ${n}` }));
    const session = [prompt({ id: 300, text: 'mine', seed: 9 }), prompt({ id: 200, text: 'fresher copy' })];
    const entries = historyEntries(server, session);
    assert.equal(entries.length, 20);
    assert.deepEqual(entries.slice(0, 2).map((e) => [e.promptId, e.text]), [
      [300, 'mine'],
      [200, 'fresher copy'],
    ]);
    assert.equal(entries[0].draft.seed, '9');
  });

  it('reads a text/uri-list', () => {
    assert.deepEqual(parseUriList('# comment\r\nfile:///a.png\r\n\r\nfile:///b.png'), ['file:///a.png', 'file:///b.png']);
  });
});

describe('presets and saved drafts', () => {
  it('cleans stored presets', () => {
    const options = presetOptions({ ...defaultDraft(), steps: '30' });
    const presets = normalizePresets([{ name: ' B ', options }, { name: 'A', options: { steps: 12 } }, { name: 'B', options }, { name: '' }, 'junk']);
    assert.deepEqual(presets.map((p) => [p.name, p.options.steps]), [
      ['A', '12'],
      ['B', '30'],
    ]);
    assert.equal(normalizePresets(undefined).length, 0);
  });

  it('saves by name (replacing), deletes, and stops at a limit', () => {
    const options = presetOptions(defaultDraft());
    let presets = savePreset([], 'Portrait', options);
    presets = savePreset(presets, 'Portrait', { ...options, steps: '40' });
    assert.deepEqual(presets.map((p) => [p.name, p.options.steps]), [['Portrait', '40']]);
    assert.deepEqual(deletePreset(presets, 'Portrait'), []);
    const full = Array.from({ length: MAX_PRESETS }, (_, n) => ({ name: `p${n}`, options }));
    assert.throws(() => savePreset(full, 'one more', options), /At most/);
  });

  it('reads saved drafts and the webview’s saved state', () => {
    assert.equal(readStoredDraft({ version: 1, draft: { text: 'hi' } })?.text, 'hi');
    assert.equal(readStoredDraft({ version: 2, draft: {} }), undefined);
    assert.equal(tuneIdFromViewState({ version: 1, tuneId: 7 }), 7);
    assert.equal(tuneIdFromViewState({ version: 1, tuneId: '7' }), undefined);
    assert.equal(draftFromViewState({ version: 1, tuneId: 7, draft: { text: 'x' } })?.text, 'x');
    assert.equal(draftFromViewState({ version: 1, tuneId: 7 }), undefined);
  });
});

describe('checks of webview messages', () => {
  it('accepts a complete draft only', () => {
    assert.equal(draftCheck(defaultDraft()).ok, true);
    assert.equal(draftCheck({ ...defaultDraft(), extra: 1 }).ok, false);
    assert.equal(draftCheck({ ...defaultDraft(), num_images: 4 }).ok, false, 'numbers travel as typed text');
    assert.equal(draftCheck({ ...defaultDraft(), input_image_source: 'ftp' }).ok, false);
    assert.equal(draftCheck({ ...defaultDraft(), text: 'x'.repeat(20_001) }).ok, false);
  });

  it('refuses presets carrying text or images, and bad names', () => {
    const { savePreset: check } = promptEditorChecks.requests;
    const options = presetOptions(defaultDraft());
    assert.equal(check({ name: 'ok', options }).ok, true);
    assert.equal(check({ name: 'ok', options: { ...options, text: 'x' } }).ok, false);
    assert.equal(check({ name: '   ', options }).ok, false);
    assert.equal(check({ name: 'x'.repeat(81), options }).ok, false);
  });

  it('a draft request with a section opens that section; the webview may only say it opened a known one', () => {
    const draft = { ...defaultDraft(), text: '<1> close-up', cfg_scale: '6' };
    assert.deepEqual(editorTarget({ kind: 'draft', tuneId: 7, draft, section: 'sweep' }), { tuneId: 7, prefill: { draft, reason: 'prefill' }, section: 'sweep' });
    assert.equal('section' in editorTarget({ kind: 'draft', tuneId: 7, draft }), false, 'no section unless asked');
    const { revealed } = promptEditorChecks.notifications;
    assert.equal(revealed({ section: 'sweep', open: true }).ok, true);
    assert.equal(revealed({ section: 'advanced', open: true }).ok, false);
    assert.equal(revealed({ section: 'sweep', open: 'yes' }).ok, false);
  });

  it('bounds what may be opened in the gallery', () => {
    const { openResult } = promptEditorChecks.requests;
    assert.equal(openResult({ promptId: 1, imageIndex: 0 }).ok, true);
    assert.equal(openResult({ promptId: 0, imageIndex: 0 }).ok, false);
    assert.equal(openResult({ promptId: 1, imageIndex: 99 }).ok, false);
  });
});
