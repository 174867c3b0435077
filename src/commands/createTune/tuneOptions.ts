// What the create-tune wizard asks for: the choices it offers, how typed text is checked, and how the
// answers become Astria's `tune[...]` parameters. Plain TypeScript, no `vscode` import.
import type { Branch, Pack, PackDetail, TuneCreateParams } from '../../api/astria/types';
import { uniqueSuffix } from '../../domain/tuneTitles';

export type ModelId = 'flux-lora' | 'sdxl' | 'sd15' | 'faceid' | 'base-tune';
export type TrainedModelType = 'lora' | 'pti' | 'faceid' | null;
export type Preset = NonNullable<TuneCreateParams['preset']>;

export interface ModelChoice {
  id: ModelId;
  label: string;
  description: string;
  detail: string;
  /** Undefined for "another base tune": the user types its id. */
  baseTuneId?: number;
  modelType: TrainedModelType;
  branch: Branch;
  defaultToken: string;
  /** Flux LoRA training presets apply. */
  offersPresets: boolean;
}

export const MODELS: readonly ModelChoice[] = [
  {
    id: 'flux-lora',
    label: 'Flux LoRA',
    description: 'Flux1.dev · base tune 1504944',
    detail: 'A LoRA on Flux1.dev: the best likeness for people, pets and products.',
    baseTuneId: 1504944,
    modelType: 'lora',
    branch: 'flux1',
    defaultToken: 'ohwx',
    offersPresets: true,
  },
  {
    id: 'sdxl',
    label: 'SDXL',
    description: 'SDXL 1.0 · base tune 666678',
    detail: 'Pivotal tuning (PTI) on SDXL 1.0; Astria always uses PTI for SDXL.',
    baseTuneId: 666678,
    modelType: 'pti',
    branch: 'sdxl1',
    defaultToken: 'ohwx',
    offersPresets: false,
  },
  {
    id: 'sd15',
    label: 'SD 1.5 checkpoint',
    description: 'Realistic Vision v5.1 · base tune 690204',
    detail: 'A full checkpoint on Stable Diffusion 1.5 (Realistic Vision).',
    baseTuneId: 690204,
    modelType: null,
    branch: 'sd15',
    defaultToken: 'sks',
    offersPresets: false,
  },
  {
    id: 'faceid',
    label: 'FaceID',
    description: 'Flux1.dev · base tune 1504944',
    detail: 'A face adapter instead of training: ready in minutes, less exact likeness.',
    baseTuneId: 1504944,
    modelType: 'faceid',
    branch: 'flux1',
    defaultToken: 'ohwx',
    offersPresets: false,
  },
  {
    id: 'base-tune',
    label: 'Another base tune…',
    description: 'type its id',
    detail: 'Train on top of any tune from the Astria gallery or one of your own (the id is in its URL).',
    modelType: 'lora',
    branch: 'flux1',
    defaultToken: 'ohwx',
    offersPresets: false,
  },
];

export function modelById(id: ModelId): ModelChoice {
  return MODELS.find((model) => model.id === id) ?? MODELS[0];
}

export const MODEL_TYPES: readonly { value: TrainedModelType; label: string; detail: string }[] = [
  { value: 'lora', label: 'LoRA', detail: 'Small adapter trained on top of the base tune.' },
  { value: null, label: 'Checkpoint', detail: 'A full fine-tuned model.' },
  { value: 'pti', label: 'PTI', detail: 'Pivotal tuning (what SDXL uses).' },
  { value: 'faceid', label: 'FaceID', detail: 'Face adapter, no training.' },
];

export const BRANCHES: readonly { value: Branch; detail: string }[] = [
  { value: 'flux1', detail: 'Flux1 models.' },
  { value: 'sdxl1', detail: 'SDXL models.' },
  { value: 'sd15', detail: 'Stable Diffusion 1.5 models.' },
  { value: 'fast', detail: 'Astria’s free mock mode: nothing is trained or billed, prompts return mock images. For trying things out.' },
];

export const PRESETS: readonly { value: Preset | null; label: string; detail: string }[] = [
  { value: 'flux-lora-focus', label: 'Focus', detail: 'flux-lora-focus: Astria’s recommended preset for a subject.' },
  { value: 'flux-lora-portrait', label: 'Portrait', detail: 'flux-lora-portrait: tuned for faces and headshots.' },
  { value: 'flux-lora-fast', label: 'Fast', detail: 'flux-lora-fast: quicker training, a little less likeness.' },
  { value: null, label: 'None', detail: 'Astria’s defaults for the base tune.' },
];

