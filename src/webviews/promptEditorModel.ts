// Pure helpers of the prompt editor host (no runtime `vscode` import): what the webview is sent about
// tunes and prompts, history, presets and saved drafts. The checks of its messages are in shared/promptEditor.ts.
import type { Prompt, Tune } from '../api/astria/types';
import { promptState, tuneState } from '../api/astria/state';
import {
  draftFromPrompt,
  normalizeDraft,
  presetOptions,
  type PresetOptions,
  type PromptDraft,
  type PromptLike,
} from '../shared/prompt/draft';
import {
  MAX_IMAGES_PER_RUN,
  MAX_PRESETS,
  MAX_PRESET_NAME,
  type DraftReplacedReason,
  type EditorSection,
  type PromptHistoryEntry,
  type PromptPreset,
  type PromptRun,
  type ReferenceTune,
} from '../shared/promptEditor';
import { isHttpUrl } from '../shared/prompt/validation';
import type { PromptEditorRequest } from '../open';
import { isRecord } from '../shared/check';

export const HISTORY_SIZE = 20;

// ─── What the webview is sent ────────────────────────────────────────────────────────────────────

const PHASE_OF_STATE = { pending: 'queued', generating: 'generating', done: 'done', failed: 'failed' } as const;

/** A created prompt as the results strip shows it. */
export function runFromPrompt(prompt: Prompt): PromptRun {
  const phase = PHASE_OF_STATE[promptState(prompt)];
  const images = prompt.images.filter((url) => typeof url === 'string' && isHttpUrl(url)).slice(0, MAX_IMAGES_PER_RUN);
  const expected = typeof prompt.num_images === 'number' && prompt.num_images > 0 ? Math.min(MAX_IMAGES_PER_RUN, prompt.num_images) : images.length || 1;
  return {
    key: `prompt:${prompt.id}`,
    phase,
    promptId: prompt.id,
    uploaded: null,
    images,
    expectedImages: phase === 'done' ? images.length : expected,
    text: typeof prompt.text === 'string' ? prompt.text.slice(0, 500) : '',
    error: phase === 'failed' && typeof prompt.user_error === 'string' ? prompt.user_error.slice(0, 2000) : null,
  };
}

/** LoRA and FaceID tunes that finished training: what `<lora:ID:1>` / `<faceid:ID:1>` may name. */
export function referenceTunes(page: readonly Tune[], now: number = Date.now()): ReferenceTune[] {
  return page.flatMap((tune) => {
    const kind = tune.model_type === 'lora' || tune.model_type === 'faceid' ? tune.model_type : undefined;
    if (!kind || tuneState(tune, now) !== 'trained') return [];
    return [{ id: tune.id, title: (tune.title || `Tune ${tune.id}`).slice(0, 200), kind, className: typeof tune.name === 'string' ? tune.name.slice(0, 100) : null }];
  });
}

/** The last prompts of a tune, newest first: the server's first page plus those created in this session. */
export function historyEntries(serverPage: readonly Prompt[], session: readonly Prompt[], limit = HISTORY_SIZE): PromptHistoryEntry[] {
  const byId = new Map<number, Prompt>();
  for (const prompt of [...session, ...serverPage]) if (!byId.has(prompt.id)) byId.set(prompt.id, prompt);
  return [...byId.values()]
    .sort((a, b) => b.id - a.id)
    .slice(0, limit)
    .map((prompt) => ({
      promptId: prompt.id,
      text: typeof prompt.text === 'string' ? prompt.text.slice(0, 500) : '',
      createdAt: typeof prompt.created_at === 'string' ? prompt.created_at : '',
      draft: draftFromPrompt(prompt),
    }));
}

/** `file:` / remote URIs of a `text/uri-list` (comments and blank lines skipped, RFC 2483). */
export function parseUriList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

// ─── Presets (globalState) ───────────────────────────────────────────────────────────────────────

