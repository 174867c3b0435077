// The compare panel's messages between the extension host and its webview, each next to the host's check.
// The panel shows one sweep: a grid whose columns, rows and tabs are the sweep's axes.
import type { PromptCreateParams } from '../api/astria/types';
import { boolean, integer, isRecord, object, oneOf, string, type Check } from './check';
import { MAX_IMAGES_PER_PROMPT } from './gallery';
import type { MessageChecks, ProtocolShape } from './rpc';
import { MAX_PROMPTS_LIMIT } from './sweep';

export const COMPARE_VIEW_TYPE = 'tuneStudio.compare';

/** Largest contact sheet the host writes: bounds what the webview may send (base64 of a PNG). */
export const MAX_SHEET_BYTES = 40 * 1024 * 1024;
export const MAX_SHEET_SIDE = 16_384;

export const CELL_STATUSES = ['waiting', 'sending', 'pending', 'generating', 'done', 'failed', 'not-started'] as const;
export type CellStatus = (typeof CELL_STATUSES)[number];

/** One axis as the grid labels it. */
export interface CompareAxis {
  label: string;
  /** Labels of its values, in order. */
  values: string[];
}

/** One cell as the webview shows it: display data only, vetted by the host. */
export interface CompareCell {
  index: number;
  /** One value index per axis. */
  coords: number[];
  status: CellStatus;
  promptId: number | null;
  /** Displayable (http/https) image URLs. */
  images: string[];
  expectedImages: number;
  /** Astria's words for a refused cell, or why it failed. */
  error: string | null;
  params: PromptCreateParams;
  liked: boolean;
}

export interface CompareInit {
  sweepId: string;
  title: string;
  tuneTitle: string;
  axes: CompareAxis[];
  cells: CompareCell[];
  /** Prompts of this sweep are being created now. */
  running: boolean;
  /** Set when the sweep is not known (any more) in this workspace. */
  loadError: string | null;
}

export const CELL_ACTIONS = ['save', 'copyMarkdown', 'useSettings'] as const;
export type CellAction = (typeof CELL_ACTIONS)[number];

export interface CompareProtocol extends ProtocolShape {
  requests: {
    /** An action on one image of a cell (`useSettings` ignores the image). */
    cellAction: { params: { index: number; imageIndex: number; action: CellAction }; result: { message?: string } };
    setLiked: { params: { index: number; liked: boolean }; result: { liked: boolean } };
    /** Creates the prompts of the cells that have none (never a second one for a cell). */
    runMissing: { params: Record<string, never>; result: { started: number } };
    /** Stops what has not started; running requests finish. */
    cancel: { params: Record<string, never>; result: null };
    /** The contact sheet drawn by the webview: a PNG, base64, written into the workspace. */
    exportSheet: { params: { png: string; width: number; height: number }; result: { message: string; path: string } };
  };
  hostNotifications: {
    init: CompareInit;
    /** A cell changed (created, progressed, failed, liked): replace it. */
    cell: { cell: CompareCell };
    running: { running: boolean };
  };
  viewNotifications: {
    /** The grid painted (tests and the bench wait for it). */
    didRender: { cells: number; images: number };
    error: { message: string };
  };
}

/** What the webview keeps across reloads and the serializer receives. */
export interface CompareViewState {
  version: 1;
  sweepId: string;
  /** Tile size in pixels. */
  zoom: number;
  diffOnly: boolean;
  /** Which value of the third axis is shown. */
  tab: number;
}

export const ZOOM_MIN = 64;
export const ZOOM_MAX = 512;
export const ZOOM_DEFAULT = 160;

export function sweepIdFromViewState(state: unknown): string | undefined {
  if (!isRecord(state) || state.version !== 1) return undefined;
  return typeof state.sweepId === 'string' && /^[\w-]{1,64}$/.test(state.sweepId) ? state.sweepId : undefined;
}

// ─── PNG checks (the host writes only a real PNG of the size the webview claims) ─────────────────

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR, or undefined when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 33) return undefined;
  for (let i = 0; i < PNG_SIGNATURE.length; i++) if (bytes[i] !== PNG_SIGNATURE[i]) return undefined;
  // Length 13, then "IHDR".
  if (bytes[12] !== 0x49 || bytes[13] !== 0x48 || bytes[14] !== 0x44 || bytes[15] !== 0x52) return undefined;
  const u32 = (at: number) => ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
  return { width: u32(16), height: u32(20) };
}

