// Which prompt options a model takes, decided from the tune alone (pure: no DOM, no `vscode`).
//
// Astria does not say what a model accepts, so this is a documented heuristic, in this order:
//  1. a table of well-known public base tunes by id (Flux1.dev, SDXL 1.0, Realistic Vision);
//  2. the title of the tune, then of its base tune: "Gemini"/"Nano Banana" → Gemini, "Seedream" → Seedream
//     (their ids differ per account, so titles are all there is);
//  3. the base tune id against the table of 1.;
//  4. the branch: flux1 → Flux, sdxl1 → SDXL, sd15 → SD 1.5, fast → Flux (Astria's mock mode).
// Gemini takes `resolution` (1K/2K/4K) and plain text; Seedream takes 1–4 images and plain text; neither
// uses the diffusion knobs (steps, CFG, scheduler, super resolution…), which are hidden for them.
import type { Tune } from '../../api/astria/types';

export type ModelFamily = 'gemini' | 'seedream' | 'flux' | 'sdxl' | 'sd15' | 'unknown';

export interface ModelCapabilities {
  family: ModelFamily;
  /** For people: "Gemini", "Flux", … */
  label: string;
  /** A public base model (Flux1.dev, Gemini…), not the user's own fine-tune. */
  isBaseModel: boolean;
  /** Highest `num_images`. */
  maxImages: number;
  /** Takes `resolution` (1K/2K/4K); anything else answers 422 to it. */
  resolution: boolean;
  /** Steps, CFG scale, scheduler, super resolution and the other diffusion options apply. */
  diffusionOptions: boolean;
  /** `<1>` means the fine-tuned subject ("ohwx woman"); base models take plain text. */
  subjectToken: boolean;
  /** `<1>` in the text is refused (Seedream: "Do NOT use <1> token"), not merely pointless. */
  forbidsSubjectToken: boolean;
  /** The tune is a LoRA or FaceID: usually referenced from a base tune's prompt as `<lora:ID:1>`. */
  referenceKind: 'lora' | 'faceid' | null;
}

/** Public base tunes whose ids are the same for everyone. */
export const KNOWN_BASE_TUNES: Readonly<Record<number, { family: ModelFamily; title: string }>> = {
  1504944: { family: 'flux', title: 'Flux1.dev' },
  666678: { family: 'sdxl', title: 'SDXL 1.0' },
  690204: { family: 'sd15', title: 'Realistic Vision v5.1' },
};

const LABELS: Record<ModelFamily, string> = {
  gemini: 'Gemini',
  seedream: 'Seedream',
  flux: 'Flux',
  sdxl: 'SDXL',
  sd15: 'SD 1.5',
  unknown: 'Unknown model',
};

export type CapabilityTune = Pick<Tune, 'id' | 'title'> & Partial<Pick<Tune, 'name' | 'branch' | 'model_type' | 'base_tune_id'>>;

function familyFromTitle(title: string | null | undefined): ModelFamily | undefined {
  if (!title) return undefined;
  if (/gemini|nano[\s-]?banana/i.test(title)) return 'gemini';
  if (/seedream/i.test(title)) return 'seedream';
  return undefined;
}

/** Astria's branches; `fast` (its mock mode) answers like Flux. Any other branch tells nothing. */
const BRANCH_FAMILIES = new Map<string | null | undefined, ModelFamily>([
  ['flux1', 'flux'],
  ['fast', 'flux'],
  ['sdxl1', 'sdxl'],
  ['sd15', 'sd15'],
]);

function familyFromBranch(branch: string | null | undefined): ModelFamily | undefined {
  return BRANCH_FAMILIES.get(branch);
}

/** A public base model: a well-known id, or a tune with no subject class and no base of its own. */
export function isBaseModel(tune: CapabilityTune): boolean {
  if (KNOWN_BASE_TUNES[tune.id]) return true;
  return (tune.name === null || tune.name === undefined || tune.name === '') && (tune.base_tune_id === null || tune.base_tune_id === undefined);
}

/** The model family of a tune; `baseTune` (when the host fetched it) lends its title. */
export function modelFamily(tune: CapabilityTune, baseTune?: CapabilityTune): ModelFamily {
  const baseId = tune.base_tune_id ?? undefined;
  return (
    KNOWN_BASE_TUNES[tune.id]?.family ??
    familyFromTitle(tune.title) ??
    familyFromTitle(baseTune?.title) ??
    (baseId !== undefined ? KNOWN_BASE_TUNES[baseId]?.family : undefined) ??
    familyFromBranch(tune.branch) ??
    familyFromBranch(baseTune?.branch) ??
    'unknown'
  );
}

/** True when the capabilities depend on a base tune the caller has not looked up yet. */
export function needsBaseTune(tune: CapabilityTune): boolean {
  const baseId = tune.base_tune_id ?? undefined;
  return baseId !== undefined && !KNOWN_BASE_TUNES[tune.id] && !familyFromTitle(tune.title) && !KNOWN_BASE_TUNES[baseId];
}

export function modelCapabilities(tune: CapabilityTune, baseTune?: CapabilityTune): ModelCapabilities {
  const family = modelFamily(tune, baseTune);
  const base = isBaseModel(tune);
  const modelType = tune.model_type === 'lora' || tune.model_type === 'faceid' ? tune.model_type : null;
  const plainText = family === 'gemini' || family === 'seedream';
  return {
    family,
    label: LABELS[family],
    isBaseModel: base,
    maxImages: family === 'seedream' ? 4 : 8,
    resolution: family === 'gemini',
    diffusionOptions: !plainText,
    subjectToken: !base,
    forbidsSubjectToken: family === 'seedream',
    referenceKind: base ? null : modelType,
  };
}
