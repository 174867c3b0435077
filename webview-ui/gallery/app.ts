// The gallery webview: pages of prompts from the host, a virtualized grid of lazily loaded images,
// the lightbox and the image actions. Its scroll position and subject survive reloads via setState.
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { HostConnection } from '../common/rpc';
import { el, formatNumber, icon } from '../common/dom';
import { NO_FILTERS, TILE_SIZES, gallerySubjectKey, type BulkAction, type CopyableField, type GalleryFilters, type ImageRef, type GalleryFocus, type GalleryInit, type GalleryPage, type GalleryPrompt, type GalleryProtocol, type GallerySubject, type GalleryViewState, type TileSize } from '../../src/shared/gallery';
import { anchorAt, layoutGallery, scrollTopOf, rowOfTile, type GalleryLayout } from './layout';
import { GalleryStore, tileCount, type ImagePosition } from './store';
import { VirtualRows } from './virtualRows';
import { renderRow, rowKey, type RowContext } from './rows';
import { Lightbox } from './lightbox';
import { ImageMenu } from './imageMenu';
import { isGalleryAction, isImageAction, type GalleryAction } from './actions';
import { FilterBar } from './filterBar';
import { compileFilters, isFiltered, readFilters } from './filters';
import { SelectionModel, type ImageId } from './selection';
import { BulkBar, type BulkCommand } from './bulkBar';
import { Compare } from './compare';

const MIN_TILE_WIDTH: Record<TileSize, number> = { small: 140, medium: 210, large: 320 };
const GAP = 8;
/** Header: top padding, two lines of prompt text, the parameters line, space before the tiles. */
const HEADER_HEIGHT = 14 + 36 + 18 + 8;
/** One more line when the prompt has a negative prompt. */
const NEGATIVE_LINE_HEIGHT = 18;
const GROUP_SPACING = 12;
const FOOTER_HEIGHT = 64;
const PADDING = 16;
/** Fetch the next page while the end is less than this many viewports away. */
const PREFETCH_VIEWPORTS = 2;
/** Restoring or focusing never walks more pages than this. */
const MAX_PAGES_TO_FIND = 200;

type Anchor = { promptId: number; offset: number };

/** The saved state, if it is one (it came from this webview, but an older version may have written it). */
function readSavedState(value: unknown): GalleryViewState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const state = value as Partial<GalleryViewState>;
  if (state.version !== 1 || typeof state.subject !== 'object' || state.subject === null) return undefined;
  return {
    version: 1,
    subject: state.subject,
    anchor:
      state.anchor && Number.isSafeInteger(state.anchor.promptId) && Number.isFinite(state.anchor.offset)
        ? { promptId: state.anchor.promptId, offset: state.anchor.offset }
        : null,
    scrollTop: Number.isFinite(state.scrollTop) ? Number(state.scrollTop) : 0,
    tileSize: TILE_SIZES.includes(state.tileSize as TileSize) ? (state.tileSize as TileSize) : 'medium',
    filters: readFilters(state.filters),
  };
}

export class GalleryApp {
  private readonly store = new GalleryStore();
  private readonly host: HostConnection<GalleryProtocol, GalleryViewState>;
  private readonly saved: GalleryViewState | undefined;
  private subject: GallerySubject | undefined;
  private canOpenPromptEditor = false;
  private tileSize: TileSize = 'medium';
  private layout: GalleryLayout | undefined;
  private loading: Promise<boolean> | undefined;
  private loadError: string | undefined;
  private generation = 0;
  private reportedRender = false;
  private firstImageMarked = false;
  private saveTimer: number | undefined;
  private scrollFrame: number | undefined;
  private lastWidth = 0;
  private filters: GalleryFilters = { ...NO_FILTERS };
  private readonly selection = new SelectionModel();
  /** The text the loaded pages were searched for on the server ('' = the subject's plain pages). */
  private serverText = '';
  /** The server sent prompts without the text it was asked for: it does not search; filter here. */
  private serverTextIgnored = false;
  /** Whether the server reports likes (null until a non-empty page said). */
  private likesReported: boolean | null = null;
  private readonly filterBar: FilterBar;
  private readonly bulkBar: BulkBar;
  private readonly compare = new Compare((image) => {
    const prompt = this.store.get(image.promptId);
    return `${prompt?.text.slice(0, 80) ?? `Prompt ${image.promptId}`} — image ${image.imageIndex + 1}`;
  });

