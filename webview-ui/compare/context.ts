// What the compare panel's parts (grid, cells, lightbox) read and ask for; CompareApp implements it.
import type { CellAction, CompareAxis, CompareCell } from '../../src/shared/compare';
import type { SweepGrid } from './grid';
import type { CellLightbox } from './lightbox';

export interface CompareContext {
  /** The sweep's axes: columns, rows, tabs (empty until the host's init). */
  readonly axes: readonly CompareAxis[];
  /** Every cell of every tab, by index. */
  readonly cells: readonly CompareCell[];
  /** Which value of the third axis is shown. */
  readonly tab: number;
  /** "Only differences": a cell lists only the options that differ between cells. */
  readonly diffOnly: boolean;
  /** The options whose values differ between cells. */
  readonly differing: ReadonlySet<string>;
  readonly grid: SweepGrid;
  readonly lightbox: CellLightbox;
  selectTab(tab: number): void;
  setLiked(index: number, liked: boolean): Promise<void>;
  cellAction(index: number, imageIndex: number, action: CellAction): Promise<void>;
}
