// The sandbox's state: tunes, prompts, packs, uploads. Progress is never driven by timers: each record
// stores when things happen (in real milliseconds, already divided by the speed knob), and the JSON
// is computed from those timestamps at read time.
import type { Upload } from './body';

export const ASTRIA_KEY = 'sd_sandbox_demo_key';
export const CARTESIA_KEY = 'sk_car_sandbox_demo';

/** Public base tunes. Fetchable by id and listed in every scope (is_api: false, name: null, never expire). */
export const BASE_TUNES = {
  sdxl: 666678,
  realisticVision: 690204,
  flux: 1504944,
  /** Gemini-like: the only model that accepts `resolution`. */
  gemini: 3000001,
  /** Seedream-like: 1–4 images per prompt. */
  seedream: 3000002,
} as const;

/**
 * `rich` (default): everything Astria's clients have been seen to use (keyset `before_id`, `limit` up to
 * 120, `title` filter, idempotent titles, `auto_extend`/`liked`/… fields, field-keyed 422s).
 * `documented`: only what Astria's public docs promise (see docs/ARCHITECTURE.md, "Sandbox").
 */
export type SandboxProfile = 'rich' | 'documented';
export const PROFILES: readonly SandboxProfile[] = ['rich', 'documented'];

/** Fields present in the rich profile's JSON that the public docs never promise. */
const UNDOCUMENTED_TUNE_FIELDS = ['auto_extend', 'preset', 'user_error'] as const;
const UNDOCUMENTED_PROMPT_FIELDS = ['liked', 'prompt_likes_count', 'user_error'] as const;

export const DAY_MS = 86_400_000;
const EXPIRY_MS = 30 * DAY_MS;

/** Durations at speed 1. */
export const TIMING = { tunePendingMs: 2_000, tuneTrainingMs: 20_000, promptMs: 4_000 } as const;

export interface StoredTune {
  id: number;
  title: string;
  name: string | null;
  workspaceId: string | null;
  isBase: boolean;
  token: string | null;
  baseTuneId: number | null;
  steps: number | null;
  faceCrop: boolean | null;
  trainingFaceCorrect: boolean | null;
  branch: string;
  modelType: string | null;
  callback: string | null;
  autoExtend: boolean;
  preset: string | null;
  characteristics: Record<string, string> | null;
  createdAt: number;
  updatedAt: number;
  /** When training starts / finished (may lie in the future); null = never. */
  startAt: number | null;
  trainedAt: number | null;
  userError: string | null;
  /** Training images given as URLs; served as generated PNGs from the CDN. */
  imageUrlCount: number;
  uploadIds: number[];
  costMc: number | null;
}

export interface PromptParams {
  text: string;
  negative_prompt: string | null;
  num_images: number;
  seed: number | null;
  steps: number | null;
  cfg_scale: number | null;
  aspect_ratio: string | null;
  resolution: string | null;
  w: number | null;
  h: number | null;
  scheduler: string | null;
  super_resolution: boolean;
  inpaint_faces: boolean;
  hires_fix: boolean;
  face_correct: boolean;
  face_swap: boolean;
  style: string | null;
  color_grading: string | null;
  film_grain: boolean;
  backend_version: number | null;
  prompt_expansion: boolean;
  callback: string | null;
  input_image_url: string | null;
  mask_image_url: string | null;
  controlnet: string | null;
  denoising_strength: number | null;
  controlnet_conditioning_scale: number | null;
  controlnet_txt2img: boolean;
}

export interface StoredPrompt {
  id: number;
  tuneId: number;
  workspaceId: string | null;
  params: PromptParams;
  createdAt: number;
  updatedAt: number;
  /** Generation starts at max(queuedAt, tune trained) and takes genMs. */
  queuedAt: number;
  genMs: number;
  userError: string | null;
  liked: boolean;
  likes: number;
  inputUploadId: number | null;
  maskUploadId: number | null;
  packId: number | null;
  /** Large incompressible images of about this many bytes each (seed-gallery's `imageBytes`), else small ones. */
  imageBytes?: number;
}

export interface PackPrompt {
  id: number;
  text: string;
  numImages: number;
}

export interface StoredPack {
  id: number;
  own: boolean;
  baseTuneId: number | null;
  slug: string;
  title: string;
  token: string;
  modelType: string | null;
  mainClassName: string;
  costMcHash: Record<string, number>;
  createdAt: number;
  promptsPerClass: Record<string, PackPrompt[]>;
}

