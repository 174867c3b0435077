// Parameter sweeps: up to three axes of values expanded from one draft into a grid of prompts. Pure (no
// DOM, no `vscode`), shared by the prompt editor webview (grid size as you type), the extension host
// (checked again before anything is sent) and the compare panel (labels, "show only differences").
// Every cell's draft goes through the ONE rule table (prompt/validation.ts); the choices of the style
// and scheduler axes are the lists of prompt/draft.ts.
import type { PromptCreateParams } from '../api/astria/types';
import type { TuneState } from '../api/astria/state';
import { integer, isRecord, nullable, object, oneOf, optional, string, type Check } from './check';
import { MAX_FIELD_LENGTH, SCHEDULERS, STYLES, normalizeDraft, type PromptDraft } from './prompt/draft';
import { SEED_MAX, validateDraft, type DraftFiles, type ValidationContext } from './prompt/validation';

export const SWEEP_AXIS_KINDS = ['seed', 'cfg_scale', 'steps', 'weight', 'style', 'scheduler', 'denoising_strength', 'super_resolution', 'text'] as const;
export type SweepAxisKind = (typeof SWEEP_AXIS_KINDS)[number];

export const MAX_SWEEP_AXES = 3;
/** Most values one axis may have, whatever the grid limit (bounds what a message may carry). */
export const MAX_AXIS_VALUES = 64;
export const MAX_AXIS_VALUE_LENGTH = 4000;
export const DEFAULT_MAX_PROMPTS = 24;
export const DEFAULT_SWEEP_CONCURRENCY = 2;
/** Highest value the `tuneStudio.sweeps.maxPrompts` setting takes. */
export const MAX_PROMPTS_LIMIT = 200;

/** The draft field an axis writes, its label for people, and its fixed choices (from draft.ts), if any. */
export const SWEEP_AXES: Readonly<Record<SweepAxisKind, { field: keyof PromptDraft; label: string; choices?: readonly string[] }>> = {
  seed: { field: 'seed', label: 'Seed' },
  cfg_scale: { field: 'cfg_scale', label: 'CFG scale' },
  steps: { field: 'steps', label: 'Steps' },
  weight: { field: 'text', label: 'LoRA/FaceID weight' },
  style: { field: 'style', label: 'Style', choices: STYLES },
  scheduler: { field: 'scheduler', label: 'Scheduler', choices: SCHEDULERS },
  denoising_strength: { field: 'denoising_strength', label: 'Denoising strength' },
  super_resolution: { field: 'super_resolution', label: 'Super resolution', choices: ['off', 'on'] },
  text: { field: 'text', label: 'Prompt text' },
};

/** One axis as the user set it up. `referenceId` names the `<lora:ID:w>` / `<faceid:ID:w>` a weight axis changes. */
export interface SweepAxis {
  kind: SweepAxisKind;
  values: string[];
  referenceId?: number;
}

/** Splits what was typed into an axis's values: one per line for prompt texts, else commas, spaces or lines. */
export function parseAxisValues(kind: SweepAxisKind, raw: string): string[] {
  const parts = kind === 'text' ? raw.split(/\r?\n/) : raw.split(/[\s,;]/);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/** `n` distinct random seeds in 0 … 2^32 − 1 (`random` returns [0, 1), e.g. Math.random). */
export function randomSeeds(n: number, random: () => number): string[] {
  const seeds = new Set<string>();
  const count = Math.max(0, Math.min(Math.trunc(n), MAX_AXIS_VALUES));
  while (seeds.size < count) seeds.add(String(Math.floor(random() * SEED_MAX)));
  return [...seeds];
}

const REFERENCE = /<(lora|faceid):\s*(\d+)\s*:\s*([^>]*)>/gi;

/** The `<lora:ID:w>` / `<faceid:ID:w>` references of a text, in order, without repeats. */
export function referencedTunes(text: string): { id: number; kind: 'lora' | 'faceid'; weight: string }[] {
  const seen = new Set<number>();
  const out: { id: number; kind: 'lora' | 'faceid'; weight: string }[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    const id = Number(match[2]);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ id, kind: match[1].toLowerCase() as 'lora' | 'faceid', weight: match[3].trim() });
  }
  return out;
}

/** The text with every reference to `tuneId` at `weight`. */
export function withReferenceWeight(text: string, tuneId: number, weight: string): string {
  return text.replace(REFERENCE, (whole, kind: string, id: string) => (Number(id) === tuneId ? `<${kind}:${id}:${weight}>` : whole));
}

