import { randomBytes } from 'node:crypto';
import type { Prompt } from '../api/astria/types';
import type { Changes } from '../domain/changes';
import { recoveryReason, unknownOutcomeMessage, type BatchPrompt, type Generation } from '../domain/generation';
import { Emitter, type Listening } from '../shared/emitter';
import type { JobLog } from './statusPoller';
import { errorMessage } from '../shared/errorMessage';
import {
  DEFAULT_MAX_PROMPTS,
  DEFAULT_SWEEP_CONCURRENCY,
  MAX_PROMPTS_LIMIT,
  cellIndexFromKey,
  missingCells,
  readSweepRecord,
  sweepCellKey,
  sweepTitle,
  type SweepAxis,
  type SweepCellRecord,
  type SweepRecord,
} from '../shared/sweep';
import type { PromptDraft } from '../shared/prompt/draft';
import type { PromptCreateParams } from '../api/astria/types';

export const SWEEPS_STORAGE_KEY = 'tuneStudio.sweeps';
/** Sweeps remembered per workspace; the oldest are forgotten first. */
export const MAX_REMEMBERED_SWEEPS = 50;

/** A cell on its way: waiting for a slot, or being sent. Not remembered across reloads. */
export type CellActivity = 'waiting' | 'sending';

/** What a run needs per cell: its index and the prompt to create (files already resolved by the caller). */
export interface SweepRunCell {
  index: number;
  params: PromptCreateParams;
  files?: BatchPrompt['files'];
}

/** The most prompts of one sweep created at once, whatever the setting says. */
export const MAX_SWEEP_CONCURRENCY = 8;

export interface SweepSettings {
  maxPrompts: number;
  concurrency: number;
}

/**
 * The sweep settings from what the user set (`read('sweeps.maxPrompts')`, `read('sweeps.concurrency')`): a
 * whole number from 1 is taken, up to its limit; anything else gives the default. The configuration is
 * read by the caller (`readSweepSettings` in webviews/sweepSettings.ts).
 */
export function sweepSettingsFrom(read: (name: 'sweeps.maxPrompts' | 'sweeps.concurrency') => unknown): SweepSettings {
  const clamp = (value: unknown, fallback: number, max: number) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 1 ? Math.min(value, max) : fallback;
  return {
    maxPrompts: clamp(read('sweeps.maxPrompts'), DEFAULT_MAX_PROMPTS, MAX_PROMPTS_LIMIT),
    concurrency: clamp(read('sweeps.concurrency'), DEFAULT_SWEEP_CONCURRENCY, MAX_SWEEP_CONCURRENCY),
  };
}

/** Where sweeps are remembered: the shape of `vscode.Memento` (the workspace state) that the store uses. */
export interface SweepMemory {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** What the sweep store uses of `Services`. */
export interface SweepServices {
  readonly generation: Generation;
  readonly changes: Changes;
  readonly log: JobLog;
}

/**
 * The sweeps of this workspace: remembered in workspaceState (ids, axes, options; nothing secret),
 * run through the shared batch runner, and announced cell by cell to whoever shows them.
 */
export class SweepStore {
  private readonly changed = new Emitter<{ sweepId: string; index: number | null }>((error) =>
    this.services.log.error(`A view failed to follow a sweep: ${errorMessage(error)}`),
  );
  /** A cell was created, failed, or started: `index` null = the whole sweep (running or not). */
  readonly onDidChange = this.changed.event;
  /** Every prompt created by a sweep in this session, for the compare panel before the poller reports. */
  readonly prompts = new Map<number, Prompt>();
  private readonly activity = new Map<string, Map<number, CellActivity>>();
  private readonly running = new Map<string, AbortController>();
  private readonly disposables: Listening[] = [];

  constructor(
    private readonly services: SweepServices,
    private readonly memento: SweepMemory,
    /** Tells the user something worth a notification (`vscode.window.showInformationMessage` in the extension). */
    private readonly inform: (message: string) => void,
  ) {
    // The copies kept here follow the poller, so a panel opened later starts from the freshest one.
    const follow = (prompt: Prompt) => {
      if (this.prompts.has(prompt.id)) this.prompts.set(prompt.id, { ...prompt, liked: prompt.liked ?? this.prompts.get(prompt.id)?.liked });
    };
    this.disposables.push(services.changes.on(['promptProgressed', 'promptFinished', 'promptLiked'], ({ prompt }) => follow(prompt)));
  }

  /** Remembered sweeps, newest first; only those of `tuneId` when given. */
  list(tuneId?: number): SweepRecord[] {
    const raw = this.memento.get(SWEEPS_STORAGE_KEY);
    // Stryker disable next-line ArrayDeclaration: anything in the fallback list would be dropped by readSweepRecord like any broken entry
    const records = (Array.isArray(raw) ? raw : []).map(readSweepRecord).filter((r): r is SweepRecord => r !== undefined);
    return tuneId === undefined ? records : records.filter((r) => r.tuneId === tuneId);
  }

