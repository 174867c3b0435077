// The JSON Schema of the prompt options, built from the rule table (draft.ts constants, validation.ts
// limits): the one description of "which options exist, of which type, in which range". It feeds the
// agent's generate tool (package.json repeats it; a unit test fails on drift), prompt files
// (schemas/prompt-file.schema.json, also checked by a unit test) and their hovers and completions.
// Pure: no DOM, no `vscode`, no Node.
import {
  ASPECT_RATIOS,
  BACKEND_VERSIONS,
  COLOR_GRADINGS,
  CONTROLNETS,
  DRAFT_FIELDS,
  FLAG_FIELDS,
  MAX_FIELD_LENGTH,
  RESOLUTIONS,
  SCHEDULERS,
  STYLES,
  defaultDraft,
  type DraftField,
  type FlagField,
  type PromptDraft,
} from './draft';
import { CFG_SCALE_MAX, SEED_MAX, SIZE_MAX, SIZE_MULTIPLE, STEPS_MAX } from './validation';

export type JsonSchema = Record<string, unknown>;

/** The schema of one option. `description` is the hint people see (hover, completion, the agent). */
export interface OptionSchema extends JsonSchema {
  type: 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  maxLength?: number;
}

const FLAG_HINTS: Record<FlagField, string> = {
  film_grain: 'Add film grain.',
  super_resolution: 'Upscale the images (needed by inpaint_faces and hires_fix).',
  inpaint_faces: 'Redraw faces in more detail (needs super_resolution).',
  hires_fix: 'A second, finer pass (needs super_resolution).',
  face_correct: 'Correct faces.',
  face_swap: 'Swap in the face of the tune’s training images.',
  prompt_expansion: 'Let Astria expand the prompt text.',
  controlnet_txt2img: 'With ControlNet: take only the structure of the input image.',
};

/** Options taken as given by tools and files (the rest of the draft is the editor's UI: image sources, files). */
const OPTION_SCHEMAS: Partial<Record<DraftField, OptionSchema>> = {
  text: { type: 'string', description: 'The prompt. For a LoRA/FaceID tune write <lora:TUNE_ID:1> or <faceid:TUNE_ID:1> in the text of a prompt on its base tune; <1> stands for the subject of a fine-tuned checkpoint.', maxLength: MAX_FIELD_LENGTH },
  negative_prompt: { type: 'string', description: 'What to keep out of the images.', maxLength: MAX_FIELD_LENGTH },
  num_images: { type: 'integer', minimum: 1, maximum: 8, description: 'Images to generate (1–8; Seedream 1–4). Default 4.' },
  aspect_ratio: { type: 'string', enum: [...ASPECT_RATIOS], description: 'Default 1:1.' },
  resolution: { type: 'string', enum: [...RESOLUTIONS], description: 'Only for models that support it (Gemini).' },
  w: { type: 'integer', minimum: SIZE_MULTIPLE, maximum: SIZE_MAX, multipleOf: SIZE_MULTIPLE, description: 'Width in pixels, with h, instead of aspect_ratio.' },
  h: { type: 'integer', minimum: SIZE_MULTIPLE, maximum: SIZE_MAX, multipleOf: SIZE_MULTIPLE, description: 'Height in pixels, with w.' },
  seed: { type: 'integer', minimum: 0, maximum: SEED_MAX, description: 'Same seed and options = same images.' },
  steps: { type: 'integer', minimum: 0, maximum: STEPS_MAX },
  cfg_scale: { type: 'number', minimum: 0, maximum: CFG_SCALE_MAX },
  scheduler: { type: 'string', enum: [...SCHEDULERS] },
  style: { type: 'string', enum: [...STYLES] },
  color_grading: { type: 'string', enum: [...COLOR_GRADINGS] },
  backend_version: { type: 'string', enum: [...BACKEND_VERSIONS] },
  input_image_url: { type: 'string', description: 'An http(s) image URL for image-to-image or ControlNet.' },
  mask_image_url: { type: 'string', description: 'An http(s) mask image URL (inpainting).' },
  denoising_strength: { type: 'number', minimum: 0, maximum: 1, description: 'With an input image: how far from it (default 0.8).' },
  controlnet: { type: 'string', enum: [...CONTROLNETS] },
  controlnet_conditioning_scale: { type: 'number', minimum: 0 },
};
for (const flag of FLAG_FIELDS) OPTION_SCHEMAS[flag] = { type: 'boolean' };

