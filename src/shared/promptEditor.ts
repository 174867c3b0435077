// The prompt editor's messages between the extension host and its webview, each next to the host's
// check of it.
import { boolean, integer, isRecord, nullable, object, oneOf, string, type Check } from './check';
import type { ModelCapabilities } from './prompt/capabilities';
import { DRAFT_FIELDS, IMAGE_SOURCES, MAX_FIELD_LENGTH, normalizeDraft, presetOptions, type PresetOptions, type PromptDraft } from './prompt/draft';
import type { DraftIssue } from './prompt/validation';
import type { MessageChecks, ProtocolShape } from './rpc';
import { sweepAxesCheck, type SweepAxis } from './sweep';

export const MAX_PRESETS = 50;
export const MAX_PRESET_NAME = 80;
/** More images than any model makes; bounds what a hostile response can make the webview render. */
export const MAX_IMAGES_PER_RUN = 16;
const MAX_URI_LIST = 64_000;

export const PROMPT_EDITOR_VIEW_TYPE = 'tuneStudio.promptEditor';

/** What the form needs to know about the tune it writes prompts for. */
export interface PromptEditorTune {
  id: number;
  title: string;
  /** Subject class ("woman", "dress"); null for base models. */
  className: string | null;
  /** The trained token ("ohwx"); null for base models. */
  token: string | null;
  /** `{{key}}` in the text becomes the value (the server replaces it). */
  characteristics: Record<string, string>;
  capabilities: ModelCapabilities;
  /** The base tune a LoRA/FaceID is usually referenced from, with its title when known. */
  baseTune: { id: number; title: string } | null;
}

export const PROMPT_RUN_PHASES = ['sending', 'queued', 'generating', 'done', 'failed'] as const;
export type PromptRunPhase = (typeof PROMPT_RUN_PHASES)[number];

/** One submitted prompt as the results strip shows it. */
export interface PromptRun {
  /** Stable key in the strip: the prompt id, or a local number while still sending. */
  key: string;
  phase: PromptRunPhase;
  promptId: number | null;
  /** Upload progress (0–1) while a workspace file is being sent. */
  uploaded: number | null;
  /** Displayable (http/https) image URLs; refused ones are left out. */
  images: string[];
  expectedImages: number;
  text: string;
  error: string | null;
}

export interface PromptHistoryEntry {
  promptId: number;
  text: string;
  createdAt: string;
  draft: PromptDraft;
}

export interface PromptPreset {
  name: string;
  options: PresetOptions;
}

/** A trained LoRA or FaceID tune the text can reference. */
export interface ReferenceTune {
  id: number;
  title: string;
  kind: 'lora' | 'faceid';
  className: string | null;
}

export type ImageTarget = 'input_image' | 'mask_image';

/** A workspace file picked as an input or mask image. */
export interface PickedFile {
  /** URI string kept in the draft. */
  uri: string;
  /** Workspace-relative path, for people. */
  label: string;
}

export interface PromptEditorInit {
  /** null until loaded, or when loading failed (then `loadError` says why). */
  tune: PromptEditorTune | null;
  loadError: string | null;
  draft: PromptDraft;
  /** Workspace-relative labels of the draft's files, by URI. */
  fileLabels: Record<string, string>;
  /** What the server said about the last submit (kept until the next one). */
  serverIssues: DraftIssue[];
  runs: PromptRun[];
  presets: PromptPreset[];
  busy: boolean;
}

export type SubmitResult =
  /** `note`: the request failed without an answer, and the prompt was then found on the server (said in words). */
  | { status: 'created'; promptId: number; note?: string }
  | { status: 'invalid'; issues: DraftIssue[] }
  | { status: 'failed'; message: string }
  /** Another submit of this editor is still on its way. */
  | { status: 'busy' }
  /** The same draft was sent moments ago: not sent again. */
  | { status: 'duplicate'; promptId: number };

/** The grid a sweep would make, or why it cannot be made. */
export type SweepPlanSummary =
  | { ok: true; prompts: number; images: number; columns: number; rows: number; tabs: number; warnings: string[] }
  | { ok: false; problems: string[] };

export type SweepRunResult =
  | { status: 'started'; sweepId: string; prompts: number }
  | { status: 'refused'; problems: string[] }
  /** The user said no to the question. */
  | { status: 'cancelled' };

/** A remembered sweep of this tune, for History. */
export interface SweepListEntry {
  sweepId: string;
  title: string;
  createdAt: string;
  prompts: number;
  /** Cells without a prompt (failed or not started). */
  missing: number;
}

/** Sections of the form a request can open and focus (a prompt file entry's "Sweep…"). */
export const EDITOR_SECTIONS = ['sweep'] as const;
export type EditorSection = (typeof EDITOR_SECTIONS)[number];

/** Why the host replaced the form: the webview offers to undo it. */
export type DraftReplacedReason = 'remix' | 'img2img' | 'prefill';