  get(id: string): SweepRecord | undefined {
    return this.list().find((r) => r.id === id);
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  activityOf(id: string, index: number): CellActivity | undefined {
    return this.activity.get(id)?.get(index);
  }

  /** Remembers a new sweep (no prompt yet in any cell) and returns it. */
  async create(tune: { id: number; title: string }, base: PromptDraft, axes: SweepAxis[], cells: PromptCreateParams[]): Promise<SweepRecord> {
    const record: SweepRecord = {
      version: 1,
      // Stryker disable next-line Regex,StringLiteral: base64url is made of \w and - only; the replace is a safeguard for the key
      id: randomBytes(9).toString('base64url').replace(/[^\w-]/g, ''),
      tuneId: tune.id,
      tuneTitle: tune.title,
      createdAt: new Date().toISOString(),
      base,
      axes,
      cells: cells.map((params) => ({ promptId: null, error: null, params })),
    };
    await this.write([record, ...this.list()].slice(0, MAX_REMEMBERED_SWEEPS));
    this.changed.fire({ sweepId: record.id, index: null });
    return record;
  }

  /**
   * Creates the prompts of these cells, `concurrency` at a time. A cell that already has a prompt is
   * never sent again (Run missing after a drop or a retry creates no duplicate). Resolves when done or cancelled.
   */
  async run(sweepId: string, cells: readonly SweepRunCell[], concurrency: number): Promise<{ created: number; failed: number; notStarted: number }> {
    const record = this.get(sweepId);
    if (!record) throw new Error('This sweep is no longer remembered in this workspace.');
    if (this.running.has(sweepId)) throw new Error('This sweep is already creating its prompts.');
    const open = new Set(missingCells(record));
    const todo = cells.filter((cell) => open.has(cell.index));
    const items: BatchPrompt[] = todo.map((cell) => ({ key: sweepCellKey(sweepId, cell.index), tuneId: record.tuneId, params: cell.params, files: cell.files }));
    const abort = new AbortController();
    const activity = new Map<number, CellActivity>(todo.map((cell) => [cell.index, 'waiting']));
    this.running.set(sweepId, abort);
    this.activity.set(sweepId, activity);
    this.changed.fire({ sweepId, index: null });
    for (const cell of todo) await this.update(sweepId, cell.index, { error: null });
    const tally = { created: 0, failed: 0, notStarted: 0 };
    /** Cells whose request failed although the prompt was then found, by why it failed (told once the run ends). */
    const recovered = new Map<string, number[]>();
    try {
      const outcomes = await this.services.generation.createPrompts(items, {
        concurrency,
        signal: abort.signal,
        onStart: (key) => {
          const index = cellIndexFromKey(sweepId, key);
          // Stryker disable next-line ConditionalExpression: every key of this batch is one of this sweep's cells
          if (index === undefined) return;
          activity.set(index, 'sending');
          this.changed.fire({ sweepId, index });
        },
        onOutcome: (outcome) => {
          const index = cellIndexFromKey(sweepId, outcome.key);
          // Stryker disable next-line ConditionalExpression: every key of this batch is one of this sweep's cells
          if (index === undefined) return;
          activity.delete(index);
          if (outcome.status === 'created') {
            tally.created++;
            if (outcome.recovered) {
              const why = outcome.earlierAttempt ? 'An earlier run got no answer' : recoveryReason(outcome.failure);
              recovered.set(why, [...(recovered.get(why) ?? []), index + 1]);
            }
            this.prompts.set(outcome.prompt.id, outcome.prompt);
            this.services.log.info(`Sweep ${sweepId}: cell ${index + 1} is prompt ${outcome.prompt.id}${outcome.recovered ? ' (found after an ambiguous failure, not sent twice)' : ''}`);
            void this.update(sweepId, index, { promptId: outcome.prompt.id, error: null });
          } else if (outcome.status === 'failed') {
            // (Cells a cancel kept from starting are not told here: they are counted from the result below.)
            tally.failed++;
            // No answer and not on the server: Run missing sends it again (the user's word), never this run.
            const message = outcome.unknown ? `${unknownOutcomeMessage('prompt', outcome.error, this.services.generation.waitedMs)} Run missing sends it again.` : errorMessage(outcome.error);
            this.services.log.warn(`Sweep ${sweepId}: cell ${index + 1} failed: ${message}`);
            void this.update(sweepId, index, { error: message });
          }
        },
      });
      // Cancelled before they started: nothing was sent for them, and they stay missing (their error was cleared above).
      tally.notStarted = outcomes.filter((outcome) => outcome.status === 'not-started').length;
    } finally {
      this.running.delete(sweepId);
      this.activity.delete(sweepId);
      this.changed.fire({ sweepId, index: null });
    }
    if (recovered.size > 0) this.inform(recoveredMessage(sweepTitle(record), recovered));
    return tally;
  }

  /** Stops what has not started; requests under way finish. */
  cancel(sweepId: string): void {
    this.running.get(sweepId)?.abort();
  }

  private async update(sweepId: string, index: number, patch: Partial<SweepCellRecord>): Promise<void> {
    const records = this.list();
    const record = records.find((r) => r.id === sweepId);
    const cell = record?.cells[index];
    if (!record || !cell) return;
    // A cell that has a prompt keeps it: nothing may turn it back into a missing one.
    record.cells[index] = { ...cell, ...patch, promptId: cell.promptId ?? patch.promptId ?? null };
    await this.write(records);
    this.changed.fire({ sweepId, index });
  }

  private write(records: SweepRecord[]): PromiseLike<void> {
    return this.memento.update(SWEEPS_STORAGE_KEY, records);
  }

  dispose(): void {
    for (const abort of this.running.values()) abort.abort();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}

/** "Sweep “…”: The server timed out on cells 1 and 2, but the prompts were created (found on the server); they were not sent again." */
export function recoveredMessage(title: string, recovered: ReadonlyMap<string, readonly number[]>): string {
  const cells = [...recovered.values()].flat();
  const listed = (numbers: readonly number[]) => (numbers.length === 1 ? `cell ${numbers[0]}` : `cells ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`);
  const why = [...recovered].map(([reason, numbers]) => `${reason} on ${listed([...numbers].sort((a, b) => a - b))}`).join('; ');
  const one = cells.length === 1;
  return `Sweep “${title}”: ${why}, but ${one ? 'the prompt was' : 'the prompts were'} created (found on the server); ${one ? 'it was' : 'they were'} not sent again.`;
}
