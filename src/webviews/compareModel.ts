// Pure helpers of the compare panel's host (no `vscode` import): what the webview is sent for a sweep.
import type { Prompt } from '../api/astria/types';
import { promptState } from '../api/astria/state';
import { isDisplayableImageUrl, MAX_IMAGES_PER_PROMPT } from '../shared/gallery';
import type { CellStatus, CompareAxis, CompareCell } from '../shared/compare';
import { axisLabel, axisValueLabel, gridCoords, type SweepRecord } from '../shared/sweep';
import { sanitizeFolderName } from '../domain/savedImages';

/** The grid's axes with their labels: columns, rows, tabs. */
export function compareAxes(record: Pick<SweepRecord, 'axes'>): CompareAxis[] {
  return record.axes.map((axis) => ({ label: axisLabel(axis), values: axis.values.map((value) => axisValueLabel(axis, value)) }));
}

/**
 * One cell as the webview shows it. `prompt` is the freshest copy of the cell's prompt, when known;
 * `activity` says the cell is waiting for a slot or being sent right now.
 */
export function compareCell(
  record: Pick<SweepRecord, 'axes' | 'cells'>,
  index: number,
  prompt: Prompt | undefined,
  activity: 'waiting' | 'sending' | undefined,
  running: boolean,
): CompareCell {
  const cell = record.cells[index];
  const coords = gridCoords(record.axes.map((a) => a.values.length))[index] ?? [];
  const expectedImages = cell.params.num_images ?? 1;
  let status: CellStatus;
  let error = cell.error;
  if (cell.promptId !== null) {
    const state = prompt ? promptState(prompt) : 'pending';
    status = state;
    if (state === 'failed' && prompt) error = typeof prompt.user_error === 'string' ? prompt.user_error.slice(0, 2000) : 'Astria could not generate this prompt.';
  } else if (activity) status = activity;
  else if (cell.error) status = 'failed';
  else status = running ? 'waiting' : 'not-started';
  const images = (prompt && cell.promptId !== null ? prompt.images : [])
    .slice(0, MAX_IMAGES_PER_PROMPT)
    .filter((url): url is string => typeof url === 'string' && isDisplayableImageUrl(url));
  return { index, coords, status, promptId: cell.promptId, images, expectedImages, error, params: cell.params, liked: prompt?.liked === true };
}

/** Where the contact sheet goes in the workspace: sweeps/<tune>-<sweep id>.png. */
export function contactSheetPath(record: Pick<SweepRecord, 'tuneTitle' | 'tuneId' | 'id'>): string[] {
  return ['sweeps', `${sanitizeFolderName(record.tuneTitle, `tune-${record.tuneId}`)}-sweep-${record.id}.png`];
}
