import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { modelCapabilities, type CapabilityTune } from '../../src/shared/prompt/capabilities';
import { STYLES, defaultDraft, type PromptDraft } from '../../src/shared/prompt/draft';
import {
  SWEEP_AXES,
  cellIndexFromKey,
  differingOptions,
  gridCoords,
  missingCells,
  parseAxisValues,
  planSweep,
  randomSeeds,
  referencedTunes,
  sweepCellKey,
  visibleOptions,
  withReferenceWeight,
  type SweepAxis,
  type SweepContext,
} from '../../src/shared/sweep';

const FLUX_TUNE: CapabilityTune = { id: 4100200, title: 'Priya', name: 'woman', branch: 'flux1', model_type: null, base_tune_id: 1504944 };
const GEMINI: CapabilityTune = { id: 1800001, title: 'Gemini 3 Pro Image', name: null, branch: null, model_type: null, base_tune_id: null };

function context(overrides: Partial<SweepContext> = {}, tune: CapabilityTune = FLUX_TUNE): SweepContext {
  return {
    capabilities: modelCapabilities(tune),
    characteristics: [],
    tune: { id: tune.id, title: tune.title, state: 'trained' },
    references: {},
    maxPrompts: 24,
    ...overrides,
  };
}

function draft(patch: Partial<PromptDraft> = {}): PromptDraft {
  return { ...defaultDraft(), text: 'portrait of <1>, studio light', ...patch };
}

function plan(axes: SweepAxis[], base = draft(), ctx = context()) {
  const result = planSweep(base, axes, ctx);
  if (!result.ok) assert.fail(`refused: ${result.problems.join(' / ')}`);
  return result.plan;
}

function refusal(axes: SweepAxis[], base = draft(), ctx = context()): string {
  const result = planSweep(base, axes, ctx);
  assert.equal(result.ok, false, 'expected a refusal');
  return result.ok ? '' : result.problems.join('\n');
}

describe('sweep expansion', () => {
  it('expands 3 × 2 axes into 6 cells, axis 0 fastest, each cell sending its own values', () => {
    const p = plan([
      { kind: 'cfg_scale', values: ['3', '5', '7'] },
      { kind: 'seed', values: ['11', '22'] },
    ]);
    assert.equal(p.prompts, 6);
    assert.equal(p.images, 24, '4 images each (the default)');
    assert.deepEqual(
      p.cells.map((c) => [c.params.cfg_scale, c.params.seed]),
      [[3, 11], [5, 11], [7, 11], [3, 22], [5, 22], [7, 22]],
    );
    assert.deepEqual(p.cells.map((c) => c.coords), [[0, 0], [1, 0], [2, 0], [0, 1], [1, 1], [2, 1]]);
    for (const cell of p.cells) assert.equal(cell.params.text, 'portrait of <1>, studio light');
  });

  it('gridCoords covers every combination of three axes exactly once', () => {
    const coords = gridCoords([2, 3, 4]);
    assert.equal(coords.length, 24);
    assert.equal(new Set(coords.map((c) => c.join(','))).size, 24);
    assert.deepEqual(coords[23], [1, 2, 3]);
  });

  it('turns super resolution on and off, and takes styles and schedulers from the rule table', () => {
    const p = plan([
      { kind: 'super_resolution', values: ['off', 'on'] },
      { kind: 'style', values: [STYLES[0], STYLES[3]] },
    ]);
    assert.deepEqual(p.cells.map((c) => [c.params.super_resolution ?? false, c.params.style]), [
      [false, STYLES[0]],
      [true, STYLES[0]],
      [false, STYLES[3]],
      [true, STYLES[3]],
    ]);
    assert.match(refusal([{ kind: 'scheduler', values: ['euler', 'warp9'] }]), /Scheduler “warp9” is not one of: euler, euler_a/);
    assert.deepEqual(SWEEP_AXES.style.choices, STYLES, 'the style axis offers the draft’s own list');
  });

  it('changes the weight of the referenced LoRA in every prompt-text variant', () => {
    const ctx = context({ references: { 77: 'trained' } });
    const p = plan(
      [
        { kind: 'weight', referenceId: 77, values: ['0.6', '1'] },
        { kind: 'text', values: ['<lora:77:1> a woman on a beach', 'a woman in snow <lora:77:1> <lora:5:0.3>'] },
      ],
      draft({ text: '<lora:77:1> base' }),
      { ...ctx, references: { 77: 'trained' } },
    );
    assert.deepEqual(p.cells.map((c) => c.params.text), [
      '<lora:77:0.6> a woman on a beach',
      '<lora:77:1> a woman on a beach',
      'a woman in snow <lora:77:0.6> <lora:5:0.3>',
      'a woman in snow <lora:77:1> <lora:5:0.3>',
    ]);
  });

  it('sweeps denoising strength only with an input image (the rule table says why otherwise)', () => {
    const withImage = draft({ input_image_source: 'url', input_image_url: 'https://cdn.example/in.png' });
    const p = plan([{ kind: 'denoising_strength', values: ['0.3', '0.6'] }], withImage);
    assert.deepEqual(p.cells.map((c) => c.params.denoising_strength), [0.3, 0.6]);
    assert.match(refusal([{ kind: 'denoising_strength', values: ['0.3', '0.6'] }]), /would send the same prompt as cell 1/);
  });
});

