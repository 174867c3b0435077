// The compare panel: a sweep's grid, columns and rows labelled on both edges (the third axis as tabs),
// each cell the images of its prompt, filled in as the host reports progress. Keyboard: arrows move
// between cells, Enter opens the lightbox (← → across cells, ↑ ↓ across a cell's images), + and − zoom.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import { HostConnection } from '../common/rpc';
import { el, icon, iconButton } from '../common/dom';
import { errorMessage } from '../../src/shared/errorMessage';
import {
  ZOOM_DEFAULT,
  ZOOM_MAX,
  ZOOM_MIN,
  type CellAction,
  type CompareCell,
  type CompareInit,
  type CompareProtocol,
  type CompareViewState,
} from '../../src/shared/compare';
import { differingOptions, visibleOptions } from '../../src/shared/sweep';
import { isDisplayableImageUrl } from '../../src/shared/gallery';
import { drawContactSheet } from './sheet';

const STATUS_TEXT: Record<CompareCell['status'], string> = {
  waiting: 'Waiting',
  sending: 'Sending…',
  pending: 'Queued',
  generating: 'Generating…',
  done: '',
  failed: 'Failed',
  'not-started': 'Not started',
};

function readState(value: unknown): Partial<CompareViewState> {
  if (typeof value !== 'object' || value === null) return {};
  const state = value as Partial<CompareViewState>;
  return state.version === 1 ? state : {};
}

