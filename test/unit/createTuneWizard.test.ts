import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Pack } from '../../src/api/astria/types';
import type { ImageSelection } from '../../src/domain/trainingImages';
import { judgeSelection } from '../../src/domain/trainingImages';
import { ScriptedWizardUi, type ScriptedStep } from '../../src/commands/createTune/scriptedUi';
import {
  checkCallbackUrl,
  defaultDraft,
  defaultTitle,
  packClasses,
  parseBaseTuneId,
  parseCharacteristics,
  tuneParams,
  withModel,
} from '../../src/commands/createTune/tuneOptions';
import { UploadProgressTracker } from '../../src/domain/uploadProgress';
import { runTuneWizard, type PackSource, type WizardContext } from '../../src/commands/createTune/wizard';

const MB = 1024 * 1024;

function selectionOf(count: number, skipped = 0): ImageSelection {
  const images = Array.from({ length: count }, (_, i) => ({ path: `/photos/jane/${i + 1}.jpg`, name: `${i + 1}.jpg`, size: 2 * MB, format: 'jpeg' as const, mime: 'image/jpeg' }));
  return {
    images,
    skipped: Array.from({ length: skipped }, (_, i) => ({ path: `/photos/jane/notes${i}.txt`, name: `notes${i}.txt`, reason: 'not-image' as const, message: `notes${i}.txt is not an image` })),
    totalBytes: count * 2 * MB,
    scannedFolders: ['/photos/jane'],
  };
}

function contextFor(selection: ImageSelection, extra: Partial<WizardContext> = {}): WizardContext {
  return { selection, verdict: judgeSelection(selection), ...extra };
}

const enter = (screen: string): ScriptedStep => ({ screen, answer: 'enter' });
const ALL_DEFAULTS = ['title', 'class', 'model', 'branch', 'preset', 'token', 'options', 'characteristics', 'prompts', 'callback', 'summary'].map(enter);