export interface PromptEditorProtocol extends ProtocolShape {
  requests: {
    submit: { params: { draft: PromptDraft }; result: SubmitResult };
    chooseFile: { params: { target: ImageTarget }; result: PickedFile | null };
    /** A `text/uri-list` dropped on the form: the host accepts one image file inside the workspace. */
    dropFile: { params: { target: ImageTarget; uriList: string }; result: PickedFile | { error: string } };
    listReferences: { params: { cursor: number | null }; result: { tunes: ReferenceTune[]; nextCursor: number | null } };
    loadHistory: { params: Record<string, never>; result: PromptHistoryEntry[] };
    savePreset: { params: { name: string; options: PresetOptions }; result: PromptPreset[] };
    deletePreset: { params: { name: string }; result: PromptPreset[] };
    /** Opens a finished image in the gallery. */
    openResult: { params: { promptId: number; imageIndex: number }; result: null };
    /** Opens the editor of the base tune with a reference to this LoRA/FaceID in its text. */
    openOnBaseTune: { params: Record<string, never>; result: null };
    /** Loading the tune failed: try again. */
    retryLoad: { params: Record<string, never>; result: null };
    /** Grid size of a sweep of this draft (the host knows the tune's state and the referenced tunes). */
    planSweep: { params: { draft: PromptDraft; axes: SweepAxis[] }; result: SweepPlanSummary };
    /** Asks once (modal), then creates the sweep's prompts and opens its compare panel. */
    runSweep: { params: { draft: PromptDraft; axes: SweepAxis[] }; result: SweepRunResult };
    listSweeps: { params: Record<string, never>; result: SweepListEntry[] };
    openSweep: { params: { sweepId: string }; result: null };
    /** Writes the form as a prompt file (`*.astria.yaml`) the user picks; null when they cancelled. */
    saveAsPromptFile: { params: { draft: PromptDraft }; result: { saved: string } | null };
  };
  hostNotifications: {
    init: PromptEditorInit;
    /** A run started, progressed or finished: replace the one with the same key (or `replacesKey`). */
    run: { run: PromptRun; replacesKey: string | null };
    /** A run that never became a prompt (the server refused it): take it out of the strip. */
    removeRun: { key: string };
    /** The host replaced the form (opened again with Remix / Use as Input Image). */
    draft: { draft: PromptDraft; fileLabels: Record<string, string>; reason: DraftReplacedReason };
    presets: { presets: PromptPreset[] };
    busy: { busy: boolean };
    /** Open a section of the form and focus it (kept by the webview until the form is built). */
    reveal: { section: EditorSection };
  };
  viewNotifications: {
    /** Every change of the form (the webview debounces typing a little). */
    draftChanged: { draft: PromptDraft };
    /** The form rendered after `init` (tests wait for it). */
    didRender: { fields: number };
    error: { message: string };
    /** The webview opened a section the host asked for (`open`: whether it is open now). */
    revealed: { section: EditorSection; open: boolean };
  };
}

/** What the webview keeps across reloads (webview `setState`) and the serializer receives. */
export interface PromptEditorViewState {
  version: 1;
  tuneId: number;
  draft: PromptDraft;
  advancedOpen: boolean;
}

// ─── Checks of what the webview sends ────────────────────────────────────────────────────────────

const empty: Check<Record<string, never>> = object<Record<string, never>>({});

function draftFieldChecks(): Record<string, Check<unknown>> {
  const defaults = normalizeDraft(undefined) as unknown as Record<string, unknown>;
  const checks: Record<string, Check<unknown>> = {};
  for (const field of DRAFT_FIELDS) {
    if (field === 'input_image_source' || field === 'mask_image_source') checks[field] = oneOf(IMAGE_SOURCES);
    else if (typeof defaults[field] === 'boolean') checks[field] = boolean;
    else checks[field] = string(MAX_FIELD_LENGTH);
  }
  return checks;
}

/** A complete draft with exactly the known fields. */
export const draftCheck: Check<PromptDraft> = object<PromptDraft>(draftFieldChecks() as { [K in keyof PromptDraft]-?: Check<PromptDraft[K]> });

/** Preset options: a draft without text and images. */
export const presetOptionsCheck: Check<PresetOptions> = (value) => {
  if (!isRecord(value)) return { ok: false, reason: 'expected an object' };
  const full = draftCheck({ ...normalizeDraft(undefined), ...value });
  if (!full.ok) return full;
  const options = presetOptions(full.value);
  for (const key of Object.keys(value)) if (!(key in options)) return { ok: false, reason: `unexpected field "${key}"` };
  return { ok: true, value: options };
};

const sweepIdCheck: Check<string> = (value) =>
  typeof value === 'string' && /^[\w-]{1,64}$/.test(value) ? { ok: true, value } : { ok: false, reason: 'expected a sweep id' };
const imageTarget = oneOf(['input_image', 'mask_image'] as const);
const presetName: Check<string> = (value) =>
  typeof value === 'string' && value.trim() !== '' && value.length <= MAX_PRESET_NAME
    ? { ok: true, value: value.trim() }
    : { ok: false, reason: `expected a name of 1–${MAX_PRESET_NAME} characters` };

export const promptEditorChecks: MessageChecks<PromptEditorProtocol> = {
  requests: {
    submit: object({ draft: draftCheck }),
    chooseFile: object({ target: imageTarget }),
    dropFile: object({ target: imageTarget, uriList: string(MAX_URI_LIST) }),
    listReferences: object({ cursor: nullable(integer(1)) }),
    loadHistory: empty,
    savePreset: object({ name: presetName, options: presetOptionsCheck }),
    deletePreset: object({ name: presetName }),
    openResult: object({ promptId: integer(1), imageIndex: integer(0, MAX_IMAGES_PER_RUN - 1) }),
    openOnBaseTune: empty,
    retryLoad: empty,
    planSweep: object({ draft: draftCheck, axes: sweepAxesCheck }),
    runSweep: object({ draft: draftCheck, axes: sweepAxesCheck }),
    listSweeps: empty,
    openSweep: object({ sweepId: sweepIdCheck }),
    saveAsPromptFile: object({ draft: draftCheck }),
  },
  notifications: {
    draftChanged: object({ draft: draftCheck }),
    didRender: object({ fields: integer(0, 1000) }),
    error: object({ message: string(4000) }),
    revealed: object({ section: oneOf(EDITOR_SECTIONS), open: boolean }),
  },
};
