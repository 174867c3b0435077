// Loading the gallery's pages from the host: one at a time, as the end nears, or searched on the server.
import type { GalleryPage } from '../../src/shared/gallery';
import { errorMessage } from '../../src/shared/errorMessage';
import type { ResponseRemedy } from '../../src/shared/rpc';
import { remedyOf } from '../common/rpc';
import { acrossTunes, type GalleryContext } from './context';
import { isFiltered } from './filters';

/** Fetch the next page while the end is less than this many viewports away. */
const PREFETCH_VIEWPORTS = 2;
/** Restoring or focusing never walks more pages than this. */
const MAX_PAGES_TO_FIND = 200;

export class PageLoader {
  /** Bumped whenever the gallery starts over: an answer for an older generation is dropped. */
  generation = 0;
  /** The request under way, if any. */
  loading: Promise<boolean> | undefined;
  loadError: string | undefined;
  /** What the person can do about the load error besides Retry (Set API Key), or that nothing can ('none'). */
  loadErrorRemedy: ResponseRemedy | undefined;
  /** The text the loaded pages were searched for on the server ('' = the subject's plain pages). */
  serverText = '';
  /** The server sent prompts without the text it was asked for: it does not search; filter here. */
  serverTextIgnored = false;
  /** Whether the server reports likes (null until a non-empty page said). */
  private likesReported: boolean | null = null;
  private reportedRender = false;

  constructor(private readonly ctx: GalleryContext) {}

  /** A new subject (or init again): likes are not known yet, and the server is asked to search again. */
  newSubject(): void {
    this.likesReported = null;
    this.serverTextIgnored = false;
    this.serverText = this.wantedServerText();
  }

  /** Loads the next page (one request); resolves true when prompts were added. */
  loadNextPage(refresh = false): Promise<boolean> {
    if (this.loading) return this.loading;
    const { store, subject } = this.ctx;
    if (!store.hasMore || !subject) return Promise.resolve(false);
    const generation = this.generation;
    const cursor = store.loadedOnce ? store.nextCursor : null;
    this.loadError = undefined;
    this.ctx.footer.render();
    const text = this.serverText;
    const loading = this.ctx.host
      .request('loadPage', text ? { cursor, refresh, text } : { cursor, refresh })
      .then((page) => {
        if (generation !== this.generation) return false;
        if (page.textSearch === 'ignored') {
          // Filter what is loaded instead, and say so (the footer does).
          this.serverTextIgnored = true;
          this.serverText = '';
          queueMicrotask(() => void this.reload());
          return false;
        }
        this.showPage(page);
        return page.prompts.length > 0;
      })
      .catch((error: unknown) => {
        if (generation === this.generation) {
          this.loadError = errorMessage(error);
          this.loadErrorRemedy = remedyOf(error);
        }
        return false;
      })
      .finally(() => {
        if (this.loading === loading) this.loading = undefined;
        this.ctx.footer.render();
        // Keep filling while the end is near: the next scroll event may never come on a tall screen.
        if (generation === this.generation) requestAnimationFrame(() => this.maybeLoadMore());
      });
    this.loading = loading;
    return loading;
  }

  /** Drops what is loaded and starts again from the first page (`refresh`: the host's cache too). */
  async reload(refresh = false): Promise<void> {
    const generation = ++this.generation;
    this.ctx.store.clear();
    this.loading = undefined;
    this.loadError = undefined;
    if (this.ctx.selection.clear()) this.ctx.renderSelection();
    this.ctx.grid.rows.redrawAll();
    this.ctx.grid.scroller.scrollTop = 0;
    this.ctx.relayout();
    await this.loadNextPage(refresh);
    if (generation === this.generation) this.ctx.afterScroll();
  }

  maybeLoadMore(): void {
    const { store, grid } = this.ctx;
    if (this.loading || this.loadError || !store.hasMore || !grid.layout) return;
    // While filtering, more pages come only when asked (Load More): the filter works on what is loaded.
    // Pages the server searched are results themselves: they come as you scroll.
    if (store.filtered && store.loadedOnce && !this.onlyServerFilter()) return;
    const viewport = grid.scroller.clientHeight || window.innerHeight;
    const remaining = grid.layout.height - (grid.scroller.scrollTop + viewport);
    if (remaining < viewport * PREFETCH_VIEWPORTS) void this.loadNextPage();
  }

  /** Loads pages until the prompt is there (prompts come newest first, so we know when to stop). */
  async ensureLoaded(promptId: number): Promise<boolean> {
    const { store } = this.ctx;
    const generation = this.generation;
    for (let pages = 0; pages < MAX_PAGES_TO_FIND && !store.get(promptId); pages++) {
      const cursor = store.nextCursor;
      if (store.loadedOnce && (cursor === null || cursor < promptId)) break;
      await this.loadNextPage();
      if (generation !== this.generation || this.loadError) break;
    }
    return store.get(promptId) !== undefined;
  }

  /** Whether the server reports likes: without that, the filter bar turns "Liked Only" off. */
  noteLikes(page: GalleryPage): void {
    if (page.likesReported === true) this.likesReported = true;
    else if (page.likesReported === false && this.likesReported === null) this.likesReported = false;
    this.ctx.filterBar.setLikesReported(this.likesReported);
  }

  /** Tells the host (tests and the bench wait for it) once, when the first page is shown. */
  reportFirstRender(): void {
    if (this.reportedRender) return;
    this.reportedRender = true;
    this.ctx.host.notify('didRender', { prompts: this.ctx.store.prompts.length, images: this.ctx.store.imageCount });
  }

  /** The text to search on the server: only across tunes (GET /prompts), and only while it answers searches. */
  wantedServerText(): string {
    return acrossTunes(this.ctx.subject) && !this.serverTextIgnored ? this.ctx.filters.text.trim() : '';
  }

  /** The server searched the text and no other filter is on: what is loaded is exactly the results. */
  onlyServerFilter(): boolean {
    return this.serverText !== '' && !isFiltered({ ...this.ctx.filters, text: '' });
  }

  private showPage(page: GalleryPage): void {
    this.ctx.store.appendPage(page.prompts, page.nextCursor);
    this.noteLikes(page);
    this.ctx.relayout();
    this.reportFirstRender();
  }
}
