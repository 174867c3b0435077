// Coercion of form strings ("true", "4") and Astria's documented validation rules. Tune errors answer
// in the field-keyed shape ({"images": ["must contain at least one image"]}), prompt errors in the
// {"error": "..."} shape: both occur in the wild and clients must show either.
import { isUploadRef, type Params, type UploadRef } from './body';
import { HttpError } from './http';
import { BASE_TUNES, type PromptParams, type Store, type StoredTune } from './model';

export const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '21:9', '9:21', '3:2', '2:3', '5:4', '4:5', '4:3', '3:4'];
export const RESOLUTIONS = ['1K', '2K', '4K'];
export const SCHEDULERS = ['euler', 'euler_a', 'dpm++2m_karras', 'dpm++sde_karras', 'dpm++2m', 'dpm++sde', 'lcm', 'tcd'];
export const STYLES = [
  'Cinematic', 'Animated', 'Digital Art', 'Photographic', 'Fantasy art', 'Neonpunk', 'Enhance', 'Comic book',
  'Lowpoly', 'Line art',
];
export const COLOR_GRADINGS = ['Film Velvia', 'Film Portra', 'Ektar'];
export const CONTROLNETS = [
  'composition', 'reference', 'segroom', 'ipadapter', 'lineart', 'canny', 'depth', 'mlsd', 'hed', 'pose', 'tile', 'qr',
];
export const BRANCHES = ['flux1', 'sd15', 'sdxl1', 'fast'];
export const MODEL_TYPES = ['lora', 'pti', 'faceid'];
export const PRESETS = ['flux-lora-focus', 'flux-lora-portrait', 'flux-lora-fast'];

/** A value that could not be coerced; the caller decides the error shape. */
class CoercionError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

const blank = (v: unknown) => v === undefined || v === null || v === '';

export function str(source: Params, field: string): string | null {
  const v = source[field];
  if (blank(v)) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new CoercionError(field, 'must be a string');
}

export function num(source: Params, field: string, integer = false): number | null {
  const v = source[field];
  if (blank(v)) return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new CoercionError(field, 'must be a number');
  if (integer && !Number.isInteger(n)) throw new CoercionError(field, 'must be a whole number');
  return n;
}

export function bool(source: Params, field: string): boolean | null {
  const v = source[field];
  if (blank(v)) return null;
  if (typeof v === 'boolean') return v;
  const text = String(v).toLowerCase();
  if (['true', '1', 'on', 'yes', 't'].includes(text)) return true;
  if (['false', '0', 'off', 'no', 'f'].includes(text)) return false;
  throw new CoercionError(field, 'must be true or false');
}

/** Accepts an object or a JSON string of one (multipart sends `tune[characteristics]={"a":"b"}`). */
function characteristics(source: Params): Record<string, string> | null {
  let v = source.characteristics;
  if (blank(v)) return null;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      throw new CoercionError('characteristics', 'must be a JSON object');
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CoercionError('characteristics', 'must be a JSON object');
  return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, String(val)]));
}

function stringList(v: unknown): string[] {
  if (blank(v)) return [];
  const list = Array.isArray(v) ? v : typeof v === 'object' && v !== null ? Object.values(v) : [v];
  return list.filter((x): x is string => typeof x === 'string' && x !== '');
}

function uploadList(v: unknown): UploadRef[] {
  const list = Array.isArray(v) ? v : v == null ? [] : [v];
  return list.filter(isUploadRef);
}

/** Nested `{"tune": {...}}` or, leniently, the fields at top level. */
export function nested(body: Params, key: string): Params {
  const inner = body[key];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Params) : body;
}

// ---- prompts ----------------------------------------------------------------------------------

function fail(message: string): never {
  throw new HttpError(422, { error: message });
}

function oneOf(value: string | null, allowed: string[], field: string): void {
  if (value != null && !allowed.includes(value)) fail(`${field} "${value}" is not supported. Use one of: ${allowed.join(', ')}`);
}

function range(value: number | null, min: number, max: number, field: string): void {
  if (value != null && (value < min || value > max)) fail(`${field} must be between ${min} and ${max}`);
}

