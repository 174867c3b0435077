// Where the arrow keys (and Home, End, Page Up, Page Down) take the focus in the gallery's grid: pure, on
// the layout's rows, so it is unit-tested without a browser. Only image tiles take the focus (a queued,
// failed or blocked tile has nothing to open); a move that lands on one goes on to the nearest image.
import type { GalleryLayout, TileRow } from './layout';

export interface TilePosition {
  /** Index of the prompt's group in the layout. */
  group: number;
  /** Index of the tile in its group. */
  tile: number;
}

export const NAVIGATION_KEYS = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'] as const;
export type NavigationKey = (typeof NAVIGATION_KEYS)[number];

export function isNavigationKey(key: string): key is NavigationKey {
  return (NAVIGATION_KEYS as readonly string[]).includes(key);
}

/**
 * The tile a key moves the focus to from `from`, or undefined when there is nowhere to go (an edge).
 * Left and Right go through the images in reading order, across prompts; Up and Down go one row of tiles
 * up or down (across prompts), to the same column or the nearest image in that row; Page Up and Page Down
 * go `pageRows` rows; Home and End go to the first and last image.
 */
export function navigate(
  layout: GalleryLayout,
  isImage: (position: TilePosition) => boolean,
  from: TilePosition,
  key: NavigationKey,
  pageRows = 3,
): TilePosition | undefined {
  // Stryker disable next-line MethodExpression,ConditionalExpression: header rows have no tiles, so the steps below pass over them anyway
  const rows = layout.rows.filter((row): row is TileRow => row.kind === 'tiles');
  const order = rows.flatMap((row) => Array.from({ length: row.count }, (_, i) => ({ group: row.group, tile: row.first + i })));
  const images = order.filter(isImage);
  // Stryker disable next-line ConditionalExpression: without images every case below finds nothing too; this only returns early
  if (images.length === 0) return undefined;
  const same = (a: TilePosition, b: TilePosition) => a.group === b.group && a.tile === b.tile;
  switch (key) {
    case 'Home':
      return images[0];
    case 'End':
      return images[images.length - 1];
    case 'ArrowLeft':
    case 'ArrowRight': {
      const at = order.findIndex((p) => same(p, from));
      const step = key === 'ArrowRight' ? 1 : -1;
      for (let i = at + step; at >= 0 && i >= 0 && i < order.length; i += step) if (isImage(order[i])) return order[i];
      return undefined;
    }
    default: {
      const rowIndex = rows.findIndex((row) => row.group === from.group && from.tile >= row.first && from.tile < row.first + row.count);
      if (rowIndex < 0) return undefined;
      const column = from.tile - rows[rowIndex].first;
      const step = key === 'ArrowDown' || key === 'PageDown' ? 1 : -1;
      const wanted = key === 'PageUp' || key === 'PageDown' ? Math.max(1, pageRows) : 1;
      let found: TilePosition | undefined;
      let moved = 0;
      for (let r = rowIndex + step; r >= 0 && r < rows.length && moved < wanted; r += step) {
        const target = nearestImage(rows[r], column, isImage);
        if (!target) continue;
        found = target;
        moved++;
      }
      return found;
    }
  }
}

/** The image of a row nearest to a column (the same column when it is an image). */
function nearestImage(row: TileRow, column: number, isImage: (position: TilePosition) => boolean): TilePosition | undefined {
  // Stryker disable next-line EqualityOperator: one more distance only tries columns outside the row, which are skipped
  for (let distance = 0; distance < row.count + column; distance++) {
    // Stryker disable next-line ConditionalExpression: at distance 0 both sides are the column itself, tried twice to the same result
    for (const c of distance === 0 ? [column] : [column - distance, column + distance]) {
      if (c < 0 || c >= row.count) continue;
      const position = { group: row.group, tile: row.first + c };
      if (isImage(position)) return position;
    }
  }
  return undefined;
}
