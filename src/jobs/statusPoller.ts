import type { Prompt, Tune } from '../api/astria/types';
import { isPromptInProgress, isTuneInProgress, tuneState } from '../api/astria/state';
import type { AstriaClient } from '../api/astria/client';
import { ApiError } from '../api/errors';
import { errorMessage } from '../shared/errorMessage';
import type { Changes } from '../domain/changes';
import { Emitter } from '../shared/emitter';

const BACKOFF_FACTOR = 1.6;
/** Pages of one tune's prompts read per tick on a server that pages by 20 (100 prompts), before asking by id. */
const MAX_PAGES_PER_TICK = 5;

/** The lines the jobs write to the output channel (`Services.log` is one). */
export interface JobLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * What the poller uses of `Services`: the client (read at every request: it is rebuilt when a setting
 * changes), the change stream and the log.
 */
export interface PollerServices {
  readonly astria: AstriaClient;
  readonly changes: Changes;
  readonly log: JobLog;
}

/** How often to check: every `baseIntervalMs` (3 s in the extension) after something new, backing off to `maxIntervalMs`. */
export interface PollerTiming {
  baseIntervalMs: number;
  maxIntervalMs: number;
}

/**
 * The one poller of the extension. It follows the change stream (a tune or prompt created anywhere is
 * watched) and publishes what it finds there (progressed, finished), so every view follows it. It watches tunes that are pending or training and tunes with prompts
 * still generating: one request per such tune per tick (GET /tunes/:id, or GET /tunes/:id/prompts for
 * all of its prompts at once), never one per prompt. It backs off while nothing changes (not while a prompt of a
 * trained tune is generating: that is done within seconds), honours Retry-After, and has no timer at all while nothing is pending.
 */
export class StatusPoller {
  private readonly trainingTunes = new Map<number, Tune>();
  /** tune id → ids of its prompts still generating */
  private readonly pendingPrompts = new Map<number, Map<number, Prompt>>();
  private timer: NodeJS.Timeout | undefined;
  private intervalMs: number;
  private ticking = false;
  private disposed = false;
  private failure: string | undefined;

