// The gallery's messages between host and webview, each next to the host's check of it.
import { boolean, integer, isRecord, nullable, object, oneOf, optional, string, type Check } from './check';
import type { MessageChecks, ProtocolShape } from './rpc';
import { DRAFT_FIELDS } from './prompt/draft';
import { isHttpUrl } from './httpUrl';

/** More images than any prompt has: bounds what an image index may be. */
export const MAX_IMAGES_PER_PROMPT = 64;

export const GALLERY_VIEW_TYPE = 'tuneStudio.gallery';

/** What the gallery shows: a tune's prompts, one prompt, or recent images across all tunes. */
export type GallerySubject =
  | { kind: 'tune'; tuneId: number; title?: string }
  | { kind: 'prompt'; tuneId: number; promptId: number; title?: string }
  | { kind: 'recent' }
  /** Liked prompts across every tune (needs a server that reports `liked`). */
  | { kind: 'favorites' };

/** An image to scroll to (and open large) when the gallery opens or is revealed. */
export interface GalleryFocus {
  promptId: number;
  imageIndex: number;
}

/** Identity of a subject: the title is decoration and does not make a second panel. */
export function gallerySubjectKey(subject: GallerySubject): string {
  switch (subject.kind) {
    case 'tune':
      return `tune:${subject.tuneId}`;
    case 'prompt':
      return `prompt:${subject.tuneId}:${subject.promptId}`;
    case 'recent':
      return 'recent';
    case 'favorites':
      return 'favorites';
  }
}

/** One tile: a displayable URL, or a refused one (never rendered). */
export type GalleryImage = { url: string } | { blocked: true };

export type GalleryPromptStatus = 'pending' | 'generating' | 'done' | 'failed';

/** What the webview knows about a prompt: display data only, already vetted by the host. */
export interface GalleryPrompt {
  id: number;
  tuneId: number;
  /** Shown in "Recent Images", where groups come from many tunes. */
  tuneTitle?: string;
  text: string;
  negativePrompt?: string;
  seed?: number;
  steps?: number;
  cfgScale?: string;
  /** e.g. "1024×768" when the server gave w and h. */
  size?: string;
  aspectRatio?: string;
  /** Width / height of every tile of this prompt. */
  aspect: number;
  status: GalleryPromptStatus;
  /** How many tiles a pending prompt reserves. */
  expectedImages: number;
  images: GalleryImage[];
  /** null: the server does not say (`liked` is undocumented), shown as unknown, never as "not liked". */
  liked: boolean | null;
  likes?: number;
  error?: string;
  createdAt: string;
  /**
   * Every option the prompt was made with besides its text, as [Astria field name, value] (derived by
   * the host from the prompt editor's draft of it, so the list of options is the one rule table).
   */
  parameters?: [field: string, value: string][];
}

export interface GalleryPage {
  prompts: GalleryPrompt[];
  /** Number of the next page (the host pages by keyset or offset, whichever the server honours); null when this was the last. */
  nextCursor: number | null;
  /** Whether the server said for these prompts whether they are liked (`liked` is not a documented field); null: no prompts to tell. */
  likesReported?: boolean | null;
  /**
   * For a page asked with `text`: 'server' when the server searched (every prompt it sent contains the
   * text), 'ignored' when it sent prompts without it (no prompts then: the webview filters what it loaded).
   */
  textSearch?: 'server' | 'ignored';
}

/** What the gallery's toolbar filters by; every filter is optional and they combine (AND). */
export interface GalleryFilters {
  /** Words the prompt text (or negative prompt) must contain, case-insensitive. */
  text: string;
  seed: number | null;
  /** Only in subjects across tunes (recent, favorites). */
  tuneId: number | null;
  /** e.g. "16:9", as the server reported it. */
  aspectRatio: string | null;
  /** Local calendar days, YYYY-MM-DD, both inclusive. */
  from: string | null;
  to: string | null;
  likedOnly: boolean;
}

export const NO_FILTERS: GalleryFilters = { text: '', seed: null, tuneId: null, aspectRatio: null, from: null, to: null, likedOnly: false };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Start of a local calendar day (YYYY-MM-DD), in ms; NaN when it is not one. */
export function localDay(day: string): number {
  if (!DAY.test(day)) return Number.NaN;
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(y, m - 1, d);
  // A day past the month's end (or day 0, or month 13) rolls the date into another month.
  return date.getMonth() === m - 1 ? date.getTime() : Number.NaN;
}

