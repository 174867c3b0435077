// Pure helpers of the gallery host (no `vscode` import): what the webview is sent. The checks of the
// webview's messages live with the messages, in shared/gallery.ts; names of saved files in domain/savedImages.ts.
import type { Prompt } from '../api/astria/types';
import { promptState } from '../api/astria/state';
import { MAX_IMAGES_PER_PROMPT, NO_FILTERS, gallerySubjectCheck, isDisplayableImageUrl, readGalleryFilters, type GalleryFilters, type GalleryImage, type GalleryPrompt, type GallerySubject } from '../shared/gallery';
import { isRecord } from '../shared/check';
import { FLAG_FIELDS, draftFromPrompt, type DraftField } from '../shared/prompt/draft';

/** One selected image of a bulk action (save, ZIP export): its prompt, which image, and the tune's title. */
export interface BulkImage {
  prompt: Prompt;
  imageIndex: number;
  url: string;
  tuneTitle?: string;
}

/** Draft fields the details pane does not list: the text (shown already), and the form's own bookkeeping. */
const NOT_PARAMETERS = new Set<DraftField>(['text', 'negative_prompt', 'input_image_source', 'mask_image_source', 'input_image_file', 'mask_image_file']);

/** The prompt's options as [field, value], from the prompt editor's draft of it: set values only. */
export function promptParameters(prompt: Prompt): [string, string][] {
  const draft = draftFromPrompt(prompt);
  const flags = new Set<DraftField>(FLAG_FIELDS);
  const out: [string, string][] = [];
  for (const [field, value] of Object.entries(draft) as [DraftField, string | boolean][]) {
    if (NOT_PARAMETERS.has(field)) continue;
    if (flags.has(field) ? value === true : typeof value === 'string' && value !== '') out.push([field, String(value).slice(0, 2000)]);
  }
  return out;
}

/** Longest prompt text sent to the webview: enough for any real prompt, bounded for hostile ones. */
const MAX_TEXT = 10_000;

/** Width / height from "16:9" or from w and h; square when unknown; clamped so no tile gets absurd. */
export function promptAspect(prompt: Pick<Prompt, 'aspect_ratio' | 'w' | 'h'>): number {
  let aspect = 1;
  const match = typeof prompt.aspect_ratio === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(prompt.aspect_ratio) : null;
  if (match && Number(match[1]) > 0 && Number(match[2]) > 0) aspect = Number(match[1]) / Number(match[2]);
  else if (typeof prompt.w === 'number' && typeof prompt.h === 'number' && prompt.w > 0 && prompt.h > 0) aspect = prompt.w / prompt.h;
  return Math.min(4, Math.max(0.25, aspect));
}

/** What the webview may show of a prompt: plain values, and image URLs that passed the http(s) check. */
export function toGalleryPrompt(prompt: Prompt, tuneTitle?: string): GalleryPrompt {
  const images: GalleryImage[] = (Array.isArray(prompt.images) ? prompt.images : [])
    .slice(0, MAX_IMAGES_PER_PROMPT)
    .map((url) => (typeof url === 'string' && isDisplayableImageUrl(url) ? { url } : { blocked: true as const }));
  const status = promptState(prompt);
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.slice(0, MAX_TEXT) : undefined);
  const w = count(prompt.w);
  const h = count(prompt.h);
  const cfg = prompt.cfg_scale;
  const expected = Math.min(MAX_IMAGES_PER_PROMPT, Math.max(1, Math.round(count(prompt.num_images) ?? (images.length || 1))));
  return {
    id: prompt.id,
    tuneId: prompt.tune_id,
    tuneTitle: text(tuneTitle ?? prompt.tune?.title)?.slice(0, 500),
    text: typeof prompt.text === 'string' ? prompt.text.slice(0, MAX_TEXT) : '',
    negativePrompt: text(prompt.negative_prompt),
    seed: count(prompt.seed),
    steps: count(prompt.steps),
    cfgScale: typeof cfg === 'number' || (typeof cfg === 'string' && cfg.length < 20) ? String(cfg) : undefined,
    size: w && h ? `${w}×${h}` : text(prompt.resolution)?.slice(0, 20),
    aspectRatio: text(prompt.aspect_ratio)?.slice(0, 20),
    aspect: promptAspect(prompt),
    status,
    expectedImages: status === 'done' ? images.length : expected,
    images,
    liked: typeof prompt.liked === 'boolean' ? prompt.liked : null,
    likes: count(prompt.prompt_likes_count),
    error: text(prompt.user_error)?.slice(0, 2000),
    createdAt: typeof prompt.created_at === 'string' ? prompt.created_at : '',
    parameters: promptParameters(prompt),
  };
}

/** Whether a server honoured `GET /prompts?text=`: every prompt it sent contains the text (case-insensitive). */
export function textSearchHonoured(prompts: readonly Pick<Prompt, 'text'>[], text: string): boolean {
  const needle = text.trim().toLowerCase();
  return prompts.every((p) => typeof p.text === 'string' && p.text.toLowerCase().includes(needle));
}

/** The filters of a restored panel's saved state; null when there were none (or they filter nothing). */
export function filtersFromViewState(state: unknown): GalleryFilters | null {
  if (!isRecord(state) || !isRecord(state.filters)) return null;
  const filters = readGalleryFilters(state.filters);
  return JSON.stringify({ ...filters, text: filters.text.trim() }) === JSON.stringify(NO_FILTERS) ? null : filters;
}

/** The subject of a restored panel, read from the webview's saved state (which the webview wrote). */
export function subjectFromViewState(state: unknown): GallerySubject | undefined {
  if (!isRecord(state)) return undefined;
  const subject = gallerySubjectCheck(state.subject);
  return subject.ok ? subject.value : undefined;
}

/** A gallery panel's tab title. */
export function panelTitle(subject: GallerySubject): string {
  switch (subject.kind) {
    case 'tune':
      return `Gallery: ${subject.title || `Tune ${subject.tuneId}`}`;
    case 'prompt':
      return subject.title ? `Prompt ${subject.promptId}: ${subject.title}` : `Prompt ${subject.promptId}`;
    case 'recent':
      return 'Recent Images';
    case 'favorites':
      return 'Favorites';
  }
}