/** Presets as stored, cleaned: bad entries dropped, names unique, sorted by name. */
export function normalizePresets(value: unknown): PromptPreset[] {
  if (!Array.isArray(value)) return [];
  const byName = new Map<string, PromptPreset>();
  for (const item of value) {
    if (!isRecord(item) || typeof item.name !== 'string') continue;
    const name = item.name.trim().slice(0, MAX_PRESET_NAME);
    if (name === '' || byName.has(name)) continue;
    byName.set(name, { name, options: presetOptions(normalizeDraft(item.options)) });
  }
  return sortPresets([...byName.values()]).slice(0, MAX_PRESETS);
}

export function savePreset(presets: readonly PromptPreset[], name: string, options: PresetOptions): PromptPreset[] {
  const others = presets.filter((p) => p.name !== name);
  if (others.length >= MAX_PRESETS) throw new RangeError(`At most ${MAX_PRESETS} presets: delete one first.`);
  return sortPresets([...others, { name, options }]);
}

export function deletePreset(presets: readonly PromptPreset[], name: string): PromptPreset[] {
  return presets.filter((p) => p.name !== name);
}

function sortPresets(presets: PromptPreset[]): PromptPreset[] {
  return presets.sort((a, b) => a.name.localeCompare(b.name));
}

// ─── Saved drafts (workspaceState) and the webview's saved state ─────────────────────────────────

export interface StoredDraft {
  version: 1;
  draft: PromptDraft;
  savedAt: number;
}

export function draftStorageKey(tuneId: number): string {
  return `tuneStudio.promptEditor.draft.${tuneId}`;
}

export const PRESETS_STORAGE_KEY = 'tuneStudio.promptEditor.presets';

export function readStoredDraft(value: unknown): PromptDraft | undefined {
  if (!isRecord(value) || value.version !== 1) return undefined;
  return normalizeDraft(value.draft);
}

/** The tune id a restored panel's webview state names. */
export function tuneIdFromViewState(state: unknown): number | undefined {
  if (!isRecord(state) || state.version !== 1) return undefined;
  const id = state.tuneId;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** The draft a restored panel's webview saved, if any. */
export function draftFromViewState(state: unknown): PromptDraft | undefined {
  return isRecord(state) && state.version === 1 && isRecord(state.draft) ? normalizeDraft(state.draft) : undefined;
}

// ─── Arguments of `tuneStudio.openPromptEditor` ──────────────────────────────────────────────────

/** What to open: a tune (or ask for one) and maybe a draft to put in the form. */
/** Where the editor opens and what replaces its form: what a front-door request means for the panels. */
export interface OpenRequest {
  tuneId?: number;
  tune?: Tune;
  prefill?: { draft: PromptDraft; reason: DraftReplacedReason };
  /** A section of the form to open and focus. */
  section?: EditorSection;
}

/** A front-door request as the editor registry needs it: the tune, and the draft that replaces the form. */
export function editorTarget(request: PromptEditorRequest): OpenRequest & { tuneId: number } {
  switch (request.kind) {
    case 'tune':
      return request.tune ? { tuneId: request.tuneId, tune: request.tune } : { tuneId: request.tuneId };
    case 'remix':
      return { tuneId: request.prompt.tune_id, prefill: { draft: draftFromPrompt(request.prompt as PromptLike), reason: 'remix' } };
    case 'img2img': {
      const draft = draftFromPrompt(request.prompt as PromptLike);
      draft.input_image_source = 'url';
      draft.input_image_url = request.imageUrl;
      return { tuneId: request.prompt.tune_id, prefill: { draft, reason: 'img2img' } };
    }
    case 'prefill':
      return { tuneId: request.tuneId, prefill: { draft: { ...normalizeDraft(undefined), text: request.text }, reason: 'prefill' } };
    case 'draft':
      return { tuneId: request.tuneId, prefill: { draft: normalizeDraft(request.draft), reason: 'prefill' }, ...(request.section ? { section: request.section } : {}) };
  }
}