/** Filters from a saved state (the webview wrote it, perhaps an older version): anything malformed is dropped, field by field. */
export function readGalleryFilters(value: unknown): GalleryFilters {
  if (typeof value !== 'object' || value === null) return { ...NO_FILTERS };
  const v = value as Record<string, unknown>;
  const int = (x: unknown) => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : null);
  const day = (x: unknown) => (typeof x === 'string' && !Number.isNaN(localDay(x)) ? x : null);
  return {
    text: typeof v.text === 'string' ? v.text.slice(0, 500) : '',
    seed: int(v.seed),
    tuneId: int(v.tuneId),
    aspectRatio: typeof v.aspectRatio === 'string' && v.aspectRatio.length <= 20 ? v.aspectRatio : null,
    from: day(v.from),
    to: day(v.to),
    likedOnly: v.likedOnly === true,
  };
}

/** What many selected images can be used for at once (the host does these; like/unlike and delete have their own requests). */
export const BULK_ACTIONS = ['save', 'copyMarkdown', 'exportZip'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** What the details pane may copy: a field of the prompt editor's draft, or everything. */
export const COPYABLE_FIELDS = [...DRAFT_FIELDS, 'all'] as const;
export type CopyableField = (typeof COPYABLE_FIELDS)[number];

/** Most images one bulk request may name: more than a user selects, bounded for hostile webviews. */
export const MAX_BULK_IMAGES = 20_000;

export const IMAGE_ACTIONS = ['save', 'saveAs', 'copyUrl', 'copyMarkdown', 'insertMarkdown', 'openExternal', 'copyPromptFileEntry'] as const;
export type ImageAction = (typeof IMAGE_ACTIONS)[number];

export interface ImageRef {
  promptId: number;
  imageIndex: number;
  /** Must equal the URL the host sent for this image: the host checks it. */
  url: string;
}

export const PROMPT_EDITOR_MODES = ['remix', 'img2img'] as const;
export type PromptEditorMode = (typeof PROMPT_EDITOR_MODES)[number];

export interface GalleryInit {
  subject: GallerySubject;
  title: string;
  /** Remix / Use as Input Image are offered only when the prompt editor exists. */
  canOpenPromptEditor: boolean;
  focus: GalleryFocus | null;
  /** Fetched while the webview was booting; null when that failed (the webview then asks with loadPage). */
  firstPage: GalleryPage | null;
  /** Filters of the state VS Code restored the panel with: used when the webview has no state of its own. */
  filters: GalleryFilters | null;
}

export interface GalleryProtocol extends ProtocolShape {
  requests: {
    /** `refresh` drops what the host cached and asks the server again. */
    /** `text` (subjects across tunes only): search the server's prompt text (`GET /prompts?text=`) where it honours that. */
    loadPage: { params: { cursor: number | null; refresh: boolean; text?: string }; result: GalleryPage };
    imageAction: { params: ImageRef & { action: ImageAction }; result: { message?: string } };
    setLiked: { params: { promptId: number; liked: boolean }; result: { liked: boolean; likes?: number } };
    openPromptEditor: {
      params: { promptId: number; mode: PromptEditorMode; image: ImageRef | null };
      result: null;
    };
    /** A bulk action over selected images; every ref must be one the host showed, else the whole request is refused. */
    bulkAction: { params: { action: BulkAction; images: ImageRef[] }; result: { message?: string } };
    /** Like or unlike several prompts; answers each prompt's new state (those that failed keep their old one). */
    setLikedMany: {
      params: { promptIds: number[]; liked: boolean };
      result: { prompts: { id: number; liked: boolean; likes?: number }[]; message?: string };
    };
    /** Copies one parameter of a shown prompt (or all of them, as the A1111 text) to the clipboard. */
    copyParameter: { params: { promptId: number; imageIndex: number; field: CopyableField }; result: { message?: string } };
    /** Deletes prompts after a modal confirmation naming the count; answers which were deleted. */
    deletePrompts: { params: { promptIds: number[] }; result: { deleted: number[]; message?: string } };
    /** Set API Key (a load found no key, or a refused one): asks for the Astria key; `saved` once one is stored. */
    setApiKey: { params: Record<string, never>; result: { saved: boolean } };
  };
  hostNotifications: {
    init: GalleryInit;
    /** A prompt changed (the poller saw it progress, or it is new): replace or insert it. */
    promptUpdated: { prompt: GalleryPrompt };
    focus: GalleryFocus;
  };
  viewNotifications: {
    /** Rendered the first page (tests and logs wait for it). */
    didRender: { prompts: number; images: number };
    /** An error inside the webview, for the output channel. */
    error: { message: string };
  };
}

/** What the gallery keeps across reloads (webview `setState`), and what the serializer receives. */
export interface GalleryViewState {
  version: 1;
  subject: GallerySubject;
  /** The prompt group at the top of the viewport and how far into it, in pixels. */
  anchor: { promptId: number; offset: number } | null;
  scrollTop: number;
  tileSize: TileSize;
  /** The toolbar's filters (absent in states saved before filters existed). */
  filters?: GalleryFilters;
}

export const TILE_SIZES = ['small', 'medium', 'large'] as const;
export type TileSize = (typeof TILE_SIZES)[number];

/** Only http(s) image URLs are ever rendered; `javascript:`, `data:` and the rest are refused. */
export const isDisplayableImageUrl: (value: string) => boolean = isHttpUrl;

// ─── Checks of what the webview sends ────────────────────────────────────────────────────────────

const id = integer(1);
const imageRefFields = {
  promptId: id,
  imageIndex: integer(0, MAX_IMAGES_PER_PROMPT - 1),
  url: string(4096),
};
const imageRef: Check<ImageRef> = object<ImageRef>(imageRefFields);

/** An array of at most `max` items, each passing `check`. */
function arrayOf<T>(check: Check<T>, max: number): Check<T[]> {
  return (value) => {
    if (!Array.isArray(value) || value.length === 0 || value.length > max) return { ok: false, reason: `expected 1 to ${max} items` };
    const out: T[] = [];
    for (const [index, item] of value.entries()) {
      const result = check(item);
      if (!result.ok) return { ok: false, reason: `[${index}]: ${result.reason}` };
      out.push(result.value);
    }
    return { ok: true, value: out };
  };
}

export const galleryChecks: MessageChecks<GalleryProtocol> = {
  requests: {
    loadPage: object({ cursor: nullable(id), refresh: boolean, text: optional(string(500)) }),
    imageAction: object({ ...imageRefFields, action: oneOf(IMAGE_ACTIONS) }),
    setLiked: object({ promptId: id, liked: boolean }),
    openPromptEditor: object({ promptId: id, mode: oneOf(PROMPT_EDITOR_MODES), image: nullable(imageRef) }),
    bulkAction: object({ action: oneOf(BULK_ACTIONS), images: arrayOf(imageRef, MAX_BULK_IMAGES) }),
    setLikedMany: object({ promptIds: arrayOf(id, MAX_BULK_IMAGES), liked: boolean }),
    deletePrompts: object({ promptIds: arrayOf(id, MAX_BULK_IMAGES) }),
    copyParameter: object({ promptId: id, imageIndex: integer(0, MAX_IMAGES_PER_PROMPT - 1), field: oneOf(COPYABLE_FIELDS) }),
    setApiKey: object<Record<string, never>>({}),
  },
  notifications: {
    didRender: object({ prompts: integer(), images: integer() }),
    error: object({ message: string(4000) }),
  },
};

const optionalTitle = optional(string(1000));

export const gallerySubjectCheck: Check<GallerySubject> = (value) => {
  if (!isRecord(value)) return { ok: false, reason: 'expected an object' };
  switch (value.kind) {
    case 'tune':
      return object<GallerySubject & { kind: 'tune' }>({ kind: oneOf(['tune'] as const), tuneId: id, title: optionalTitle })(value);
    case 'prompt':
      return object<GallerySubject & { kind: 'prompt' }>({
        kind: oneOf(['prompt'] as const),
        tuneId: id,
        promptId: id,
        title: optionalTitle,
      })(value);
    case 'recent':
      return object<GallerySubject & { kind: 'recent' }>({ kind: oneOf(['recent'] as const) })(value);
    case 'favorites':
      return object<GallerySubject & { kind: 'favorites' }>({ kind: oneOf(['favorites'] as const) })(value);
    default:
      return { ok: false, reason: 'unknown subject kind' };
  }
};
