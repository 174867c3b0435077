// The generate tool's input: the prompt editor's options under Astria's own names, as a JSON Schema
// built from the same constants and limits the prompt editor validates with (draft.ts, validation.ts).
// package.json repeats the schema (VS Code reads tools' schemas from the manifest); a unit test fails
// when the two drift apart. VS Code 1.100 does not enforce the schema, so toolDraft() checks the input.
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
} from '../shared/prompt/draft';
import { CFG_SCALE_MAX, SEED_MAX, SIZE_MAX, SIZE_MULTIPLE, STEPS_MAX } from '../shared/prompt/validation';

type JsonSchema = Record<string, unknown>;

/** Options a tool takes as given (the rest of the draft is about the editor's UI: sources, files). */
const OPTION_SCHEMAS: Partial<Record<DraftField, JsonSchema>> = {
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

/** The option names, in the prompt editor's order. */
export const PROMPT_OPTION_NAMES: readonly DraftField[] = DRAFT_FIELDS.filter((field) => OPTION_SCHEMAS[field] !== undefined);

/** JSON Schema of tuneStudio_generateImages (also in package.json; see the unit test). */
export function generateImagesInputSchema(): JsonSchema {
  return {
    type: 'object',
    properties: {
      tuneId: { type: 'integer', description: 'The tune to generate with (for a LoRA/FaceID tune: its base tune, with <lora:ID:1> in the text).' },
      ...Object.fromEntries(PROMPT_OPTION_NAMES.map((name) => [name, OPTION_SCHEMAS[name]])),
      wait: { type: 'boolean', description: 'Wait for the images (up to waitSeconds) and return their URLs. Default false: return the prompt id at once.' },
      waitSeconds: { type: 'integer', minimum: 1, maximum: 600, description: 'How long to wait when wait is true. Default 120.' },
    },
    required: ['tuneId', 'text'],
    additionalProperties: false,
  };
}

export interface ToolDraft {
  draft: PromptDraft;
  /** Input the rules cannot even read (wrong types, unknown names): said to the model as is. */
  problems: string[];
}

/** The prompt editor's draft for a tool's input; the editor's own validateDraft() judges it next. */
export function toolDraft(input: Record<string, unknown>): ToolDraft {
  const draft = defaultDraft();
  const problems: string[] = [];
  const known = new Set<string>([...PROMPT_OPTION_NAMES, 'tuneId', 'wait', 'waitSeconds']);
  for (const name of Object.keys(input)) if (!known.has(name)) problems.push(`Unknown option "${name}".`);
  for (const name of PROMPT_OPTION_NAMES) {
    const value = input[name];
    if (value === undefined || value === null) continue;
    const schema = OPTION_SCHEMAS[name]!;
    if (schema.type === 'boolean') {
      if (typeof value === 'boolean') (draft as unknown as Record<FlagField, boolean>)[name as FlagField] = value;
      else problems.push(`"${name}" must be true or false.`);
    } else if (schema.type === 'string') {
      if (typeof value === 'string') (draft as unknown as Record<string, string>)[name] = value;
      else problems.push(`"${name}" must be a string.`);
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      (draft as unknown as Record<string, string>)[name] = String(value);
    } else {
      problems.push(`"${name}" must be a number.`);
    }
  }
  if (draft.input_image_url) draft.input_image_source = 'url';
  if (draft.mask_image_url) draft.mask_image_source = 'url';
  return { draft, problems };
}
