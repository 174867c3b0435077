// The sweep's cells as data (no DOM): status words, a tab's rows and columns, progress, safe image URLs.
import { ZOOM_MAX, ZOOM_MIN, type CompareAxis, type CompareCell } from '../../src/shared/compare';
import { isDisplayableImageUrl } from '../../src/shared/gallery';

export const STATUS_TEXT: Record<CompareCell['status'], string> = {
  waiting: 'Waiting',
  sending: 'Sending…',
  pending: 'Queued',
  generating: 'Generating…',
  done: '',
  failed: 'Failed',
  'not-started': 'Not started',
};

/** The cell's prompt is on its way (a spinner shows). */
export function isBusy(cell: CompareCell): boolean {
  return cell.status === 'waiting' || cell.status === 'sending' || cell.status === 'pending' || cell.status === 'generating';
}

/** Only http(s) images are ever rendered, whatever a host sends (the host filters them too). */
export function displayable(cell: CompareCell): CompareCell {
  return { ...cell, images: cell.images.filter((url) => typeof url === 'string' && isDisplayableImageUrl(url)) };
}

export function clampZoom(value: number): number {
  return Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, Math.round(value)));
}

export function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** The cells of tab `tab` (a value of the third axis), as [row][column]. */
export function cellsOfTab(axes: readonly CompareAxis[], cells: readonly CompareCell[], tab: number): CompareCell[][] {
  const columns = axes[0]?.values.length ?? 1;
  const rows = axes[1]?.values.length ?? 1;
  const out: CompareCell[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: CompareCell[] = [];
    for (let c = 0; c < columns; c++) {
      const cell = cells[c + columns * (r + rows * tab)];
      if (cell) row.push(cell);
    }
    out.push(row);
  }
  return out;
}

/** "4 of 9 done · 1 failed · 2 without a prompt", and how many cells have no prompt. */
export function progress(cells: readonly CompareCell[], running: boolean): { text: string; missing: number } {
  const done = cells.filter((c) => c.status === 'done').length;
  const failed = cells.filter((c) => c.status === 'failed').length;
  const missing = cells.filter((c) => c.promptId === null).length;
  const text = `${done} of ${cells.length} done${failed ? ` · ${failed} failed` : ''}${missing && !running ? ` · ${missing} without a prompt` : ''}${running ? ' · creating prompts…' : ''}`;
  return { text, missing };
}
