// The one lookup of tunes: a tune with its base tune and what the prompt editor may offer for it, cached
// and kept current by the change stream; the one title search; the model constants. Pure TypeScript.
import type { AstriaClient } from '../api/astria/client';
import type { Tune } from '../api/astria/types';
import { tuneState } from '../api/astria/state';
import { ApiError } from '../api/errors';
import { errorMessage } from '../shared/errorMessage';
import { isRecord } from '../shared/check';
import { KNOWN_BASE_TUNES, modelCapabilities, needsBaseTune, type CapabilityTune } from '../shared/prompt/capabilities';
import type { PromptEditorTune } from '../shared/promptEditor';
import type { Changes } from './changes';

/** Astria's public Flux.1 dev base tune: LoRA fine-tunes on branch flux1 (and fast) are trained on it. */
export const FLUX_BASE_TUNE_ID = 1504944;
/** The branches a tune can be created on; `fast` is Astria's free mock mode. */
export const TUNE_BRANCHES = ['flux1', 'sd15', 'sdxl1', 'fast'] as const;

/** A tune as the prompt editor, prompt files and agent tools need it. */
export interface CatalogTune {
  tune: Tune;
  /** Its base tune, when one was needed to tell the model family (and could be read). */
  base?: Tune;
  /** What the prompt editor may offer for it (capabilities, characteristics). */
  editor: PromptEditorTune;
}

export interface TuneLookup {
  /** The tune, when found (also when it cannot generate: hovers still show it). */
  tune?: Tune;
  editor?: PromptEditorTune;
  /** Why no prompt can be sent with it; undefined when it is trained. */
  problem?: string;
  /** The problem is about the connection (no key, offline), not the reference: looked up again later. */
  transient?: boolean;
}

export interface TuneCatalogOptions {
  client: () => AstriaClient;
  changes: Changes;
  /** How long a failed lookup (offline, no key) is kept before asking again. */
  retryFailedMs?: number;
}

export class TuneCatalog {
  private readonly byId = new Map<number, Promise<CatalogTune>>();
  private readonly bases = new Map<number, Promise<Tune | undefined>>();
  private readonly refs = new Map<string, Promise<TuneLookup>>();

  constructor(private readonly options: TuneCatalogOptions) {
    options.changes.subscribe((change) => {
      if (change.kind === 'tuneCreated' || change.kind === 'tuneProgressed' || change.kind === 'tuneFinished') this.learn(change.tune);
      else if (change.kind === 'tuneDeleted') this.forget(change.tuneId);
    });
  }

  /** Everything: the connection changed. */
  clear(): void {
    this.byId.clear();
    this.bases.clear();
    this.refs.clear();
  }

  /** A tune by id with its base tune and editor offer; one request per tune (two when its base is needed). */
  get(id: number, known?: Tune): Promise<CatalogTune> {
    let cached = this.byId.get(id);
    if (!cached) {
      cached = this.load(known ?? id);
      // A failure is not kept: the next caller asks again.
      cached.catch(() => this.byId.get(id) === cached && this.byId.delete(id));
      this.byId.set(id, cached);
    }
    return cached;
  }

  /** The tune a prompt file or a tool names (an id, or an exact title), with why it cannot generate. */
  lookup(ref: number | string): Promise<TuneLookup> {
    const key = typeof ref === 'number' ? `id:${ref}` : `title:${ref}`;
    const cached = this.refs.get(key);
    if (cached) return cached;
    const lookup = this.resolve(ref).then((result) => {
      if (result.transient) setTimeout(() => this.refs.get(key) === lookup && this.refs.delete(key), this.options.retryFailedMs ?? 15_000);
      return result;
    });
    this.refs.set(key, lookup);
    return lookup;
  }

  /** Forget what is known of a tune (before Generate, so a tune that finished training meanwhile is seen). */
  forget(ref: number | string): void {
    if (typeof ref === 'number') {
      this.byId.delete(ref);
      this.refs.delete(`id:${ref}`);
    } else {
      this.refs.delete(`title:${ref}`);
    }
  }

  /** Tunes whose title contains `query`: the server's filter where it honours it, else a scan of pages. */
  search(query: string, options: Parameters<AstriaClient['searchTunes']>[1] = {}): Promise<Tune[]> {
    return this.options.client().searchTunes(query, options);
  }

