// Creating prompts and tunes: the one place that sends a create request, for every entry point (prompt
// editor, prompt files, sweeps, agent tools, the create-tune wizard, Explorer and packs).
//
// Astria has no idempotency key for prompts, and titles are idempotent only on some accounts, so a
// repeated POST may generate, or train, and bill twice. When a create fails without saying whether it
// worked (no answer, a timeout, a dropped connection, a 5xx, a 200 whose body cannot be read), the thing
// is looked for on the server (a prompt by every option the server echoes, a tune by its unique title),
// then looked for again after a wait, since a server may finish after its gateway gave up. When it is
// still not found, the outcome is `unknown`: nothing is sent again without the user's word.
// Whatever exists afterwards is published on the change stream, so every view shows it.
import type { AstriaClient, PromptFiles } from '../api/astria/client';
import type { Prompt, PromptCreateParams, Tune, TuneCreateParams, UploadFile, UploadProgress } from '../api/astria/types';
import { ApiError } from '../api/errors';
import { errorMessage } from '../shared/errorMessage';
import type { Changes } from './changes';

/** How far the server's clock may be behind ours when a recovered prompt's created_at is compared. */
const CLOCK_SLACK_MS = 120_000;
/** Waits before the second and third look for something a failed create may have made. */
export const DEFAULT_LOOK_AGAIN_MS: readonly number[] = [2_000, 4_000];
/** Unanswered prompt creates remembered at most (the oldest is forgotten first). */
const UNANSWERED_REMEMBERED = 200;

export type CreateOutcome<T> =
  /**
   * `recovered`: the request failed without saying whether it worked, and the thing was then found.
   * `earlierAttempt`: an earlier create of the same request got no answer and had made it; nothing was sent this time.
   */
  | { status: 'created'; value: T; recovered: boolean; failure?: ApiError; earlierAttempt?: true }
  /** The request failed without an answer and the thing was not found, even after waiting: the user decides. */
  | { status: 'unknown'; error: unknown }
  /** The server said no (or the request never left): nothing was created. */
  | { status: 'failed'; error: unknown };

export interface GenerationOptions {
  /** The client of the moment (it is rebuilt when settings change). */
  client: () => AstriaClient;
  changes: Changes;
  /** Waits between the looks after an unanswered create (tests shorten them). */
  lookAgainMs?: readonly number[];
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface SendOptions {
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
}

export interface BatchPrompt {
  /** The caller's name for this prompt (a file entry, a sweep cell); unique within the batch. */
  key: string;
  tuneId: number;
  params: PromptCreateParams;
  files?: PromptFiles;
}

export type BatchOutcome =
  /** `failure`: why the request failed when the prompt was then found (`recovered`), for the user's message. */
  | { key: string; status: 'created'; prompt: Prompt; recovered: boolean; failure?: ApiError; earlierAttempt?: true }
  /** `unknown`: no answer, and not found on the server; not sent again. */
  | { key: string; status: 'failed'; error: unknown; unknown: boolean }
  /** Cancelled before it started: nothing was sent for it. */
  | { key: string; status: 'not-started' };

export interface BatchOptions {
  /** Requests in flight at once (at least 1). */
  concurrency: number;
  /** Cancel: prompts already sent finish; the rest come back as `not-started`. */
  signal?: AbortSignal;
  onStart?(key: string): void;
  /** Called as each prompt settles, in the order they settle. */
  onOutcome?(outcome: BatchOutcome): void;
}

export class Generation {
  private lookAgainMs: readonly number[];
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Prompts already taken by a create of this session: two creates never claim the same one. */
  private readonly claimed = new Set<number>();
  /** Prompt creates that got no answer and were not found, by request: when sent again, first looked for once more. */
  private readonly unanswered = new Map<string, number>();