export type Scope = string | undefined; // undefined = personal, 'all' = every workspace

export function iso(ms: number | null | undefined): string | null {
  return ms == null ? null : new Date(ms).toISOString();
}

export function defaultPromptParams(text: string): PromptParams {
  return {
    text,
    negative_prompt: null,
    num_images: 4,
    seed: null,
    steps: null,
    cfg_scale: null,
    aspect_ratio: '1:1',
    resolution: null,
    w: null,
    h: null,
    scheduler: null,
    super_resolution: false,
    inpaint_faces: false,
    hires_fix: false,
    face_correct: false,
    face_swap: false,
    style: null,
    color_grading: null,
    film_grain: false,
    backend_version: null,
    prompt_expansion: false,
    callback: null,
    input_image_url: null,
    mask_image_url: null,
    controlnet: null,
    denoising_strength: null,
    controlnet_conditioning_scale: null,
    controlnet_txt2img: false,
  };
}

export class Store {
  apiUrl = '';
  cdnUrl = '';
  tunes = new Map<number, StoredTune>();
  prompts = new Map<number, StoredPrompt>();
  packs: StoredPack[] = [];
  uploads = new Map<number, Upload>();
  nextTuneId = 4_200_001;
  nextPromptId = 22_000_001;
  nextUploadId = 1;
  profile: SandboxProfile = 'rich';
  /** Every list answers its first page whatever `before_id`, `limit` and `offset` say (survives reset). */
  ignorePaging = false;

  constructor(public speed: number) {}

  get documented(): boolean {
    return this.profile === 'documented';
  }

  clear(): void {
    this.tunes.clear();
    this.prompts.clear();
    this.packs = [];
    this.uploads.clear();
    this.nextTuneId = 4_200_001;
    this.nextPromptId = 22_000_001;
  }

  // ---- scoping -------------------------------------------------------------------------------

  visible(owner: { workspaceId: string | null }, scope: Scope, isBase = false): boolean {
    return isBase || scope === 'all' || owner.workspaceId === (scope ?? null);
  }

  findTune(id: number, scope: Scope): StoredTune | undefined {
    const tune = this.tunes.get(id);
    return tune && this.visible(tune, scope, tune.isBase) ? tune : undefined;
  }

  findPrompt(id: number, scope: Scope): StoredPrompt | undefined {
    const prompt = this.prompts.get(id);
    return prompt && this.visible(prompt, scope) ? prompt : undefined;
  }

  // ---- derived state -------------------------------------------------------------------------

  tuneFinishedAt(tune: StoredTune): number | null {
    return tune.userError ? null : tune.trainedAt;
  }

  supportsResolution(tune: StoredTune): boolean {
    return tune.id === BASE_TUNES.gemini || tune.baseTuneId === BASE_TUNES.gemini;
  }

  maxImages(tune: StoredTune): number {
    return tune.id === BASE_TUNES.seedream || tune.baseTuneId === BASE_TUNES.seedream ? 4 : 8;
  }

  promptTimes(prompt: StoredPrompt): { start: number | null; done: number | null } {
    const tune = this.tunes.get(prompt.tuneId);
    const trained = tune ? this.tuneFinishedAt(tune) : null;
    if (trained == null) return { start: null, done: null };
    const start = Math.max(prompt.queuedAt, trained);
    return { start, done: start + prompt.genMs };
  }

  promptDone(prompt: StoredPrompt, now: number): boolean {
    const { done } = this.promptTimes(prompt);
    return !prompt.userError && done != null && done <= now;
  }

  expiresAt(tune: StoredTune, now: number): number | null {
    if (tune.isBase || tune.trainedAt == null || tune.trainedAt > now || tune.userError) return null;
    let expires = tune.trainedAt + EXPIRY_MS;
    if (tune.autoExtend) while (expires <= now) expires += EXPIRY_MS;
    return expires;
  }

  // ---- speed ---------------------------------------------------------------------------------