  /** A fresh copy of a tune (from the change stream) replaces the cached one, its base kept. */
  private learn(tune: Tune): void {
    const known = this.byId.get(tune.id);
    if (!known) return;
    const next = known.then(
      (entry) => ({ tune, base: entry.base, editor: editorTune(tune, entry.base) }),
      () => this.load(tune),
    );
    next.catch(() => undefined);
    this.byId.set(tune.id, next);
    this.refs.delete(`id:${tune.id}`);
  }

  private async load(source: number | Tune): Promise<CatalogTune> {
    const client = this.options.client();
    const tune = typeof source === 'number' ? await client.getTune(source) : source;
    const baseId = tune.base_tune_id ?? undefined;
    const base = baseId !== undefined && (needsBaseTune(tune) || !KNOWN_BASE_TUNES[baseId]) ? await this.base(baseId) : undefined;
    return { tune, base, editor: editorTune(tune, base) };
  }

  /** Base tunes are shared by many fine-tunes: read once; a failed read is not kept. */
  private base(id: number): Promise<Tune | undefined> {
    let cached = this.bases.get(id);
    if (!cached) {
      cached = this.options.client().getTune(id).catch(() => {
        this.bases.delete(id);
        return undefined;
      });
      this.bases.set(id, cached);
    }
    return cached;
  }

  private async resolve(ref: number | string): Promise<TuneLookup> {
    let found: CatalogTune;
    try {
      if (typeof ref === 'number') {
        found = await this.get(ref);
      } else {
        // Stryker disable next-line ObjectLiteral: searchTunes' own default limit is also 50
        const matches = await this.search(ref, { limit: 50 });
        // Stryker disable next-line StringLiteral: a tune without a title matches no title typed, whatever the fallback text
        const tune = matches.find((t) => t.title === ref) ?? matches.find((t) => (t.title ?? '').toLowerCase() === ref.toLowerCase());
        if (!tune) return { problem: `No tune is titled “${ref}” on this Astria account: write its exact title or its id.` };
        found = await this.get(tune.id, tune);
      }
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'not_found') return { problem: `There is no tune ${ref} on this Astria account.` };
      return { problem: `The tune could not be looked up: ${errorMessage(error)}`, transient: true };
    }
    const { tune, editor } = found;
    const state = tuneState(tune);
    if (state !== 'trained') return { tune, editor, problem: `Tune ${tune.id} “${tune.title}” is ${state}: only a trained tune can generate images.` };
    return { tune, editor };
  }
}

/** The tune as the prompt editor's form needs it; `baseTune` (when fetched) decides Gemini/Seedream for fine-tunes of them. */
export function editorTune(tune: Tune, baseTune?: Tune): PromptEditorTune {
  const capabilities = modelCapabilities(capabilityTune(tune), baseTune ? capabilityTune(baseTune) : undefined);
  const characteristics: Record<string, string> = {};
  if (isRecord(tune.characteristics)) {
    for (const [key, value] of Object.entries(tune.characteristics).slice(0, 50)) {
      if (/^\w{1,100}$/.test(key)) characteristics[key] = String(value).slice(0, 500);
    }
  }
  const baseId = typeof tune.base_tune_id === 'number' ? tune.base_tune_id : null;
  const baseTitle = baseTune?.title ?? (baseId !== null ? KNOWN_BASE_TUNES[baseId]?.title : undefined);
  return {
    id: tune.id,
    title: typeof tune.title === 'string' && tune.title !== '' ? tune.title.slice(0, 500) : `Tune ${tune.id}`,
    className: capabilities.isBaseModel || typeof tune.name !== 'string' || tune.name === '' ? null : tune.name.slice(0, 100),
    token: capabilities.isBaseModel || typeof tune.token !== 'string' || tune.token === '' ? null : tune.token.slice(0, 100),
    characteristics,
    capabilities,
    baseTune: baseId !== null ? { id: baseId, title: (baseTitle ?? `Tune ${baseId}`).slice(0, 500) } : null,
  };
}

function capabilityTune(tune: Tune): CapabilityTune {
  return { id: tune.id, title: tune.title, name: tune.name, branch: tune.branch, model_type: tune.model_type, base_tune_id: tune.base_tune_id };
}