  constructor(private readonly options: GenerationOptions) {
    this.lookAgainMs = options.lookAgainMs ?? DEFAULT_LOOK_AGAIN_MS;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** How long to wait between looks (the fault-matrix suite shortens them; `undefined` restores the default). */
  setLookAgain(waits: readonly number[] | undefined): void {
    this.lookAgainMs = waits ?? this.options.lookAgainMs ?? DEFAULT_LOOK_AGAIN_MS;
  }

  get waitedMs(): number {
    return totalWait(this.lookAgainMs);
  }

  /**
   * Creates one prompt; never sends it twice. When the same request (tune, parameters, files) got no answer
   * before, the prompt that attempt may have made is looked for first, and taken instead of sending again.
   */
  async createPrompt(tuneId: number, params: PromptCreateParams, files: PromptFiles = {}, send: SendOptions = {}): Promise<CreateOutcome<Prompt>> {
    const client = this.options.client();
    const request = requestKey(tuneId, params, files);
    const earlierAt = this.unanswered.get(request);
    if (earlierAt !== undefined) {
      let earlier: Prompt | undefined;
      try {
        earlier = await findCreatedPrompt(client, tuneId, params, earlierAt, this.claimed);
      } catch (error) {
        // Nobody can tell whether the earlier attempt worked: sending now might bill twice. The doubt stays.
        return { status: 'failed', error };
      }
      this.unanswered.delete(request);
      if (earlier) return { status: 'created', value: this.adoptPrompt(earlier), recovered: true, earlierAttempt: true };
    }
    const sentAt = Date.now();
    try {
      const prompt = await client.createPrompt(tuneId, params, files, { signal: send.signal, onProgress: send.onProgress });
      return { status: 'created', value: this.adoptPrompt(prompt), recovered: false };
    } catch (error) {
      if (!outcomeUnknown(error) || send.signal?.aborted) return { status: 'failed', error };
      const found = await this.lookRepeatedly(() => findCreatedPrompt(client, tuneId, params, sentAt, this.claimed), send.signal);
      if (found) return { status: 'created', value: this.adoptPrompt(found), recovered: true, failure: error as ApiError };
      this.rememberUnanswered(request, sentAt);
      return { status: 'unknown', error };
    }
  }

  /** Many prompts, at most `concurrency` requests in flight; outcomes come back in the order of `items`. */
  async createPrompts(items: readonly BatchPrompt[], options: BatchOptions): Promise<BatchOutcome[]> {
    const keys = new Set(items.map((item) => item.key));
    if (keys.size !== items.length) throw new Error('Every prompt of a batch needs its own key.');
    const outcomes = new Map<string, BatchOutcome>();
    let next = 0;
    const runOne = async (item: BatchPrompt): Promise<void> => {
      options.onStart?.(item.key);
      const result = await this.createPrompt(item.tuneId, item.params, item.files);
      const outcome: BatchOutcome =
        result.status === 'created'
          ? { key: item.key, status: 'created', prompt: result.value, recovered: result.recovered, failure: result.failure, ...(result.earlierAttempt ? { earlierAttempt: true as const } : {}) }
          : { key: item.key, status: 'failed', error: result.error, unknown: result.status === 'unknown' };
      outcomes.set(item.key, outcome);
      options.onOutcome?.(outcome);
    };
    const worker = async (): Promise<void> => {
      // Stryker disable next-line EqualityOperator: at next === items.length the item is undefined and skipped below; the loop then ends
      while (next < items.length && !options.signal?.aborted) {
        const item = items[next++];
        // Stryker disable next-line ConditionalExpression: the loop bound makes item always defined; the check only narrows the type
        if (item) await runOne(item);
      }
    };
    const workers = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, items.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return items.map((item) => outcomes.get(item.key) ?? { key: item.key, status: 'not-started' as const });
  }

  /** Creates a tune (from a pack with `packId`), its images streamed from disk; never sends it twice. */
  async createTune(params: TuneCreateParams, files: readonly UploadFile[], send: SendOptions & { packId?: number } = {}): Promise<CreateOutcome<Tune>> {
    const client = this.options.client();
    const options = { signal: send.signal, onProgress: send.onProgress };
    try {
      const tune = send.packId === undefined ? await client.createTune(params, files, options) : await client.createTuneFromPack(send.packId, params, files, options);
      return { status: 'created', value: this.adoptTune(tune), recovered: false };
    } catch (error) {
      if (!outcomeUnknown(error) || send.signal?.aborted) return { status: 'failed', error };
      const found = await this.lookRepeatedly(() => client.findTuneByTitle(params.title), send.signal);
      if (found) return { status: 'created', value: this.adoptTune(found), recovered: true, failure: error as ApiError };
      return { status: 'unknown', error };
    }
  }

  /**
   * After a change (a rename, a like, a delete) failed without saying whether it was done: whether the server
   * shows it, asked now and again after each wait (`check` also puts what it reads into the views). Never sent again.
   */
  async confirmChange(check: () => Promise<boolean>, signal?: AbortSignal): Promise<boolean> {
    return (await this.lookRepeatedly(async () => ((await check()) ? true : undefined), signal)) === true;
  }

  /** The tune with this (unique) title, if the server has it now (after a cancel that may have come too late). */
  async findTune(title: string): Promise<Tune | undefined> {
    const found = await this.options.client().findTuneByTitle(title);
    return found && this.adoptTune(found);
  }

  /** Looks now, then again after each wait; a failed look counts as "not found" (the outcome stays unknown). */
  private async lookRepeatedly<T>(look: () => Promise<T | undefined>, signal?: AbortSignal): Promise<T | undefined> {
    for (const wait of [0, ...this.lookAgainMs]) {
      if (wait > 0) {
        try {
          await this.sleep(wait, signal);
        } catch {
          return undefined;
        }
      }
      const found = await look().catch(() => undefined);
      if (found) return found;
    }
    return undefined;
  }

  private rememberUnanswered(request: string, sentAt: number): void {
    this.unanswered.set(request, sentAt);
    if (this.unanswered.size > UNANSWERED_REMEMBERED) this.unanswered.delete(this.unanswered.keys().next().value as string);
  }

  private adoptPrompt(prompt: Prompt): Prompt {
    this.claimed.add(prompt.id);
    this.options.changes.publish({ kind: 'promptCreated', prompt });
    return prompt;
  }

  private adoptTune(tune: Tune): Tune {
    this.options.changes.publish({ kind: 'tuneCreated', tune });
    return tune;
  }
}

/** One prompt request as text: the tune, every parameter sent (in a fixed order) and the files' paths. */
function requestKey(tuneId: number, params: PromptCreateParams, files: PromptFiles): string {
  const sent = Object.entries(params).filter(([, value]) => value !== undefined).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([tuneId, sent, files.input_image?.path ?? null, files.mask_image?.path ?? null]);
}

/**
 * True when the request may have created the thing although it failed: no answer (timeout, dropped
 * connection), a 5xx, or a 200 whose body could not be read.
 */
export function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.kind === 'timeout' || error.kind === 'network' || error.kind === 'malformed') return true;
  return error.kind === 'server' || (error.status !== undefined && error.status >= 500);
}

