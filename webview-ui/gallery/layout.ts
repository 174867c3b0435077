// Pure row layout of the gallery: groups (one per prompt) become a header row and rows of fixed-aspect
// tiles with known heights, so only the rows near the viewport need to exist in the DOM.

export interface GroupShape {
  /** Tiles in the group (images, placeholders or blocked images). */
  tiles: number;
  /** Width / height of every tile of the group. */
  aspect: number;
  /** Height of the group's header row (prompt text, negative prompt, parameters). */
  headerHeight: number;
}

export interface LayoutMetrics {
  /** Inner width available to rows. */
  width: number;
  minTileWidth: number;
  gap: number;
  /** Space after the last row of a group. */
  groupSpacing: number;
}

export interface HeaderRow {
  kind: 'header';
  group: number;
  top: number;
  height: number;
}

export interface TileRow {
  kind: 'tiles';
  group: number;
  /** Index of the first tile of the group in this row. */
  first: number;
  count: number;
  top: number;
  height: number;
}

export type LayoutRow = HeaderRow | TileRow;

export interface GalleryLayout {
  rows: LayoutRow[];
  /** Index of each group's header row. */
  groupStart: number[];
  height: number;
  columns: number;
  tileWidth: number;
}

export function layoutGallery(groups: readonly GroupShape[], metrics: LayoutMetrics): GalleryLayout {
  const { gap } = metrics;
  const width = Math.max(metrics.minTileWidth, metrics.width);
  const columns = Math.max(1, Math.floor((width + gap) / (metrics.minTileWidth + gap)));
  const tileWidth = Math.floor((width - gap * (columns - 1)) / columns);
  const rows: LayoutRow[] = [];
  const groupStart: number[] = [];
  let top = 0;
  groups.forEach((group, index) => {
    groupStart.push(rows.length);
    rows.push({ kind: 'header', group: index, top, height: group.headerHeight });
    top += group.headerHeight;
    const tileHeight = Math.max(16, Math.round(tileWidth / group.aspect));
    for (let first = 0; first < group.tiles; first += columns) {
      const count = Math.min(columns, group.tiles - first);
      rows.push({ kind: 'tiles', group: index, first, count, top, height: tileHeight });
      top += tileHeight + gap;
    }
    top += metrics.groupSpacing;
  });
  return { rows, groupStart, height: top, columns, tileWidth };
}

/** Rows overlapping [top, bottom): a half-open index range, found by binary search. */
export function rowsBetween(layout: GalleryLayout, top: number, bottom: number): { start: number; end: number } {
  const { rows } = layout;
  let lo = 0;
  let hi = rows.length;
  // First row whose bottom edge is below `top`.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid].top + rows[mid].height <= top) lo = mid + 1;
    else hi = mid;
  }
  const start = lo;
  hi = rows.length;
  // First row starting at or after `bottom`.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid].top < bottom) lo = mid + 1;
    else hi = mid;
  }
  return { start, end: lo };
}

/** The row holding a group's tile. */
export function rowOfTile(layout: GalleryLayout, group: number, tile: number): LayoutRow | undefined {
  const start = layout.groupStart[group];
  // Stryker disable next-line ConditionalExpression: for a missing group the lookups below are of rows[NaN] and rows[undefined], undefined too
  if (start === undefined) return undefined;
  return layout.rows[start + 1 + Math.floor(tile / layout.columns)] ?? layout.rows[start];
}

/** Which group is at a scroll position, and how far into it: survives relayouts and reloads. */
export function anchorAt(layout: GalleryLayout, scrollTop: number): { group: number; offset: number } | undefined {
  // Stryker disable next-line ArithmeticOperator: only the start of the range is used, and it does not depend on its bottom
  const { start } = rowsBetween(layout, scrollTop, scrollTop + 1);
  const row = layout.rows[start];
  if (!row) return undefined;
  const header = layout.rows[layout.groupStart[row.group]];
  return { group: row.group, offset: Math.max(0, Math.round(scrollTop - header.top)) };
}

/** The scroll position of an anchor in a (possibly different) layout. */
export function scrollTopOf(layout: GalleryLayout, anchor: { group: number; offset: number }): number {
  const start = layout.groupStart[anchor.group];
  if (start === undefined) return 0;
  const header = layout.rows[start];
  const nextStart = layout.groupStart[anchor.group + 1];
  const groupEnd = nextStart === undefined ? layout.height : layout.rows[nextStart].top;
  return header.top + Math.min(anchor.offset, Math.max(0, groupEnd - header.top - 1));
}