/** Validates prompt params for `tune`; `base` supplies values for duplicates. Throws 422 {"error"}. */
export function promptParams(raw: Params, tune: StoredTune, store: Store, base: PromptParams): PromptParams {
  try {
    const pick = <T>(value: T | null, fallback: T): T => (value === null ? fallback : value);
    const has = (field: string) => field in raw;
    const p: PromptParams = { ...base };
    const strings = [
      'text', 'negative_prompt', 'aspect_ratio', 'resolution', 'scheduler', 'style', 'color_grading', 'callback',
      'input_image_url', 'mask_image_url', 'controlnet',
    ] as const;
    for (const f of strings) if (has(f)) (p as unknown as Record<string, unknown>)[f] = str(raw, f);
    const numbers = ['seed', 'steps', 'w', 'h', 'backend_version'] as const;
    for (const f of numbers) if (has(f)) p[f] = num(raw, f, true);
    const floats = ['cfg_scale', 'denoising_strength', 'controlnet_conditioning_scale'] as const;
    for (const f of floats) if (has(f)) p[f] = num(raw, f);
    const flags = [
      'super_resolution', 'inpaint_faces', 'hires_fix', 'face_correct', 'face_swap', 'film_grain', 'prompt_expansion',
      'controlnet_txt2img',
    ] as const;
    for (const f of flags) if (has(f)) p[f] = pick(bool(raw, f), false);
    if (has('num_images')) p.num_images = pick(num(raw, 'num_images', true), base.num_images);

    if (!p.text || p.text.trim() === '') fail("Text can't be blank");
    const max = store.maxImages(tune);
    if (p.num_images < 1 || p.num_images > max) {
      fail(max === 4 ? 'Seedream accepts num_images between 1 and 4' : 'num_images must be between 1 and 8');
    }
    for (const f of ['w', 'h'] as const) {
      const v = p[f];
      if (v != null && (v <= 0 || v % 8 !== 0)) fail(`${f} must be a positive multiple of 8 (got ${v})`);
    }
    if (p.resolution != null) {
      if (!store.supportsResolution(tune)) {
        fail(`resolution is not supported by this model; only the Gemini base tune (${BASE_TUNES.gemini}) accepts it`);
      }
      oneOf(p.resolution, RESOLUTIONS, 'resolution');
    }
    if (p.inpaint_faces && !p.super_resolution) fail('inpaint_faces requires super_resolution to be enabled');
    if (p.hires_fix && !p.super_resolution) fail('hires_fix requires super_resolution to be enabled');
    oneOf(p.aspect_ratio, ASPECT_RATIOS, 'aspect_ratio');
    range(p.cfg_scale, 0, 15, 'cfg_scale');
    range(p.steps, 0, 50, 'steps');
    range(p.denoising_strength, 0, 1, 'denoising_strength');
    range(p.seed, 0, 2 ** 32, 'seed');
    oneOf(p.scheduler, SCHEDULERS, 'scheduler');
    oneOf(p.style, STYLES, 'style');
    oneOf(p.color_grading, COLOR_GRADINGS, 'color_grading');
    oneOf(p.controlnet, CONTROLNETS, 'controlnet');
    if (p.backend_version != null && p.backend_version !== 0 && p.backend_version !== 1) {
      fail('backend_version must be empty or 1');
    }
    return p;
  } catch (error) {
    if (error instanceof CoercionError) fail(error.message);
    throw error;
  }
}

export function promptFiles(raw: Params): { input: number | null; mask: number | null } {
  return {
    input: uploadList(raw.input_image)[0]?.uploadId ?? null,
    mask: uploadList(raw.mask_image)[0]?.uploadId ?? null,
  };
}

// ---- tunes ------------------------------------------------------------------------------------

export interface TuneInput {
  title: string;
  name: string;
  branch: string;
  modelType: string | null;
  baseTuneId: number | null;
  token: string;
  steps: number | null;
  faceCrop: boolean | null;
  trainingFaceCorrect: boolean | null;
  callback: string | null;
  autoExtend: boolean;
  preset: string | null;
  characteristics: Record<string, string> | null;
  imageUrls: string[];
  uploadIds: number[];
  prompts: Params[];
}

type FieldErrors = Record<string, string[]>;

