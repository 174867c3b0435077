// The gallery webview: wires its parts (see context.ts), answers the host's messages, restores its saved state.
// Its @vscode-elements components are defined after the first paint (elements.ts, loaded by ../gallery.ts).
import { HostConnection, onUncaughtError } from '../common/rpc';
import { el } from '../common/dom';
import { TransientMessage } from '../common/transientMessage';
import {
  NO_FILTERS,
  gallerySubjectKey,
  type GalleryFilters,
  type GalleryFocus,
  type GalleryInit,
  type GalleryPrompt,
  type GalleryProtocol,
  type GallerySubject,
  type GalleryViewState,
} from '../../src/shared/gallery';
import { acrossTunes, type GalleryContext } from './context';
import { GalleryStore } from './store';
import { SelectionModel } from './selection';
import { compileFilters } from './filters';
import { GalleryGrid, type Anchor } from './grid';
import { renderRow, rowKey, type RowContext } from './rows';
import type { RowRenderer } from './virtualRows';
import { PageLoader } from './paging';
import { GridFooter } from './footer';
import { TopBar } from './topBar';
import { FilterBar } from './filterBar';
import { Lightbox } from './lightbox';
import { GridKeyboard } from './keyboard';
import { ImageMenu } from './imageMenu';
import { Compare } from './compare';
import { ImageActions } from './imageActions';
import { MultiSelect } from './multiSelect';
import { TileEvents } from './tileEvents';
import { StateSaver, readSavedState } from './savedState';

export class GalleryApp implements GalleryContext {
  readonly host: HostConnection<GalleryProtocol, GalleryViewState>;
  readonly store = new GalleryStore();
  readonly selection = new SelectionModel();
  subject: GallerySubject | undefined;
  canOpenPromptEditor = false;
  filters: GalleryFilters = { ...NO_FILTERS };
  private readonly saved: GalleryViewState | undefined;

  readonly grid: GalleryGrid = new GalleryGrid(this, this.rowRenderer());
  readonly pages: PageLoader = new PageLoader(this);
  readonly footer: GridFooter = new GridFooter(this);
  readonly filterBar = new FilterBar({
    changed: (filters) => this.setFilters(filters),
    facets: () => this.store.facets(),
    tuneTitle: (tuneId) => this.store.facets().tunes.get(tuneId),
  });
  private readonly topBar = new TopBar(this.filterBar, {
    refresh: () => void this.refresh(),
    toggleFilters: () => this.filterBar.togglePanel(),
    changeTileSize: (step) => this.grid.changeTileSize(step),
  });
  private readonly imageActions = new ImageActions(this);
  readonly lightbox = new Lightbox({
    images: () => this.store.images(),
    prompt: (id) => this.store.get(id),
    canOpenPromptEditor: () => this.canOpenPromptEditor,
    loadMore: () => this.pages.loadNextPage(),
    run: (action, image) => void this.imageActions.run(action, image),
    closed: (image) => this.grid.focusTile(image),
    copy: (image, field) => void this.imageActions.copyParameter(image, field),
  });
  /** A/B compare of two selected images. */
  private readonly compare = new Compare((image) => {
    const prompt = this.store.get(image.promptId);
    return `${prompt?.text.slice(0, 80) ?? `Prompt ${image.promptId}`} — image ${image.imageIndex + 1}`;
  });
  private readonly multiSelect = new MultiSelect(this, this.compare);
  private readonly menu = new ImageMenu((action, image) => void this.imageActions.run(action, image));
  private readonly tileEvents = new TileEvents(this, this.imageActions, this.multiSelect, this.menu);
  /** One Tab stop for the grid; the arrows, Home/End and Page Up/Down move between images, Enter opens one. */
  private readonly keyboard = new GridKeyboard(this, (image) => void this.imageActions.run('open', image));
  private readonly stateSaver = new StateSaver(this);
  private readonly toastMessage = new TransientMessage(el('div', { className: 'toast', attrs: { role: 'status', 'aria-live': 'polite' } }), {
    showMs: 3000,
    errorMs: 6000,
    hideBy: 'class',
  });

  constructor(private readonly root: HTMLElement) {
    this.host = new HostConnection<GalleryProtocol, GalleryViewState>({
      init: (init) => void this.onInit(init),
      promptUpdated: ({ prompt }) => this.onPromptUpdated(prompt),
      focus: (focus) => void this.focusImage(focus),
    });
    this.saved = readSavedState(this.host.savedState());
    this.buildPage();
  }

  start(): void {
    onUncaughtError((message) => this.host.notify('error', { message: message.slice(0, 2000) }));
    this.host.ready();
  }

  private buildPage(): void {
    this.grid.content.append(this.footer.element);
    this.root.replaceChildren(
      this.topBar.element,
      this.filterBar.element,
      this.multiSelect.bulkBar.element,
      this.grid.scroller,
      this.toastMessage.element,
      this.lightbox.element,
      this.compare.element,
      this.menu.element,
      this.keyboard.help,
    );
    document.addEventListener('keydown', (event) => this.multiSelect.onDocumentKeyDown(event));
    this.grid.listen();
    this.tileEvents.listen();
    this.keyboard.listen();
  }

