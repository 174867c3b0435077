// What the prompt editor form holds, shared by the webview and the extension host. Pure data: no DOM,
// no `vscode`. Keys are Astria's own `prompt[...]` names, so a server error naming a field finds it.
import type { Prompt, PromptCreateParams } from '../../api/astria/types';

/** Documented values (Astria API docs, 2026-08). The sandbox enforces the same lists. */
export const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '21:9', '9:21', '3:2', '2:3', '5:4', '4:5', '4:3', '3:4'] as const;
export const RESOLUTIONS = ['1K', '2K', '4K'] as const;
export const SCHEDULERS = ['euler', 'euler_a', 'dpm++2m_karras', 'dpm++sde_karras', 'dpm++2m', 'dpm++sde', 'lcm', 'tcd'] as const;
export const STYLES = [
  'Cinematic',
  'Animated',
  'Digital Art',
  'Photographic',
  'Fantasy art',
  'Neonpunk',
  'Enhance',
  'Comic book',
  'Lowpoly',
  'Line art',
] as const;
export const COLOR_GRADINGS = ['Film Velvia', 'Film Portra', 'Ektar'] as const;
export const CONTROLNETS = [
  'composition',
  'reference',
  'segroom',
  'ipadapter',
  'lineart',
  'canny',
  'depth',
  'mlsd',
  'hed',
  'pose',
  'tile',
  'qr',
] as const;
/** `null` (the default, sent as nothing) or 1. */
export const BACKEND_VERSIONS = ['1'] as const;
export const IMAGE_SOURCES = ['none', 'file', 'url'] as const;
export type ImageSource = (typeof IMAGE_SOURCES)[number];

/**
 * The form as typed. Numbers stay strings so "12a" can be shown back with an error instead of being lost;
 * an empty string means "let the server decide" and is not sent.
 */
export interface PromptDraft {
  text: string;
  negative_prompt: string;
  num_images: string;
  aspect_ratio: string;
  resolution: string;
  w: string;
  h: string;
  seed: string;
  steps: string;
  cfg_scale: string;
  scheduler: string;
  style: string;
  color_grading: string;
  film_grain: boolean;
  super_resolution: boolean;
  inpaint_faces: boolean;
  hires_fix: boolean;
  face_correct: boolean;
  face_swap: boolean;
  prompt_expansion: boolean;
  backend_version: string;
  input_image_source: ImageSource;
  input_image_url: string;
  /** A workspace file as a `file:` (or remote) URI string; the host checks it before reading it. */
  input_image_file: string;
  mask_image_source: ImageSource;
  mask_image_url: string;
  mask_image_file: string;
  denoising_strength: string;
  controlnet: string;
  controlnet_conditioning_scale: string;
  controlnet_txt2img: boolean;
}

export type DraftField = keyof PromptDraft;
export type TextField = { [K in DraftField]: PromptDraft[K] extends string ? K : never }[DraftField];
export type FlagField = { [K in DraftField]: PromptDraft[K] extends boolean ? K : never }[DraftField];

export const FLAG_FIELDS: readonly FlagField[] = [
  'film_grain',
  'super_resolution',
  'inpaint_faces',
  'hires_fix',
  'face_correct',
  'face_swap',
  'prompt_expansion',
  'controlnet_txt2img',
];

/** Sensible defaults: 4 images (allowed by every model), everything else left to the server. */
export function defaultDraft(): PromptDraft {
  return {
    text: '',
    negative_prompt: '',
    num_images: '4',
    aspect_ratio: '1:1',
    resolution: '',
    w: '',
    h: '',
    seed: '',
    steps: '',
    cfg_scale: '',
    scheduler: '',
    style: '',
    color_grading: '',
    film_grain: false,
    super_resolution: false,
    inpaint_faces: false,
    hires_fix: false,
    face_correct: false,
    face_swap: false,
    prompt_expansion: false,
    backend_version: '',
    input_image_source: 'none',
    input_image_url: '',
    input_image_file: '',
    mask_image_source: 'none',
    mask_image_url: '',
    mask_image_file: '',
    denoising_strength: '',
    controlnet: '',
    controlnet_conditioning_scale: '',
    controlnet_txt2img: false,
  };
}

export const DRAFT_FIELDS: readonly DraftField[] = Object.keys(defaultDraft()) as DraftField[];
const IMAGE_SOURCE_FIELDS = new Set<DraftField>(['input_image_source', 'mask_image_source']);

/** Longest text field accepted from anywhere (webview, saved state): generous, but bounded. */
export const MAX_FIELD_LENGTH = 20_000;

/**
 * A complete draft from anything (saved state, a message, an old version): known fields of the right
 * type are kept, the rest take their defaults. Never throws.
 */
