// What the gallery's parts share and may ask of the whole page; GalleryApp implements it.
import type { HostConnection } from '../common/rpc';
import type { GalleryFilters, GalleryProtocol, GallerySubject, GalleryViewState } from '../../src/shared/gallery';
import type { GalleryStore } from './store';
import type { SelectionModel } from './selection';
import type { GalleryGrid } from './grid';
import type { PageLoader } from './paging';
import type { GridFooter } from './footer';
import type { Lightbox } from './lightbox';
import type { FilterBar } from './filterBar';

export interface GalleryContext {
  readonly host: HostConnection<GalleryProtocol, GalleryViewState>;
  readonly store: GalleryStore;
  readonly selection: SelectionModel;
  /** What the panel shows; undefined until the host's init. */
  readonly subject: GallerySubject | undefined;
  readonly canOpenPromptEditor: boolean;
  /** The filters applied to the loaded prompts (the filter bar edits them, the saved state keeps them). */
  readonly filters: GalleryFilters;
  readonly grid: GalleryGrid;
  readonly pages: PageLoader;
  readonly footer: GridFooter;
  readonly lightbox: Lightbox;
  readonly filterBar: FilterBar;
  /** Lays the grid out again (prompts or sizes changed) and updates the footer and the counts. */
  relayout(): void;
  /** A prompt changed (liked, updated): it may have moved in or out of the filter. */
  refilter(): void;
  /** The grid moved: draw the rows now in view, fetch more when the end is near, remember the place. */
  afterScroll(): void;
  /** Marks the selected tiles and updates the bulk bar. */
  renderSelection(): void;
  setFilters(filters: GalleryFilters): void;
  scheduleSaveState(): void;
  toast(message: string, isError?: boolean): void;
}

/** Recent Images and Favorites show prompts of many tunes (each tile names its tune; the server may search). */
export function acrossTunes(subject: GallerySubject | undefined): boolean {
  return subject?.kind === 'recent' || subject?.kind === 'favorites';
}
