// The typed message protocol between the extension host and the webviews. Imported by both bundles,
// so it holds only types and tiny pure helpers: a message that is not described here cannot be sent.

// ─── Envelope shared by every panel ──────────────────────────────────────────────────────────────

/** The shape every panel protocol has: requests with replies, and notifications both ways. */
export interface ProtocolShape {
  /** Webview → host, answered by a `response` with the same id. */
  requests: Record<string, { params: unknown; result: unknown }>;
  /** Host → webview, fire and forget. */
  hostNotifications: Record<string, unknown>;
  /** Webview → host, fire and forget (besides `ready`). */
  viewNotifications: Record<string, unknown>;
}

export type RequestMethod<P extends ProtocolShape> = Extract<keyof P['requests'], string>;
export type RequestParams<P extends ProtocolShape, M extends RequestMethod<P>> = P['requests'][M]['params'];
export type RequestResult<P extends ProtocolShape, M extends RequestMethod<P>> = P['requests'][M]['result'];
export type HostNotificationMethod<P extends ProtocolShape> = Extract<keyof P['hostNotifications'], string>;
export type ViewNotificationMethod<P extends ProtocolShape> = Extract<keyof P['viewNotifications'], string>;

/** The first message of every webview (after each load): the host posts nothing before it. */
export interface ReadyMessage {
  kind: 'ready';
}

export interface RequestMessage<P extends ProtocolShape, M extends RequestMethod<P> = RequestMethod<P>> {
  kind: 'request';
  /** Sequence id chosen by the webview; the response carries it back. */
  id: number;
  method: M;
  params: RequestParams<P, M>;
}

export interface ViewNotificationMessage<P extends ProtocolShape, M extends ViewNotificationMethod<P> = ViewNotificationMethod<P>> {
  kind: 'notification';
  method: M;
  params: P['viewNotifications'][M];
}

export type WebviewToHostMessage<P extends ProtocolShape> = ReadyMessage | RequestMessage<P> | ViewNotificationMessage<P>;

export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string };

export interface HostNotificationMessage<P extends ProtocolShape, M extends HostNotificationMethod<P> = HostNotificationMethod<P>> {
  kind: 'notification';
  method: M;
  params: P['hostNotifications'][M];
}

export type HostToWebviewMessage<P extends ProtocolShape> = ResponseMessage | HostNotificationMessage<P>;

// ─── Gallery ─────────────────────────────────────────────────────────────────────────────────────

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
  /** Cursor for the next page (`before_id`), null when this was the last page. */
  nextCursor: number | null;
}

export const IMAGE_ACTIONS = ['save', 'saveAs', 'copyUrl', 'copyMarkdown', 'insertMarkdown', 'openExternal'] as const;
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

// ─── Prompt editor ───────────────────────────────────────────────────────────────────────────────
// Owned by the prompt editor. Its messages live in their own file (same rules as this one: types and
// tiny pure helpers only) so the two panels can change without editing each other's lines.

export * from './promptEditor';