function addError(errors: FieldErrors, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

/** Validates `tune[...]` for creation; throws 422 with field-keyed errors. */
export function tuneInput(raw: Params, store: Store): TuneInput {
  const errors: FieldErrors = {};
  const read = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof CoercionError) {
        addError(errors, error.field, error.problem);
        return fallback;
      }
      throw error;
    }
  };
  const title = read(() => str(raw, 'title'), null);
  const name = read(() => str(raw, 'name'), null);
  const baseTuneId = read(() => num(raw, 'base_tune_id', true), null);
  const base = baseTuneId == null ? undefined : store.tunes.get(baseTuneId);
  let branch = read(() => str(raw, 'branch'), null) ?? base?.branch ?? 'sd15';
  let modelType = read(() => str(raw, 'model_type'), null);
  const preset = read(() => str(raw, 'preset'), null);
  const imageUrls = stringList(raw.image_urls);
  const uploadIds = uploadList(raw.images).map((ref) => ref.uploadId);

  if (!title || title.trim() === '') addError(errors, 'title', "can't be blank");
  if (!name || name.trim() === '') addError(errors, 'name', "can't be blank");
  if (imageUrls.length === 0 && uploadIds.length === 0) addError(errors, 'images', 'must contain at least one image');
  if (baseTuneId != null && !base) addError(errors, 'base_tune_id', `${baseTuneId} is not a tune you can train on`);
  if (!BRANCHES.includes(branch)) {
    addError(errors, 'branch', `is not one of ${BRANCHES.join(', ')}`);
    branch = 'sd15';
  }
  if (modelType != null && !MODEL_TYPES.includes(modelType)) addError(errors, 'model_type', `is not one of ${MODEL_TYPES.join(', ')}`);
  if (preset != null && !PRESETS.includes(preset)) addError(errors, 'preset', `is not one of ${PRESETS.join(', ')}`);
  if (branch === 'sdxl1') modelType = 'pti'; // documented: SDXL ignores model_type

  const input: TuneInput = {
    title: title ?? '',
    name: name ?? '',
    branch,
    modelType,
    baseTuneId,
    token: read(() => str(raw, 'token'), null) ?? (branch === 'sd15' ? 'sks' : 'ohwx'),
    steps: read(() => num(raw, 'steps', true), null),
    faceCrop: read(() => bool(raw, 'face_crop'), null),
    trainingFaceCorrect: read(() => bool(raw, 'training_face_correct'), null),
    callback: read(() => str(raw, 'callback'), null),
    autoExtend: read(() => bool(raw, 'auto_extend'), null) ?? false,
    preset,
    characteristics: read(() => characteristics(raw), null),
    imageUrls,
    uploadIds,
    prompts: (Array.isArray(raw.prompts_attributes) ? raw.prompts_attributes : Object.values(raw.prompts_attributes ?? {}))
      .filter((p): p is Params => typeof p === 'object' && p !== null),
  };
  if (Object.keys(errors).length > 0) throw new HttpError(422, errors);
  return input;
}

/** Validates `tune[...]` for PATCH. */
export function tuneUpdate(raw: Params): Partial<Pick<StoredTune, 'title' | 'name' | 'autoExtend' | 'characteristics'>> {
  const errors: FieldErrors = {};
  const update: Partial<Pick<StoredTune, 'title' | 'name' | 'autoExtend' | 'characteristics'>> = {};
  try {
    if ('title' in raw) {
      const title = str(raw, 'title');
      if (!title || !title.trim()) addError(errors, 'title', "can't be blank");
      else update.title = title;
    }
    if ('name' in raw) {
      const name = str(raw, 'name');
      if (!name || !name.trim()) addError(errors, 'name', "can't be blank");
      else update.name = name;
    }
    if ('auto_extend' in raw) update.autoExtend = bool(raw, 'auto_extend') ?? false;
    if ('characteristics' in raw) update.characteristics = characteristics(raw);
  } catch (error) {
    if (!(error instanceof CoercionError)) throw error;
    addError(errors, error.field, error.problem);
  }
  if (Object.keys(errors).length > 0) throw new HttpError(422, errors);
  return update;
}

/** `{{key}}` in prompt text is replaced by the tune's characteristics. Unknown keys stay as typed. */
export function applyCharacteristics(text: string, chars: Record<string, string> | null): string {
  if (!chars) return text;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => chars[key] ?? whole);
}