// ─── Checks of what the webview sends ────────────────────────────────────────────────────────────

const cellIndex = integer(0, MAX_PROMPTS_LIMIT - 1);
const empty: Check<Record<string, never>> = object<Record<string, never>>({});
/** Base64 (the pattern needs at least one character) no longer than the largest contact sheet's. */
const base64: Check<string> = (value) =>
  typeof value === 'string' && value.length <= Math.ceil(MAX_SHEET_BYTES / 3) * 4 && /^[A-Za-z0-9+/]+={0,2}$/.test(value)
    ? { ok: true, value }
    : { ok: false, reason: 'expected base64 of at most the largest contact sheet' };

export const compareChecks: MessageChecks<CompareProtocol> = {
  requests: {
    cellAction: object({ index: cellIndex, imageIndex: integer(0, MAX_IMAGES_PER_PROMPT - 1), action: oneOf(CELL_ACTIONS) }),
    setLiked: object({ index: cellIndex, liked: boolean }),
    runMissing: empty,
    cancel: empty,
    exportSheet: object({ png: base64, width: integer(1, MAX_SHEET_SIDE), height: integer(1, MAX_SHEET_SIDE) }),
  },
  notifications: {
    didRender: object({ cells: integer(), images: integer() }),
    error: object({ message: string(4000) }),
  },
};

// ─── Contact sheet layout (drawn by the webview, checked by the tests) ──────────────────────────

export interface SheetLayout {
  width: number;
  height: number;
  margin: number;
  titleHeight: number;
  groupTitleHeight: number;
  columnLabelHeight: number;
  rowLabelWidth: number;
  cellWidth: number;
  cellHeight: number;
  gap: number;
  imageSize: number;
  imageGap: number;
  /** Images per cell row. */
  imageColumns: number;
  columns: number;
  rows: number;
  tabs: number;
  /** Top of each group (one per value of the third axis). */
  groupTops: number[];
}

const SHEET_IMAGE = 160;
const SHEET_IMAGE_GAP = 4;
const SHEET_GAP = 12;

/** Where everything goes on the sheet: the grid of every tab, stacked, with labels on top and left. */
export function contactSheetLayout(shape: { columns: number; rows: number; tabs: number }, imagesPerCell: number): SheetLayout {
  const images = Math.max(1, Math.min(imagesPerCell, MAX_IMAGES_PER_PROMPT));
  const imageColumns = Math.ceil(Math.sqrt(images));
  const imageRows = Math.ceil(images / imageColumns);
  const cellWidth = imageColumns * SHEET_IMAGE + (imageColumns - 1) * SHEET_IMAGE_GAP;
  const cellHeight = imageRows * SHEET_IMAGE + (imageRows - 1) * SHEET_IMAGE_GAP;
  const margin = 24;
  const titleHeight = 40;
  const groupTitleHeight = shape.tabs > 1 ? 36 : 0;
  const columnLabelHeight = 28;
  const rowLabelWidth = shape.rows > 1 ? 180 : 0;
  const groupHeight = groupTitleHeight + columnLabelHeight + shape.rows * cellHeight + (shape.rows - 1) * SHEET_GAP;
  const groupTops: number[] = [];
  for (let t = 0; t < shape.tabs; t++) groupTops.push(margin + titleHeight + t * (groupHeight + SHEET_GAP * 2));
  return {
    width: margin * 2 + rowLabelWidth + shape.columns * cellWidth + (shape.columns - 1) * SHEET_GAP,
    height: margin * 2 + titleHeight + shape.tabs * groupHeight + (shape.tabs - 1) * SHEET_GAP * 2,
    margin,
    titleHeight,
    groupTitleHeight,
    columnLabelHeight,
    rowLabelWidth,
    cellWidth,
    cellHeight,
    gap: SHEET_GAP,
    imageSize: SHEET_IMAGE,
    imageGap: SHEET_IMAGE_GAP,
    imageColumns,
    columns: shape.columns,
    rows: shape.rows,
    tabs: shape.tabs,
    groupTops,
  };
}
