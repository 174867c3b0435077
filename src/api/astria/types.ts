// Shapes of Astria's JSON, as documented and as seen in the wild. Optional where sources disagree.

export type Branch = 'flux1' | 'sd15' | 'sdxl1' | 'fast';
export type ModelType = 'lora' | 'pti' | 'faceid' | null;

export interface Tune {
  id: number;
  title: string;
  /** The class (man, woman, dog…); null on base tunes. */
  name: string | null;
  is_api?: boolean;
  token?: string | null;
  base_tune_id?: number | null;
  args?: unknown;
  steps?: number | null;
  face_crop?: boolean | null;
  training_face_correct?: boolean | null;
  ckpt_url?: string | null;
  ckpt_urls?: string[];
  eta?: string | null;
  trained_at?: string | null;
  started_training_at?: string | null;
  expires_at?: string | null;
  created_at: string;
  updated_at?: string;
  branch?: string | null;
  model_type?: ModelType | string;
  callback?: string | null;
  url?: string;
  orig_images?: string[];
  cost_mc?: number | null;
  /** Undocumented: absent on servers that follow the public docs; undefined = unknown, never false. */
  auto_extend?: boolean;
  characteristics?: Record<string, string> | null;
  /** Undocumented on tunes: may be absent. */
  user_error?: string | null;
  /** Undocumented: may be absent. */
  preset?: string | null;
}

export interface Prompt {
  id: number;
  tune_id: number;
  text: string;
  negative_prompt?: string | null;
  num_images?: number;
  seed?: number | null;
  steps?: number | null;
  /** Servers sometimes send it as a string like "3.0". */
  cfg_scale?: number | string | null;
  aspect_ratio?: string | null;
  resolution?: string | null;
  w?: number | null;
  h?: number | null;
  scheduler?: string | null;
  super_resolution?: boolean;
  inpaint_faces?: boolean;
  hires_fix?: boolean;
  face_correct?: boolean;
  face_swap?: boolean;
  style?: string | null;
  color_grading?: string | null;
  film_grain?: boolean;
  backend_version?: number | string | null;
  input_image?: string | null;
  input_image_url?: string | null;
  mask_image?: string | null;
  controlnet?: string | null;
  denoising_strength?: number | null;
  controlnet_conditioning_scale?: number | null;
  images: string[];
  started_training_at?: string | null;
  trained_at?: string | null;
  created_at: string;
  updated_at?: string;
  url?: string;
  /** Undocumented fields: may be absent (undefined = unknown). */
  user_error?: string | null;
  liked?: boolean;
  prompt_likes_count?: number;
  cost_mc?: number | null;
  tune?: { id: number; title: string };
}

export interface Pack {
  id: number;
  base_tune_id: number | null;
  slug: string;
  title: string;
  token?: string | null;
  model_type?: string | null;
  main_class_name?: string | null;
  cost_mc_hash?: Record<string, number>;
  created_at?: string;
  updated_at?: string;
}

export interface PackDetail extends Pack {
  cover_url?: string | null;
  costs?: Record<string, unknown>;
  prompts_per_class?: Record<string, { id: number; images: string[] }[]>;
}

/** Fields of `tune[...]` a client may send when creating a tune. */
export interface TuneCreateParams {
  title: string;
  name: string;
  image_urls?: string[];
  callback?: string;
  branch?: Branch;
  steps?: number;
  token?: string;
  face_crop?: boolean;
  training_face_correct?: boolean;
  base_tune_id?: number;
  model_type?: Exclude<ModelType, null> | null;
  auto_extend?: boolean;
  preset?: 'flux-lora-focus' | 'flux-lora-portrait' | 'flux-lora-fast' | null;
  characteristics?: Record<string, string>;
  prompts_attributes?: PromptCreateParams[];
}

export interface TuneUpdateParams {
  title?: string;
  name?: string;
  auto_extend?: boolean;
  characteristics?: Record<string, string>;
}

/** Fields of `prompt[...]` a client may send when creating a prompt. */
export interface PromptCreateParams {
  text: string;
  negative_prompt?: string;
  num_images?: number;
  seed?: number;
  steps?: number;
  cfg_scale?: number;
  aspect_ratio?: string;
  resolution?: '1K' | '2K' | '4K';
  w?: number;
  h?: number;
  scheduler?: string;
  super_resolution?: boolean;
  inpaint_faces?: boolean;
  hires_fix?: boolean;
  face_correct?: boolean;
  face_swap?: boolean;
  style?: string;
  color_grading?: string;
  film_grain?: boolean;
  backend_version?: number | null;
  prompt_expansion?: boolean;
  callback?: string;
  input_image_url?: string;
  mask_image_url?: string;
  controlnet?: string;
  denoising_strength?: number;
  controlnet_conditioning_scale?: number;
  controlnet_txt2img?: boolean;
}

/** A file on disk that a multipart request streams rather than reads into memory. */
export interface UploadFile {
  path: string;
  /** File name sent to the server; defaults to the path's base name. */
  name?: string;
  /** MIME type; sniffed by the caller. */
  type?: string;
}

export interface PageOptions {
  /** Keyset cursor: only items with id < beforeId (not in Astria's public docs: may be ignored). */
  beforeId?: number;
  /** Items to skip (the documented way to page). */
  offset?: number;
  /** Page size, 1–120 (server default 20). */
  limit?: number;
  signal?: AbortSignal;
}

export interface UploadProgress {
  sentBytes: number;
  totalBytes: number;
}