describe('sweep refusals', () => {
  it('refuses no axis, an axis without values, and more than three axes', () => {
    assert.match(refusal([]), /Add an axis to sweep/);
    assert.match(refusal([{ kind: 'seed', values: [] }]), /Seed has no values/);
    assert.match(refusal([{ kind: 'style', values: [] }]), /Style has no values: add at least one \(Cinematic/);
    assert.match(
      refusal([
        { kind: 'seed', values: ['1'] },
        { kind: 'steps', values: ['10'] },
        { kind: 'cfg_scale', values: ['3'] },
        { kind: 'style', values: ['Cinematic'] },
      ]),
      /at most 3 axes/,
    );
  });

  it('refuses a grid over the limit, naming the setting, and accepts one at the limit', () => {
    const axes: SweepAxis[] = [
      { kind: 'seed', values: ['1', '2', '3', '4', '5'] },
      { kind: 'cfg_scale', values: ['2', '3', '4', '5', '6'] },
    ];
    assert.match(refusal(axes), /5 × 5 = 25 prompts is over the limit of 24 \(setting tuneStudio\.sweeps\.maxPrompts\)/);
    assert.equal(plan(axes, draft(), context({ maxPrompts: 25 })).prompts, 25);
  });

  it('refuses a tune that is not trained, and a weight axis on an untrained or missing reference', () => {
    assert.match(refusal([{ kind: 'seed', values: ['1'] }], draft(), context({ tune: { id: 1, title: 'Priya', state: 'training' } })), /“Priya” is not trained yet/);
    assert.match(refusal([{ kind: 'seed', values: ['1'] }], draft(), context({ tune: { id: 1, title: 'Old', state: 'expired' } })), /“Old” is expired/);
    const base = draft({ text: '<lora:77:1> a woman' });
    assert.match(refusal([{ kind: 'weight', referenceId: 77, values: ['0.5'] }], base, context({ references: { 77: 'training' } })), /Tune 77 is not trained yet/);
    assert.match(refusal([{ kind: 'weight', referenceId: 77, values: ['0.5'] }], base, context()), /Tune 77 .* could not be found/);
    assert.match(refusal([{ kind: 'weight', referenceId: 78, values: ['0.5'] }], base, context({ references: { 78: 'trained' } })), /no <lora:78:…>/);
    assert.match(refusal([{ kind: 'weight', referenceId: 77, values: ['heavy'] }], base, context({ references: { 77: 'trained' } })), /Weight “heavy” must be a number/);
  });

  it('refuses values the rule table refuses, saying which cell', () => {
    const problems = refusal([{ kind: 'cfg_scale', values: ['7', '20'] }]);
    assert.match(problems, /CFG scale 20: CFG scale must be between 0 and 15\./);
    assert.doesNotMatch(problems, /CFG scale 7:/);
    assert.match(refusal([{ kind: 'seed', values: ['1', '1'] }]), /“1” is listed twice/);
  });

  it('refuses an axis the model ignores (Gemini has no CFG scale): the cells would be the same prompt', () => {
    const gemini = context({}, GEMINI);
    assert.match(refusal([{ kind: 'cfg_scale', values: ['3', '7'] }], draft({ text: 'a lighthouse' }), gemini), /would send the same prompt as cell 1; Gemini may not use/);
    assert.equal(plan([{ kind: 'seed', values: ['1', '2'] }], draft({ text: 'a lighthouse' }), gemini).prompts, 2);
  });
});

describe('sweep values, keys and remembered cells', () => {
  it('parses typed values: commas or spaces for numbers, lines for texts', () => {
    assert.deepEqual(parseAxisValues('cfg_scale', ' 3, 5.5 ,7\n9 '), ['3', '5.5', '7', '9']);
    assert.deepEqual(parseAxisValues('text', 'a cat, sitting\n\n a dog \n'), ['a cat, sitting', 'a dog']);
  });

  it('makes N distinct random seeds inside the documented range', () => {
    let n = 0;
    const values = [0.5, 0.5, 0.25, 0.999999, 0];
    const seeds = randomSeeds(4, () => values[n++ % values.length]);
    assert.equal(seeds.length, 4);
    assert.equal(new Set(seeds).size, 4);
    for (const seed of seeds) assert.ok(Number(seed) >= 0 && Number(seed) < 2 ** 32);
  });

  it('finds references and rewrites only the chosen one', () => {
    assert.deepEqual(referencedTunes('<lora:77:1> x <faceid:9:0.5> <lora:77:0.2>'), [
      { id: 77, kind: 'lora', weight: '1' },
      { id: 9, kind: 'faceid', weight: '0.5' },
    ]);
    assert.equal(withReferenceWeight('<lora:77:1> x <faceid:9:0.5>', 9, '0.8'), '<lora:77:1> x <faceid:9:0.8>');
  });

  it('gives every cell its own key, read back only for its sweep', () => {
    const keys = [0, 1, 2].map((i) => sweepCellKey('abc', i));
    assert.equal(new Set(keys).size, 3);
    assert.equal(cellIndexFromKey('abc', keys[2]), 2);
    assert.equal(cellIndexFromKey('abd', keys[2]), undefined);
  });

  it('Run missing takes only cells without a prompt', () => {
    const params = { text: 'a' };
    const cells = [
      { promptId: 10, error: null, params },
      { promptId: null, error: 'seed must be between 0 and 4294967296', params },
      { promptId: 12, error: null, params },
      { promptId: null, error: null, params },
    ];
    assert.deepEqual(missingCells({ cells }), [1, 3]);
  });
});

describe('show only the differences', () => {
  it('keeps the options that differ between cells, including one set in some cells only', () => {
    const cells = [
      { text: 'a', num_images: 4, cfg_scale: 3, seed: 1 },
      { text: 'a', num_images: 4, cfg_scale: 5, seed: 1 },
      { text: 'a', num_images: 4, cfg_scale: 5, seed: 1, super_resolution: true },
    ];
    const differing = differingOptions(cells);
    assert.deepEqual([...differing].sort(), ['cfg_scale', 'super_resolution']);
    assert.deepEqual(visibleOptions(cells[2], differing), [['cfg_scale', '5'], ['super_resolution', 'true']]);
    assert.deepEqual(visibleOptions(cells[0], null).map(([k]) => k), ['text', 'num_images', 'cfg_scale', 'seed']);
  });

  it('finds nothing different in a single cell', () => {
    assert.equal(differingOptions([{ text: 'a', seed: 1 }]).size, 0);
  });
});