  /** Draws the grid's rows (rows.ts) with what they show now: a fresh context for every row. */
  private rowRenderer(): RowRenderer {
    const context = (): RowContext => ({
      prompt: (group) => this.store.prompts[group],
      version: (id) => this.store.version(id),
      tileWidth: this.grid.layout?.tileWidth ?? 0,
      showTuneTitle: acrossTunes(this.subject),
      canOpenPromptEditor: this.canOpenPromptEditor,
      isSelected: (image) => this.selection.has(image),
    });
    return { key: (row) => rowKey(row, context()), render: (row) => renderRow(row, context()) };
  }

  // ─── Host messages ─────────────────────────────────────────────────────────────────────────────

  private async onInit(init: GalleryInit): Promise<void> {
    performance.mark('gallery:init');
    const generation = ++this.pages.generation;
    this.subject = init.subject;
    this.canOpenPromptEditor = init.canOpenPromptEditor;
    this.topBar.setTitle(init.title);
    const saved = this.saved && gallerySubjectKey(this.saved.subject) === gallerySubjectKey(init.subject) ? this.saved : undefined;
    if (saved) this.grid.tileSize = saved.tileSize;
    this.store.clear();
    this.selection.clear();
    // The webview's own state first; else what VS Code handed the serializer (the host passes it on).
    this.filters = saved?.filters ?? init.filters ?? { ...NO_FILTERS };
    this.store.setFilter(compileFilters(this.filters));
    this.filterBar.configure({ acrossTunes: acrossTunes(this.subject), filters: this.filters });
    this.renderSelection();
    this.pages.newSubject();
    // The first page usually comes with init: laid out once, with it, instead of empty and then again.
    // Not when a restored text filter is searched on the server: those pages come next.
    const firstPage = this.pages.serverText ? null : init.firstPage;
    if (firstPage) {
      this.store.appendPage(firstPage.prompts, firstPage.nextCursor);
      this.pages.noteLikes(firstPage);
    }
    this.grid.rows.redrawAll();
    this.relayout();
    // Saved in the next frame, not later: a window reload restores this subject even before the first page
    // arrived. Not now: reading the scroll position here would force a layout of the rows just drawn.
    const anchor = saved?.anchor ?? null;
    requestAnimationFrame(() => {
      if (generation === this.pages.generation) this.stateSaver.save(anchor);
    });
    if (firstPage) this.pages.reportFirstRender();
    else await this.pages.loadNextPage();
    if (generation !== this.pages.generation) return;
    if (init.focus) await this.focusImage(init.focus);
    else if (saved?.anchor) await this.restoreAnchor(saved.anchor);
    this.afterScroll();
  }

  private onPromptUpdated(prompt: GalleryPrompt): void {
    if (!this.store.loadedOnce) return;
    this.store.upsert(prompt);
    this.refilter();
    this.relayout();
    if (this.lightbox.shown?.promptId === prompt.id) this.lightbox.refresh();
  }

  /** Scrolls to an image and opens it large (what clicking an image in the tree asks for). */
  private async focusImage(focus: GalleryFocus): Promise<void> {
    if (!(await this.pages.ensureLoaded(focus.promptId))) {
      this.toast('That image is no longer in this gallery.', true);
      return;
    }
    this.grid.scrollTileIntoView(focus, true);
    const image = this.store.get(focus.promptId)?.images[focus.imageIndex];
    if (image && 'url' in image) {
      this.lightbox.open({ promptId: focus.promptId, imageIndex: focus.imageIndex, url: image.url });
    }
    this.scheduleSaveState();
  }

  private async restoreAnchor(anchor: Anchor): Promise<void> {
    if (!(await this.pages.ensureLoaded(anchor.promptId))) return;
    this.grid.scrollToAnchor(anchor);
  }

  /** Refresh button: drop everything (here and in the host's cache) and load the first page again. */
  private async refresh(): Promise<void> {
    this.lightbox.close();
    await this.pages.reload(true);
  }

  // ─── What the parts ask of the whole page (GalleryContext) ─────────────────────────────────────

  setFilters(filters: GalleryFilters): void {
    this.filters = filters;
    const serverText = this.pages.wantedServerText();
    if (serverText !== this.pages.serverText) {
      // Another server search (or none): its pages replace what is loaded.
      this.pages.serverText = serverText;
      this.store.setFilter(compileFilters(filters));
      this.filterBar.configure({ filters });
      this.scheduleSaveState();
      void this.pages.reload();
      return;
    }
    performance.mark('gallery:filter-start');
    this.store.setFilter(compileFilters(filters));
    if (this.selection.retain(this.store.images())) this.renderSelection();
    this.grid.scroller.scrollTop = 0;
    this.relayout();
    performance.mark('gallery:filter-end');
    this.filterBar.configure({ filters });
    this.scheduleSaveState();
  }

  relayout(): void {
    this.grid.relayout();
    this.keyboard.afterDraw();
    this.footer.render();
    this.topBar.showCounts(this.store);
  }

  refilter(): void {
    if (this.store.filtered) this.store.setFilter(compileFilters(this.filters));
  }

  afterScroll(): void {
    this.grid.rows.update();
    this.keyboard.afterDraw();
    this.pages.maybeLoadMore();
    this.scheduleSaveState();
  }

  renderSelection(): void {
    this.multiSelect.render();
  }

  scheduleSaveState(): void {
    this.stateSaver.schedule();
  }

  toast(message: string, isError = false): void {
    this.toastMessage.show(message, isError);
  }
}