/**
 * The prompt these parameters created since `sentAt`, looked for on the tune's newest page (one request),
 * or undefined; prompts in `claimed` are already someone else's. A failed lookup throws: nobody can tell.
 */
export async function findCreatedPrompt(
  client: AstriaClient,
  tuneId: number,
  params: PromptCreateParams,
  sentAt: number,
  claimed: ReadonlySet<number> = new Set(),
): Promise<Prompt | undefined> {
  const newest = await client.listPrompts(tuneId);
  return newest.find(
    (prompt) => !claimed.has(prompt.id) && Date.parse(prompt.created_at) >= sentAt - CLOCK_SLACK_MS && sameRequest(prompt, params),
  );
}

/**
 * Whether a prompt the server returned is the one these parameters asked for: the text is the same and
 * every parameter the server echoes back has the value that was sent (`"3.0"` equals 3).
 */
export function sameRequest(prompt: Prompt, params: PromptCreateParams): boolean {
  if (prompt.text !== params.text) return false;
  const echoed = prompt as unknown as Record<string, unknown>;
  for (const [name, sent] of Object.entries(params)) {
    // Stryker disable next-line StringLiteral: the text was compared just above, so comparing it again here gives the same answer
    if (name === 'text' || sent === undefined || sent === null) continue;
    const got = echoed[name];
    if (got === undefined || got === null) continue;
    if (!sameValue(got, sent)) return false;
  }
  return true;
}

