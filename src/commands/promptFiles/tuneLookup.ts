// The tune a prompt file names (id or exact title), looked up once and cached: every keystroke re-checks
// the file, but only the first check (or one after the connection changed) asks the server.
import type { Tune } from '../../api/astria/types';
import { tuneState } from '../../api/astria/state';
import { ApiError } from '../../api/errors';
import type { Services } from '../../services';
import { errorMessage } from '../../shared/errorMessage';
import type { PromptEditorTune } from '../../shared/promptEditor';
import { editorTune } from '../../webviews/promptEditorModel';

export interface TuneLookup {
  /** The tune, when found (also when it cannot generate: hovers still show it). */
  tune?: Tune;
  /** What the prompt editor knows of it (capabilities, characteristics), when found. */
  editor?: PromptEditorTune;
  /** Why no prompt of the file can be sent with it; undefined when it is trained. */
  problem?: string;
  /** The problem is about the connection (no key, offline), not the file: shown as a warning, looked up again. */
  transient?: boolean;
}

/** How long a failed lookup (offline, no key) is kept before asking again. */
const RETRY_FAILED_MS = 15_000;

export class TuneLookups {
  private readonly cache = new Map<string, { at: number; lookup: Promise<TuneLookup> }>();

  constructor(private readonly services: Services) {}

  clear(): void {
    this.cache.clear();
  }

  /** Forget a lookup (before Generate, so a tune that finished training meanwhile is seen). */
  forget(ref: number | string): void {
    this.cache.delete(keyOf(ref));
  }

  lookup(ref: number | string): Promise<TuneLookup> {
    const key = keyOf(ref);
    const cached = this.cache.get(key);
    if (cached) return cached.lookup;
    const lookup = this.resolve(ref).then((result) => {
      if (result.transient) setTimeout(() => this.cache.get(key)?.lookup === lookup && this.cache.delete(key), RETRY_FAILED_MS);
      return result;
    });
    this.cache.set(key, { at: Date.now(), lookup });
    return lookup;
  }

  /** A tune by id, from the cache when a lookup by that id already ran (hovers over `<lora:ID:w>`). */
  async byId(id: number): Promise<TuneLookup> {
    return this.lookup(id);
  }

  private async resolve(ref: number | string): Promise<TuneLookup> {
    const astria = this.services.astria;
    let tune: Tune | undefined;
    try {
      if (typeof ref === 'number') {
        tune = await astria.getTune(ref);
      } else {
        // The server's title filter when it honours it, else a scan of the newest pages.
        const found = await astria.searchTunes(ref, { limit: 50 });
        tune = found.find((t) => t.title === ref) ?? found.find((t) => (t.title ?? '').toLowerCase() === ref.toLowerCase());
        if (!tune) return { problem: `No tune is titled “${ref}” on this Astria account: write its exact title or its id.` };
      }
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'not_found') return { problem: `There is no tune ${ref} on this Astria account.` };
      return { problem: `The tune could not be looked up: ${errorMessage(error)}`, transient: true };
    }
    const base = tune.base_tune_id ? await astria.getTune(tune.base_tune_id).catch(() => undefined) : undefined;
    const editor = editorTune(tune, base);
    const state = tuneState(tune);
    if (state !== 'trained') {
      return { tune, editor, problem: `Tune ${tune.id} “${tune.title}” is ${state}: only a trained tune can generate images.` };
    }
    return { tune, editor };
  }
}

function keyOf(ref: number | string): string {
  return typeof ref === 'number' ? `id:${ref}` : `title:${ref}`;
}
