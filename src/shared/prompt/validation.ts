// The prompt editor's rules, shared by the webview (inline messages while typing) and the extension host
// (checked again before anything is sent). Pure: no DOM, no `vscode`. Mirrors Astria's documented ranges
// and dependencies; the server stays the final judge, and its 422s are mapped back onto fields here too.
import type { PromptCreateParams } from '../../api/astria/types';
import type { ModelCapabilities } from './capabilities';
import { isHttpUrl } from '../httpUrl';
import {
  ASPECT_RATIOS,
  BACKEND_VERSIONS,
  COLOR_GRADINGS,
  CONTROLNETS,
  DRAFT_FIELDS,
  RESOLUTIONS,
  SCHEDULERS,
  STYLES,
  type DraftField,
  type PromptDraft,
} from './draft';

export type IssueSeverity = 'error' | 'warning';

/** A message for one field, or for the whole form (`field: null`, shown at the top). */
export interface DraftIssue {
  field: DraftField | null;
  message: string;
  severity: IssueSeverity;
}

/** Workspace files to upload, as the URI strings the draft holds. */
export interface DraftFiles {
  input_image?: string;
  mask_image?: string;
}

export interface ValidationResult {
  /** Errors block sending; warnings are shown and do not. */
  issues: DraftIssue[];
  /** What would be sent, when there are no errors. */
  params?: PromptCreateParams;
  files: DraftFiles;
}

export const SEED_MAX = 2 ** 32;
export const STEPS_MAX = 50;
export const CFG_SCALE_MAX = 15;
export const SIZE_MULTIPLE = 8;
/** Far larger than any model renders; only catches a slip like an extra digit or two. */
export const SIZE_MAX = 16_384;
export { isHttpUrl };

type NumberCheck = { value: number } | { problem: string } | undefined;

/** Parses a typed number; undefined when the field is empty (not sent). */
function parseNumber(raw: string, options: { integer: boolean; min: number; max?: number; label: string }): NumberCheck {
  const text = raw.trim();
  if (text === '') return undefined;
  // Number('') and Number('0x10') are numbers; only plain decimals are what a person means.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) return { problem: `${options.label} must be a number.` };
  const value = Number(text);
  if (options.integer && !Number.isInteger(value)) return { problem: `${options.label} must be a whole number.` };
  if (options.max === undefined) {
    if (value < options.min) return { problem: `${options.label} must be ${options.min} or more.` };
  } else if (value < options.min || value > options.max) {
    return { problem: `${options.label} must be between ${options.min} and ${options.max}.` };
  }
  return { value };
}

const REFERENCE = /<(lora|faceid):([^>]*)>/gi;
const WELL_FORMED_REFERENCE = /^(\d+):(\d+(\.\d+)?|\.\d+)$/;
const CHARACTERISTIC = /\{\{\s*([^}]*?)\s*\}\}/g;

/** `<lora:ID:WEIGHT>` / `<faceid:ID:WEIGHT>` written wrongly, e.g. `<lora:abc>`. */
export function malformedReferences(text: string): string[] {
  const bad: string[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    if (!WELL_FORMED_REFERENCE.test(match[2].trim())) bad.push(match[0]);
  }
  return bad;
}

/** Keys written as `{{key}}` in the text, in order, without repeats. */
export function characteristicKeys(text: string): string[] {
  return [...new Set([...text.matchAll(CHARACTERISTIC)].map((m) => m[1]))];
}

export interface ValidationContext {
  capabilities: ModelCapabilities;
  /** Keys of the tune's characteristics: `{{key}}` is replaced by the server. */
  characteristics: readonly string[];
}