/** Hints for people (hovers, completions, the prompt file schema) where the tool schema has none. */
const EXTRA_HINTS: Partial<Record<DraftField, string>> = {
  ...FLAG_HINTS,
  steps: 'Diffusion steps (not for Gemini or Seedream).',
  cfg_scale: 'How closely to follow the text (not for Gemini or Seedream).',
  scheduler: 'The sampler (not for Gemini or Seedream).',
  style: 'A style preset (not for Gemini or Seedream).',
  color_grading: 'A film look (not for Gemini or Seedream).',
  backend_version: 'Astria’s backend version: leave out for the default, or 1.',
  controlnet: 'Take the structure of the input image this way (needs input_image_url).',
  controlnet_conditioning_scale: 'How strongly ControlNet follows the input image.',
};

/** The option names, in the prompt editor's order. */
export const PROMPT_OPTION_NAMES: readonly DraftField[] = DRAFT_FIELDS.filter((field) => OPTION_SCHEMAS[field] !== undefined);

export function isPromptOption(name: string): name is DraftField {
  return (PROMPT_OPTION_NAMES as readonly string[]).includes(name);
}

/** The schema of one option, as the agent tool declares it. */
export function optionSchema(name: DraftField): OptionSchema | undefined {
  return OPTION_SCHEMAS[name];
}

/** The schema of one option with a hint for people (descriptions for every option). */
export function documentedOptionSchema(name: DraftField): OptionSchema | undefined {
  const schema = OPTION_SCHEMAS[name];
  if (!schema) return undefined;
  const hint = schema.description ?? EXTRA_HINTS[name];
  return hint ? { ...schema, description: hint } : { ...schema };
}

/** "1 to 8", "one of 1:1, 16:9, …", "true or false": the allowed values in words, from the schema. */
export function optionRange(schema: OptionSchema): string {
  if (schema.type === 'boolean') return 'true or false';
  if (schema.enum) return `one of ${schema.enum.join(', ')}`;
  if (schema.type === 'string') return 'text';
  const kind = schema.type === 'integer' ? 'a whole number' : 'a number';
  const step = schema.multipleOf ? `, a multiple of ${schema.multipleOf}` : '';
  if (schema.minimum !== undefined && schema.maximum !== undefined) return `${kind} from ${schema.minimum} to ${schema.maximum}${step}`;
  if (schema.minimum !== undefined) return `${kind}, ${schema.minimum} or more${step}`;
  return kind;
}

/** JSON Schema of tuneStudio_generateImages (also in package.json; see the unit test). */
/** The generate tool also takes workspace image files (relative paths), as the prompt editor does. */
export const TOOL_FILE_OPTIONS = ['input_image_file', 'mask_image_file'] as const;

export function generateImagesInputSchema(): JsonSchema {
  return {
    type: 'object',
    properties: {
      tuneId: { type: 'integer', description: 'The tune to generate with (for a LoRA/FaceID tune: its base tune, with <lora:ID:1> in the text).' },
      ...Object.fromEntries(PROMPT_OPTION_NAMES.map((name) => [name, OPTION_SCHEMAS[name]])),
      input_image_file: { type: 'string', description: 'A workspace image file (path relative to the workspace folder) as the input image, instead of input_image_url.' },
      mask_image_file: { type: 'string', description: 'A workspace image file (path relative to the workspace folder) as the mask, instead of mask_image_url.' },
      wait: { type: 'boolean', description: 'Wait for the images (up to waitSeconds) and return their URLs. Default false: return the prompt id at once.' },
      waitSeconds: { type: 'integer', minimum: 1, maximum: 600, description: 'How long to wait when wait is true. Default 120.' },
    },
    required: ['tuneId', 'text'],
    additionalProperties: false,
  };
}

// ─── Prompt files ────────────────────────────────────────────────────────────────────────────────

/** The keys of a prompt file's top level and of an entry that are not prompt options. */
export const PROMPT_FILE_KEYS = {
  schema: '$schema',
  tune: 'tune',
  defaults: 'defaults',
  prompts: 'prompts',
} as const;
export const ENTRY_NAME_KEY = 'name';
/** Written back after a run: the created prompt's id. */
export const ENTRY_ID_KEY = 'id';