export class CompareApp {
  readonly host: HostConnection<CompareProtocol, CompareViewState>;
  private init: CompareInit | undefined;
  private cells: CompareCell[] = [];
  private running = false;
  private zoom: number;
  private diffOnly: boolean;
  private tab: number;
  /** The cell with the roving focus (index into `cells`). */
  private focused = 0;
  private lightbox: { index: number; image: number } | null = null;
  private differing = new Set<string>();
  private readonly cellElements = new Map<number, HTMLElement>();
  private readonly status = el('span', { className: 'status-line', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly message = el('span', { className: 'message', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly grid = el('div', { className: 'grid', attrs: { role: 'grid' } });
  private readonly tabs = el('div', { className: 'tabs', attrs: { role: 'tablist' } });
  private readonly lightboxElement = el('div', { className: 'lightbox', attrs: { hidden: '', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Image' } });
  private runMissingButton: HTMLElement | undefined;
  private cancelButton: HTMLElement | undefined;
  private exportButton: HTMLElement | undefined;
  private messageTimer: number | undefined;
  /** Sets an image's source once it comes within 100 px of the viewport (loading="lazy" asks for far more). */
  private lazy: IntersectionObserver | undefined;

  constructor(private readonly root: HTMLElement) {
    this.host = new HostConnection<CompareProtocol, CompareViewState>({
      init: (init) => this.onInit(init),
      cell: ({ cell }) => this.onCell(cell),
      running: ({ running }) => {
        this.running = running;
        this.renderToolbarState();
      },
    });
    const saved = readState(this.host.api.getState());
    this.zoom = typeof saved.zoom === 'number' ? clampZoom(saved.zoom) : ZOOM_DEFAULT;
    this.diffOnly = saved.diffOnly === true;
    this.tab = typeof saved.tab === 'number' && saved.tab >= 0 ? Math.floor(saved.tab) : 0;
    this.root.replaceChildren(el('div', { className: 'loading', text: 'Loading the sweep…' }));
  }

  start(): void {
    window.addEventListener('error', (event) => this.host.notify('error', { message: String(event.message) }));
    window.addEventListener('unhandledrejection', (event) => this.host.notify('error', { message: String(event.reason) }));
    document.addEventListener('keydown', (event) => this.onKey(event));
    this.grid.addEventListener('click', (event) => this.onGridClick(event));
    this.grid.addEventListener('focusin', (event) => {
      const cell = (event.target as HTMLElement).closest<HTMLElement>('.cell');
      if (cell) this.focused = Number(cell.dataset.index);
    });
    this.lightboxElement.addEventListener('click', (event) => this.onLightboxClick(event));
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
    this.renderGrid();
    this.host.notify('didRender', { cells: this.cellElements.size, images: this.grid.querySelectorAll('img').length });
  }

  private onCell(update: CompareCell): void {
    const cell = displayable(update);
    if (!this.init || !this.cells[cell.index]) return;
    this.cells[cell.index] = cell;
    const before = this.differing;
    this.differing = differingOptions(this.cells.map((c) => c.params));
    const existing = this.cellElements.get(cell.index);
    if (existing) {
      for (const img of existing.querySelectorAll('img')) this.lazy?.unobserve(img);
      const fresh = this.renderCell(cell);
      existing.replaceWith(fresh);
      this.cellElements.set(cell.index, fresh);
      if (document.activeElement === existing || this.focused === cell.index) fresh.tabIndex = 0;
    }
    if (this.diffOnly && !sameSet(before, this.differing)) this.renderGrid();
    if (this.lightbox?.index === cell.index) this.renderLightbox();
    this.renderToolbarState();
  }

  // ─── Building ──────────────────────────────────────────────────────────────────────────────────

  private build(init: CompareInit): void {
    this.runMissingButton = el('vscode-button', { attrs: { secondary: '', 'data-action': 'run-missing' }, title: 'Create the prompts of the cells that have none' }, icon('play'), el('span', { text: ' Run missing' }));
    this.runMissingButton.addEventListener('click', () => void this.runMissing());
    this.cancelButton = el('vscode-button', { attrs: { secondary: '', 'data-action': 'cancel' }, title: 'Stop what has not started' }, icon('debug-stop'), el('span', { text: ' Cancel' }));
    this.cancelButton.addEventListener('click', () => void this.host.request('cancel', {}).then(() => this.showMessage('Cancelled: prompts already sent finish.')));
    this.exportButton = el('vscode-button', { attrs: { secondary: '', 'data-action': 'export-sheet' }, title: 'A PNG of the grid with its labels, written into the workspace' }, icon('file-media'), el('span', { text: ' Export contact sheet' }));
    this.exportButton.addEventListener('click', () => void this.exportSheet());
    const diff = document.createElement('vscode-checkbox') as VscodeCheckbox;
    diff.label = 'Only differences';
    diff.checked = this.diffOnly;
    diff.dataset.action = 'diff-only';
    diff.title = 'Show only the options that differ between cells';
    diff.addEventListener('change', () => {
      this.diffOnly = diff.checked;
      this.saveState();
      this.renderGrid();
    });
    const zoom = el('input', { className: 'zoom', attrs: { type: 'range', min: String(ZOOM_MIN), max: String(ZOOM_MAX), step: '16', value: String(this.zoom), 'aria-label': 'Zoom' } });
    zoom.addEventListener('input', () => this.setZoom(Number(zoom.value)));
    const header = el(
      'header',
      { className: 'topbar' },
      el('h1', { className: 'title', text: init.title, title: init.title }),
      this.status,
      el('span', { className: 'spacer' }),
      this.message,
      diff,
      el('label', { className: 'zoom-label' }, icon('zoom-in'), zoom),
      this.runMissingButton,
      this.cancelButton,
      this.exportButton,
    );
    const notice = init.loadError ? el('div', { className: 'banner', attrs: { role: 'alert' }, text: init.loadError }) : null;
    const scroller = el('div', { className: 'scroller' }, this.grid);
    this.lazy?.disconnect();
    this.lazy = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const img = entry.target as HTMLImageElement;
          if (!entry.isIntersecting || !img.dataset.src) continue;
          img.src = img.dataset.src;
          delete img.dataset.src;
          this.lazy?.unobserve(img);
        }
      },
      { root: scroller, rootMargin: '100px' },
    );
    this.root.replaceChildren(header, ...(notice ? [notice] : []), this.tabs, scroller, this.lightboxElement);
    this.root.style.setProperty('--tile', `${this.zoom}px`);
    this.differing = differingOptions(this.cells.map((c) => c.params));
    this.renderTabs();
    this.renderToolbarState();
  }

  private renderTabs(): void {
    const axes = this.init?.axes ?? [];
    this.tabs.hidden = axes.length < 3;
    if (axes.length < 3) return this.tabs.replaceChildren();
    const third = axes[2];
    this.tabs.replaceChildren(
      el('span', { className: 'tabs-label', text: `${third.label}:` }),
      ...third.values.map((value, t) =>
        el('button', {
          className: `tab${t === this.tab ? ' selected' : ''}`,
          text: value,
          title: value,
          attrs: { type: 'button', role: 'tab', 'aria-selected': String(t === this.tab) },
          data: { tab: t },
        }),
      ),
    );
    for (const button of this.tabs.querySelectorAll<HTMLButtonElement>('button.tab')) {
      button.addEventListener('click', () => {
        this.tab = Number(button.dataset.tab);
        this.saveState();
        this.renderTabs();
        this.renderGrid();
      });
    }
  }

  /** The cells of the shown tab, as [row][column]. */
  private visibleCells(): CompareCell[][] {
    const axes = this.init?.axes ?? [];
    const columns = axes[0]?.values.length ?? 1;
    const rows = axes[1]?.values.length ?? 1;
    const out: CompareCell[][] = [];
    for (let r = 0; r < rows; r++) {
      const row: CompareCell[] = [];
      for (let c = 0; c < columns; c++) {
        const cell = this.cells[c + columns * (r + rows * this.tab)];
        if (cell) row.push(cell);
      }
      out.push(row);
    }
    return out;
  }

  private renderGrid(): void {
    const axes = this.init?.axes ?? [];
    const columnAxis = axes[0];
    const rowAxis = axes[1];
    const rows = this.visibleCells();
    for (const element of this.cellElements.values()) for (const img of element.querySelectorAll('img')) this.lazy?.unobserve(img);
    this.cellElements.clear();
    const columns = columnAxis?.values.length ?? 1;
    this.grid.style.gridTemplateColumns = `${rowAxis ? 'auto ' : ''}repeat(${columns}, var(--cell-width)) ${rowAxis ? 'auto' : ''}`.trim();
    this.grid.setAttribute('aria-rowcount', String(rows.length + 2));
    this.grid.setAttribute('aria-colcount', String(columns + (rowAxis ? 2 : 0)));
    const corner = (where: string) => (rowAxis ? el('div', { className: `corner ${where}`, text: where === 'top' ? `${rowAxis.label} ↓ · ${columnAxis.label} →` : '' }) : null);
    const columnLabels = (where: string) =>
      (columnAxis?.values ?? []).map((value) => el('div', { className: `column-label ${where}`, text: value, title: `${columnAxis.label}: ${value}`, attrs: { role: 'columnheader' } }));
    const children: (HTMLElement | null)[] = [corner('top'), ...columnLabels('top'), rowAxis ? el('div', { className: 'corner top-right' }) : null];
    if (!rowAxis && columnAxis) {
      this.grid.classList.add('single-axis');
    }
    rows.forEach((row, r) => {
      const label = rowAxis?.values[r] ?? '';
      if (rowAxis) children.push(el('div', { className: 'row-label left', text: label, title: `${rowAxis.label}: ${label}`, attrs: { role: 'rowheader' } }));
      for (const cell of row) {
        const element = this.renderCell(cell);
        this.cellElements.set(cell.index, element);
        children.push(element);
      }
      if (rowAxis) children.push(el('div', { className: 'row-label right', text: label, title: `${rowAxis.label}: ${label}`, attrs: { 'aria-hidden': 'true' } }));
    });
    children.push(corner('bottom'), ...columnLabels('bottom').map((e) => (e.setAttribute('aria-hidden', 'true'), e)), rowAxis ? el('div', { className: 'corner bottom-right' }) : null);
    this.grid.replaceChildren(...children.filter((c): c is HTMLElement => c !== null));
    const first = rows[0]?.[0];
    const keep = this.cellElements.get(this.focused) ?? (first ? this.cellElements.get(first.index) : undefined);
    if (keep) {
      keep.tabIndex = 0;
      this.focused = Number(keep.dataset.index);
    }
  }

  private renderCell(cell: CompareCell): HTMLElement {
    const busy = cell.status === 'waiting' || cell.status === 'sending' || cell.status === 'pending' || cell.status === 'generating';
    const images = el('div', { className: 'images', data: { count: Math.max(cell.images.length, cell.expectedImages) } });
    const slots = Math.min(Math.max(cell.images.length, cell.status === 'done' ? 0 : cell.expectedImages), 16);
    for (let i = 0; i < slots; i++) {
      const url = cell.images[i];
      if (url) {
        // The first row is asked for at once, while the grid is built (waiting for the observer's first
        // callback after layout cost a frame or two before any request); the rest once on screen (or
        // nearly), never the whole grid at once.
        const firstRow = (cell.coords[1] ?? 0) === 0;
        const img = el('img', { attrs: { alt: `Image ${i + 1}`, decoding: 'async', draggable: 'false', fetchpriority: firstRow ? 'high' : 'auto' } });
        if (!this.lazy || firstRow) img.src = url;
        else {
          img.dataset.src = url;
          this.lazy.observe(img);
        }
        images.append(el('button', { className: 'thumb', attrs: { type: 'button', tabindex: '-1', 'aria-label': `Open image ${i + 1}` }, data: { action: 'open', image: i } }, img));
      } else {
        images.append(el('div', { className: 'thumb placeholder' }, busy ? icon('loading', true) : null));
      }
    }
    const statusText = cell.status === 'failed' ? '' : STATUS_TEXT[cell.status];
    const error = cell.error ? el('div', { className: 'cell-error', attrs: { role: 'alert' }, text: cell.error }) : null;
    const options = visibleOptions(cell.params, this.diffOnly ? this.differing : null).filter(([key]) => this.diffOnly || key !== 'text');
    const optionList = el(
      'dl',
      { className: 'options' },
      ...options.flatMap(([key, value]) => [el('dt', { text: key }), el('dd', { text: value.length > 120 ? `${value.slice(0, 119)}…` : value, title: value })]),
    );
    const toolbar = el(
      'div',
      { className: 'cell-toolbar' },
      cell.promptId !== null
        ? iconButton(cell.liked ? 'heart-filled' : 'heart', cell.liked ? 'Unlike' : 'Like', cell.liked ? 'unlike' : 'like')
        : null,
      iconButton('edit', 'Use these settings', 'useSettings'),
      cell.promptId !== null ? el('span', { className: 'prompt-id', text: `#${cell.promptId}` }) : null,
      statusText ? el('span', { className: `cell-status status-${cell.status}` }, busy ? icon('loading', true) : null, el('span', { text: ` ${statusText}` })) : null,
    );
    const coords = this.init?.axes.map((axis, i) => `${axis.label} ${axis.values[cell.coords[i]] ?? ''}`).join(', ') ?? '';
    return el(
      'div',
      { className: `cell status-${cell.status}`, attrs: { role: 'gridcell', tabindex: '-1', 'aria-label': `${coords}${statusText ? `, ${statusText}` : ''}${cell.error ? `, failed: ${cell.error}` : ''}` }, data: { index: cell.index } },
      toolbar,
      images,
      error,
      optionList,
    );
  }

  private renderToolbarState(): void {
    const done = this.cells.filter((c) => c.status === 'done').length;
    const failed = this.cells.filter((c) => c.status === 'failed').length;
    const missing = this.cells.filter((c) => c.promptId === null).length;
    this.status.textContent = `${done} of ${this.cells.length} done${failed ? ` · ${failed} failed` : ''}${missing && !this.running ? ` · ${missing} without a prompt` : ''}${this.running ? ' · creating prompts…' : ''}`;
    if (this.runMissingButton) this.runMissingButton.hidden = this.running || missing === 0;
    if (this.cancelButton) this.cancelButton.hidden = !this.running;
  }

  // ─── Actions ───────────────────────────────────────────────────────────────────────────────────

  private async onGridClick(event: MouseEvent): Promise<void> {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
    const cellElement = (event.target as HTMLElement).closest<HTMLElement>('.cell');
    if (!target || !cellElement) return;
    const index = Number(cellElement.dataset.index);
    this.focusCell(index);
    const action = target.dataset.action;
    if (action === 'open') this.openLightbox(index, Number(target.dataset.image ?? 0));
    else if (action === 'like' || action === 'unlike') await this.setLiked(index, action === 'like');
    else if (action === 'useSettings') await this.cellAction(index, 0, 'useSettings');
  }

  private async setLiked(index: number, liked: boolean): Promise<void> {
    try {
      const result = await this.host.request('setLiked', { index, liked });
      const cell = this.cells[index];
      if (cell) this.onCell({ ...cell, liked: result.liked });
    } catch (error) {
      this.showMessage(errorMessage(error), true);
    }
  }

  private async cellAction(index: number, imageIndex: number, action: CellAction): Promise<void> {
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
    this.exportButton?.setAttribute('disabled', '');
    this.showMessage('Drawing the contact sheet…');
    try {
      const sheet = await drawContactSheet(this.init, this.cells);
      const result = await this.host.request('exportSheet', sheet);
      this.showMessage(result.message);
    } catch (error) {
      this.showMessage(errorMessage(error), true);
    } finally {
      this.exportButton?.removeAttribute('disabled');
    }
  }

  private showMessage(text: string, isError = false): void {
    this.message.textContent = text;
    this.message.classList.toggle('error', isError);
    if (this.messageTimer) window.clearTimeout(this.messageTimer);
    this.messageTimer = window.setTimeout(() => (this.message.textContent = ''), isError ? 10_000 : 4_000);
  }

  private setZoom(value: number): void {
    this.zoom = clampZoom(value);
    this.root.style.setProperty('--tile', `${this.zoom}px`);
    const slider = this.root.querySelector<HTMLInputElement>('input.zoom');
    if (slider && Number(slider.value) !== this.zoom) slider.value = String(this.zoom);
    this.saveState();
  }

  private saveState(): void {
    if (!this.init) return;
    this.host.api.setState({ version: 1, sweepId: this.init.sweepId, zoom: this.zoom, diffOnly: this.diffOnly, tab: this.tab });
  }

  // ─── Keyboard ──────────────────────────────────────────────────────────────────────────────────

  private focusCell(index: number): void {
    const next = this.cellElements.get(index);
    if (!next) return;
    for (const element of this.cellElements.values()) element.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
    this.focused = index;
  }

  /** The cell `dx` columns and `dy` rows away in the shown tab, if any. */
  private neighbour(index: number, dx: number, dy: number): number | undefined {
    const rows = this.visibleCells();
    for (let r = 0; r < rows.length; r++) {
      const c = rows[r].findIndex((cell) => cell.index === index);
      if (c >= 0) return rows[r + dy]?.[c + dx]?.index;
    }
    return undefined;
  }

  /** The next cell in reading order across the shown tab (for the lightbox's ← →). */
  private step(index: number, delta: number): number | undefined {
    const order = this.visibleCells().flat().map((cell) => cell.index);
    const at = order.indexOf(index);
    return at < 0 ? undefined : order[at + delta];
  }

  private onKey(event: KeyboardEvent): void {
    if (!this.init) return;
    if (this.lightbox) return this.onLightboxKey(event);
    if (event.target instanceof HTMLInputElement) return;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (moves[event.key]) {
      const next = this.neighbour(this.focused, ...moves[event.key]);
      event.preventDefault();
      if (next !== undefined) this.focusCell(next);
    } else if ((event.key === 'Enter' || event.key === ' ') && (event.target as HTMLElement).classList?.contains('cell')) {
      event.preventDefault();
      this.openLightbox(this.focused, 0);
    } else if (event.key === '+' || event.key === '=') {
      this.setZoom(this.zoom + 32);
    } else if (event.key === '-') {
      this.setZoom(this.zoom - 32);
    }
  }

  // ─── Lightbox ──────────────────────────────────────────────────────────────────────────────────

  private openLightbox(index: number, image: number): void {
    this.lightbox = { index, image };
    this.lightboxElement.hidden = false;
    this.renderLightbox();
    this.lightboxElement.querySelector<HTMLElement>('[data-action="close"]')?.focus();
  }

  private closeLightbox(): void {
    const index = this.lightbox?.index;
    this.lightbox = null;
    this.lightboxElement.hidden = true;
    this.lightboxElement.replaceChildren();
    if (index !== undefined) this.focusCell(index);
  }

  private renderLightbox(): void {
    const box = this.lightbox;
    if (!box || !this.init) return;
    const cell = this.cells[box.index];
    const count = cell.images.length;
    const image = count > 0 ? Math.min(box.image, count - 1) : 0;
    box.image = image;
    const url = cell.images[image];
    const coords = this.init.axes.map((axis, i) => `${axis.label}: ${axis.values[cell.coords[i]] ?? ''}`).join(' · ');
    const picture = url
      ? el('img', { className: 'lightbox-image', attrs: { alt: `${coords}, image ${image + 1} of ${count}`, src: url, draggable: 'false' } })
      : el('div', { className: 'lightbox-empty', text: cell.error ?? (STATUS_TEXT[cell.status] || 'No image yet') });
    const toolbar = el(
      'div',
      { className: 'lightbox-toolbar' },
      el('span', { className: 'lightbox-caption', text: `${coords}${count ? ` — image ${image + 1} of ${count}` : ''}` }),
      el('span', { className: 'spacer' }),
      url ? iconButton('save', 'Save to workspace', 'save') : null,
      url ? iconButton('markdown', 'Copy as Markdown', 'copyMarkdown') : null,
      cell.promptId !== null ? iconButton(cell.liked ? 'heart-filled' : 'heart', cell.liked ? 'Unlike' : 'Like', cell.liked ? 'unlike' : 'like') : null,
      iconButton('edit', 'Use these settings', 'useSettings'),
      iconButton('zoom-in', 'Actual size', 'zoom'),
      iconButton('close', 'Close (Escape)', 'close'),
    );
    this.lightboxElement.replaceChildren(
      toolbar,
      el('div', { className: 'lightbox-stage' }, iconButton('chevron-left', 'Previous cell (←)', 'prev'), picture, iconButton('chevron-right', 'Next cell (→)', 'next')),
    );
  }

  private onLightboxClick(event: MouseEvent): void {
    const box = this.lightbox;
    const action = (event.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset.action;
    if (!box || !action) return;
    switch (action) {
      case 'close':
        return this.closeLightbox();
      case 'prev':
      case 'next':
        return this.moveLightbox(action === 'prev' ? -1 : 1);
      case 'zoom':
        this.lightboxElement.classList.toggle('actual-size');
        return;
      case 'like':
      case 'unlike':
        void this.setLiked(box.index, action === 'like');
        return;
      case 'save':
      case 'copyMarkdown':
      case 'useSettings':
        void this.cellAction(box.index, box.image, action);
        return;
    }
  }

  private moveLightbox(delta: number): void {
    const box = this.lightbox;
    if (!box) return;
    const next = this.step(box.index, delta);
    if (next === undefined) return;
    this.lightbox = { index: next, image: box.image };
    this.renderLightbox();
  }

  private onLightboxKey(event: KeyboardEvent): void {
    const box = this.lightbox;
    if (!box) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      this.closeLightbox();
    } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault();
      this.moveLightbox(event.key === 'ArrowLeft' ? -1 : 1);
    } else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      const count = this.cells[box.index].images.length;
      if (count > 0) {
        box.image = (box.image + (event.key === 'ArrowDown' ? 1 : -1) + count) % count;
        this.renderLightbox();
      }
    } else if (event.key === '+' || event.key === '=' || event.key === '-') {
      this.lightboxElement.classList.toggle('actual-size', event.key !== '-');
    }
  }
}

/** Only http(s) images are ever rendered, whatever a host sends (the host filters them too). */
function displayable(cell: CompareCell): CompareCell {
  return { ...cell, images: cell.images.filter((url) => typeof url === 'string' && isDisplayableImageUrl(url)) };
}

function clampZoom(value: number): number {
  return Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, Math.round(value)));
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