  private readonly titleElement = el('h1', { className: 'title' });
  private readonly summaryElement = el('span', { className: 'summary', attrs: { 'aria-live': 'polite' } });
  private readonly scroller = el('div', { className: 'scroller', attrs: { tabindex: '-1' } });
  private readonly content = el('div', { className: 'content' });
  private readonly footer = el('div', { className: 'footer' });
  private readonly toastElement = el('div', { className: 'toast', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly rows: VirtualRows;
  private readonly lightbox: Lightbox;
  private readonly menu: ImageMenu;
  private toastTimer: number | undefined;

  constructor(private readonly root: HTMLElement) {
    this.host = new HostConnection<GalleryProtocol, GalleryViewState>({
      init: (init) => void this.onInit(init),
      promptUpdated: ({ prompt }) => this.onPromptUpdated(prompt),
      focus: (focus) => void this.focusImage(focus),
    });
    this.saved = readSavedState(this.host.api.getState());
    const rowContext = this.rowContext();
    this.rows = new VirtualRows(this.scroller, this.content, {
      key: (row) => rowKey(row, rowContext()),
      render: (row) => renderRow(row, rowContext()),
    });
    this.lightbox = new Lightbox({
      images: () => this.store.images(),
      prompt: (id) => this.store.get(id),
      canOpenPromptEditor: () => this.canOpenPromptEditor,
      loadMore: () => this.loadNextPage(),
      run: (action, image) => void this.run(action, image),
      closed: (image) => this.focusTile(image),
      copy: (image, field) => void this.copyParameter(image, field),
    });
    this.menu = new ImageMenu((action, image) => void this.run(action, image));
    this.filterBar = new FilterBar({
      changed: (filters) => this.setFilters(filters),
      facets: () => this.store.facets(),
      tuneTitle: (tuneId) => this.store.facets().tunes.get(tuneId),
    });
    this.bulkBar = new BulkBar((command) => void this.runBulk(command));
    this.buildPage();
  }

  start(): void {
    window.addEventListener('error', (event) => this.reportError(event.message));
    window.addEventListener('unhandledrejection', (event) => this.reportError(String(event.reason)));
    this.host.ready();
  }

  // ─── Page structure ────────────────────────────────────────────────────────────────────────────

  private buildPage(): void {
    const toolbarButton = (action: string, iconName: string, label: string) => {
      const button = document.createElement('vscode-toolbar-button');
      button.icon = iconName;
      button.label = label;
      button.title = label;
      button.dataset.toolbar = action;
      return button;
    };
    const topbar = el(
      'header',
      { className: 'topbar' },
      this.titleElement,
      this.summaryElement,
      el('span', { className: 'spacer' }),
      this.filterBar.searchField,
      this.filterBar.likedToggle,
      toolbarButton('filters', 'filter', 'Filters'),
      toolbarButton('smaller', 'zoom-out', 'Smaller Tiles'),
      toolbarButton('larger', 'zoom-in', 'Larger Tiles'),
      toolbarButton('refresh', 'refresh', 'Refresh'),
    );
    topbar.addEventListener('click', (event) => {
      const action = (event.target as Element).closest<HTMLElement>('[data-toolbar]')?.dataset.toolbar;
      if (action === 'refresh') void this.refresh();
      else if (action === 'filters') this.filterBar.togglePanel();
      else if (action === 'smaller' || action === 'larger') this.changeTileSize(action === 'larger' ? 1 : -1);
    });
    this.content.append(this.footer);
    this.scroller.append(this.content);
    this.root.replaceChildren(topbar, this.filterBar.element, this.bulkBar.element, this.scroller, this.toastElement, this.lightbox.element, this.compare.element, this.menu.element);
    document.addEventListener('keydown', (event) => this.onDocumentKeyDown(event));

    this.scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.content.addEventListener('click', (event) => this.onGridClick(event));
    this.content.addEventListener('contextmenu', (event) => this.onGridContextMenu(event));
    this.content.addEventListener('keydown', (event) => this.onGridKeyDown(event));
    // load and error do not bubble: one capturing listener serves every tile.
    this.content.addEventListener('load', (event) => this.onImageLoad(event), true);
    this.content.addEventListener('error', (event) => this.onImageError(event), true);
    new ResizeObserver(() => {
      const width = this.scroller.clientWidth;
      if (width !== this.lastWidth) this.relayout();
    }).observe(this.scroller);
  }

  private rowContext(): () => RowContext {
    return () => ({
      prompt: (group) => this.store.prompts[group],
      version: (id) => this.store.version(id),
      tileWidth: this.layout?.tileWidth ?? 0,
      showTuneTitle: this.subject?.kind === 'recent' || this.subject?.kind === 'favorites',
      canOpenPromptEditor: this.canOpenPromptEditor,
      isSelected: (image) => this.selection.has(image),
    });
  }

  // ─── Host messages ─────────────────────────────────────────────────────────────────────────────

  private async onInit(init: GalleryInit): Promise<void> {
    performance.mark('gallery:init');
    const generation = ++this.generation;
    this.subject = init.subject;
    this.canOpenPromptEditor = init.canOpenPromptEditor;
    this.titleElement.textContent = init.title;
    document.title = init.title;
    const saved = this.saved && gallerySubjectKey(this.saved.subject) === gallerySubjectKey(init.subject) ? this.saved : undefined;
    if (saved) this.tileSize = saved.tileSize;
    this.store.clear();
    this.selection.clear();
    this.likesReported = null;
    // The webview's own state first; else what VS Code handed the serializer (the host passes it on).
    this.filters = saved?.filters ?? init.filters ?? { ...NO_FILTERS };
    this.store.setFilter(compileFilters(this.filters));
    this.filterBar.configure({ acrossTunes: this.acrossTunes(), filters: this.filters });
    this.renderSelection();
    this.serverTextIgnored = false;
    this.serverText = this.wantedServerText();
    // The first page usually comes with init: laid out once, with it, instead of empty and then again.
    // Not when a restored text filter is searched on the server: those pages come next.
    if (init.firstPage && !this.serverText) {
      this.store.appendPage(init.firstPage.prompts, init.firstPage.nextCursor);
      this.noteLikes(init.firstPage);
    }
    this.rows.redrawAll();
    this.relayout();
    // Saved in the next frame, not later: a window reload restores this subject even before the first page
    // arrived. Not now: reading the scroll position here would force a layout of the rows just drawn.
    const anchor = saved?.anchor ?? null;
    requestAnimationFrame(() => {
      if (generation === this.generation) this.saveState(anchor);
    });
    if (init.firstPage && !this.serverText) this.reportFirstRender();
    else await this.loadNextPage();
    if (generation !== this.generation) return;
    if (init.focus) await this.focusImage(init.focus);
    else if (saved?.anchor) await this.restoreAnchor(saved.anchor);
    this.afterScroll();
  }

  private onPromptUpdated(prompt: GalleryPrompt): void {
    if (!this.store.loadedOnce) return;
    this.store.upsert(prompt);
    // A change may move the prompt in or out of the filter.
    if (this.store.filtered) this.store.setFilter(compileFilters(this.filters));
    this.relayout();
    if (this.lightbox.shown?.promptId === prompt.id) this.lightbox.refresh();
  }

  /** Refresh button: drop everything (here and in the host's cache) and load the first page again. */
  private async refresh(): Promise<void> {
    const generation = ++this.generation;
    this.lightbox.close();
    this.store.clear();
    this.selection.clear();
    this.renderSelection();
    this.loadError = undefined;
    this.loading = undefined;
    this.rows.redrawAll();
    this.scroller.scrollTop = 0;
    this.relayout();
    await this.loadNextPage(true);
    if (generation === this.generation) this.afterScroll();
  }

  // ─── Paging ────────────────────────────────────────────────────────────────────────────────────

  /** Loads the next page (one request); resolves true when prompts were added. */
  private loadNextPage(refresh = false): Promise<boolean> {
    if (this.loading) return this.loading;
    if (!this.store.hasMore || !this.subject) return Promise.resolve(false);
    const generation = this.generation;
    const cursor = this.store.loadedOnce ? this.store.nextCursor : null;
    this.loadError = undefined;
    this.renderFooter();
    const text = this.serverText;
    const loading = this.host
      .request('loadPage', text ? { cursor, refresh, text } : { cursor, refresh })
      .then((page) => {
        if (generation !== this.generation) return false;
        if (page.textSearch === 'ignored') {
          // Filter what is loaded instead, and say so (the footer does).
          this.serverTextIgnored = true;
          this.serverText = '';
          queueMicrotask(() => void this.reloadPages());
          return false;
        }
        this.showPage(page);
        return page.prompts.length > 0;
      })
      .catch((error: unknown) => {
        if (generation === this.generation) this.loadError = error instanceof Error ? error.message : String(error);
        return false;
      })
      .finally(() => {
        if (this.loading === loading) this.loading = undefined;
        this.renderFooter();
        // Keep filling while the end is near: the next scroll event may never come on a tall screen.
        if (generation === this.generation) requestAnimationFrame(() => this.maybeLoadMore());
      });
    this.loading = loading;
    return loading;
  }

  private showPage(page: GalleryPage): void {
    this.store.appendPage(page.prompts, page.nextCursor);
    this.noteLikes(page);
    this.relayout();
    this.reportFirstRender();
  }

  private maybeLoadMore(): void {
    if (this.loading || this.loadError || !this.store.hasMore || !this.layout) return;
    // While filtering, more pages come only when asked (Load More): the filter works on what is loaded.
    // Pages the server searched are results themselves: they come as you scroll.
    if (this.store.filtered && this.store.loadedOnce && !this.onlyServerFilter()) return;
    const viewport = this.scroller.clientHeight || window.innerHeight;
    const remaining = this.layout.height - (this.scroller.scrollTop + viewport);
    if (remaining < viewport * PREFETCH_VIEWPORTS) void this.loadNextPage();
  }

  /** Loads pages until the prompt is there (prompts come newest first, so we know when to stop). */
  private async ensureLoaded(promptId: number): Promise<boolean> {
    const generation = this.generation;
    for (let pages = 0; pages < MAX_PAGES_TO_FIND && !this.store.get(promptId); pages++) {
      const cursor = this.store.nextCursor;
      if (this.store.loadedOnce && (cursor === null || cursor < promptId)) break;
      await this.loadNextPage();
      if (generation !== this.generation || this.loadError) break;
    }
    return this.store.get(promptId) !== undefined;
  }

  private async restoreAnchor(anchor: Anchor): Promise<void> {
    if (!(await this.ensureLoaded(anchor.promptId))) return;
    this.scrollToAnchor(anchor);
  }

  // ─── Layout and scrolling ──────────────────────────────────────────────────────────────────────

  private relayout(): void {
    const anchor = this.layout && this.scroller.scrollTop > 0 ? this.currentAnchor() : undefined;
    this.lastWidth = this.scroller.clientWidth;
    const width = Math.max(100, this.lastWidth - 2 * PADDING);
    this.layout = layoutGallery(
      this.store.prompts.map((p) => ({
        tiles: tileCount(p),
        aspect: p.aspect,
        headerHeight: HEADER_HEIGHT + (p.negativePrompt ? NEGATIVE_LINE_HEIGHT : 0),
      })),
      { width, minTileWidth: MIN_TILE_WIDTH[this.tileSize], gap: GAP, groupSpacing: GROUP_SPACING },
    );
    this.rows.setLayout(this.layout, FOOTER_HEIGHT);
    if (anchor) this.scrollToAnchor(anchor);
    this.rows.update();
    this.renderFooter();
    this.renderSummary();
  }

  private currentAnchor(): Anchor | undefined {
    if (!this.layout) return undefined;
    const at = anchorAt(this.layout, this.scroller.scrollTop);
    const prompt = at && this.store.prompts[at.group];
    return prompt && at ? { promptId: prompt.id, offset: at.offset } : undefined;
  }

  private scrollToAnchor(anchor: Anchor): void {
    const group = this.store.indexOf(anchor.promptId);
    if (group === undefined || !this.layout) return;
    this.scroller.scrollTop = scrollTopOf(this.layout, { group, offset: anchor.offset });
  }

  private onScroll(): void {
    if (this.scrollFrame !== undefined) return;
    this.scrollFrame = requestAnimationFrame(() => {
      this.scrollFrame = undefined;
      this.afterScroll();
    });
  }

  private afterScroll(): void {
    this.rows.update();
    this.maybeLoadMore();
    this.scheduleSaveState();
  }

  private changeTileSize(step: 1 | -1): void {
    const index = Math.min(TILE_SIZES.length - 1, Math.max(0, TILE_SIZES.indexOf(this.tileSize) + step));
    if (TILE_SIZES[index] === this.tileSize) return;
    this.tileSize = TILE_SIZES[index];
    this.relayout();
    this.scheduleSaveState();
  }

  private scheduleSaveState(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = window.setTimeout(() => {
      this.saveTimer = undefined;
      this.saveState();
    }, 200);
  }

  private saveState(anchor: Anchor | null = this.scroller.scrollTop > 0 ? (this.currentAnchor() ?? null) : null): void {
    if (!this.subject) return;
    this.host.api.setState({
      version: 1,
      subject: this.subject,
      anchor,
      scrollTop: Math.round(this.scroller.scrollTop),
      tileSize: this.tileSize,
      filters: this.filters,
    });
  }

  private renderSummary(): void {
    const images = this.store.imageCount;
    const prompts = this.store.prompts.length;
    const more = this.store.hasMore && this.store.loadedOnce ? '+' : '';
    if (this.store.filtered && this.store.loadedOnce) {
      const loaded = this.store.loadedImageCount;
      this.summaryElement.textContent = `${formatNumber(images)} of ${formatNumber(loaded)}${more} image${loaded === 1 ? '' : 's'} match`;
      return;
    }
    this.summaryElement.textContent = this.store.loadedOnce
      ? `${formatNumber(images)}${more} image${images === 1 ? '' : 's'} · ${formatNumber(prompts)}${more} prompt${prompts === 1 ? '' : 's'}`
      : '';
  }

  private renderFooter(): void {
    const top = this.layout?.height ?? 0;
    this.footer.style.transform = `translateY(${top}px)`;
    if (this.loadError) {
      const retry = document.createElement('vscode-button');
      retry.secondary = true;
      retry.textContent = 'Retry';
      retry.dataset.footer = 'retry';
      this.footer.replaceChildren(el('span', { className: 'error-text' }, icon('error'), el('span', { text: ` ${this.loadError}` })), retry);
    } else if (this.loading || !this.store.loadedOnce) {
      this.footer.replaceChildren(el('span', {}, icon('loading', true), el('span', { text: ' Loading…' })));
    } else if (this.store.filtered) {
      this.renderFilteredFooter();
    } else if (this.store.prompts.length === 0) {
      this.footer.replaceChildren(el('span', { text: 'No images yet.' }));
    } else if (!this.store.hasMore) {
      this.footer.replaceChildren(el('span', { className: 'end', text: 'End of gallery' }));
    } else {
      this.footer.replaceChildren();
    }
  }

  /** While filtering: say what was searched (the loaded prompts only), offer more, and a way out when nothing matched. */
  private renderFilteredFooter(): void {
    const loaded = this.store.all.length;
    const button = (label: string, action: string, secondary: boolean) => {
      const b = document.createElement('vscode-button');
      b.secondary = secondary;
      b.textContent = label;
      b.dataset.footer = action;
      return b;
    };
    const onlyServer = this.onlyServerFilter();
    let searched: string;
    if (this.serverText) {
      searched = `Searched the server for “${this.serverText}”${onlyServer ? '' : `; the other filters apply to the ${formatNumber(loaded)} results loaded`}.`;
    } else {
      const cannot = this.serverTextIgnored && this.filters.text.trim() ? 'This server does not search prompt text: ' : '';
      searched = `${cannot}${cannot ? 'filtered' : 'Filtered'} the ${formatNumber(loaded)} loaded prompt${loaded === 1 ? '' : 's'}${this.store.hasMore ? '; more are on the server' : ''}.`;
    }
    const parts: Node[] = [];
    if (this.store.prompts.length === 0) parts.push(el('p', { className: 'no-match', text: 'No image matches these filters.' }));
    parts.push(el('span', { className: 'filtered-note', text: searched }));
    if (this.store.hasMore && !onlyServer) parts.push(button('Load More', 'more', true));
    parts.push(button('Clear Filters', 'clear-filters', this.store.prompts.length > 0));
    this.footer.replaceChildren(...parts);
  }

  private noteLikes(page: GalleryPage): void {
    if (page.likesReported === true) this.likesReported = true;
    else if (page.likesReported === false && this.likesReported === null) this.likesReported = false;
    this.filterBar.setLikesReported(this.likesReported);
  }

  // ─── Filters ───────────────────────────────────────────────────────────────────────────────────

  private acrossTunes(): boolean {
    return this.subject?.kind === 'recent' || this.subject?.kind === 'favorites';
  }

  /** The text to search on the server: only across tunes (GET /prompts), and only while it answers searches. */
  private wantedServerText(): string {
    return this.acrossTunes() && !this.serverTextIgnored ? this.filters.text.trim() : '';
  }

  /** The server searched the text and no other filter is on: what is loaded is exactly the results. */
  private onlyServerFilter(): boolean {
    return this.serverText !== '' && !isFiltered({ ...this.filters, text: '' });
  }

  /** The pages for another server search (or none): start again from the first. */
  private async reloadPages(): Promise<void> {
    const generation = ++this.generation;
    this.store.clear();
    this.loading = undefined;
    this.loadError = undefined;
    if (this.selection.clear()) this.renderSelection();
    this.rows.redrawAll();
    this.scroller.scrollTop = 0;
    this.relayout();
    await this.loadNextPage();
    if (generation === this.generation) this.afterScroll();
  }

  private setFilters(filters: GalleryFilters): void {
    this.filters = filters;
    const serverText = this.wantedServerText();
    if (serverText !== this.serverText) {
      this.serverText = serverText;
      this.store.setFilter(compileFilters(filters));
      this.filterBar.configure({ filters });
      this.scheduleSaveState();
      void this.reloadPages();
      return;
    }
    performance.mark('gallery:filter-start');
    this.store.setFilter(compileFilters(filters));
    if (this.selection.retain(this.store.images())) this.renderSelection();
    this.scroller.scrollTop = 0;
    this.relayout();
    performance.mark('gallery:filter-end');
    this.filterBar.configure({ filters });
    this.scheduleSaveState();
  }

  // ─── Selection and bulk actions ────────────────────────────────────────────────────────────────

  /** Selected images in display order, as refs the host can check. */
  private selectedImages(): ImageRef[] {
    return this.selection.inOrder(this.store.images()) as ImageRef[];
  }

  private selectClick(image: ImageId, range: boolean, toggle: boolean): void {
    if (this.selection.click(image, { range, toggle }, this.store.images())) this.renderSelection();
  }

  /** Marks the drawn tiles and updates the bulk bar (the DOM holds only the rows near the viewport). */
  private renderSelection(): void {
    for (const tile of this.content.querySelectorAll<HTMLElement>('.tile-image')) {
      const selected = this.selection.has({ promptId: Number(tile.dataset.promptId), imageIndex: Number(tile.dataset.imageIndex) });
      tile.classList.toggle('selected', selected);
      tile.querySelector('.tile-open')?.setAttribute('aria-pressed', String(selected));
    }
    this.bulkBar.show(this.selection.size);
  }

  private onDocumentKeyDown(event: KeyboardEvent): void {
    if (this.lightbox.shown || this.compare.isOpen || event.defaultPrevented) return;
    const target = event.target as Element | null;
    // Ctrl+A in a text field selects its text, Esc there is the field's own.
    if (target?.closest('input, textarea, vscode-textfield, .image-menu')) return;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      if (this.selection.selectAll(this.store.images())) this.renderSelection();
      // VS Code also runs its own "select all" on the webview (every text selected), a moment later: undo that.
      const clearText = () => {
        const text = window.getSelection();
        if (text && !text.isCollapsed) text.removeAllRanges();
      };
      document.addEventListener('selectionchange', clearText);
      window.setTimeout(() => document.removeEventListener('selectionchange', clearText), 1000);
    } else if (event.key === 'Escape' && this.selection.size > 0) {
      event.preventDefault();
      this.selection.clear();
      this.renderSelection();
    }
  }

  private async runBulk(command: BulkCommand): Promise<void> {
    if (command === 'clear') {
      this.selection.clear();
      this.renderSelection();
      return;
    }
    const images = this.selectedImages();
    if (images.length === 0) return;
    if (command === 'compare') {
      const [a, b] = this.selection.inOrder(this.store.images()) as ImagePosition[];
      if (a && b) this.compare.open(a, b);
      return;
    }
    const promptIds = [...new Set(images.map((i) => i.promptId))];
    try {
      if (command === 'like' || command === 'unlike') {
        const result = await this.host.request('setLikedMany', { promptIds, liked: command === 'like' });
        for (const p of result.prompts) this.store.update(p.id, { liked: p.liked, likes: p.likes });
        if (this.store.filtered) this.store.setFilter(compileFilters(this.filters));
        this.relayout();
        if (result.message) this.toast(result.message);
      } else if (command === 'delete') {
        const result = await this.host.request('deletePrompts', { promptIds });
        if (result.deleted.length > 0) {
          this.store.remove(result.deleted);
          this.selection.retain(this.store.images());
          this.rows.redrawAll();
          this.relayout();
          this.renderSelection();
        }
        if (result.message) this.toast(result.message);
      } else {
        const action: BulkAction = command;
        const result = await this.host.request('bulkAction', { action, images });
        if (result.message) this.toast(result.message, /could not/i.test(result.message));
      }
    } catch (error) {
      this.toast(error instanceof Error ? error.message : String(error), true);
    }
  }

  private reportFirstRender(): void {
    if (this.reportedRender) return;
    this.reportedRender = true;
    this.host.notify('didRender', { prompts: this.store.prompts.length, images: this.store.imageCount });
  }

  // ─── Tiles ─────────────────────────────────────────────────────────────────────────────────────

  private imageAt(element: Element | null): ImagePosition | undefined {
    const tile = element?.closest<HTMLElement>('[data-image-index]');
    const promptId = Number(tile?.dataset.promptId);
    const imageIndex = Number(tile?.dataset.imageIndex);
    const image = this.store.get(promptId)?.images[imageIndex];
    return image && 'url' in image ? { promptId, imageIndex, url: image.url } : undefined;
  }

  private onGridClick(event: MouseEvent): void {
    const target = event.target as Element;
    if (target.closest('[data-footer="retry"]')) {
      this.loadError = undefined;
      void this.loadNextPage();
      return;
    }
    if (target.closest('[data-footer="more"]')) {
      void this.loadNextPage();
      return;
    }
    if (target.closest('[data-footer="clear-filters"]')) {
      this.setFilters({ ...NO_FILTERS });
      return;
    }
    const retryTile = target.closest<HTMLElement>('[data-action="retry-image"]');
    if (retryTile) {
      this.retryImage(retryTile);
      return;
    }
    const actionElement = target.closest<HTMLElement>('[data-action]');
    const action = actionElement?.dataset.action;
    if (!actionElement || !action) return;
    if (action === 'menu') {
      const image = this.imageAt(actionElement);
      const box = actionElement.getBoundingClientRect();
      if (image) this.openMenu(image, box.left, box.bottom);
      return;
    }
    if (!isGalleryAction(action)) return;
    const promptId = Number(actionElement.dataset.promptId);
    const image = this.imageAt(actionElement);
    // Ctrl/Cmd+click toggles, Shift+click selects a range; once something is selected, a click toggles.
    const toggle = event.ctrlKey || event.metaKey;
    if (action === 'open' && image && (toggle || event.shiftKey || this.selection.size > 0)) {
      event.preventDefault();
      this.selectClick(image, event.shiftKey, toggle || this.selection.size > 0);
      return;
    }
    if (image) void this.run(action, image);
    else if (action === 'like' || action === 'unlike' || action === 'remix') void this.runForPrompt(action, promptId);
  }

  private onGridContextMenu(event: MouseEvent): void {
    const image = this.imageAt(event.target as Element);
    if (!image) return;
    event.preventDefault();
    this.openMenu(image, event.clientX, event.clientY);
  }

  private onGridKeyDown(event: KeyboardEvent): void {
    if (event.key === ' ' && (event.target as Element).closest('.tile-open')) {
      const image = this.imageAt(event.target as Element);
      if (image) {
        event.preventDefault();
        this.selectClick(image, event.shiftKey, true);
      }
      return;
    }
    if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      const image = this.imageAt(event.target as Element);
      if (!image) return;
      event.preventDefault();
      const box = (event.target as Element).getBoundingClientRect();
      this.openMenu(image, box.left + 8, box.top + 8);
    }
  }