describe('create-tune wizard', () => {
  it('walks every step with the defaults and returns Flux LoRA params', async () => {
    const ui = new ScriptedWizardUi(ALL_DEFAULTS);
    const draft = defaultDraft('jane', { title: 'jane-1234abcd' });
    const result = await runTuneWizard(ui, draft, contextFor(selectionOf(6)));
    assert.ok(result && ui.finished);
    assert.deepEqual(
      ui.shown.map((s) => `${s.stepNumber}/${s.totalSteps} ${s.screen}`),
      ['1/11 title', '2/11 class', '3/11 model', '4/11 branch', '5/11 preset', '6/11 token', '7/11 options', '8/11 characteristics', '9/11 prompts', '10/11 callback', '11/11 summary'],
    );
    assert.equal(ui.shown[0].canGoBack, false, 'no Back on the first step');
    assert.equal(ui.shown[1].canGoBack, true);
    assert.deepEqual(tuneParams(result.draft), {
      title: 'jane-1234abcd',
      name: 'man',
      token: 'ohwx',
      base_tune_id: 1504944,
      model_type: 'lora',
      branch: 'flux1',
      preset: 'flux-lora-focus',
    });
  });

  it('keeps everything typed when going Back and forth', async () => {
    const ui = new ScriptedWizardUi([
      { screen: 'title', answer: { type: 'Jane portraits' } },
      { screen: 'class', answer: { pick: 'woman' } },
      { screen: 'model', answer: { pick: 'SDXL' } },
      { screen: 'branch', answer: { pick: 'fast' } },
      { screen: 'token', answer: { type: 'zwx' } },
      { screen: 'options', answer: 'back' },
      { screen: 'token', answer: 'back' },
      { screen: 'branch', answer: 'back' },
      { screen: 'model', answer: 'back' },
      { screen: 'class', answer: 'back' },
      enter('title'),
      enter('class'),
      enter('model'),
      enter('branch'),
      enter('token'),
      { screen: 'options', answer: { check: ['Auto-extend'] } },
      enter('characteristics'),
      enter('prompts'),
      enter('callback'),
      enter('summary'),
    ]);
    const result = await runTuneWizard(ui, defaultDraft('jane'), contextFor(selectionOf(5)));
    const second = (screen: string) => ui.shown.filter((s) => s.screen === screen).at(-1);
    const title = second('title');
    assert.equal(title?.kind === 'input' && title.value, 'Jane portraits');
    const activeLabel = (screen: string) => {
      const shown = second(screen);
      return shown?.kind === 'pick' ? shown.items.find((i) => i.active)?.label : undefined;
    };
    assert.equal(activeLabel('class'), 'woman');
    assert.equal(activeLabel('model'), 'SDXL');
    assert.equal(activeLabel('branch'), 'fast');
    const token = second('token');
    assert.equal(token?.kind === 'input' && token.value, 'zwx');
    assert.ok(!ui.shown.some((s) => s.screen === 'preset'), 'no preset step for SDXL');
    assert.deepEqual(tuneParams(result!.draft), {
      title: 'Jane portraits',
      name: 'woman',
      token: 'zwx',
      base_tune_id: 666678,
      model_type: 'pti',
      branch: 'fast',
      auto_extend: true,
    });
  });

  it('takes a custom class, a typed base tune, characteristics, prompts and a callback, refusing bad input', async () => {
    const ui = new ScriptedWizardUi([
      enter('title'),
      { screen: 'class', answer: { pick: 'Custom class…' } },
      { screen: 'class.custom', answer: { type: '' } },
      { screen: 'class.custom', answer: { type: 'sneakers' } },
      { screen: 'model', answer: { pick: 'Another base tune…' } },
      { screen: 'model.baseTuneId', answer: { type: 'flux' } },
      { screen: 'model.baseTuneId', answer: { type: 'https://www.astria.ai/gallery/tunes/42/' } },
      { screen: 'model.modelType', answer: { pick: 'Checkpoint' } },
      enter('branch'),
      { screen: 'token', answer: { type: 'two words' } },
      { screen: 'token', answer: { type: 'sks' } },
      { screen: 'options', answer: { check: ['Face crop', 'Training face correct'] } },
      { screen: 'characteristics', answer: { type: 'color' } },
      { screen: 'characteristics', answer: { type: 'color=red, material = suede leather' } },
      { screen: 'prompts', answer: { pick: 'Add a prompt…' } },
      { screen: 'prompts.edit', answer: { type: 'sks sneakers on a rock' } },
      { screen: 'prompts', answer: { pick: 'Add a prompt…' } },
      { screen: 'prompts.edit', answer: { type: 'sks sneakers, {{color}}' } },
      { screen: 'prompts', answer: { pick: 'sks sneakers on a rock' } },
      { screen: 'prompts.edit', answer: { type: '' } },
      { screen: 'prompts', answer: { pick: 'Continue' } },
      { screen: 'callback', answer: { type: 'ftp://example.com' } },
      { screen: 'callback', answer: { type: 'https://example.com/hook?id=1' } },
      { screen: 'summary', answer: { pick: 'Create tune' } },
    ]);
    const result = await runTuneWizard(ui, defaultDraft('shoes', { title: 'shoes-1' }), contextFor(selectionOf(4)));
    assert.ok(ui.finished);
    assert.deepEqual(
      ui.refused.map((r) => r.screen),
      ['class.custom', 'model.baseTuneId', 'token', 'characteristics', 'callback'],
    );
    assert.match(ui.refused.find((r) => r.screen === 'callback')?.problem ?? '', /http\(s\)/);
    assert.deepEqual(tuneParams(result!.draft), {
      title: 'shoes-1',
      name: 'sneakers',
      token: 'sks',
      base_tune_id: 42,
      face_crop: true,
      training_face_correct: true,
      characteristics: { color: 'red', material: 'suede leather' },
      prompts_attributes: [{ text: 'sks sneakers, {{color}}' }],
      callback: 'https://example.com/hook?id=1',
    });
  });

  it('shows images, skipped files and warnings on the summary, and edits one option from there', async () => {
    const ui = new ScriptedWizardUi([
      ...ALL_DEFAULTS.slice(0, -1),
      { screen: 'summary', answer: { pick: 'files skipped' } },
      { screen: 'summary.skipped', answer: 'back' },
      { screen: 'summary', answer: { pick: 'Token' } },
      { screen: 'token', answer: { type: 'abc' } },
      { screen: 'summary', answer: { pick: 'Create tune' } },
    ]);
    const result = await runTuneWizard(ui, defaultDraft('jane'), contextFor(selectionOf(3, 2)));
    assert.equal(result?.draft.token, 'abc');
    const summary = ui.shown.find((s) => s.screen === 'summary');
    assert.ok(summary?.kind === 'pick');
    const labels = summary.items.map((i) => i.label);
    assert.ok(labels.includes('$(file-media) 3 images · 6.0 MB'), labels.join('\n'));
    assert.ok(labels.includes('$(warning) 2 files skipped: 2 not images'));
    assert.ok(labels.some((l) => l.includes('Only 3 images: Astria recommends at least 4')));
    assert.match(summary.items.find((i) => i.label.includes('skipped'))?.detail ?? '', /notes0\.txt is not an image · notes1\.txt is not an image/);
    const skippedList = ui.shown.find((s) => s.screen === 'summary.skipped');
    assert.equal(skippedList?.kind === 'pick' && skippedList.items.length, 2);
    assert.deepEqual(
      ui.shown.slice(-3).map((s) => s.screen),
      ['summary', 'token', 'summary'],
      'an option edited from the summary returns to it',
    );
  });

  it('re-opens at the step an error names, with the notice on the summary', async () => {
    const ui = new ScriptedWizardUi([{ screen: 'class', answer: { pick: 'dog' } }, enter('summary')]);
    const draft = defaultDraft('rex', { className: 'robot dog' });
    const notices = ['Astria refused the tune: name is not a known class'];
    await runTuneWizard(ui, draft, contextFor(selectionOf(8), { notices }), { startAt: 'class' });
    // Editing from the error goes straight back to the summary.
    assert.deepEqual(
      ui.shown.map((s) => s.screen),
      ['class', 'summary'],
    );
    const summary = ui.shown[1];
    assert.ok(summary.kind === 'pick' && summary.items[0].label.includes('name is not a known class'));
  });

  it('a class typed in the filter box pre-fills the custom class input', async () => {
    const ui = new ScriptedWizardUi([
      enter('title'),
      { screen: 'class', answer: { pick: 'Custom class…', filter: 'teapot' } },
      enter('class.custom'),
      { screen: 'model', answer: 'cancel' },
    ]);
    await runTuneWizard(ui, defaultDraft('x'), contextFor(selectionOf(4)));
    const custom = ui.shown.find((s) => s.screen === 'class.custom');
    assert.equal(custom?.kind === 'input' && custom.value, 'teapot');
    const classes = ui.shown.find((s) => s.screen === 'class');
    assert.equal(classes?.kind === 'pick' && classes.items.find((i) => i.label.includes('Custom'))?.alwaysShow, true);
  });

  it('cancel anywhere returns nothing', async () => {
    const ui = new ScriptedWizardUi([enter('title'), { screen: 'class', answer: 'cancel' }]);
    assert.equal(await runTuneWizard(ui, defaultDraft('x'), contextFor(selectionOf(4))), undefined);
  });

  it('pack flow: the pack decides the model, only its classes are offered', async () => {
    const packs: Pack[] = [
      { id: 7, base_tune_id: 1504944, slug: 'corporate', title: 'Corporate headshots', main_class_name: 'man', cost_mc_hash: { man: 10, woman: 10 } },
      { id: 8, base_tune_id: 1504944, slug: 'pets', title: 'Pet portraits', main_class_name: 'dog', cost_mc_hash: { dog: 5 } },
    ];
    const source: PackSource = { list: packs, classesOf: async (pack) => [...packClasses(pack), ...(pack.id === 8 ? ['cat'] : [])] };
    const ui = new ScriptedWizardUi([
      { screen: 'pack', answer: { pick: 'Pet portraits' } },
      enter('title'),
      { screen: 'class', answer: { pick: 'cat' } },
      { screen: 'branch', answer: { pick: 'fast' } },
      enter('token'),
      enter('options'),
      enter('characteristics'),
      enter('callback'),
      enter('summary'),
    ]);
    const result = await runTuneWizard(ui, defaultDraft('pets', { title: 'pets-1' }), contextFor(selectionOf(4), { packs: source }));
    assert.ok(result && ui.finished);
    const classScreen = ui.shown.find((s) => s.screen === 'class');
    assert.deepEqual(classScreen?.kind === 'pick' && classScreen.items.map((i) => i.label), ['dog', 'cat']);
    assert.equal(result.pack?.pack.id, 8);
    assert.deepEqual(tuneParams(result.draft, result.pack), { title: 'pets-1', name: 'cat', token: 'ohwx', branch: 'fast' });
  });
});