/** Checks a draft and builds the request it would send. */
export function validateDraft(draft: PromptDraft, context: ValidationContext): ValidationResult {
  const { capabilities } = context;
  const issues: DraftIssue[] = [];
  const error = (field: DraftField | null, message: string) => issues.push({ field, message, severity: 'error' });
  const warn = (field: DraftField | null, message: string) => issues.push({ field, message, severity: 'warning' });
  const params: PromptCreateParams = { text: draft.text };
  const files: DraftFiles = {};

  const number = (field: DraftField & keyof PromptCreateParams, label: string, integer: boolean, min: number, max?: number): number | undefined => {
    const checked = parseNumber(String(draft[field]), { integer, min, max, label });
    if (checked === undefined) return undefined;
    if ('problem' in checked) {
      error(field, checked.problem);
      return undefined;
    }
    return checked.value;
  };
  const choice = (field: DraftField, label: string, allowed: readonly string[]): string | undefined => {
    const value = String(draft[field]);
    if (value === '') return undefined;
    if (!allowed.includes(value)) {
      error(field, `${label} "${value}" is not one of: ${allowed.join(', ')}.`);
      return undefined;
    }
    return value;
  };

  // Text
  if (draft.text.trim() === '') error('text', 'Write what to generate.');
  for (const bad of malformedReferences(draft.text)) {
    error('text', `${bad} is not a valid reference: write <lora:TUNE_ID:WEIGHT> or <faceid:TUNE_ID:WEIGHT>, e.g. <lora:123:1>.`);
  }
  if (/<1>/.test(draft.text)) {
    if (capabilities.forbidsSubjectToken) error('text', `${capabilities.label} takes plain text: remove <1> and describe the subject in words.`);
    else if (!capabilities.subjectToken) warn('text', `${capabilities.label} takes plain text: <1> only stands for the subject in fine-tuned models.`);
  }
  const unknownKeys = characteristicKeys(draft.text).filter((key) => !context.characteristics.includes(key));
  for (const key of unknownKeys) warn('text', `{{${key}}} is not one of this tune's characteristics, so it is sent as typed.`);
  if (draft.negative_prompt.trim() !== '') params.negative_prompt = draft.negative_prompt;

  // Size and count
  const numImages = number('num_images', 'Number of images', true, 1, capabilities.maxImages);
  if (numImages !== undefined) params.num_images = numImages;
  const aspect = choice('aspect_ratio', 'Aspect ratio', ASPECT_RATIOS);
  if (aspect !== undefined) params.aspect_ratio = aspect;
  // Only models that take a resolution get one; the field is hidden for the others.
  if (capabilities.resolution) {
    const resolution = choice('resolution', 'Resolution', RESOLUTIONS);
    if (resolution !== undefined) params.resolution = resolution as PromptCreateParams['resolution'];
  }
  for (const [field, label] of [
    ['w', 'Width'],
    ['h', 'Height'],
  ] as const) {
    const size = number(field, label, true, SIZE_MULTIPLE, SIZE_MAX);
    if (size === undefined) continue;
    if (size % SIZE_MULTIPLE !== 0) {
      const lower = Math.max(SIZE_MULTIPLE, Math.floor(size / SIZE_MULTIPLE) * SIZE_MULTIPLE);
      error(field, `${label} must be a multiple of ${SIZE_MULTIPLE} (try ${lower} or ${lower + SIZE_MULTIPLE}).`);
      continue;
    }
    params[field] = size;
  }
  if ((draft.w.trim() === '') !== (draft.h.trim() === '')) {
    warn(draft.w.trim() === '' ? 'w' : 'h', 'Set both width and height, or neither.');
  }
  if (draft.w.trim() !== '' && draft.h.trim() !== '' && aspect !== undefined) {
    warn('aspect_ratio', 'Width and height are set too: the model may use those instead of the aspect ratio.');
  }

  // Seed is a property of every model.
  const seed = number('seed', 'Seed', true, 0, SEED_MAX);
  if (seed !== undefined) params.seed = seed;

  // Diffusion options: only for models that use them (not Gemini or Seedream).
  if (capabilities.diffusionOptions) {
    const steps = number('steps', 'Steps', true, 0, STEPS_MAX);
    if (steps !== undefined) params.steps = steps;
    const cfg = number('cfg_scale', 'CFG scale', false, 0, CFG_SCALE_MAX);
    if (cfg !== undefined) params.cfg_scale = cfg;
    const scheduler = choice('scheduler', 'Scheduler', SCHEDULERS);
    if (scheduler !== undefined) params.scheduler = scheduler;
    const style = choice('style', 'Style', STYLES);
    if (style !== undefined) params.style = style;
    const grading = choice('color_grading', 'Color grading', COLOR_GRADINGS);
    if (grading !== undefined) params.color_grading = grading;
    const backend = choice('backend_version', 'Backend version', BACKEND_VERSIONS);
    if (backend !== undefined) params.backend_version = Number(backend);
    if (draft.inpaint_faces && !draft.super_resolution) error('inpaint_faces', 'Inpaint faces needs super resolution: turn that on first.');
    if (draft.hires_fix && !draft.super_resolution) error('hires_fix', 'Hires fix needs super resolution: turn that on first.');
    // Flags are opt-in: sent only when on.
    for (const flag of ['super_resolution', 'inpaint_faces', 'hires_fix', 'face_correct', 'face_swap', 'film_grain'] as const) {
      if (draft[flag]) params[flag] = true;
    }
  }
  if (draft.prompt_expansion) params.prompt_expansion = true;

  // Image to image
  const hasInput = checkImage(draft, 'input', error, files, params);
  const hasMask = checkImage(draft, 'mask', error, files, params);
  if (hasMask && !hasInput) error('mask_image_source', 'A mask only applies to an input image: add one, or remove the mask.');
  if (hasInput) {
    const strength = number('denoising_strength', 'Denoising strength', false, 0, 1);
    if (strength !== undefined) params.denoising_strength = strength;
  }
  const controlnet = choice('controlnet', 'ControlNet', CONTROLNETS);
  if (controlnet !== undefined) {
    if (!hasInput) error('controlnet', 'ControlNet needs an input image to take the structure from.');
    params.controlnet = controlnet;
    const scale = number('controlnet_conditioning_scale', 'Conditioning scale', false, 0);
    if (scale !== undefined) params.controlnet_conditioning_scale = scale;
    if (draft.controlnet_txt2img) params.controlnet_txt2img = true;
  }

  const blocked = issues.some((issue) => issue.severity === 'error');
  return { issues, params: blocked ? undefined : params, files: blocked ? {} : files };
}