export function normalizeDraft(value: unknown): PromptDraft {
  const draft = defaultDraft();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return draft;
  const source = value as Record<string, unknown>;
  const target = draft as unknown as Record<string, unknown>;
  for (const field of DRAFT_FIELDS) {
    const raw = source[field];
    const fallback = target[field];
    if (IMAGE_SOURCE_FIELDS.has(field)) {
      if (typeof raw === 'string' && (IMAGE_SOURCES as readonly string[]).includes(raw)) target[field] = raw;
    } else if (typeof fallback === 'boolean') {
      if (typeof raw === 'boolean') target[field] = raw;
    } else if (typeof raw === 'string') {
      target[field] = raw.slice(0, MAX_FIELD_LENGTH);
    } else if (Number.isFinite(raw)) {
      target[field] = String(raw);
    }
  }
  return draft;
}

/** The options a named preset keeps: everything except the prompt text and the images. */
export type PresetOptions = Omit<
  PromptDraft,
  'text' | 'input_image_source' | 'input_image_url' | 'input_image_file' | 'mask_image_source' | 'mask_image_url' | 'mask_image_file'
>;

const NOT_IN_PRESETS = new Set<DraftField>([
  'text',
  'input_image_source',
  'input_image_url',
  'input_image_file',
  'mask_image_source',
  'mask_image_url',
  'mask_image_file',
]);

export function presetOptions(draft: PromptDraft): PresetOptions {
  const options: Record<string, unknown> = {};
  for (const field of DRAFT_FIELDS) if (!NOT_IN_PRESETS.has(field)) options[field] = draft[field];
  return options as unknown as PresetOptions;
}

/** Applies a preset's options; the text and the images stay as they are. */
export function applyPreset(draft: PromptDraft, options: unknown): PromptDraft {
  const normalized = presetOptions(normalizeDraft(options));
  return { ...draft, ...normalized };
}

/** Same options and text (for "was this exact draft just submitted?"). */
export function sameDraft(a: PromptDraft, b: PromptDraft): boolean {
  return DRAFT_FIELDS.every((field) => a[field] === b[field]);
}

/** The fields of A and of B, each optional and nullable, of either's type (a server may send a number as "3.0"). */
type EitherFields<A, B> = { [K in keyof A | keyof B]?: (K extends keyof A ? A[K] : never) | (K extends keyof B ? B[K] : never) | null };

export type PromptLike = EitherFields<Omit<Prompt, 'id' | 'tune_id' | 'images' | 'created_at'>, PromptCreateParams>;

/** A draft with a saved prompt's parameters (unknown or missing ones take the form's defaults). */
export function draftFromPrompt(prompt: PromptLike): PromptDraft {
  const draft = defaultDraft();
  const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, MAX_FIELD_LENGTH) : '');
  const number = (value: unknown): string =>
    Number.isFinite(value) ? String(value) : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? String(Number(value)) : '';
  const flag = (value: unknown): boolean => value === true;
  draft.text = text(prompt.text);
  draft.negative_prompt = text(prompt.negative_prompt);
  draft.num_images = number(prompt.num_images) || draft.num_images;
  // A prompt sized by w/h has no aspect ratio; the form's default ratio must not sneak back in.
  draft.aspect_ratio = text(prompt.aspect_ratio) || (prompt.w || prompt.h ? '' : draft.aspect_ratio);
  draft.resolution = text(prompt.resolution);
  draft.w = number(prompt.w);
  draft.h = number(prompt.h);
  draft.seed = number(prompt.seed);
  draft.steps = number(prompt.steps);
  draft.cfg_scale = number(prompt.cfg_scale);
  draft.scheduler = text(prompt.scheduler);
  draft.style = text(prompt.style);
  draft.color_grading = text(prompt.color_grading);
  draft.film_grain = flag(prompt.film_grain);
  draft.super_resolution = flag(prompt.super_resolution);
  draft.inpaint_faces = flag(prompt.inpaint_faces);
  draft.hires_fix = flag(prompt.hires_fix);
  draft.face_correct = flag(prompt.face_correct);
  draft.face_swap = flag(prompt.face_swap);
  draft.prompt_expansion = flag(prompt.prompt_expansion);
  draft.backend_version = number(prompt.backend_version) === '1' ? '1' : '';
  // An uploaded file comes back as a URL: reusing it means sending that URL.
  const inputUrl = text(prompt.input_image_url) || httpUrl(prompt.input_image);
  if (inputUrl) {
    draft.input_image_source = 'url';
    draft.input_image_url = inputUrl;
  }
  const maskUrl = text(prompt.mask_image_url) || httpUrl(prompt.mask_image);
  if (maskUrl) {
    draft.mask_image_source = 'url';
    draft.mask_image_url = maskUrl;
  }
  draft.denoising_strength = number(prompt.denoising_strength);
  draft.controlnet = text(prompt.controlnet);
  draft.controlnet_conditioning_scale = number(prompt.controlnet_conditioning_scale);
  draft.controlnet_txt2img = flag(prompt.controlnet_txt2img);
  return draft;
}

function httpUrl(value: unknown): string {
  return typeof value === 'string' && /^https?:\/\//i.test(value) ? value.slice(0, MAX_FIELD_LENGTH) : '';
}
