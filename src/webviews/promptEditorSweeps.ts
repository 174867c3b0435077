// The prompt editor's Sweep section on the host: plan a sweep for the form, ask once, remember it, open its
// compare panel and create its prompts (through the sweep store and the one generation path).
import type { Tune } from '../api/astria/types';
import type { Services } from '../services';
import { errorMessage } from '../shared/errorMessage';
import type { PromptDraft } from '../shared/prompt/draft';
import type { PromptEditorTune, SweepListEntry, SweepPlanSummary, SweepRunResult } from '../shared/promptEditor';
import { axisLabel, gridShape, missingCells, sweepTitle, type SweepAxis } from '../shared/sweep';
import type { SweepStore } from '../jobs/sweeps';
import { readSweepSettings } from './sweepSettings';
import type { Open } from '../open';
import { planOnHost, runCells, type SweepDialogs } from './sweepRun';

export interface EditorSweepDeps {
  services: Services;
  sweeps: SweepStore;
  sweepDialogs: SweepDialogs;
  open: Open;
}

/** What the sweep would create, or why it cannot. */
export async function planEditorSweep(services: Services, server: Tune, tune: PromptEditorTune, draft: PromptDraft, axes: SweepAxis[]): Promise<SweepPlanSummary> {
  const planned = await planOnHost(services, server, tune, draft, axes, readSweepSettings().maxPrompts);
  if (!planned.ok) return planned;
  const { plan } = planned;
  return { ok: true, prompts: plan.prompts, images: plan.images, ...gridShape(plan.axes), warnings: plan.warnings };
}

/** Checks the sweep again, asks once, remembers it, opens its compare panel and creates its prompts. */
export async function startEditorSweep(deps: EditorSweepDeps, server: Tune, tune: PromptEditorTune, draft: PromptDraft, axes: SweepAxis[]): Promise<SweepRunResult> {
  const settings = readSweepSettings();
  const planned = await planOnHost(deps.services, server, tune, draft, axes, settings.maxPrompts);
  if (!planned.ok) return { status: 'refused', problems: planned.problems };
  const { plan } = planned;
  const shape = gridShape(plan.axes);
  const grid = [shape.columns, shape.rows, shape.tabs].slice(0, plan.axes.length).join(' × ');
  const ok = await deps.sweepDialogs.confirm(
    `Create ${plan.prompts} prompt${plan.prompts === 1 ? '' : 's'} (${plan.images} images) on “${tune.title}”?`,
    `A ${grid} sweep of ${plan.axes.map(axisLabel).join(' × ')}, ${settings.concurrency} at a time. Each prompt is billed by Astria like any other.`,
    `Create ${plan.prompts} Prompts`,
  );
  if (!ok) return { status: 'cancelled' };
  const cells = await runCells(plan.cells);
  const record = await deps.sweeps.create({ id: tune.id, title: tune.title }, draft, plan.axes, plan.cells.map((c) => c.params));
  await deps.open.compare(record.id);
  deps.services.log.info(`Prompt editor: sweep ${record.id} on tune ${tune.id}: ${plan.prompts} prompts`);
  void deps.sweeps
    .run(record.id, cells, settings.concurrency)
    .then((tally) => {
      deps.services.log.info(`Sweep ${record.id}: ${tally.created} created, ${tally.failed} failed, ${tally.notStarted} not started`);
    })
    .catch((error: unknown) => deps.services.log.warn(`Sweep ${record.id} stopped: ${errorMessage(error)}`));
  return { status: 'started', sweepId: record.id, prompts: plan.prompts };
}

/** The remembered sweeps of a tune, for the Sweep section's list. */
export function editorSweeps(sweeps: SweepStore, tuneId: number): SweepListEntry[] {
  return sweeps.list(tuneId).map((record) => ({
    sweepId: record.id,
    title: sweepTitle(record),
    createdAt: record.createdAt,
    prompts: record.cells.length,
    missing: missingCells(record).length,
  }));
}