  /** Re-times everything still in the future so it proceeds at the new speed from now on. */
  setSpeed(speed: number, now = Date.now()): void {
    if (!(speed > 0) || speed === this.speed) return;
    const ratio = this.speed / speed;
    const rescale = (t: number | null): number | null => (t != null && t > now ? now + (t - now) * ratio : t);
    const doneBefore = new Map<number, number>();
    for (const prompt of this.prompts.values()) {
      const { done } = this.promptTimes(prompt);
      if (done != null && done > now) doneBefore.set(prompt.id, done);
    }
    for (const tune of this.tunes.values()) {
      tune.startAt = rescale(tune.startAt);
      tune.trainedAt = rescale(tune.trainedAt);
    }
    for (const prompt of this.prompts.values()) {
      const done = doneBefore.get(prompt.id);
      if (done != null) {
        const { start } = this.promptTimes(prompt);
        if (start != null) prompt.genMs = now + (done - now) * ratio - start;
      } else if (this.promptTimes(prompt).done == null) {
        prompt.genMs *= ratio;
      }
    }
    this.speed = speed;
  }

  // ---- JSON ----------------------------------------------------------------------------------

  tuneUrl(id: number): string {
    return `${this.apiUrl}/tunes/${id}.json`;
  }

  uploadUrl(upload: Upload): string {
    return `${this.cdnUrl}/uploads/${upload.id}/${encodeURIComponent(upload.filename)}`;
  }

  /** The tune as the current profile answers it. */
  tuneJson(tune: StoredTune, now: number): Record<string, unknown> {
    const full = this.richTuneJson(tune, now);
    if (this.documented) for (const field of UNDOCUMENTED_TUNE_FIELDS) delete full[field];
    return full;
  }

  /** Every field, whatever the profile (the admin API shows hidden state to tests). */
  richTuneJson(tune: StoredTune, now: number): Record<string, unknown> {
    const started = tune.startAt != null && tune.startAt <= now ? tune.startAt : null;
    const trained = !tune.userError && tune.trainedAt != null && tune.trainedAt <= now ? tune.trainedAt : null;
    const training = started != null && trained == null && !tune.userError;
    const downloadable = trained != null && !tune.isBase && !(tune.branch === 'flux1' && tune.modelType === 'lora');
    const ckpt = downloadable ? `${this.cdnUrl}/ckpt/${tune.id}.safetensors?X-Amz-Expires=3600` : null;
    const origImages = [
      ...tune.uploadIds.flatMap((id) => {
        const upload = this.uploads.get(id);
        return upload ? [this.uploadUrl(upload)] : [];
      }),
      ...Array.from({ length: tune.imageUrlCount }, (_, n) => `${this.cdnUrl}/training/${tune.id}-${n + 1}.png`),
    ];
    return {
      id: tune.id,
      title: tune.title,
      name: tune.name,
      is_api: !tune.isBase,
      token: tune.token,
      base_tune_id: tune.baseTuneId,
      args: null,
      steps: tune.steps,
      face_crop: tune.faceCrop,
      training_face_correct: tune.trainingFaceCorrect,
      ckpt_url: ckpt,
      ckpt_urls: ckpt ? [ckpt] : [],
      eta: training || trained != null ? iso(tune.trainedAt) : null,
      trained_at: iso(trained),
      started_training_at: iso(started),
      expires_at: iso(this.expiresAt(tune, now)),
      created_at: iso(tune.createdAt),
      updated_at: iso(Math.max(tune.updatedAt, trained ?? started ?? 0)),
      branch: tune.branch,
      model_type: tune.modelType,
      callback: tune.callback,
      auto_extend: tune.autoExtend,
      preset: tune.preset,
      characteristics: tune.characteristics,
      url: this.tuneUrl(tune.id),
      orig_images: origImages,
      cost_mc: tune.costMc,
      user_error: tune.userError,
    };
  }

  promptImages(prompt: StoredPrompt): string[] {
    return Array.from({ length: prompt.params.num_images }, (_, n) => `${this.cdnUrl}/images/${prompt.id}-${n + 1}.png`);
  }

  promptJson(prompt: StoredPrompt, now: number): Record<string, unknown> {
    const full = this.richPromptJson(prompt, now);
    if (this.documented) for (const field of UNDOCUMENTED_PROMPT_FIELDS) delete full[field];
    return full;
  }