function sameValue(got: unknown, sent: unknown): boolean {
  if (typeof sent === 'number' || typeof got === 'number') return Number(got) === Number(sent);
  if (typeof sent === 'boolean' || typeof got === 'boolean') return String(got) === String(sent);
  return got === sent;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // Stryker disable next-line StringLiteral: the rejection's message is never read (lookRepeatedly only stops)
    if (signal?.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      // Stryker disable next-line StringLiteral: a listener left on a signal after the wait ended does nothing (clearTimeout and reject of a settled promise)
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      // Stryker disable next-line StringLiteral: the rejection's message is never read (lookRepeatedly only stops)
      reject(new Error('aborted'));
    };
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, so `once` changes nothing observable
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What a user is told about an outcome that was not a plain success (or '' for one). */
export function recoveryNote(outcome: CreateOutcome<unknown>, what: 'prompt' | 'tune'): string {
  if (outcome.status !== 'created' || !outcome.recovered) return '';
  if (outcome.earlierAttempt) return `The earlier attempt did create the ${what}; it was not sent again. `;
  return `${recoveryReason(outcome.failure)}, but the ${what} was created (found on the server); it was not sent again. `;
}

/** Why a create that was then found failed, in words ("The server timed out"). */
export function recoveryReason(failure: ApiError | undefined): string {
  return failure?.kind === 'timeout' ? 'The server timed out' : failure?.kind === 'network' ? 'The connection failed' : failure?.kind === 'malformed' ? 'The server sent an answer that could not be read' : 'The server failed';
}

/**
 * The words for an `unknown` outcome: what went wrong (the failure's first sentence, the server's own words
 * included), that it was looked for, and why nothing was sent again.
 */
export function unknownOutcomeMessage(what: 'prompt' | 'tune', error: unknown, waitedMs: number = totalWait(DEFAULT_LOOK_AGAIN_MS)): string {
  const failure = errorMessage(error);
  const first = /^.*?[.!?](?=\s)/.exec(failure)?.[0] ?? failure;
  return `${first} The ${what} was not found on the server, also ${Math.round(waitedMs / 1000)} s later, so it was not sent again: sending it again may ${what === 'prompt' ? 'generate' : 'train'} and bill twice.`;
}

/** A change that failed without an answer, then found done: "The connection failed, but the tune was renamed (checked on the server); it was not sent again." */
export function changeRecoveredNote(failure: unknown, done: string): string {
  return `${recoveryReason(failure instanceof ApiError ? failure : undefined)}, but ${done} (checked on the server); it was not sent again.`;
}

/**
 * A change that failed without an answer and that the server does not show, even after waiting: what went
 * wrong, that it was not sent again, and what to check before doing it again.
 */
export function unknownChangeMessage(change: string, error: unknown, check: string, waitedMs: number = totalWait(DEFAULT_LOOK_AGAIN_MS)): string {
  const failure = errorMessage(error);
  const first = /^.*?[.!?](?=\s)/.exec(failure)?.[0] ?? failure;
  return `${first} The ${change} did not show on the server, also ${Math.round(waitedMs / 1000)} s later, so it was not sent again: it may still happen. ${check}`;
}

export function totalWait(waits: readonly number[]): number {
  return waits.reduce((sum, ms) => sum + ms, 0);
}