export const COMMON_CLASSES: readonly { name: string; group: string }[] = [
  ...['man', 'woman', 'boy', 'girl', 'couple', 'baby'].map((name) => ({ name, group: 'People' })),
  ...['cat', 'dog'].map((name) => ({ name, group: 'Pets' })),
  { name: 'style', group: 'Style' },
  ...['dress', 'shirt', 'jacket', 'pants', 'shoes', 'bag', 'hat', 'glasses', 'jewelry'].map((name) => ({ name, group: 'Products' })),
];

/** Everything the wizard collects, kept as typed so Back and a 422 round-trip lose nothing. */
export interface TuneDraft {
  title: string;
  className: string;
  modelId: ModelId;
  /** Only for modelId 'base-tune', as typed. */
  baseTuneIdText: string;
  /** Only for modelId 'base-tune'. */
  customModelType: TrainedModelType;
  /** 'default' = the model's (or pack's) own branch. */
  branch: Branch | 'default';
  preset: Preset | null;
  token: string;
  faceCrop: boolean;
  trainingFaceCorrect: boolean;
  autoExtend: boolean;
  /** `key=value, key=value`, as typed. */
  characteristics: string;
  prompts: string[];
  callback: string;
  /** Pack flow only. */
  packId?: number;
}

export function defaultTitle(folderName: string, suffix = uniqueSuffix()): string {
  const base = folderName.trim().replace(/\s+/g, ' ').slice(0, 60) || 'tune';
  return `${base}-${suffix}`;
}

export function defaultDraft(folderName: string, overrides: Partial<TuneDraft> = {}): TuneDraft {
  const model = modelById(overrides.modelId ?? 'flux-lora');
  return {
    title: defaultTitle(folderName),
    className: 'man',
    modelId: model.id,
    baseTuneIdText: '',
    customModelType: 'lora',
    branch: 'default',
    preset: model.offersPresets ? 'flux-lora-focus' : null,
    token: model.defaultToken,
    faceCrop: false,
    trainingFaceCorrect: false,
    autoExtend: false,
    characteristics: '',
    prompts: [],
    callback: '',
    ...overrides,
  };
}

/** Switching model resets what depended on the old one, unless the user had changed it. */
export function withModel(draft: TuneDraft, modelId: ModelId): TuneDraft {
  const before = modelById(draft.modelId);
  const after = modelById(modelId);
  return {
    ...draft,
    modelId,
    token: draft.token === before.defaultToken || draft.token === '' ? after.defaultToken : draft.token,
    preset: after.offersPresets ? (before.offersPresets ? draft.preset : 'flux-lora-focus') : null,
    branch: draft.branch === 'fast' ? 'fast' : 'default',
  };
}

/** The branch a draft will train on ('default' resolved). */
export function effectiveBranch(draft: TuneDraft): Branch {
  return draft.branch === 'default' ? modelById(draft.modelId).branch : draft.branch;
}

// ---- checks: each returns the problem in a sentence, or undefined when fine ----------------------

export function checkTitle(text: string): string | undefined {
  const title = text.trim();
  if (title === '') return 'A title is required: Astria uses it to recognise a retried upload.';
  if (title.length > 200) return 'Keep the title under 200 characters.';
  return undefined;
}

export function checkClassName(text: string): string | undefined {
  const name = text.trim();
  if (name === '') return 'Type a class such as man, woman, dog or a product (shoes, dress…).';
  if (!/^[\p{L}\p{N}][\p{L}\p{N} _-]{0,49}$/u.test(name)) return 'Use letters, digits, spaces, - or _ (up to 50 characters).';
  return undefined;
}

export function checkToken(text: string): string | undefined {
  const token = text.trim();
  if (token === '') return 'Type a token (ohwx for Flux and SDXL, sks for SD 1.5 are common).';
  if (!/^[A-Za-z0-9_]{1,20}$/.test(token)) return 'A token is one short word: letters, digits or _ (up to 20), no spaces.';
  return undefined;
}