  richPromptJson(prompt: StoredPrompt, now: number): Record<string, unknown> {
    const tune = this.tunes.get(prompt.tuneId);
    const { start, done } = this.promptTimes(prompt);
    const finished = this.promptDone(prompt, now);
    const p = prompt.params;
    const upload = (id: number | null) => {
      const found = id == null ? undefined : this.uploads.get(id);
      return found ? this.uploadUrl(found) : null;
    };
    return {
      id: prompt.id,
      tune_id: prompt.tuneId,
      text: p.text,
      negative_prompt: p.negative_prompt,
      num_images: p.num_images,
      seed: p.seed,
      steps: p.steps,
      // Astria sends cfg_scale as a decimal string ("3.0"); clients must cope.
      cfg_scale: p.cfg_scale == null ? null : p.cfg_scale.toFixed(1),
      aspect_ratio: p.aspect_ratio,
      resolution: p.resolution,
      w: p.w,
      h: p.h,
      scheduler: p.scheduler,
      super_resolution: p.super_resolution,
      inpaint_faces: p.inpaint_faces,
      hires_fix: p.hires_fix,
      face_correct: p.face_correct,
      face_swap: p.face_swap,
      style: p.style,
      color_grading: p.color_grading,
      film_grain: p.film_grain,
      backend_version: p.backend_version,
      prompt_expansion: p.prompt_expansion,
      input_image: upload(prompt.inputUploadId),
      input_image_url: p.input_image_url,
      mask_image: upload(prompt.maskUploadId),
      mask_image_url: p.mask_image_url,
      controlnet: p.controlnet,
      denoising_strength: p.denoising_strength,
      controlnet_conditioning_scale: p.controlnet_conditioning_scale,
      controlnet_txt2img: p.controlnet_txt2img,
      callback: p.callback,
      images: finished ? this.promptImages(prompt) : [],
      started_training_at: start != null && start <= now ? iso(start) : null,
      trained_at: finished ? iso(done) : null,
      created_at: iso(prompt.createdAt),
      updated_at: iso(Math.max(prompt.updatedAt, finished && done != null ? done : 0)),
      url: `${this.apiUrl}/tunes/${prompt.tuneId}/prompts/${prompt.id}.json`,
      user_error: prompt.userError,
      liked: prompt.liked,
      prompt_likes_count: prompt.likes,
      cost_mc: p.num_images * 25,
      tune: tune ? { id: tune.id, title: tune.title } : null,
    };
  }

  packJson(pack: StoredPack): Record<string, unknown> {
    return {
      id: pack.id,
      base_tune_id: pack.baseTuneId,
      slug: pack.slug,
      title: pack.title,
      token: pack.token,
      model_type: pack.modelType,
      main_class_name: pack.mainClassName,
      cost_mc_hash: pack.costMcHash,
      created_at: iso(pack.createdAt),
      updated_at: iso(pack.createdAt),
    };
  }

  packDetailJson(pack: StoredPack): Record<string, unknown> {
    const perClass: Record<string, unknown[]> = {};
    for (const [cls, prompts] of Object.entries(pack.promptsPerClass)) {
      perClass[cls] = prompts.map((p) => ({
        id: p.id,
        text: p.text,
        num_images: p.numImages,
        images: Array.from({ length: p.numImages }, (_, n) => `${this.cdnUrl}/pack-images/${p.id}-${n + 1}.png`),
      }));
    }
    return {
      ...this.packJson(pack),
      cover_url: `${this.cdnUrl}/pack-images/${pack.id}-cover.png`,
      costs: Object.fromEntries(Object.entries(pack.costMcHash).map(([cls, mc]) => [cls, { cost_mc: mc }])),
      prompts_per_class: perClass,
    };
  }

  // ---- creation helpers ----------------------------------------------------------------------

  /** Schedules a new tune from `now`: pending → training → trained, scaled by speed. */
  schedule(tune: StoredTune, now: number): void {
    const factor = tune.branch === 'fast' ? 5 : 1; // mock mode trains quickly
    tune.startAt = now + TIMING.tunePendingMs / factor / this.speed;
    tune.trainedAt = tune.startAt + TIMING.tuneTrainingMs / factor / this.speed;
  }

  addPrompt(fields: Omit<StoredPrompt, 'id' | 'genMs' | 'queuedAt' | 'updatedAt'> & { genMs?: number }): StoredPrompt {
    const prompt: StoredPrompt = {
      ...fields,
      id: this.nextPromptId++,
      queuedAt: fields.createdAt,
      updatedAt: fields.createdAt,
      genMs: fields.genMs ?? TIMING.promptMs / this.speed,
    };
    if (prompt.params.seed == null) prompt.params.seed = Math.imul(prompt.id, 2654435761) >>> 0;
    this.prompts.set(prompt.id, prompt);
    return prompt;
  }

  deleteTune(id: number): void {
    this.tunes.delete(id);
    for (const prompt of [...this.prompts.values()]) if (prompt.tuneId === id) this.prompts.delete(prompt.id);
  }
}