describe('tune options', () => {
  it('parses characteristics and explains mistakes', () => {
    assert.deepEqual(parseCharacteristics(' eye_color = blue eyes ,hair=short '), { ok: true, value: { eye_color: 'blue eyes', hair: 'short' } });
    assert.deepEqual(parseCharacteristics(''), { ok: true, value: {} });
    for (const bad of ['eye color=blue', 'a=1, a=2', 'color', 'color=']) assert.equal(parseCharacteristics(bad).ok, false, bad);
  });

  it('checks callback URLs and base tune ids', () => {
    assert.equal(checkCallbackUrl(''), undefined);
    assert.equal(checkCallbackUrl('https://example.com/x'), undefined);
    assert.ok(checkCallbackUrl('example.com'));
    assert.ok(checkCallbackUrl('javascript:alert(1)'));
    assert.equal(parseBaseTuneId('1504944'), 1504944);
    assert.equal(parseBaseTuneId('https://www.astria.ai/tunes/690204.json'), 690204);
    assert.equal(parseBaseTuneId('0'), undefined);
    assert.equal(parseBaseTuneId('12a'), undefined);
  });

  it('gives every default title a fresh suffix (the title is the idempotency key)', () => {
    const a = defaultTitle('Jane photos');
    const b = defaultTitle('Jane photos');
    assert.match(a, /^Jane photos-[0-9a-f]{8}$/);
    assert.notEqual(a, b);
  });

  it('switching model updates the default token and preset but keeps a typed token', () => {
    const flux = defaultDraft('x');
    const sd15 = withModel(flux, 'sd15');
    assert.equal(sd15.token, 'sks');
    assert.equal(sd15.preset, null);
    assert.equal(withModel(sd15, 'flux-lora').preset, 'flux-lora-focus');
    assert.equal(withModel({ ...flux, token: 'mine' }, 'sd15').token, 'mine');
  });

  it('collects pack classes from cost_mc_hash, prompts_per_class and main_class_name', () => {
    assert.deepEqual(
      packClasses({ id: 1, base_tune_id: null, slug: 's', title: 't', main_class_name: 'boy', cost_mc_hash: { man: 1 }, prompts_per_class: { woman: [], man: [] } } as Pack),
      ['man', 'woman', 'boy'],
    );
  });
});