  private openMenu(image: ImagePosition, x: number, y: number): void {
    this.menu.open(image, x, y, { liked: this.store.get(image.promptId)?.liked ?? false, canOpenPromptEditor: this.canOpenPromptEditor });
  }

  private onImageLoad(event: Event): void {
    const img = event.target;
    if (!(img instanceof HTMLImageElement) || !img.closest('.tile')) return;
    img.closest('.tile')?.classList.add('loaded');
    if (!this.firstImageMarked) {
      this.firstImageMarked = true;
      // Two frames after load, the image has been painted: the benchmark reads this mark.
      requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('gallery:first-image-painted')));
    }
  }

  private onImageError(event: Event): void {
    const img = event.target;
    if (!(img instanceof HTMLImageElement) || !img.getAttribute('src')) return;
    const tile = img.closest<HTMLElement>('.tile');
    if (tile && !tile.classList.contains('broken')) {
      tile.classList.add('broken');
      const retry = el(
        'button',
        { className: 'retry-image', attrs: { type: 'button' }, data: { action: 'retry-image' } },
        icon('refresh'),
        el('span', { text: ' Retry' }),
      );
      tile.append(el('span', { className: 'broken-note' }, icon('warning'), el('span', { text: ' Image unavailable' }), retry));
    }
  }

  /** The retry tile: the same URL again (the host's URL, never another). */
  private retryImage(button: HTMLElement): void {
    const tile = button.closest<HTMLElement>('.tile');
    const img = tile?.querySelector('img');
    const src = img?.getAttribute('src');
    if (!tile || !img || !src) return;
    tile.classList.remove('broken');
    tile.querySelector('.broken-note')?.remove();
    img.removeAttribute('src');
    img.src = src;
  }

  private focusTile(image: ImagePosition): void {
    this.scrollTileIntoView(image, false);
    const selector = `.tile[data-prompt-id="${image.promptId}"][data-image-index="${image.imageIndex}"] .tile-open`;
    this.content.querySelector<HTMLElement>(selector)?.focus({ preventScroll: true });
  }

  private scrollTileIntoView(image: { promptId: number; imageIndex: number }, center: boolean): void {
    const group = this.store.indexOf(image.promptId);
    if (group === undefined || !this.layout) return;
    const row = rowOfTile(this.layout, group, image.imageIndex);
    if (!row) return;
    const viewport = this.scroller.clientHeight;
    const top = this.scroller.scrollTop;
    if (center) this.scroller.scrollTop = Math.max(0, row.top - (viewport - row.height) / 2);
    else if (row.top < top) this.scroller.scrollTop = row.top;
    else if (row.top + row.height > top + viewport) this.scroller.scrollTop = row.top + row.height - viewport;
    this.rows.update();
  }

  /** Scrolls to an image and opens it large (what clicking an image in the tree asks for). */
  private async focusImage(focus: GalleryFocus): Promise<void> {
    if (!(await this.ensureLoaded(focus.promptId))) {
      this.toast('That image is no longer in this gallery.', true);
      return;
    }
    this.scrollTileIntoView(focus, true);
    const image = this.store.get(focus.promptId)?.images[focus.imageIndex];
    if (image && 'url' in image) {
      this.lightbox.open({ promptId: focus.promptId, imageIndex: focus.imageIndex, url: image.url });
    }
    this.scheduleSaveState();
  }

  // ─── Actions ───────────────────────────────────────────────────────────────────────────────────

  private async run(action: GalleryAction, image: ImagePosition): Promise<void> {
    if (action === 'open') {
      this.lightbox.open(image);
      return;
    }
    if (action === 'like' || action === 'unlike' || action === 'remix') return this.runForPrompt(action, image.promptId);
    try {
      if (action === 'img2img') {
        await this.host.request('openPromptEditor', { promptId: image.promptId, mode: 'img2img', image });
      } else if (isImageAction(action)) {
        const result = await this.host.request('imageAction', { action, ...image });
        if (result.message) this.toast(result.message);
      }
    } catch (error) {
      this.toast(error instanceof Error ? error.message : String(error), true);
    }
  }

  private async runForPrompt(action: 'like' | 'unlike' | 'remix', promptId: number): Promise<void> {
    if (!this.store.get(promptId)) return;
    try {
      if (action === 'remix') {
        await this.host.request('openPromptEditor', { promptId, mode: 'remix', image: null });
        return;
      }
      const result = await this.host.request('setLiked', { promptId, liked: action === 'like' });
      this.store.update(promptId, { liked: result.liked, likes: result.likes });
      // Under "Liked Only", an unliked prompt leaves the view.
      if (this.store.filtered) {
        this.store.setFilter(compileFilters(this.filters));
        this.relayout();
      }
      this.rows.update();
      if (this.lightbox.shown?.promptId === promptId) this.lightbox.refresh();
    } catch (error) {
      this.toast(error instanceof Error ? error.message : String(error), true);
    }
  }

  private async copyParameter(image: ImagePosition, field: CopyableField): Promise<void> {
    try {
      const result = await this.host.request('copyParameter', { promptId: image.promptId, imageIndex: image.imageIndex, field });
      if (result.message) this.toast(result.message);
    } catch (error) {
      this.toast(error instanceof Error ? error.message : String(error), true);
    }
  }

  private toast(message: string, isError = false): void {
    this.toastElement.textContent = message;
    this.toastElement.classList.toggle('error', isError);
    this.toastElement.classList.add('visible');
    if (this.toastTimer !== undefined) clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => this.toastElement.classList.remove('visible'), isError ? 6000 : 3000);
  }

  private reportError(message: string): void {
    this.host.notify('error', { message: message.slice(0, 2000) });
  }
}
