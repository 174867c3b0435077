// What the gallery keeps across reloads (subject, scroll place, tile size, filters): read back and saved.
import { TILE_SIZES, type GalleryViewState, type TileSize } from '../../src/shared/gallery';
import type { GalleryContext } from './context';
import type { Anchor } from './grid';
import { readFilters } from './filters';

/** The saved state, if it is one (it came from this webview, but an older version may have written it). */
export function readSavedState(state: Partial<GalleryViewState> | undefined): GalleryViewState | undefined {
  if (!state || typeof state.subject !== 'object' || state.subject === null) return undefined;
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

export class StateSaver {
  private timer: number | undefined;

  constructor(private readonly ctx: GalleryContext) {}

  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      this.save();
    }, 200);
  }

  /** Saves now; `anchor`: the place to come back to (by default, where the grid is scrolled to). */
  save(anchor: Anchor | null = this.ctx.grid.scroller.scrollTop > 0 ? (this.ctx.grid.currentAnchor() ?? null) : null): void {
    const { subject, grid } = this.ctx;
    if (!subject) return;
    this.ctx.host.api.setState({
      version: 1,
      subject,
      anchor,
      scrollTop: Math.round(grid.scroller.scrollTop),
      tileSize: grid.tileSize,
      filters: this.ctx.filters,
    });
  }
}