/** Checks the input or mask image and records what to send; true when one is set. */
function checkImage(
  draft: PromptDraft,
  which: 'input' | 'mask',
  error: (field: DraftField | null, message: string) => void,
  files: DraftFiles,
  params: PromptCreateParams,
): boolean {
  const source = which === 'input' ? draft.input_image_source : draft.mask_image_source;
  const url = (which === 'input' ? draft.input_image_url : draft.mask_image_url).trim();
  const file = which === 'input' ? draft.input_image_file : draft.mask_image_file;
  const what = which === 'input' ? 'input image' : 'mask image';
  if (source === 'url') {
    const field = which === 'input' ? 'input_image_url' : 'mask_image_url';
    if (url === '') error(field, `Paste the URL of the ${what}.`);
    else if (!isHttpUrl(url)) error(field, `The ${what} URL must start with https:// (or http://).`);
    else if (which === 'input') params.input_image_url = url;
    else params.mask_image_url = url;
    return true;
  }
  if (source === 'file') {
    const field = which === 'input' ? 'input_image_file' : 'mask_image_file';
    if (file === '') error(field, `Choose a workspace file for the ${what}.`);
    else if (which === 'input') files.input_image = file;
    else files.mask_image = file;
    return true;
  }
  return false;
}

export function hasErrors(issues: readonly DraftIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}

// ─── Server errors ───────────────────────────────────────────────────────────────────────────────

/** Server field names that are not draft fields by the same name. */
const SERVER_FIELD_ALIASES: Readonly<Record<string, DraftField>> = {
  input_image: 'input_image_file',
  mask_image: 'mask_image_file',
  image: 'input_image_file',
  width: 'w',
  height: 'h',
  prompt: 'text',
};

/** Fields whose name is an ordinary word: only taken as the subject when a message starts with it. */
const WORD_FIELDS = new Set<DraftField>(['text', 'seed', 'steps', 'style', 'scheduler', 'resolution', 'controlnet', 'w', 'h']);

/** The draft field a server field key names (`num_images`, `prompt[w]`, `input_image`), if any. */
export function draftFieldForServerKey(key: string): DraftField | undefined {
  const bare = key.replace(/^prompt\[(.+)\]$/, '$1').replace(/^prompt\./, '').trim().toLowerCase();
  if ((DRAFT_FIELDS as readonly string[]).includes(bare)) return bare as DraftField;
  return SERVER_FIELD_ALIASES[bare];
}

/**
 * The field a `{"error": "…"}` message is about, e.g. "num_images must be between 1 and 8" or
 * "Seedream accepts num_images between 1 and 4"; undefined when it names none (shown at the top).
 */
export function draftFieldForServerMessage(message: string): DraftField | undefined {
  let best: { field: DraftField; at: number } | undefined;
  const lower = message.toLowerCase();
  for (const field of DRAFT_FIELDS) {
    const at = WORD_FIELDS.has(field) ? (new RegExp(`^${field}\\b`).test(lower) ? 0 : -1) : wordIndex(lower, field);
    // Stryker disable next-line EqualityOperator: two field names never start at the same place, so < and <= agree
    if (at >= 0 && (!best || at < best.at)) best = { field, at };
  }
  if (best) return best.field;
  // Rails-style "Num images must be…": the field name humanized at the start.
  for (const field of DRAFT_FIELDS) {
    if (field.includes('_') && lower.startsWith(field.replace(/_/g, ' '))) return field;
  }
  return undefined;
}

/** Where `word` (a draft field name: letters and underscores) stands as a whole word in `haystack`, or -1. */
function wordIndex(haystack: string, word: string): number {
  return new RegExp(`(?<![a-z0-9_])${word}(?![a-z0-9_])`).exec(haystack)?.index ?? -1;
}

/** A 422's words, in the server's two shapes: `{"error": "…"}` and `{"num_images": ["…"]}`. */
export interface ServerValidationError {
  message: string;
  fields?: Record<string, string[]>;
}

/** Where each of the server's messages goes: next to the field it names, or at the top. Words unchanged. */
export function issuesFromServerError(serverError: ServerValidationError): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const fields = serverError.fields ?? {};
  for (const [key, messages] of Object.entries(fields)) {
    const field = draftFieldForServerKey(key) ?? null;
    for (const message of messages) {
      // At the top the field key is the only clue what the message is about.
      issues.push({ field, message: field === null && key !== 'base' && key !== 'error' ? `${key} ${message}` : message, severity: 'error' });
    }
  }
  if (issues.length === 0) {
    issues.push({ field: draftFieldForServerMessage(serverError.message) ?? null, message: serverError.message, severity: 'error' });
  }
  return issues;
}
