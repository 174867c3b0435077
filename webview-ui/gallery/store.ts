// The prompts the gallery has loaded, in display order (newest first), and the paging cursor.
import { isDisplayableImageUrl, type GalleryImage, type GalleryPrompt } from '../../src/shared/gallery';

export interface ImagePosition {
  promptId: number;
  imageIndex: number;
  url: string;
}

/** A tile as the grid draws it. */
export type Tile =
  | { kind: 'image'; url: string }
  | { kind: 'blocked' }
  | { kind: 'pending'; generating: boolean }
  | { kind: 'failed' };

/** Images are checked again here: the webview renders no URL that is not http(s), whoever sent it. */
export function tileOf(image: GalleryImage | undefined): Tile {
  if (image && 'url' in image && isDisplayableImageUrl(image.url)) return { kind: 'image', url: image.url };
  return { kind: 'blocked' };
}

/** How many tiles `tilesOf` gives, without checking every URL (the layout needs only the count). */
export function tileCount(prompt: GalleryPrompt): number {
  return prompt.status === 'done' ? prompt.images.length : Math.max(1, prompt.expectedImages);
}

export function tilesOf(prompt: GalleryPrompt): Tile[] {
  if (prompt.status === 'done') return prompt.images.map(tileOf);
  const count = Math.max(1, prompt.expectedImages);
  if (prompt.status === 'failed') return Array.from({ length: count }, () => ({ kind: 'failed' }));
  return Array.from({ length: count }, () => ({ kind: 'pending', generating: prompt.status === 'generating' }));
}

export class GalleryStore {
  /** Every loaded prompt, in display order. */
  all: GalleryPrompt[] = [];
  /** The prompts shown: those of `all` that pass the filter (all of them without one). */
  prompts: GalleryPrompt[] = [];
  /** Bumped when a prompt changes, so its rows are drawn again. */
  private readonly versions = new Map<number, number>();
  /** Index in `prompts` (the shown ones). */
  private indexById = new Map<number, number>();
  private byId = new Map<number, GalleryPrompt>();
  private filter: ((prompt: GalleryPrompt) => boolean) | undefined;
  nextCursor: number | null = null;
  /** False until the first page arrived. */
  loadedOnce = false;

  get hasMore(): boolean {
    return !this.loadedOnce || this.nextCursor !== null;
  }

  clear(): void {
    this.all = [];
    this.prompts = [];
    this.indexById.clear();
    this.byId.clear();
    this.nextCursor = null;
    this.loadedOnce = false;
  }

  indexOf(promptId: number): number | undefined {
    return this.indexById.get(promptId);
  }

  /** A loaded prompt, shown or filtered out. */
  get(promptId: number): GalleryPrompt | undefined {
    return this.byId.get(promptId);
  }

  get filtered(): boolean {
    return this.filter !== undefined;
  }

  /** Shows only the prompts that pass (undefined: all of them). */
  setFilter(filter: ((prompt: GalleryPrompt) => boolean) | undefined): void {
    this.filter = filter;
    this.reindex();
  }

  /** Removes prompts (deleted on the server). */
  remove(promptIds: readonly number[]): void {
    const gone = new Set(promptIds);
    this.all = this.all.filter((p) => !gone.has(p.id));
    this.reindex();
  }

  version(promptId: number): number {
    return this.versions.get(promptId) ?? 0;
  }

  /** Appends a page; prompts already present (a concurrent update put them there) are replaced. */
  appendPage(prompts: GalleryPrompt[], nextCursor: number | null): void {
    for (const prompt of prompts) {
      if (this.byId.has(prompt.id)) this.replace(prompt);
      else this.all.push(prompt);
    }
    this.nextCursor = nextCursor;
    this.loadedOnce = true;
    this.reindex();
  }

  /** Replaces a known prompt, or puts a new one where its id sorts (newest first). */
  upsert(prompt: GalleryPrompt): void {
    if (this.byId.has(prompt.id)) {
      this.replace(prompt);
      return;
    }
    const at = this.all.findIndex((p) => p.id < prompt.id);
    if (at === -1) {
      // Older than everything loaded: it arrives with its page.
      if (this.nextCursor !== null) return;
      this.all.push(prompt);
    } else {
      this.all.splice(at, 0, prompt);
    }
    this.reindex();
  }

  update(promptId: number, change: Partial<GalleryPrompt>): void {
    const current = this.get(promptId);
    if (current) this.replace({ ...current, ...change });
  }

  /** Replaces a loaded prompt in place (a change may also move it in or out of the filter: call setFilter to apply that). */
  private replace(prompt: GalleryPrompt): void {
    const at = this.all.findIndex((p) => p.id === prompt.id);
    if (at === -1) return;
    this.all[at] = prompt;
    this.byId.set(prompt.id, prompt);
    const index = this.indexById.get(prompt.id);
    if (index !== undefined) this.prompts[index] = prompt;
    this.versions.set(prompt.id, this.version(prompt.id) + 1);
  }

  private reindex(): void {
    const filter = this.filter;
    this.prompts = filter ? this.all.filter(filter) : this.all;
    this.byId = new Map(this.all.map((p) => [p.id, p]));
    this.indexById = new Map(this.prompts.map((p, i) => [p.id, i]));
  }

  /** Every displayable image in display order: what ← and → walk through in the lightbox. */
  images(): ImagePosition[] {
    const out: ImagePosition[] = [];
    for (const prompt of this.prompts) {
      prompt.images.forEach((image, imageIndex) => {
        const tile = tileOf(image);
        if (tile.kind === 'image') out.push({ promptId: prompt.id, imageIndex, url: tile.url });
      });
    }
    return out;
  }

  /** Images of the shown prompts. */
  get imageCount(): number {
    let n = 0;
    for (const prompt of this.prompts) n += prompt.images.length;
    return n;
  }

  /** Images of every loaded prompt, filtered out or not. */
  get loadedImageCount(): number {
    let n = 0;
    for (const prompt of this.all) n += prompt.images.length;
    return n;
  }

  /** Tune ids and titles among the loaded prompts, and the aspect ratios: what the filter menus offer. */
  facets(): { tunes: Map<number, string>; aspectRatios: string[] } {
    const tunes = new Map<number, string>();
    const ratios = new Set<string>();
    for (const prompt of this.all) {
      if (!tunes.has(prompt.tuneId) || prompt.tuneTitle) tunes.set(prompt.tuneId, prompt.tuneTitle ?? `Tune ${prompt.tuneId}`);
      if (prompt.aspectRatio) ratios.add(prompt.aspectRatio);
    }
    return { tunes, aspectRatios: [...ratios].sort() };
  }
}
