// The compare panel's webview: wires its parts, answers the host's messages, keeps zoom, tab and diff-only.
import { HostConnection, onUncaughtError } from '../common/rpc';
import { el } from '../common/dom';
import { errorMessage } from '../../src/shared/errorMessage';
import { ZOOM_DEFAULT, type CellAction, type CompareAxis, type CompareCell, type CompareInit, type CompareProtocol, type CompareViewState } from '../../src/shared/compare';
import { differingOptions } from '../../src/shared/sweep';
import { clampZoom, displayable, sameSet } from './cells';
import type { CompareContext } from './context';
import { SweepGrid } from './grid';
import { CellLightbox } from './lightbox';
import { CompareToolbar } from './toolbar';
import { drawContactSheet } from './sheet';

const ARROW_MOVES: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

export class CompareApp implements CompareContext {
  readonly host: HostConnection<CompareProtocol, CompareViewState>;
  private init: CompareInit | undefined;
  cells: CompareCell[] = [];
  private running = false;
  private zoom: number;
  diffOnly: boolean;
  tab: number;
  differing = new Set<string>();
  readonly grid: SweepGrid = new SweepGrid(this);
  readonly lightbox: CellLightbox = new CellLightbox(this);
  /** Built with the grid, once the host's init came. */
  private toolbar: CompareToolbar | undefined;

  constructor(private readonly root: HTMLElement) {
    this.host = new HostConnection<CompareProtocol, CompareViewState>({
      init: (init) => this.onInit(init),
      cell: ({ cell }) => this.onCell(cell),
      running: ({ running }) => {
        this.running = running;
        this.renderToolbarState();
      },
    });
    const saved = this.host.savedState() ?? {};
    this.zoom = typeof saved.zoom === 'number' ? clampZoom(saved.zoom) : ZOOM_DEFAULT;
    this.diffOnly = saved.diffOnly === true;
    this.tab = typeof saved.tab === 'number' && saved.tab >= 0 ? Math.floor(saved.tab) : 0;
    this.root.replaceChildren(el('div', { className: 'loading', text: 'Loading the sweep…' }));
  }

  get axes(): readonly CompareAxis[] {
    return this.init?.axes ?? [];
  }

  start(): void {
    onUncaughtError((message) => this.host.notify('error', { message }));
    document.addEventListener('keydown', (event) => this.onKey(event));
    this.host.ready();
  }

  // ─── Host messages ─────────────────────────────────────────────────────────────────────────────

  private onInit(init: CompareInit): void {
    this.init = init;
    this.cells = init.cells.map(displayable);
    this.running = init.running;
    if (init.axes.length < 3) this.tab = 0;
    else this.tab = Math.min(this.tab, init.axes[2].values.length - 1);
    this.saveState();
    if (init.axes.length === 0) {
      this.root.replaceChildren(el('div', { className: 'load-error', attrs: { role: 'alert' } }, el('p', { text: init.loadError ?? 'This sweep cannot be shown.' })));
      this.host.notify('didRender', { cells: 0, images: 0 });
      return;
    }
    this.build(init);
    this.grid.render();
    this.host.notify('didRender', this.grid.drawn);
  }

  private onCell(update: CompareCell): void {
    const cell = displayable(update);
    if (!this.init || !this.cells[cell.index]) return;
    this.cells[cell.index] = cell;
    const before = this.differing;
    this.differing = differingOptions(this.cells.map((c) => c.params));
    this.grid.replaceCell(cell);
    if (this.diffOnly && !sameSet(before, this.differing)) this.grid.render();
    if (this.lightbox.cellIndex === cell.index) this.lightbox.render();
    this.renderToolbarState();
  }

