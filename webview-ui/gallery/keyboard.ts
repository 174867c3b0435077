// The grid's keyboard: one Tab stop for the whole grid (a roving tabindex on the tiles' open buttons), the
// arrow keys, Home/End and Page Up/Down move between images (tileNavigation.ts), Enter opens the image
// large, Space selects it (tileEvents.ts). The rows are virtual: a tile scrolled out of the DOM and drawn
// again gets the Tab stop back, and the focus too when it had it.
import { el } from '../common/dom';
import { tileOf, type ImagePosition } from './store';
import type { GalleryContext } from './context';
import { isNavigationKey, navigate, type TilePosition } from './tileNavigation';
import { rowsBetween } from './layout';

/** What the grid's keys do, said to screen readers on every tile (and shown in the lightbox's help). */
export const GRID_KEYS_HELP =
  'Arrow keys move between images, Home and End go to the first and last, Page Up and Page Down a few rows; Enter opens the image large, Space selects it, Shift+F10 shows more actions.';

export const GRID_KEYS_HELP_ID = 'gallery-keys-help';
const TILE_OPEN = '.tile-open';

export class GridKeyboard {
  /** The image with the Tab stop (the last one focused or moved to). */
  private current: { promptId: number; imageIndex: number } | undefined;
  /** The focus is in the grid: a tile drawn again after a scroll or an update takes it back. */
  private focusInGrid = false;
  /** The element that has the Tab stop now. */
  private stop: HTMLElement | undefined;
  /** The hidden help every tile points at (aria-describedby). */
  readonly help = el('p', { className: 'visually-hidden', text: GRID_KEYS_HELP, attrs: { id: GRID_KEYS_HELP_ID } });

  constructor(
    private readonly ctx: GalleryContext,
    private readonly open: (image: ImagePosition) => void,
  ) {}

  /** Call once the grid is in the page. */
  listen(): void {
    const content = this.ctx.grid.content;
    content.addEventListener('keydown', (event) => this.onKeyDown(event));
    content.addEventListener('focusin', (event) => {
      const tile = (event.target as Element).closest<HTMLElement>(TILE_OPEN);
      if (!tile) return;
      this.focusInGrid = true;
      this.current = { promptId: Number(tile.dataset.promptId), imageIndex: Number(tile.dataset.imageIndex) };
      this.applyTabStop();
    });
    content.addEventListener('focusout', (event) => {
      // Leaving for another element of the page (a toolbar, the lightbox); a removed row sends no target.
      const to = event.relatedTarget as Node | null;
      if (to && !content.contains(to)) this.focusInGrid = false;
    });
  }

  /**
   * After the rows were drawn: every focusable thing in the tiles leaves the Tab order but the current
   * tile's open button (or, when it is not drawn, the first tile in view); a focus lost with a redrawn row
   * comes back to that tile.
   */
  afterDraw(): void {
    this.applyTabStop();
    const active = document.activeElement;
    const lost = !active || active === document.body || !active.isConnected;
    if (this.focusInGrid && lost && this.current) this.tileElement(this.current)?.focus({ preventScroll: true });
  }

  /** Gives the Tab stop to one tile (the grid is one stop; the arrows move inside it). Rows draw their tiles out of the Tab order. */
  private applyTabStop(): void {
    const stop = (this.current && this.tileElement(this.current)) ?? this.firstTileInView();
    if (stop === this.stop && stop?.tabIndex === 0) return;
    if (this.stop && this.stop !== stop) this.stop.tabIndex = -1;
    this.stop = stop ?? undefined;
    if (stop) stop.tabIndex = 0;
  }

  private onKeyDown(event: KeyboardEvent): void {
    const button = (event.target as Element).closest<HTMLElement>(TILE_OPEN);
    if (!button || event.altKey || event.ctrlKey || event.metaKey) return;
    const from = { promptId: Number(button.dataset.promptId), imageIndex: Number(button.dataset.imageIndex) };
    if (event.key === 'Enter') {
      // Enter opens the image, also while images are selected (a click then toggles the selection).
      const image = this.imageAt(from);
      if (!image) return;
      event.preventDefault();
      this.open(image);
      return;
    }
    if (!isNavigationKey(event.key) || event.shiftKey) return;
    const { layout } = this.ctx.grid;
    const group = this.ctx.store.indexOf(from.promptId);
    if (!layout || group === undefined) return;
    event.preventDefault();
    const pageRows = Math.max(1, Math.floor(this.ctx.grid.scroller.clientHeight / Math.max(1, layout.tileWidth)));
    const to = navigate(layout, (p) => this.isImage(p), { group, tile: from.imageIndex }, event.key, pageRows);
    const prompt = to && this.ctx.store.prompts[to.group];
    if (!to || !prompt) return;
    this.moveTo({ promptId: prompt.id, imageIndex: to.tile });
  }

  /** Scrolls the tile into view (drawing its row) and focuses it. */
  private moveTo(image: { promptId: number; imageIndex: number }): void {
    this.current = image;
    this.focusInGrid = true;
    this.ctx.grid.scrollTileIntoView(image, false);
    this.applyTabStop();
    this.tileElement(image)?.focus({ preventScroll: true });
  }

  private isImage(position: TilePosition): boolean {
    const prompt = this.ctx.store.prompts[position.group];
    return prompt?.status === 'done' && tileOf(prompt.images[position.tile]).kind === 'image';
  }

  private imageAt(image: { promptId: number; imageIndex: number }): ImagePosition | undefined {
    const tile = tileOf(this.ctx.store.get(image.promptId)?.images[image.imageIndex]);
    return tile.kind === 'image' ? { ...image, url: tile.url } : undefined;
  }

  private tileElement(image: { promptId: number; imageIndex: number }): HTMLElement | null {
    return this.ctx.grid.content.querySelector<HTMLElement>(`.tile[data-prompt-id="${image.promptId}"][data-image-index="${image.imageIndex}"] ${TILE_OPEN}`);
  }

  /** The first image tile of the first row in view (from the layout: no DOM measuring while scrolling), else the first drawn. */
  private firstTileInView(): HTMLElement | null {
    const { layout, scroller, content } = this.ctx.grid;
    if (layout) {
      const { start, end } = rowsBetween(layout, scroller.scrollTop, scroller.scrollTop + scroller.clientHeight);
      for (let r = start; r < end; r++) {
        const row = layout.rows[r];
        const prompt = row.kind === 'tiles' ? this.ctx.store.prompts[row.group] : undefined;
        if (row.kind !== 'tiles' || !prompt) continue;
        for (let tile = row.first; tile < row.first + row.count; tile++) {
          const element = this.isImage({ group: row.group, tile }) ? this.tileElement({ promptId: prompt.id, imageIndex: tile }) : null;
          if (element) return element;
        }
      }
    }
    return content.querySelector<HTMLElement>(TILE_OPEN);
  }
}