export const TUNE_HINT = 'The tune to generate with: its id (e.g. 123) or its exact title. It must be trained.';
export const DEFAULTS_HINT = 'Options every prompt of this file starts from; a prompt’s own options win.';
export const PROMPTS_HINT = 'The prompts of this file, each with a name, a text and any option of the prompt editor.';
export const NAME_HINT = 'A short name for the prompt, unique in this file (shown in CodeLens and messages).';
export const ID_HINT = 'The Astria prompt id of the last run, written by Tune Studio after Generate. Remove it to forget the run.';

function documentedOptions(except: readonly DraftField[] = []): Record<string, OptionSchema> {
  return Object.fromEntries(PROMPT_OPTION_NAMES.filter((name) => !except.includes(name)).map((name) => [name, documentedOptionSchema(name)!]));
}

/** The JSON Schema of `*.astria.json` / `*.astria.yaml` (committed as schemas/prompt-file.schema.json). */
export function promptFileSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Tune Studio prompt file',
    description: 'Prompts for an Astria tune, generated from VS Code with Tune Studio.',
    type: 'object',
    properties: {
      [PROMPT_FILE_KEYS.schema]: { type: 'string' },
      [PROMPT_FILE_KEYS.tune]: {
        description: TUNE_HINT,
        anyOf: [
          { type: 'integer', minimum: 1 },
          { type: 'string', minLength: 1 },
        ],
      },
      [PROMPT_FILE_KEYS.defaults]: {
        type: 'object',
        description: DEFAULTS_HINT,
        properties: documentedOptions(['text']),
        additionalProperties: false,
      },
      [PROMPT_FILE_KEYS.prompts]: {
        type: 'array',
        description: PROMPTS_HINT,
        items: {
          type: 'object',
          properties: {
            [ENTRY_NAME_KEY]: { type: 'string', description: NAME_HINT },
            ...documentedOptions(),
            [ENTRY_ID_KEY]: { type: 'integer', description: ID_HINT },
          },
          required: ['text'],
          additionalProperties: false,
        },
      },
    },
    required: [PROMPT_FILE_KEYS.tune, PROMPT_FILE_KEYS.prompts],
    additionalProperties: false,
  };
}

/** The committed file's text: what the unit test compares and `--write` regenerates. */
export function promptFileSchemaText(): string {
  return `${JSON.stringify(promptFileSchema(), null, 2)}\n`;
}

// ─── Values → the prompt editor's draft ──────────────────────────────────────────────────────────

export interface OptionsDraft {
  draft: PromptDraft;
  /** Values the rules cannot even read (wrong types), by option name. */
  problems: { name: DraftField; message: string }[];
}

/**
 * The prompt editor's draft for options given as plain values (a tool's input, a prompt file's
 * entry): the editor's own validateDraft() judges it next. Unknown names are the caller's business.
 */
export function draftFromOptions(options: Readonly<Record<string, unknown>>): OptionsDraft {
  const draft = defaultDraft();
  const problems: OptionsDraft['problems'] = [];
  for (const name of PROMPT_OPTION_NAMES) {
    const value = options[name];
    if (value === undefined || value === null) continue;
    const schema = OPTION_SCHEMAS[name]!;
    if (schema.type === 'boolean') {
      if (typeof value === 'boolean') (draft as unknown as Record<FlagField, boolean>)[name as FlagField] = value;
      else problems.push({ name, message: `"${name}" must be true or false.` });
    } else if (schema.type === 'string') {
      // A YAML `aspect_ratio: 1` or `backend_version: 1` is a number to the parser but meant as the text.
      if (typeof value === 'string') (draft as unknown as Record<string, string>)[name] = value;
      else if (typeof value === 'number' && schema.enum) (draft as unknown as Record<string, string>)[name] = String(value);
      else problems.push({ name, message: `"${name}" must be a string.` });
    } else if (Number.isFinite(value)) {
      (draft as unknown as Record<string, string>)[name] = String(value);
    } else {
      problems.push({ name, message: `"${name}" must be a number.` });
    }
  }
  if (draft.input_image_url) draft.input_image_source = 'url';
  if (draft.mask_image_url) draft.mask_image_source = 'url';
  return { draft, problems };
}