export function parseBaseTuneId(text: string): number | undefined {
  const trimmed = text.trim().replace(/^#/, '');
  // Accept a pasted gallery URL too: https://www.astria.ai/gallery/tunes/1504944
  const fromUrl = /\/tunes\/(\d+)/.exec(trimmed)?.[1];
  const digits = fromUrl ?? (/^\d+$/.test(trimmed) ? trimmed : undefined);
  const id = digits === undefined ? NaN : Number(digits);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export function checkBaseTuneId(text: string): string | undefined {
  return parseBaseTuneId(text) === undefined ? 'Type the base tune’s id (a number), or paste its Astria URL.' : undefined;
}

export type ParsedCharacteristics = { ok: true; value: Record<string, string> } | { ok: false; problem: string };

/** `eye_color=blue eyes, hair=short` → `{eye_color: 'blue eyes', hair: 'short'}`; keys become `{{key}}` in prompts. */
export function parseCharacteristics(text: string): ParsedCharacteristics {
  const value: Record<string, string> = {};
  const pairs = text.split(',').map((pair) => pair.trim()).filter((pair) => pair !== '');
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals === -1) return { ok: false, problem: `“${pair}” needs a value: write key=value.` };
    const key = pair.slice(0, equals).trim();
    const val = pair.slice(equals + 1).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return { ok: false, problem: `“${key}” is not a usable key: letters, digits and _ (it becomes {{${key}}} in prompts).` };
    if (val === '') return { ok: false, problem: `${key} has no value.` };
    if (key in value) return { ok: false, problem: `${key} is given twice.` };
    value[key] = val;
  }
  return { ok: true, value };
}

export function checkCharacteristics(text: string): string | undefined {
  const parsed = parseCharacteristics(text);
  return parsed.ok ? undefined : parsed.problem;
}

export function checkCallbackUrl(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return 'Not a URL: type a full address such as https://example.com/astria-callback, or leave it empty.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The callback must be an http(s) URL.';
  if (!url.hostname) return 'The callback URL needs a host name.';
  return undefined;
}

export function checkPromptText(text: string): string | undefined {
  return text.trim() === '' ? 'Type the prompt text, e.g. “ohwx man in a leather jacket, studio light”.' : undefined;
}

/** What a pack decides and which classes it can train. */
export interface PackChoice {
  pack: Pack;
  classes: string[];
}

/** A pack's classes: keys of cost_mc_hash and prompts_per_class, and its main class, in that order. */
export function packClasses(pack: Pack | PackDetail): string[] {
  const detail = pack as PackDetail;
  const names = [...Object.keys(pack.cost_mc_hash ?? {}), ...Object.keys(detail.prompts_per_class ?? {}), pack.main_class_name ?? ''];
  return [...new Set(names.map((name) => name.trim()).filter((name) => name !== ''))];
}

/** Every problem a draft still has (the upload refuses to start while any remains). */
export function draftProblems(draft: TuneDraft, pack?: PackChoice): string[] {
  const problems = [
    checkTitle(draft.title),
    checkClassName(draft.className),
    pack && pack.classes.length > 0 && !pack.classes.includes(draft.className.trim())
      ? `The pack “${pack.pack.title}” supports ${pack.classes.join(', ')}, not ${draft.className}.`
      : undefined,
    !pack && draft.modelId === 'base-tune' ? checkBaseTuneId(draft.baseTuneIdText) : undefined,
    checkToken(draft.token),
    checkCharacteristics(draft.characteristics),
    checkCallbackUrl(draft.callback),
    ...draft.prompts.map(checkPromptText),
  ];
  return problems.filter((problem): problem is string => problem !== undefined);
}

/** The `tune[...]` fields for POST /tunes (or POST /p/:id/tunes when a pack decides the model). */
export function tuneParams(draft: TuneDraft, pack?: PackChoice): TuneCreateParams {
  const params: TuneCreateParams = { title: draft.title.trim(), name: draft.className.trim(), token: draft.token.trim() };
  if (pack) {
    // The pack fixes base tune, model type and preset; only mock mode can be asked for.
    if (draft.branch === 'fast') params.branch = 'fast';
  } else {
    const model = modelById(draft.modelId);
    const custom = model.id === 'base-tune';
    params.base_tune_id = custom ? parseBaseTuneId(draft.baseTuneIdText) : model.baseTuneId;
    const modelType = custom ? draft.customModelType : model.modelType;
    if (modelType !== null) params.model_type = modelType;
    if (draft.branch !== 'default' || !custom) params.branch = effectiveBranch(draft);
    if (model.offersPresets && draft.preset !== null) params.preset = draft.preset;
  }
  if (draft.faceCrop) params.face_crop = true;
  if (draft.trainingFaceCorrect) params.training_face_correct = true;
  if (draft.autoExtend) params.auto_extend = true;
  const characteristics = parseCharacteristics(draft.characteristics);
  if (characteristics.ok && Object.keys(characteristics.value).length > 0) params.characteristics = characteristics.value;
  const prompts = draft.prompts.map((text) => text.trim()).filter((text) => text !== '');
  if (!pack && prompts.length > 0) params.prompts_attributes = prompts.map((text) => ({ text }));
  if (draft.callback.trim() !== '') params.callback = draft.callback.trim();
  return params;
}