  private build(init: CompareInit): void {
    this.toolbar = new CompareToolbar(init.title, { diffOnly: this.diffOnly, zoom: this.zoom }, {
      setDiffOnly: (diffOnly) => {
        this.diffOnly = diffOnly;
        this.saveState();
        this.grid.render();
      },
      setZoom: (zoom) => this.setZoom(zoom),
      runMissing: () => void this.runMissing(),
      cancel: () => void this.host.request('cancel', {}).then(() => this.showMessage('Cancelled: prompts already sent finish.')),
      exportSheet: () => void this.exportSheet(),
    });
    const notice = init.loadError ? el('div', { className: 'banner', attrs: { role: 'alert' }, text: init.loadError }) : null;
    this.root.replaceChildren(this.toolbar.element, ...(notice ? [notice] : []), this.grid.tabs, this.grid.scroller, this.lightbox.element);
    this.root.style.setProperty('--tile', `${this.zoom}px`);
    this.differing = differingOptions(this.cells.map((c) => c.params));
    this.grid.renderTabs();
    this.renderToolbarState();
  }

  private renderToolbarState(): void {
    this.toolbar?.showProgress(this.cells, this.running);
  }

  // ─── Actions ───────────────────────────────────────────────────────────────────────────────────

  selectTab(tab: number): void {
    this.tab = tab;
    this.saveState();
    this.grid.renderTabs();
    this.grid.render();
  }

  async setLiked(index: number, liked: boolean): Promise<void> {
    try {
      const result = await this.host.request('setLiked', { index, liked });
      const cell = this.cells[index];
      if (cell) this.onCell({ ...cell, liked: result.liked });
    } catch (error) {
      this.showMessage(errorMessage(error), true);
    }
  }

  async cellAction(index: number, imageIndex: number, action: CellAction): Promise<void> {
    try {
      const result = await this.host.request('cellAction', { index, imageIndex, action });
      if (result.message) this.showMessage(result.message);
    } catch (error) {
      this.showMessage(errorMessage(error), true);
    }
  }

  private async runMissing(): Promise<void> {
    try {
      const { started } = await this.host.request('runMissing', {});
      this.showMessage(started === 0 ? 'Every cell has its prompt.' : `Creating ${started} missing prompt${started === 1 ? '' : 's'}…`);
    } catch (error) {
      this.showMessage(errorMessage(error), true);
    }
  }

  private async exportSheet(): Promise<void> {
    if (!this.init) return;
    this.toolbar?.setExporting(true);
    this.showMessage('Drawing the contact sheet…');
    try {
      const sheet = await drawContactSheet(this.init, this.cells);
      const result = await this.host.request('exportSheet', sheet);
      this.showMessage(result.message);
    } catch (error) {
      this.showMessage(errorMessage(error), true);
    } finally {
      this.toolbar?.setExporting(false);
    }
  }

  private showMessage(text: string, isError = false): void {
    this.toolbar?.message.show(text, isError);
  }

  private setZoom(value: number): void {
    this.zoom = clampZoom(value);
    this.root.style.setProperty('--tile', `${this.zoom}px`);
    this.toolbar?.showZoom(this.zoom);
    this.saveState();
  }

  private saveState(): void {
    if (!this.init) return;
    this.host.api.setState({ version: 1, sweepId: this.init.sweepId, zoom: this.zoom, diffOnly: this.diffOnly, tab: this.tab });
  }

  // ─── Keyboard ──────────────────────────────────────────────────────────────────────────────────

  /** Arrows move between cells, Enter (or Space) opens the focused cell large, + and − zoom; the lightbox has its own keys. */
  private onKey(event: KeyboardEvent): void {
    if (!this.init) return;
    if (this.lightbox.isOpen) return this.lightbox.onKey(event);
    if (event.target instanceof HTMLInputElement) return;
    const move = ARROW_MOVES[event.key];
    if (move) {
      event.preventDefault();
      this.grid.moveFocus(...move);
    } else if ((event.key === 'Enter' || event.key === ' ') && (event.target as HTMLElement).classList?.contains('cell')) {
      event.preventDefault();
      this.lightbox.open(this.grid.focused, 0);
    } else if (event.key === '+' || event.key === '=') {
      this.setZoom(this.zoom + 32);
    } else if (event.key === '-') {
      this.setZoom(this.zoom - 32);
    }
  }
}
