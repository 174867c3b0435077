// The scrolling grid: lays prompts out in rows, draws those near the viewport, keeps the reader's place.
import { el } from '../common/dom';
import { TILE_SIZES, type TileSize } from '../../src/shared/gallery';
import { anchorAt, layoutGallery, rowOfTile, scrollTopOf, type GalleryLayout } from './layout';
import { tileCount } from './store';
import { VirtualRows, type RowRenderer } from './virtualRows';
import type { GalleryContext } from './context';

const MIN_TILE_WIDTH: Record<TileSize, number> = { small: 140, medium: 210, large: 320 };
const GAP = 8;
/** Header: top padding, two lines of prompt text, the parameters line, space before the tiles. */
const HEADER_HEIGHT = 14 + 36 + 18 + 8;
/** One more line when the prompt has a negative prompt. */
const NEGATIVE_LINE_HEIGHT = 18;
const GROUP_SPACING = 12;
const FOOTER_HEIGHT = 64;
const PADDING = 16;

/** A place in the grid that survives relayouts: this far below the top of a prompt's group. */
export type Anchor = { promptId: number; offset: number };

export class GalleryGrid {
  readonly scroller = el('div', { className: 'scroller', attrs: { tabindex: '-1' } });
  readonly content = el('div', { className: 'content' });
  readonly rows: VirtualRows;
  /** Undefined until the first relayout. */
  layout: GalleryLayout | undefined;
  tileSize: TileSize = 'medium';
  private lastWidth = 0;
  private scrollFrame: number | undefined;

  constructor(
    private readonly ctx: GalleryContext,
    renderer: RowRenderer,
  ) {
    this.rows = new VirtualRows(this.scroller, this.content, renderer);
    this.scroller.append(this.content);
  }

  /** Call once the grid is in the page. */
  listen(): void {
    this.scroller.addEventListener('scroll', () => this.onScroll(), { passive: true });
    new ResizeObserver(() => {
      const width = this.scroller.clientWidth;
      if (width !== this.lastWidth) this.ctx.relayout();
    }).observe(this.scroller);
  }

  /** Lays the shown prompts out for the current width and tile size; the reader stays where they were. */
  relayout(): void {
    const anchor = this.layout && this.scroller.scrollTop > 0 ? this.currentAnchor() : undefined;
    this.lastWidth = this.scroller.clientWidth;
    const width = Math.max(100, this.lastWidth - 2 * PADDING);
    this.layout = layoutGallery(
      this.ctx.store.prompts.map((p) => ({
        tiles: tileCount(p),
        aspect: p.aspect,
        headerHeight: HEADER_HEIGHT + (p.negativePrompt ? NEGATIVE_LINE_HEIGHT : 0),
      })),
      { width, minTileWidth: MIN_TILE_WIDTH[this.tileSize], gap: GAP, groupSpacing: GROUP_SPACING },
    );
    this.rows.setLayout(this.layout, FOOTER_HEIGHT);
    if (anchor) this.scrollToAnchor(anchor);
    this.rows.update();
  }

  currentAnchor(): Anchor | undefined {
    if (!this.layout) return undefined;
    const at = anchorAt(this.layout, this.scroller.scrollTop);
    const prompt = at && this.ctx.store.prompts[at.group];
    return prompt && at ? { promptId: prompt.id, offset: at.offset } : undefined;
  }

  scrollToAnchor(anchor: Anchor): void {
    const group = this.ctx.store.indexOf(anchor.promptId);
    if (group === undefined || !this.layout) return;
    this.scroller.scrollTop = scrollTopOf(this.layout, { group, offset: anchor.offset });
  }

  /** Smaller (-1) or larger (1) tiles, within the sizes there are. */
  changeTileSize(step: 1 | -1): void {
    const index = Math.min(TILE_SIZES.length - 1, Math.max(0, TILE_SIZES.indexOf(this.tileSize) + step));
    if (TILE_SIZES[index] === this.tileSize) return;
    this.tileSize = TILE_SIZES[index];
    this.ctx.relayout();
    this.ctx.scheduleSaveState();
  }

  /** Scrolls the least that shows the tile whole, or (`center`) puts it in the middle of the viewport. */
  scrollTileIntoView(image: { promptId: number; imageIndex: number }, center: boolean): void {
    const group = this.ctx.store.indexOf(image.promptId);
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

  /** Scrolls to the tile and gives it the focus (the lightbox closed on it). */
  focusTile(image: { promptId: number; imageIndex: number }): void {
    this.scrollTileIntoView(image, false);
    const selector = `.tile[data-prompt-id="${image.promptId}"][data-image-index="${image.imageIndex}"] .tile-open`;
    this.content.querySelector<HTMLElement>(selector)?.focus({ preventScroll: true });
  }

  private onScroll(): void {
    if (this.scrollFrame !== undefined) return;
    this.scrollFrame = requestAnimationFrame(() => {
      this.scrollFrame = undefined;
      this.ctx.afterScroll();
    });
  }
}
