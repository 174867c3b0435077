// The prompt editor's messages between the extension host and its webview. Re-exported from
// webview/protocol.ts (the one protocol file): types and tiny pure helpers only.
import type { ProtocolShape } from './protocol';
import type { ModelCapabilities } from './prompt/capabilities';
import type { DraftIssue } from './prompt/validation';
import type { PresetOptions, PromptDraft } from './prompt/draft';

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
  | { status: 'created'; promptId: number }
  | { status: 'invalid'; issues: DraftIssue[] }
  | { status: 'failed'; message: string }
  /** Another submit of this editor is still on its way. */
  | { status: 'busy' }
  /** The same draft was sent moments ago: not sent again. */
  | { status: 'duplicate'; promptId: number };

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
  };
  viewNotifications: {
    /** Every change of the form (the webview debounces typing a little). */
    draftChanged: { draft: PromptDraft };
    /** The form rendered after `init` (tests wait for it). */
    didRender: { fields: number };
    error: { message: string };
  };
}

/** What the webview keeps across reloads (webview `setState`) and the serializer receives. */
export interface PromptEditorViewState {
  version: 1;
  tuneId: number;
  draft: PromptDraft;
  advancedOpen: boolean;
}
