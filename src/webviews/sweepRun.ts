import * as vscode from 'vscode';
import type { Tune } from '../api/astria/types';
import { tuneState, type TuneState } from '../api/astria/state';
import type { Services } from '../services';
import type { PromptFiles } from '../api/astria/client';
import type { PromptEditorTune } from '../shared/promptEditor';
import type { PromptDraft } from '../shared/prompt/draft';
import { planSweep, type SweepAxis, type SweepContext, type SweepPlanResult, type SweepCell } from '../shared/sweep';
import { errorMessage } from '../shared/errorMessage';
import type { SweepRunCell } from '../jobs/sweeps';
import { ImageFileProblem, workspaceImage } from '../domain/workspaceImages';
import { UserFacingError } from './panelHost';

/** The sweep's one question before anything is created (prompt editor and compare panel share one instance); replaceable by the integration suite. */
export class SweepDialogs {
  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showInformationMessage(message, { modal: true, detail }, action)) === action;
  }
}

/** States of the tunes the weight axes reference (one request each, in parallel; failures = unknown). */
async function referenceStates(services: Services, axes: readonly SweepAxis[]): Promise<Record<number, TuneState | undefined>> {
  const ids = [...new Set(axes.flatMap((axis) => (axis.kind === 'weight' && axis.referenceId !== undefined ? [axis.referenceId] : [])))];
  const states: Record<number, TuneState | undefined> = {};
  await Promise.all(
    ids.map(async (id) => {
      try {
        states[id] = tuneState(await services.astria.getTune(id));
      } catch (error) {
        services.log.warn(`Sweep: could not look up referenced tune ${id}: ${errorMessage(error)}`);
      }
    }),
  );
  return states;
}

/** Plans a sweep on the host with what only the host knows: the tune's state and the referenced tunes'. */
export async function planOnHost(
  services: Services,
  tune: Tune,
  editor: PromptEditorTune,
  base: PromptDraft,
  axes: readonly SweepAxis[],
  maxPrompts: number,
): Promise<SweepPlanResult> {
  const context: SweepContext = {
    capabilities: editor.capabilities,
    characteristics: Object.keys(editor.characteristics),
    tune: { id: editor.id, title: editor.title, state: tuneState(tune) },
    references: await referenceStates(services, axes),
    maxPrompts,
  };
  return planSweep(base, axes, context);
}

/** The cells to run, with their workspace files checked and resolved (a bad file refuses the run). */
export async function runCells(cells: readonly SweepCell[]): Promise<SweepRunCell[]> {
  const out: SweepRunCell[] = [];
  for (const cell of cells) {
    const files: PromptFiles = {};
    for (const [target, value] of Object.entries(cell.files) as ['input_image' | 'mask_image', string][]) {
      try {
        const image = await workspaceImage(value);
        files[target] = { path: image.path, name: image.name, type: image.type };
      } catch (error) {
        if (error instanceof ImageFileProblem) throw new UserFacingError(error.message);
        throw error;
      }
    }
    out.push({ index: cell.index, params: cell.params, files: Object.keys(files).length > 0 ? files : undefined });
  }
  return out;
}