describe('UploadProgressTracker', () => {
  it('reports percent and MB, only when something visible changes', () => {
    const tracker = new UploadProgressTracker();
    const total = 40 * MB;
    assert.deepEqual(tracker.update({ sentBytes: 0, totalBytes: total }), { message: '0% · 0.0 of 40.0 MB', increment: 0 });
    assert.equal(tracker.update({ sentBytes: 10, totalBytes: total }), undefined, 'nothing visible changed');
    assert.deepEqual(tracker.update({ sentBytes: 10 * MB, totalBytes: total }), { message: '25% · 10.0 of 40.0 MB', increment: 25 });
    assert.equal(tracker.attemptNumber, 1);
    assert.deepEqual(tracker.update({ sentBytes: total, totalBytes: total }), { message: 'all 40.0 MB sent, waiting for Astria to answer…', increment: 75 });
    assert.equal(tracker.bodyEverComplete, true);
  });

  it('follows a retry: the message restarts, the bar does not go back', () => {
    const tracker = new UploadProgressTracker();
    const total = 10 * MB;
    tracker.update({ sentBytes: 0, totalBytes: total });
    tracker.update({ sentBytes: 6 * MB, totalBytes: total });
    const restart = tracker.update({ sentBytes: 0, totalBytes: total });
    assert.deepEqual(restart, { message: 'Retrying (attempt 2): 0% · 0.0 of 10.0 MB', increment: 0 });
    assert.equal(tracker.bodyEverComplete, false);
    assert.equal(tracker.update({ sentBytes: 3 * MB, totalBytes: total })?.increment, 0);
    assert.deepEqual(tracker.update({ sentBytes: 8 * MB, totalBytes: total }), { message: 'Retrying (attempt 2): 80% · 8.0 of 10.0 MB', increment: 20 });
    assert.equal(tracker.attemptNumber, 2);
  });

  it('counts a retry whose first report already has bytes in it (no report at 0)', () => {
    const tracker = new UploadProgressTracker();
    tracker.update({ sentBytes: 6 * MB, totalBytes: 10 * MB });
    assert.deepEqual(tracker.update({ sentBytes: MB, totalBytes: 10 * MB }), { message: 'Retrying (attempt 2): 10% · 1.0 of 10.0 MB', increment: 0 });
    assert.equal(tracker.attemptNumber, 2);
  });

  it('shows 0 % for a body of unknown or no length, never "NaN %" or "all sent"', () => {
    const tracker = new UploadProgressTracker();
    assert.deepEqual(tracker.update({ sentBytes: 0, totalBytes: 0 }), { message: '0% · 0.0 of 0.0 MB', increment: 0 });
    assert.equal(tracker.bodyEverComplete, false);
  });

  it('remembers that a whole body left even while a retry streams it again', () => {
    const tracker = new UploadProgressTracker();
    tracker.update({ sentBytes: 0, totalBytes: 100 });
    tracker.update({ sentBytes: 100, totalBytes: 100 });
    tracker.update({ sentBytes: 0, totalBytes: 100 });
    tracker.update({ sentBytes: 40, totalBytes: 100 });
    assert.equal(tracker.bodyEverComplete, true, 'a 504 after a full body may have created the tune');
  });
});
