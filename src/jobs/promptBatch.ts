// Many prompts at once (prompt files' "Generate All", sweeps): at most `concurrency` requests in flight,
// Cancel stops what has not started, and a failure whose outcome is unknown (5xx, timeout, dropped
// connection) is followed by a look at the tune's newest prompts, so the prompt is found rather than
// posted twice. Astria has no idempotency key for prompts, and a repeat would generate (and bill) twice.
import type { AstriaClient, PromptFiles } from '../api/astria/client';
import type { Prompt, PromptCreateParams } from '../api/astria/types';
import { ApiError } from '../api/errors';

export interface BatchPrompt {
  /** The caller's name for this prompt (a file entry, a sweep cell); unique within the batch. */
  key: string;
  tuneId: number;
  params: PromptCreateParams;
  files?: PromptFiles;
}

export type BatchOutcome =
  /** `recovered`: the request failed without saying whether it worked, and the prompt was then found on the server. */
  | { key: string; status: 'created'; prompt: Prompt; recovered: boolean }
  | { key: string; status: 'failed'; error: unknown }
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

/** What the batch needs of the poller: created prompts are watched until they are done. */
export interface PromptWatcher {
  watchPrompt(prompt: Prompt): void;
}

/** How far the server's clock may be behind ours when a recovered prompt's created_at is compared. */
const CLOCK_SLACK_MS = 120_000;

/** Creates the prompts, at most `concurrency` at a time; outcomes come back in the order of `items`. */
export async function runPromptBatch(
  client: AstriaClient,
  poller: PromptWatcher,
  items: readonly BatchPrompt[],
  options: BatchOptions,
): Promise<BatchOutcome[]> {
  const keys = new Set(items.map((item) => item.key));
  if (keys.size !== items.length) throw new Error('Every prompt of a batch needs its own key.');
  const outcomes = new Map<string, BatchOutcome>();
  /** Prompts already taken by an item of this batch: two items never claim the same one. */
  const claimed = new Set<number>();
  let next = 0;

  const settle = (outcome: BatchOutcome): void => {
    outcomes.set(outcome.key, outcome);
    options.onOutcome?.(outcome);
  };

  const runOne = async (item: BatchPrompt): Promise<void> => {
    options.onStart?.(item.key);
    const startedAt = Date.now();
    try {
      const prompt = await client.createPrompt(item.tuneId, item.params, item.files);
      claimed.add(prompt.id);
      poller.watchPrompt(prompt);
      settle({ key: item.key, status: 'created', prompt, recovered: false });
    } catch (error) {
      // Cannot tell (the lookup failed too): the original failure is reported and nothing is sent again.
      const found = outcomeUnknown(error) ? await findCreatedPrompt(client, item.tuneId, item.params, startedAt, claimed).catch(() => undefined) : undefined;
      if (found) {
        claimed.add(found.id);
        poller.watchPrompt(found);
        settle({ key: item.key, status: 'created', prompt: found, recovered: true });
      } else {
        settle({ key: item.key, status: 'failed', error });
      }
    }
  };

  const worker = async (): Promise<void> => {
    while (next < items.length && !options.signal?.aborted) {
      const item = items[next++];
      if (item) await runOne(item);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));

  return items.map((item) => outcomes.get(item.key) ?? { key: item.key, status: 'not-started' as const });
}

/**
 * True when the request may have created the prompt although it failed: no answer (timeout, dropped
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