  /** When the timer fires (epoch ms); a newly watched item brings it forward, never back. */
  private dueAt = 0;
  /** Bumped by clear(): a check that was in flight then must not put an old tune or prompt back. */
  private epoch = 0;
  private readonly pendingChanged = new Emitter<void>((error) => this.services.log.error(`A view failed to follow the status checks: ${errorMessage(error)}`));
  /** The set of pending things changed (for the status bar). */
  readonly onDidChangePending = this.pendingChanged.event;
  private readonly changes: Changes;
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly services: PollerServices,
    private readonly timing: PollerTiming,
  ) {
    this.intervalMs = timing.baseIntervalMs;
    this.changes = services.changes;
    this.subscription = this.changes.subscribe((change) => {
      if (change.kind === 'promptCreated') this.watchPrompt(change.prompt);
      else if (change.kind === 'tuneCreated') this.watchTune(change.tune);
      else if (change.kind === 'tuneDeleted') this.forgetTune(change.tuneId);
      else if (change.kind === 'promptDeleted') this.forgetPrompt(change.tuneId, change.promptId);
    });
  }

  get trainingCount(): number {
    return this.trainingTunes.size;
  }

  get generatingCount(): number {
    let n = 0;
    for (const prompts of this.pendingPrompts.values()) n += prompts.size;
    return n;
  }

  /** Why the last round of status checks failed (the status bar shows it); undefined once one succeeds. */
  get lastFailure(): string | undefined {
    return this.failure;
  }

  get isIdle(): boolean {
    return this.trainingTunes.size === 0 && this.pendingPrompts.size === 0;
  }

  /** Start watching a tune if it is still pending or training; safe to call with any tune. */
  watchTune(tune: Tune): void {
    if (!isTuneInProgress(tune)) return;
    const isNew = !this.trainingTunes.has(tune.id);
    this.trainingTunes.set(tune.id, tune);
    if (isNew) this.somethingNew();
  }

  /** Start watching a prompt if it has no images yet; safe to call with any prompt. */
  watchPrompt(prompt: Prompt): void {
    if (!isPromptInProgress(prompt)) return;
    let prompts = this.pendingPrompts.get(prompt.tune_id);
    if (!prompts) this.pendingPrompts.set(prompt.tune_id, (prompts = new Map()));
    const isNew = !prompts.has(prompt.id);
    prompts.set(prompt.id, prompt);
    if (isNew) this.somethingNew();
  }

  /** Forget everything (e.g. the key or the workspace changed). */
  clear(): void {
    // Stryker disable next-line UpdateOperator: any change of the epoch makes every check under way stale; counting down would too
    this.epoch++;
    this.failure = undefined;
    this.trainingTunes.clear();
    this.pendingPrompts.clear();
    this.stopTimer();
    this.pendingChanged.fire();
  }

  forgetTune(tuneId: number): void {
    // Both maps, always: `a || b` would keep polling the prompts of a tune that was still training.
    const hadTune = this.trainingTunes.delete(tuneId);
    const hadPrompts = this.pendingPrompts.delete(tuneId);
    const had = hadTune || hadPrompts;
    if (had) this.afterChange();
  }

  forgetPrompt(tuneId: number, promptId: number): void {
    const prompts = this.pendingPrompts.get(tuneId);
    if (!prompts?.delete(promptId)) return;
    if (prompts.size === 0) this.pendingPrompts.delete(tuneId);
    this.afterChange();
  }

  /** Something new to watch: checked within the base interval, even while backed off for the others. */
  private somethingNew(): void {
    this.intervalMs = this.timing.baseIntervalMs;
    this.pendingChanged.fire();
    this.schedule(this.intervalMs, true);
  }

  /** `soonerOnly`: keep a timer that fires earlier than `delayMs`; replace one that fires later. */
  private schedule(delayMs: number, soonerOnly: boolean): void {
    if (this.disposed || this.isIdle) return this.stopTimer();
    const due = Date.now() + delayMs;
    // Stryker disable next-line EqualityOperator: two timers due in the same millisecond are the same timer to anyone
    if (this.timer && soonerOnly && this.dueAt <= due) return;
    this.stopTimer();
    this.dueAt = due;
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One round: one request per tune with pending work. */
  async tick(): Promise<void> {
    // A check now replaces the scheduled one: a check asked for from outside must not leave a second timer running.
    this.stopTimer();
    if (this.ticking || this.disposed) return;
    this.ticking = true;
    const epoch = this.epoch;
    let changed = false;
    let retryAfterMs: number | undefined;
    let failure: string | undefined;
    try {
      const tuneIds = new Set([...this.trainingTunes.keys(), ...this.pendingPrompts.keys()]);
      for (const tuneId of tuneIds) {
        try {
          if (this.trainingTunes.has(tuneId)) changed = (await this.checkTune(tuneId, epoch)) || changed;
          if (epoch !== this.epoch) return;
          if (this.pendingPrompts.has(tuneId)) changed = (await this.checkPrompts(tuneId, epoch)) || changed;
          if (epoch !== this.epoch) return;
        } catch (error) {
          if (epoch !== this.epoch) return; // cleared meanwhile (another key or workspace): this answer is stale
          if (error instanceof ApiError && error.kind === 'not_found') {
            this.trainingTunes.delete(tuneId);
            this.pendingPrompts.delete(tuneId);
            changed = true;
          } else if (error instanceof ApiError && error.kind === 'rate_limited') {
            retryAfterMs = Math.max(retryAfterMs ?? 0, error.retryAfterMs ?? this.intervalMs * 2);
            failure = errorMessage(error);
            break;
          } else if (error instanceof ApiError && error.kind === 'auth' && error.status !== 403) {
            // The key was refused: the trees say so and offer Set API Key; nothing can be polled.
            this.clear();
            return;
          } else {
            failure = errorMessage(error);
            this.services.log.warn(`Status check for tune ${tuneId} failed: ${failure}`);
          }
        }
      }
    } finally {
      this.ticking = false;
    }
    if (failure !== this.failure) {
      this.failure = failure;
      changed = true;
    }
    if (changed) {
      this.pendingChanged.fire();
      this.intervalMs = this.timing.baseIntervalMs;
    } else {
      // A prompt generating on a trained tune is done within seconds to a minute: it is looked at every base interval,
      // so every view shows it done within seconds. Training tunes (and failing checks) back off.
      const ceiling = failure === undefined && this.generatingNow() ? this.timing.baseIntervalMs : this.timing.maxIntervalMs;
      this.intervalMs = Math.min(ceiling, Math.round(this.intervalMs * BACKOFF_FACTOR));
    }
    if (retryAfterMs !== undefined) {
      // The server asked to wait: that wait replaces any sooner check (something watched during this round).
      this.schedule(Math.max(this.intervalMs, retryAfterMs), false);
    } else {
      // Something watched during this round keeps its sooner check: this round's back-off must not push it back.
      this.schedule(this.intervalMs, true);
    }
  }

  /** Whether a watched prompt is generating now: its tune is not one still training (whose prompts wait for it). */
  private generatingNow(): boolean {
    for (const tuneId of this.pendingPrompts.keys()) if (!this.trainingTunes.has(tuneId)) return true;
    return false;
  }

  private async checkTune(tuneId: number, epoch: number): Promise<boolean> {
    const fresh = await this.services.astria.getTune(tuneId);
    // Cleared or forgotten while the request was out: do not put it back.
    if (epoch !== this.epoch || !this.trainingTunes.has(tuneId)) return false;
    const before = this.trainingTunes.get(tuneId)!; // has() just said so
    if (isTuneInProgress(fresh)) {
      this.trainingTunes.set(tuneId, fresh);
      this.changes.publish({ kind: 'tuneProgressed', tune: fresh });
      return tuneState(before) !== tuneState(fresh);
    }
    this.trainingTunes.delete(tuneId);
    this.changes.publish({ kind: 'tuneFinished', tune: fresh });
    return true;
  }

  private async checkPrompts(tuneId: number, epoch: number): Promise<boolean> {
    // tick() asked has() first, and a tune's map is dropped as soon as it is empty.
    const watched = this.pendingPrompts.get(tuneId)!;
    // One list request covers every watched prompt on the newest page (the common case). A server that
    // ignores before_id/limit gives 20 a page: further pages are read (one request per page, at most
    // MAX_PAGES_PER_TICK) until every watched prompt is listed or the pages are older than the oldest one.
    // A watched prompt still missing is fetched by id, and only a 404 there proves it was deleted.
    const newest = Math.max(...watched.keys());
    const oldest = Math.min(...watched.keys());
    const pager = this.services.astria.promptPager(tuneId, { beforeId: newest + 1, limit: 120 });
    const listed = new Map<number, Prompt>();
    for (let pages = 0; pages < MAX_PAGES_PER_TICK && pager.hasMore; pages++) {
      const { items } = await pager.next();
      for (const prompt of items) listed.set(prompt.id, prompt);
      // Newest first: the page that reaches the oldest watched prompt lists every watched one still there.
      if (items.some((prompt) => prompt.id <= oldest)) break;
    }
    // Stryker disable next-line BooleanLiteral: tick() stops at once on the same epoch check, whatever this says
    if (epoch !== this.epoch) return false;
    let changed = false;
    for (const id of [...watched.keys()]) {
      let fresh = listed.get(id);
      if (!fresh) {
        try {
          fresh = await this.services.astria.getPrompt(tuneId, id);
        } catch (error) {
          if (!(error instanceof ApiError && error.kind === 'not_found')) throw error;
          watched.delete(id); // deleted elsewhere
          changed = true;
          continue;
        }
      }
      if (epoch !== this.epoch || !watched.has(id)) continue;
      if (!isPromptInProgress(fresh)) {
        watched.delete(id);
        this.changes.publish({ kind: 'promptFinished', prompt: fresh });
        changed = true;
      } else {
        this.changes.publish({ kind: 'promptProgressed', prompt: fresh });
      }
    }
    // (Forgotten and watched anew meanwhile: the new map is another one, and stays.)
    if (watched.size === 0 && this.pendingPrompts.get(tuneId) === watched) this.pendingPrompts.delete(tuneId);
    return changed;
  }

  private afterChange(): void {
    this.pendingChanged.fire();
    // Stops the timer once nothing is left. Otherwise the rest is checked one interval from now; keeping an
    // earlier timer instead would check it a little sooner, which nobody can tell apart.
    // Stryker disable next-line BooleanLiteral: see above
    this.schedule(this.intervalMs, false);
  }

  dispose(): void {
    this.disposed = true;
    this.stopTimer();
    this.subscription.dispose();
    this.pendingChanged.dispose();
  }
}

