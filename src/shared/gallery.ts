// The gallery's messages between host and webview, each next to the host's check of it.
import { boolean, integer, isRecord, nullable, object, oneOf, optional, string, type Check } from './check';
import type { MessageChecks, ProtocolShape } from './rpc';

/** More images than any prompt has: bounds what an image index may be. */
export const MAX_IMAGES_PER_PROMPT = 64;

export const GALLERY_VIEW_TYPE = 'tuneStudio.gallery';

/** What the gallery shows: a tune's prompts, one prompt, or recent images across all tunes. */
export type GallerySubject =
  | { kind: 'tune'; tuneId: number; title?: string }
  | { kind: 'prompt'; tuneId: number; promptId: number; title?: string }
  | { kind: 'recent' };

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
  liked: boolean;
  likes?: number;
  error?: string;
  createdAt: string;
}

export interface GalleryPage {
  prompts: GalleryPrompt[];
  /** Number of the next page (the host pages by keyset or offset, whichever the server honours); null when this was the last. */
  nextCursor: number | null;
}

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
}

export interface GalleryProtocol extends ProtocolShape {
  requests: {
    /** `refresh` drops what the host cached and asks the server again. */
    loadPage: { params: { cursor: number | null; refresh: boolean }; result: GalleryPage };
    imageAction: { params: ImageRef & { action: ImageAction }; result: { message?: string } };
    setLiked: { params: { promptId: number; liked: boolean }; result: { liked: boolean; likes?: number } };
    openPromptEditor: {
      params: { promptId: number; mode: PromptEditorMode; image: ImageRef | null };
      result: null;
    };
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
}

export const TILE_SIZES = ['small', 'medium', 'large'] as const;
export type TileSize = (typeof TILE_SIZES)[number];

/** Only http(s) image URLs are ever rendered; `javascript:`, `data:` and the rest are refused. */
export function isDisplayableImageUrl(value: string): boolean {
  if (value.length > 4096) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

// ─── Checks of what the webview sends ────────────────────────────────────────────────────────────

const id = integer(1);
const imageRefFields = {
  promptId: id,
  imageIndex: integer(0, MAX_IMAGES_PER_PROMPT - 1),
  url: string(4096),
};
const imageRef: Check<ImageRef> = object<ImageRef>(imageRefFields);

export const galleryChecks: MessageChecks<GalleryProtocol> = {
  requests: {
    loadPage: object({ cursor: nullable(id), refresh: boolean }),
    imageAction: object({ ...imageRefFields, action: oneOf(IMAGE_ACTIONS) }),
    setLiked: object({ promptId: id, liked: boolean }),
    openPromptEditor: object({ promptId: id, mode: oneOf(PROMPT_EDITOR_MODES), image: nullable(imageRef) }),
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
    default:
      return { ok: false, reason: 'unknown subject kind' };
  }
};