export interface SweepContext extends ValidationContext {
  /** The tune the prompts are created on. */
  tune: { id: number; title: string; state: TuneState };
  /** States of the tunes a weight axis references (looked up by the host; missing = unknown). */
  references: Readonly<Record<number, TuneState | undefined>>;
  /** The `tuneStudio.sweeps.maxPrompts` setting. */
  maxPrompts: number;
}

/** One prompt of the grid: where it sits (one value index per axis) and what it sends. */
export interface SweepCell {
  index: number;
  coords: number[];
  draft: PromptDraft;
  params: PromptCreateParams;
  files: DraftFiles;
}

export interface SweepPlan {
  axes: SweepAxis[];
  cells: SweepCell[];
  prompts: number;
  images: number;
  /** Warnings of the rule table (shown, not blocking), once each. */
  warnings: string[];
}

export type SweepPlanResult = { ok: true; plan: SweepPlan } | { ok: false; problems: string[] };

/** Cells of a grid: axis 0 changes fastest (columns), then axis 1 (rows), then axis 2 (tabs). */
export function gridCoords(sizes: readonly number[]): number[][] {
  const total = sizes.reduce((product, size) => product * size, 1);
  const cells: number[][] = [];
  for (let index = 0; index < total; index++) {
    let rest = index;
    cells.push(sizes.map((size) => {
      const coord = rest % size;
      rest = Math.floor(rest / size);
      return coord;
    }));
  }
  return cells;
}

