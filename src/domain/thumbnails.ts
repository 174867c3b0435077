// Where a hover (prompt files, the Tunes view's tooltips) gets an image from, bounded in size and in
// memory. No `vscode` import, so it is unit-tested in Node against a real local server.
import { downloadToMemory, megabytes } from '../api/download';
import { isApiError } from '../api/errors';
import { ByteLru } from '../shared/byteLru';

/** Largest image inlined into a hover. */
export const MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024;
/** All inlined images kept together (data URLs, so about 4/3 of the images' bytes). */
export const THUMBNAIL_CACHE_BYTES = 16 * 1024 * 1024;
export const THUMBNAIL_CACHE_ENTRIES = 200;
const THUMBNAIL_TIMEOUT_MS = 5_000;
const INLINED_TYPES = /^image\/(png|jpeg|webp|gif)$/;

/** `image`: show `src` (the URL itself, or a data: URL). `tooLarge`: show `text` instead of a picture. */
export type Thumbnail = { kind: 'image'; src: string } | { kind: 'tooLarge'; text: string };

export interface ThumbnailSourcesOptions {
  maxImageBytes?: number;
  cacheBytes?: number;
  cacheEntries?: number;
  timeoutMs?: number;
}

/**
 * Astria's CDN is https, which the workbench shows directly; the workbench's CSP refuses plain http
 * images (a local sandbox), so those are fetched here (no Authorization header, no redirects, at most
 * 5 s) and inlined as data: URLs. The download stops as soon as it passes 2 MB (or is refused at once
 * by its Content-Length), and such an image is shown as a short text. Inlined images and the "too
 * large" answers are kept in an LRU bounded by total size and count; other failures keep the URL and
 * are tried again on the next hover.
 */
export class ThumbnailSources {
  private readonly cache: ByteLru<string, Thumbnail>;
  private readonly loading = new Map<string, Promise<Thumbnail>>();
  private readonly maxImageBytes: number;
  private readonly timeoutMs: number;

  constructor(options: ThumbnailSourcesOptions = {}) {
    this.maxImageBytes = options.maxImageBytes ?? MAX_THUMBNAIL_BYTES;
    this.timeoutMs = options.timeoutMs ?? THUMBNAIL_TIMEOUT_MS;
    this.cache = new ByteLru({ maxBytes: options.cacheBytes ?? THUMBNAIL_CACHE_BYTES, maxEntries: options.cacheEntries ?? THUMBNAIL_CACHE_ENTRIES });
  }

  source(url: string): Promise<Thumbnail> {
    if (!/^http:\/\//i.test(url)) return Promise.resolve({ kind: 'image', src: url });
    const cached = this.cache.get(url);
    if (cached) return Promise.resolve(cached);
    let loading = this.loading.get(url);
    if (!loading) {
      loading = this.load(url).finally(() => this.loading.delete(url));
      this.loading.set(url, loading);
    }
    return loading;
  }

  /** Total size of what is cached (a data URL counts one byte per character, as it is ASCII). */
  get cachedBytes(): number {
    return this.cache.totalBytes;
  }

  /** Cached URLs, least recently used first. */
  cachedUrls(): string[] {
    return this.cache.keys();
  }

  private async load(url: string): Promise<Thumbnail> {
    let thumbnail: Thumbnail;
    try {
      const { bytes, mediaType } = await downloadToMemory(url, {
        maxBytes: this.maxImageBytes,
        timeoutMs: this.timeoutMs,
        redirect: 'error',
        acceptType: (type) => INLINED_TYPES.test(type),
      });
      thumbnail = { kind: 'image', src: `data:${mediaType};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}` };
    } catch (error) {
      if (!isApiError(error) || error.kind !== 'too_large') return { kind: 'image', src: url };
      thumbnail = { kind: 'tooLarge', text: `larger than ${megabytes(this.maxImageBytes)}, not shown` };
    }
    this.cache.set(url, thumbnail, url.length + (thumbnail.kind === 'image' ? thumbnail.src.length : thumbnail.text.length));
    return thumbnail;
  }
}

/** The one cache behind every hover and tree tooltip (so their 16 MB bound holds for all of them together). */
export const hoverThumbnails = new ThumbnailSources();

/**
 * A thumbnail as Markdown: the picture (an https URL, or a data: URL for a plain-http image), or a short
 * text instead when the image is too large to inline; a link to `link` around either when given. `alt`
 * is the caller's own plain words; `url` must already be safe inside Markdown's `(…)`.
 */
export async function thumbnailMarkdown(url: string, alt: string, width: number, link?: string, sources: ThumbnailSources = hoverThumbnails): Promise<string> {
  const thumbnail = await sources.source(url);
  const shown = thumbnail.kind === 'image' ? `![${alt}](${thumbnail.src}|width=${width})` : `${alt}: ${thumbnail.text}`;
  return link ? `[${shown}](${link})` : shown;
}
