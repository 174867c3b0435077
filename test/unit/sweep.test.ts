import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { modelCapabilities, type CapabilityTune } from '../../src/shared/prompt/capabilities';
import { STYLES, defaultDraft, type PromptDraft } from '../../src/shared/prompt/draft';
import {
  SWEEP_AXES,
  axisLabel,
  axisValueLabel,
  cellDraft,
  cellIndexFromKey,
  gridShape,
  optionEntries,
  readSweepRecord,
  sweepAxesCheck,
  sweepAxisCheck,
  sweepTitle,
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

describe('sweep helpers at their edges', () => {
  it('splits typed values on commas, semicolons, spaces and lines; prompt texts only on lines (Windows ones too)', () => {
    assert.deepEqual(parseAxisValues('seed', '1;2,,3\t4\r\n5'), ['1', '2', '3', '4', '5']);
    assert.deepEqual(parseAxisValues('seed', '  '), []);
    assert.deepEqual(parseAxisValues('text', 'a cat; a dog\r\n  a bird  \r\n'), ['a cat; a dog', 'a bird']);
  });

  it('makes whole random seeds from 0 up to 2^32 − 1, retrying repeats, between 0 and 64 of them', () => {
    const queue = [0, 0, 0.5, 0.999_999_999_9];
    assert.deepEqual(randomSeeds(3, () => queue.shift() ?? 0.25), ['0', '2147483648', '4294967295']);
    assert.deepEqual(randomSeeds(2.9, () => 0.25 + Math.random() / 4).length, 2);
    assert.deepEqual(randomSeeds(-3, Math.random), []);
    assert.deepEqual(randomSeeds(0, Math.random), []);
    assert.equal(randomSeeds(500, Math.random).length, 64);
  });

  it('reads references whatever their case and spacing, weight trimmed, first one of each tune only', () => {
    assert.deepEqual(referencedTunes('<LoRA: 12 : 0.7 > and <FACEID:3:1><lora:12:0.1>'), [
      { id: 12, kind: 'lora', weight: '0.7' },
      { id: 3, kind: 'faceid', weight: '1' },
    ]);
    assert.deepEqual(referencedTunes('<1> portrait <lora:x:1> <style:5:1>'), []);
    assert.equal(withReferenceWeight('<LORA:12:1> x <lora:12:0.3> <lora:120:1>', 12, '0.5'), '<LORA:12:0.5> x <lora:12:0.5> <lora:120:1>');
    assert.equal(withReferenceWeight('no references', 12, '0.5'), 'no references');
  });

  it('orders grid cells columns first, then rows, then tabs; no axis is one empty cell', () => {
    assert.deepEqual(gridCoords([]), [[]]);
    assert.deepEqual(gridCoords([3]), [[0], [1], [2]]);
    assert.deepEqual(gridCoords([2, 2, 2]), [[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1], [1, 0, 1], [0, 1, 1], [1, 1, 1]]);
    assert.deepEqual(gridCoords([2, 0]), []);
  });

  it('labels values: other kinds as typed, prompt texts on one line of at most 60 characters', () => {
    const long = 'x'.repeat(100);
    assert.equal(axisValueLabel({ kind: 'seed' }, ` ${long} `), ` ${long} `);
    assert.equal(axisValueLabel({ kind: 'text' }, '  a cat\n\n on   a  mat '), 'a cat on a mat');
    assert.equal(axisValueLabel({ kind: 'text' }, 'y'.repeat(60)), 'y'.repeat(60));
    assert.equal(axisValueLabel({ kind: 'text' }, 'y'.repeat(61)), `${'y'.repeat(59)}…`);
  });

  it('names axes for people, a weight axis by the tune it changes', () => {
    assert.equal(axisLabel({ kind: 'weight', referenceId: 77 }), 'Weight of 77');
    assert.equal(axisLabel({ kind: 'weight' }), 'LoRA/FaceID weight');
    assert.equal(axisLabel({ kind: 'cfg_scale', referenceId: 77 }), 'CFG scale');
    assert.equal(sweepTitle({ axes: [{ kind: 'seed', values: [] }, { kind: 'cfg_scale', values: [] }, { kind: 'weight', values: [], referenceId: 5 }], tuneTitle: 'Priya' }), 'Seed × CFG scale × Weight of 5 on Priya');
    assert.equal(sweepTitle({ axes: [{ kind: 'text', values: [] }], tuneTitle: 'Flux' }), 'Prompt text on Flux');
  });

  it('writes each axis’s value into the cell’s draft; the text first, so a weight changes every text', () => {
    const base = draft({ text: '<lora:7:1> base', super_resolution: true });
    const axes: SweepAxis[] = [
      { kind: 'weight', referenceId: 7, values: ['0.5'] },
      { kind: 'text', values: ['<lora:7:1> beach'] },
      { kind: 'super_resolution', values: ['off', 'on'] },
    ];
    const off = cellDraft(base, axes, [0, 0, 0]);
    assert.equal(off.text, '<lora:7:0.5> beach');
    assert.equal(off.super_resolution, false);
    assert.equal(cellDraft(base, axes, [0, 0, 1]).super_resolution, true);
    assert.equal(cellDraft(base, [{ kind: 'weight', values: ['0.5'] }], [0]).text, '<lora:7:1> base', 'a weight axis without a tune changes nothing');
    assert.deepEqual(cellDraft(base, [{ kind: 'scheduler', values: ['lcm'] }, { kind: 'steps', values: ['8', '20'] }], [0, 1]), { ...base, scheduler: 'lcm', steps: '20' });
    assert.equal(base.text, '<lora:7:1> base', 'the base draft stays as it was');
  });

  it('keys cells "sweep:<id>:<index>" and reads back only whole non-negative indexes of that sweep', () => {
    assert.equal(sweepCellKey('abc', 2), 'sweep:abc:2');
    assert.equal(cellIndexFromKey('abc', 'sweep:abc:0'), 0);
    assert.equal(cellIndexFromKey('abc', 'sweep:abc:-1'), undefined);
    assert.equal(cellIndexFromKey('abc', 'sweep:abc:1.5'), undefined);
    assert.equal(cellIndexFromKey('abc', 'sweep:abc:x'), undefined);
    assert.equal(cellIndexFromKey('abc', 'xsweep:abc:1'), undefined);
    assert.equal(cellIndexFromKey('abc', 'sweep:abcd:1'), undefined);
  });

  it('gives the grid’s shape as columns × rows × tabs, 1 for each missing axis', () => {
    assert.deepEqual(gridShape([]), { columns: 1, rows: 1, tabs: 1 });
    assert.deepEqual(gridShape([{ values: ['a', 'b', 'c'] }, { values: ['d', 'e'] }]), { columns: 3, rows: 2, tabs: 1 });
    assert.deepEqual(gridShape([{ values: ['a'] }, { values: ['d', 'e'] }, { values: ['f', 'g', 'h', 'i'] }]), { columns: 1, rows: 2, tabs: 4 });
  });

  it('lists a cell’s options as text, leaving out the unset ones', () => {
    assert.deepEqual(optionEntries({ text: 'a', seed: 0, super_resolution: false, style: undefined, negative_prompt: null as unknown as string, w: 512 }), [
      ['text', 'a'],
      ['seed', '0'],
      ['super_resolution', 'false'],
      ['w', '512'],
    ]);
    assert.deepEqual(differingOptions([{ text: 'a' }, { text: 'a', seed: 1 }]), new Set(['seed']));
    assert.deepEqual(differingOptions([{ text: 'a', seed: 1 }, { text: 'a', seed: 1 }]), new Set());
    assert.deepEqual(differingOptions([]), new Set());
    assert.deepEqual(differingOptions([{ text: 'a', style: '' }, { text: 'a' }]), new Set(['style']), 'set to nothing is not the same as not set');
    assert.deepEqual(visibleOptions({ text: 'a', seed: 1 }, new Set()), []);
  });
});

describe('sweep refusals, word for word', () => {
  it('says why a tune that is not trained cannot be swept', () => {
    const seed: SweepAxis[] = [{ kind: 'seed', values: ['1'] }];
    assert.equal(refusal(seed, draft(), context({ tune: { id: 1, title: 'Priya', state: 'failed' } })), '“Priya” is failed: a sweep needs a trained tune.');
    assert.equal(refusal(seed, draft(), context({ tune: { id: 1, title: 'Priya', state: 'expired' } })), '“Priya” is expired: a sweep needs a trained tune.');
    assert.equal(refusal(seed, draft(), context({ tune: { id: 1, title: 'Priya', state: 'training' } })), '“Priya” is not trained yet: a sweep needs a trained tune.');
  });

  it('names what to add, remove or merge', () => {
    assert.equal(refusal([]), 'Add an axis to sweep: seed, CFG scale, steps, a LoRA weight, style, scheduler, denoising strength, super resolution or prompt texts.');
    assert.equal(
      refusal([
        { kind: 'seed', values: ['1'] },
        { kind: 'steps', values: ['10'] },
        { kind: 'cfg_scale', values: ['3'] },
        { kind: 'style', values: ['Cinematic'] },
        { kind: 'scheduler', values: ['lcm'] },
      ]),
      'A sweep has at most 3 axes (rows, columns and tabs); remove 2.',
    );
    assert.equal(refusal([{ kind: 'seed', values: ['1'] }, { kind: 'seed', values: ['2'] }]), 'Seed is swept twice: use one axis with all its values.');
    assert.equal(refusal([{ kind: 'seed', values: ['1'] }, { kind: 'seed', values: [] }]), 'Seed is swept twice: use one axis with all its values.\nSeed has no values: add at least one.');
    assert.equal(refusal([{ kind: 'super_resolution', values: [] }]), 'Super resolution has no values: add at least one (off, on).');
    assert.equal(refusal([{ kind: 'super_resolution', values: ['yes'] }]), 'Super resolution “yes” is not one of: off, on.');
    assert.equal(refusal([{ kind: 'text', values: ['a  cat', 'a  cat'] }]), 'Prompt text: “a cat” is listed twice.');
    const many = Array.from({ length: 65 }, (_, i) => String(i));
    assert.equal(refusal([{ kind: 'seed', values: many }], draft(), context({ maxPrompts: 200 })), 'Seed has 65 values; at most 64.');
  });

  it('accepts 64 values on an axis when the limit allows', () => {
    const many = Array.from({ length: 64 }, (_, i) => String(i));
    assert.equal(plan([{ kind: 'seed', values: many }], draft(), context({ maxPrompts: 64 })).prompts, 64);
  });

  it('sweeps the weights of two different tunes, but not one tune twice', () => {
    const base = draft({ text: '<lora:7:1> <faceid:8:1> a woman' });
    const ctx = context({ references: { 7: 'trained', 8: 'trained' } });
    const p = plan([{ kind: 'weight', referenceId: 7, values: ['0.5', '1'] }, { kind: 'weight', referenceId: 8, values: ['.25'] }], base, ctx);
    assert.deepEqual(p.cells.map((c) => c.params.text), ['<lora:7:0.5> <faceid:8:.25> a woman', '<lora:7:1> <faceid:8:.25> a woman']);
    assert.equal(
      refusal([{ kind: 'weight', referenceId: 7, values: ['0.5'] }, { kind: 'weight', referenceId: 7, values: ['1'] }], base, ctx),
      'Weight of 7 is swept twice: use one axis with all its values.',
    );
  });

  it('says word for word what is wrong with a weight axis', () => {
    const base = draft({ text: '<lora:7:1> a woman' });
    assert.equal(refusal([{ kind: 'weight', values: ['1'] }], base), 'Choose which <lora:ID:w> or <faceid:ID:w> of the text the weight axis changes.');
    assert.equal(refusal([{ kind: 'weight', referenceId: 7, values: ['1'] }], base, context({ references: { 7: 'failed' } })), 'Tune 7 is failed: its weight cannot be swept.');
    assert.equal(refusal([{ kind: 'weight', referenceId: 7, values: ['1'] }], base, context({ references: { 7: 'expired' } })), 'Tune 7 is expired: its weight cannot be swept.');
    assert.equal(refusal([{ kind: 'weight', referenceId: 7, values: ['1'] }], base, context()), 'Tune 7 (referenced for the weight axis) could not be found.');
    assert.equal(
      refusal([{ kind: 'weight', referenceId: 7, values: ['1'] }, { kind: 'text', values: ['<lora:7:1> beach', 'snow'] }], base, context({ references: { 7: 'trained' } })),
      'The text has no <lora:7:…> or <faceid:7:…> for the weight axis to change.',
      'every prompt text of a text axis must reference the tune',
    );
    const ctx = context({ references: { 7: 'trained' } });
    for (const weight of ['1.', '-1', '1e2', 'x1', '1x', '']) {
      assert.equal(refusal([{ kind: 'weight', referenceId: 7, values: [weight] }], base, ctx), `Weight “${weight}” must be a number such as 0.8 or 1.`, weight);
    }
    assert.equal(plan([{ kind: 'weight', referenceId: 7, values: ['0', '.5', '1.25', '2'] }], base, ctx).prompts, 4);
  });

  it('says at most 8 problems, from the first cell on, and the same sentence only once', () => {
    const seeds = Array.from({ length: 12 }, (_, i) => String(i + 1));
    const problems = refusal([{ kind: 'seed', values: seeds }], draft({ steps: '5000' }), context());
    assert.equal(problems.split('\n').length, 8);
    assert.match(problems, /^Seed 1: Steps must be/);
    assert.match(problems.split('\n')[7], /^Seed 8: Steps must be/);
    // Two texts that differ only in spacing have the same label, so their cells' problems read the same.
    const twice = refusal([{ kind: 'text', values: ['a  cat <1>', 'a cat <1>'] }], draft({ steps: '5000' }), context());
    assert.equal(twice.split('\n').length, 1, twice);
    assert.match(twice, /^Prompt text a cat <1>: Steps must be/);
  });

  it('counts images as each cell sends them, 1 when the number is left to the server', () => {
    assert.equal(plan([{ kind: 'seed', values: ['1', '2', '3'] }], draft({ num_images: '2' })).images, 6);
    assert.equal(plan([{ kind: 'seed', values: ['1', '2', '3'] }], draft({ num_images: '' })).images, 3);
  });

  it('takes three axes (columns, rows and tabs)', () => {
    const p = plan([{ kind: 'seed', values: ['1', '2'] }, { kind: 'steps', values: ['20', '30'] }, { kind: 'cfg_scale', values: ['3', '5'] }]);
    assert.equal(p.prompts, 8);
    assert.deepEqual(p.cells[7].coords, [1, 1, 1]);
  });

  it('shows each warning of the rule table once, without refusing the sweep', () => {
    const p = plan([{ kind: 'seed', values: ['1', '2', '3'] }], draft({ w: '512' }));
    assert.equal(p.prompts, 3);
    assert.deepEqual(p.warnings, ['Set both width and height, or neither.']);
    assert.deepEqual(plan([{ kind: 'seed', values: ['1'] }]).warnings, []);
  });

  it('keeps its own copy of the axes: editing the form afterwards does not change the plan', () => {
    const axes: SweepAxis[] = [{ kind: 'seed', values: ['1', '2'] }];
    const p = plan(axes);
    axes[0].values.push('3');
    assert.deepEqual(p.axes, [{ kind: 'seed', values: ['1', '2'] }]);
  });
});

describe('sweep axes from a webview and sweeps read back', () => {
  const reason = (result: { ok: true } | { ok: false; reason: string }): string => {
    assert.equal(result.ok, false, 'expected a refusal');
    return result.ok ? '' : result.reason;
  };

  it('takes at most 3 axes of at most 64 values of at most 4000 characters, saying which one is wrong', () => {
    const axis = (patch: Partial<SweepAxis> = {}) => ({ kind: 'seed', values: ['1'], ...patch });
    assert.deepEqual(sweepAxesCheck([]), { ok: true, value: [] });
    assert.deepEqual(sweepAxesCheck([axis(), axis(), axis()]), { ok: true, value: [axis(), axis(), axis()] });
    assert.equal(reason(sweepAxesCheck([axis(), axis(), axis(), axis()])), 'expected at most 3 items');
    assert.equal(reason(sweepAxesCheck({ 0: axis() })), 'expected an array');
    assert.equal(sweepAxisCheck(axis({ values: Array.from({ length: 64 }, String) })).ok, true);
    assert.equal(reason(sweepAxisCheck(axis({ values: Array.from({ length: 65 }, String) }))), 'values: expected at most 64 items');
    assert.equal(sweepAxisCheck(axis({ values: ['x'.repeat(4000)] })).ok, true);
    assert.equal(reason(sweepAxesCheck([axis(), axis({ values: ['1', 'x'.repeat(4001)] })])), '[1]: values: [1]: expected a string of at most 4000 characters');
    assert.equal(reason(sweepAxisCheck(axis({ referenceId: 0 }))), `referenceId: expected an integer in [1, ${Number.MAX_SAFE_INTEGER}]`);
    assert.deepEqual(sweepAxisCheck({ kind: 'weight', values: ['1'], referenceId: 3 }), { ok: true, value: { kind: 'weight', values: ['1'], referenceId: 3 } });
    assert.equal('referenceId' in (sweepAxisCheck(axis()) as { value: object }).value, false, 'no referenceId unless sent');
  });

  it('drops a stored sweep without axes, with broken cells, or with more cells than any sweep has', () => {
    const params = { text: 'a' };
    const stored = {
      version: 1,
      id: 's1',
      tuneId: 4,
      tuneTitle: 'Priya',
      createdAt: '2026-12-01T03:00:00.000Z',
      base: { text: 'kept', nonsense: 1 },
      axes: [{ kind: 'seed', values: ['1', '2'] }],
      cells: [{ promptId: 5, error: null, params }, { promptId: null, error: 'refused', params }],
    };
    const read = readSweepRecord(stored);
    assert.deepEqual(read?.base, { ...defaultDraft(), text: 'kept' }, 'the base draft is read like any saved draft');
    assert.deepEqual(read?.cells, stored.cells);
    assert.equal(readSweepRecord({ ...stored, axes: [], cells: [] }), undefined);
    assert.equal(readSweepRecord({ ...stored, axes: [], cells: [{ promptId: 5, error: null, params }] }), undefined);
    assert.equal(readSweepRecord({ ...stored, cells: [stored.cells[0], { promptId: null, error: null, params: { seed: 1 } }] }), undefined);
    assert.equal(readSweepRecord({ ...stored, cells: [stored.cells[0], { promptId: 0, error: null, params }] }), undefined);
    assert.equal(readSweepRecord({ ...stored, tuneId: '4' }), undefined);
    assert.equal(readSweepRecord({ ...stored, cells: [stored.cells[0], { promptId: null, error: null, params: null }] }), undefined);
    assert.equal(readSweepRecord(null), undefined);
    const big = { ...stored, axes: [{ kind: 'seed', values: Array.from({ length: 64 }, String) }, { kind: 'steps', values: Array.from({ length: 4 }, String) }] };
    const cells = (n: number) => Array.from({ length: n }, () => ({ promptId: null, error: null, params }));
    assert.equal(readSweepRecord({ ...big, cells: cells(256) }), undefined, 'more than 200 cells');
    const limit = { ...stored, axes: [{ kind: 'seed', values: Array.from({ length: 50 }, String) }, { kind: 'steps', values: Array.from({ length: 4 }, String) }] };
    assert.equal(readSweepRecord({ ...limit, cells: cells(200) })?.cells.length, 200);
  });
});

describe('sweeps: labels, order and stored versions (edge cases)', () => {
  it('names steps and denoising strength in a refused cell, each axis of the cell separated (guards the labels and the cell’s name)', () => {
    const withImage = draft({ input_image_source: 'url', input_image_url: 'https://cdn.test/in.png' });
    assert.equal(refusal([{ kind: 'seed', values: ['1'] }, { kind: 'steps', values: ['99'] }]), 'Seed 1, Steps 99: Steps must be between 0 and 50.');
    assert.equal(refusal([{ kind: 'denoising_strength', values: ['2'] }], withImage), 'Denoising strength 2: Denoising strength must be between 0 and 1.');
  });

  it('writes prompt texts before weights whatever the axis order, so the weight changes each text (guards the order)', () => {
    const axes: SweepAxis[] = [
      { kind: 'weight', values: ['0.5'], referenceId: 12 },
      { kind: 'text', values: ['<lora:12:1> a'] },
    ];
    assert.equal(cellDraft(draft(), axes, [0, 0]).text, '<lora:12:0.5> a');
    assert.equal(cellDraft(draft(), [...axes].reverse(), [0, 0]).text, '<lora:12:0.5> a');
  });

  it('takes a weight of several digits, not one with letters (guards the weight pattern)', () => {
    const ctx = context({ references: { 12: 'trained' } });
    const base = draft({ text: '<lora:12:1> portrait' });
    assert.equal(plan([{ kind: 'weight', values: ['10', '0.25', '.5'], referenceId: 12 }], base, ctx).cells.length, 3);
    assert.equal(refusal([{ kind: 'weight', values: ['1x'], referenceId: 12 }], base, ctx), 'Weight “1x” must be a number such as 0.8 or 1.');
  });

  it('splits typed values at any mix of commas, semicolons, spaces and lines', () => {
    assert.deepEqual(parseAxisValues('seed', '1,, 2 ;3\n\n4'), ['1', '2', '3', '4']);
  });

  it('drops a stored sweep of another version, or that is not a record', () => {
    const stored = { version: 1, id: 's1', tuneId: 4, tuneTitle: 'Priya', createdAt: '2026-12-01T03:00:00.000Z', base: {}, axes: [{ kind: 'seed', values: ['1'] }], cells: [{ promptId: 5, error: null, params: { text: 'a' } }] };
    assert.ok(readSweepRecord(stored));
    assert.equal(readSweepRecord({ ...stored, version: 2 }), undefined);
    assert.equal(readSweepRecord([stored]), undefined);
  });
});