/** How a value is shown in labels: texts shortened to a line. */
export function axisValueLabel(axis: Pick<SweepAxis, 'kind'>, value: string): string {
  if (axis.kind !== 'text') return value;
  const line = value.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

export function axisLabel(axis: Pick<SweepAxis, 'kind' | 'referenceId'>): string {
  const label = SWEEP_AXES[axis.kind].label;
  return axis.kind === 'weight' && axis.referenceId !== undefined ? `Weight of ${axis.referenceId}` : label;
}

/** The draft of one cell: the base draft with each axis's value written in. */
export function cellDraft(base: PromptDraft, axes: readonly SweepAxis[], coords: readonly number[]): PromptDraft {
  const draft: PromptDraft = { ...base };
  // Texts first, so a weight axis changes the reference in every variant.
  axes.forEach((axis, i) => {
    if (axis.kind === 'text') draft.text = axis.values[coords[i]];
  });
  axes.forEach((axis, i) => {
    const value = axis.values[coords[i]];
    switch (axis.kind) {
      // Stryker disable next-line ConditionalExpression: equivalent: without this case a text axis falls into the weight case, which writes only for a referenceId, and a text axis has none
      case 'text': // written above
        break;
      case 'weight':
        if (axis.referenceId !== undefined) draft.text = withReferenceWeight(draft.text, axis.referenceId, value);
        break;
      case 'super_resolution':
        draft.super_resolution = value === 'on';
        break;
      default:
        (draft as unknown as Record<string, string>)[SWEEP_AXES[axis.kind].field] = value;
    }
  });
  return draft;
}

const WEIGHT = /^(\d+(\.\d+)?|\.\d+)$/;

/** Checks the axes and expands the grid; every refusal is a sentence a person can act on. */
export function planSweep(base: PromptDraft, axes: readonly SweepAxis[], context: SweepContext): SweepPlanResult {
  const problems: string[] = [];
  if (context.tune.state !== 'trained') {
    problems.push(`“${context.tune.title}” is ${context.tune.state === 'expired' ? 'expired' : context.tune.state === 'failed' ? 'failed' : 'not trained yet'}: a sweep needs a trained tune.`);
  }
  if (axes.length === 0) problems.push('Add an axis to sweep: seed, CFG scale, steps, a LoRA weight, style, scheduler, denoising strength, super resolution or prompt texts.');
  if (axes.length > MAX_SWEEP_AXES) problems.push(`A sweep has at most ${MAX_SWEEP_AXES} axes (rows, columns and tabs); remove ${axes.length - MAX_SWEEP_AXES}.`);
  const kinds = new Set<string>();
  for (const axis of axes) {
    const label = axisLabel(axis);
    const key = axis.kind === 'weight' ? `weight:${axis.referenceId}` : axis.kind;
    if (kinds.has(key)) problems.push(`${label} is swept twice: use one axis with all its values.`);
    kinds.add(key);
    if (axis.values.length === 0) {
      problems.push(`${label} has no values: add at least one${SWEEP_AXES[axis.kind].choices ? ` (${SWEEP_AXES[axis.kind].choices?.join(', ')})` : ''}.`);
      continue;
    }
    if (axis.values.length > MAX_AXIS_VALUES) problems.push(`${label} has ${axis.values.length} values; at most ${MAX_AXIS_VALUES}.`);
    const seen = new Set<string>();
    for (const value of axis.values) {
      if (seen.has(value)) problems.push(`${label}: “${axisValueLabel(axis, value)}” is listed twice.`);
      seen.add(value);
    }
    const choices = SWEEP_AXES[axis.kind].choices;
    if (choices) {
      for (const value of axis.values) if (!choices.includes(value)) problems.push(`${label} “${value}” is not one of: ${choices.join(', ')}.`);
    }
    if (axis.kind === 'weight') {
      if (axis.referenceId === undefined) {
        problems.push('Choose which <lora:ID:w> or <faceid:ID:w> of the text the weight axis changes.');
      } else {
        const texts = axes.find((a) => a.kind === 'text')?.values ?? [base.text];
        if (texts.some((text) => !referencedTunes(text).some((ref) => ref.id === axis.referenceId))) {
          problems.push(`The text has no <lora:${axis.referenceId}:…> or <faceid:${axis.referenceId}:…> for the weight axis to change.`);
        }
        const state = context.references[axis.referenceId];
        if (state === undefined) problems.push(`Tune ${axis.referenceId} (referenced for the weight axis) could not be found.`);
        else if (state !== 'trained') problems.push(`Tune ${axis.referenceId} is ${state === 'expired' ? 'expired' : state === 'failed' ? 'failed' : 'not trained yet'}: its weight cannot be swept.`);
      }
      for (const value of axis.values) if (!WEIGHT.test(value)) problems.push(`Weight “${value}” must be a number such as 0.8 or 1.`);
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const sizes = axes.map((axis) => axis.values.length);
  const total = sizes.reduce((product, size) => product * size, 1);
  if (total > context.maxPrompts) {
    return {
      ok: false,
      problems: [`${sizes.join(' × ')} = ${total} prompts is over the limit of ${context.maxPrompts} (setting tuneStudio.sweeps.maxPrompts): remove values or an axis.`],
    };
  }

  const cells: SweepCell[] = [];
  const warnings = new Set<string>();
  const sentBy = new Map<string, number>();
  gridCoords(sizes).forEach((coords, index) => {
    const draft = cellDraft(base, axes, coords);
    const checked = validateDraft(draft, context);
    const where = coords.map((c, i) => `${axisLabel(axes[i])} ${axisValueLabel(axes[i], axes[i].values[c])}`).join(', ');
    for (const issue of checked.issues) {
      if (issue.severity === 'error') problems.push(`${where}: ${issue.message}`);
      else warnings.add(issue.message);
    }
    if (!checked.params) return;
    const identity = JSON.stringify(checked.params) + JSON.stringify(checked.files);
    const twin = sentBy.get(identity);
    if (twin !== undefined) {
      problems.push(`${where}: would send the same prompt as cell ${twin + 1}; ${context.capabilities.label} may not use the swept option.`);
    }
    sentBy.set(identity, index);
    cells.push({ index, coords, draft, params: checked.params, files: checked.files });
  });
  // The same rule failing in many cells is said once per message, at most a few.
  if (problems.length > 0) return { ok: false, problems: dedupe(problems).slice(0, 8) };
  const images = cells.reduce((sum, cell) => sum + (cell.params.num_images ?? 1), 0);
  return { ok: true, plan: { axes: axes.map((a) => ({ ...a, values: [...a.values] })), cells, prompts: cells.length, images, warnings: [...warnings] } };
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

/** The idempotency key of a cell in the batch runner: the sweep and the cell, never reused. */
export function sweepCellKey(sweepId: string, index: number): string {
  return `sweep:${sweepId}:${index}`;
}

export function cellIndexFromKey(sweepId: string, key: string): number | undefined {
  const prefix = `sweep:${sweepId}:`;
  if (!key.startsWith(prefix)) return undefined;
  const index = Number(key.slice(prefix.length));
  return Number.isSafeInteger(index) && index >= 0 ? index : undefined;
}

// ─── Remembered sweeps ───────────────────────────────────────────────────────────────────────────

/** One cell as remembered: its prompt once created, or why it was not. */
export interface SweepCellRecord {
  promptId: number | null;
  /** Astria's words (a 422), or the failure, when the cell has no prompt. */
  error: string | null;
  /** What the cell sends (shown under its images, and compared for "show only differences"). */
  params: PromptCreateParams;
}

/** What is kept of a sweep (workspaceState): ids, the axes and the base draft; nothing secret. */
export interface SweepRecord {
  version: 1;
  id: string;
  tuneId: number;
  tuneTitle: string;
  createdAt: string;
  base: PromptDraft;
  axes: SweepAxis[];
  cells: SweepCellRecord[];
}

/** Cells to run for "Run missing": those without a prompt, never one that has one. */
export function missingCells(record: Pick<SweepRecord, 'cells'>): number[] {
  return record.cells.flatMap((cell, index) => (cell.promptId === null ? [index] : []));
}

/** A short name for lists: "Seed × CFG scale on Priya". */
export function sweepTitle(record: Pick<SweepRecord, 'axes' | 'tuneTitle'>): string {
  return `${record.axes.map(axisLabel).join(' × ')} on ${record.tuneTitle}`;
}

/** The grid's shape: columns × rows × tabs, 1 where an axis is missing. */
export function gridShape(axes: readonly Pick<SweepAxis, 'values'>[]): { columns: number; rows: number; tabs: number } {
  return { columns: axes[0]?.values.length ?? 1, rows: axes[1]?.values.length ?? 1, tabs: axes[2]?.values.length ?? 1 };
}

// ─── Show only the differences ───────────────────────────────────────────────────────────────────

/** A cell's options as `name: value` pairs, with Astria's names, in the order they are sent. */
export function optionEntries(params: PromptCreateParams): [string, string][] {
  return Object.entries(params)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
}

/** The option names whose values are not the same in every cell (present in some and absent in others counts). */
export function differingOptions(cells: readonly PromptCreateParams[]): Set<string> {
  const values = new Map<string, Set<string>>();
  const entries = cells.map((params) => new Map(optionEntries(params)));
  const keys = new Set(entries.flatMap((map) => [...map.keys()]));
  for (const key of keys) values.set(key, new Set(entries.map((map) => map.get(key) ?? '\u0000absent')));
  return new Set([...values].filter(([, set]) => set.size > 1).map(([key]) => key));
}

/** What a cell shows under its images: every option, or only those that differ between cells. */
export function visibleOptions(params: PromptCreateParams, differing: ReadonlySet<string> | null): [string, string][] {
  const entries = optionEntries(params);
  return differing ? entries.filter(([key]) => differing.has(key)) : entries;
}


// ─── Checks (webview messages, stored state) ─────────────────────────────────────────────────────

const fail = (reason: string) => ({ ok: false as const, reason });

/** An array of at most `max` items, each checked. */
export function arrayOf<T>(check: Check<T>, max: number): Check<T[]> {
  return (value) => {
    if (!Array.isArray(value)) return fail('expected an array');
    if (value.length > max) return fail(`expected at most ${max} items`);
    const out: T[] = [];
    for (const [i, item] of value.entries()) {
      const result = check(item);
      if (!result.ok) return fail(`[${i}]: ${result.reason}`);
      out.push(result.value);
    }
    return { ok: true, value: out };
  };
}

export const sweepAxisCheck: Check<SweepAxis> = object<SweepAxis>({
  kind: oneOf(SWEEP_AXIS_KINDS),
  values: arrayOf(string(MAX_AXIS_VALUE_LENGTH), MAX_AXIS_VALUES),
  referenceId: optional(integer(1)),
});

/** Up to three axes; an empty list passes (planSweep says what to do about it). */
export const sweepAxesCheck: Check<SweepAxis[]> = arrayOf(sweepAxisCheck, MAX_SWEEP_AXES);

const cellRecordCheck: Check<SweepCellRecord> = object<SweepCellRecord>({
  promptId: nullable(integer(1)),
  error: nullable(string(MAX_FIELD_LENGTH)),
  // Stryker disable next-line StringLiteral: a record that fails is dropped whole; the reason is never shown
  params: (value) => (isRecord(value) && typeof value.text === 'string' ? { ok: true, value: value as unknown as PromptCreateParams } : fail('expected prompt params')),
});

/** A remembered sweep read back from workspaceState (any other shape, or an old version, is dropped). */
export function readSweepRecord(value: unknown): SweepRecord | undefined {
  const checked = object<SweepRecord>({
    // Stryker disable next-line StringLiteral: a record that fails is dropped whole; the reason is never shown
    version: (v) => (v === 1 ? { ok: true, value: 1 as const } : fail('version')),
    id: string(64),
    tuneId: integer(1),
    tuneTitle: string(1000),
    createdAt: string(64),
    base: (v) => ({ ok: true, value: normalizeDraft(v) }),
    axes: sweepAxesCheck,
    cells: arrayOf(cellRecordCheck, MAX_PROMPTS_LIMIT),
  })(value);
  if (!checked.ok || checked.value.axes.length === 0) return undefined;
  const expected = checked.value.axes.reduce((n, axis) => n * axis.values.length, 1);
  return checked.value.cells.length === expected ? checked.value : undefined;
}
