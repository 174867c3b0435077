import * as vscode from 'vscode';
import type { KeyLookup } from '../api/http';
import { keyFor, originOf, parseStored, serializeStored, withKey } from './keyBinding';

export { originOf } from './keyBinding';

export type Provider = 'astria' | 'cartesia';

export const PROVIDER_LABEL: Record<Provider, string> = { astria: 'Astria', cartesia: 'Cartesia' };

const SECRET_ID: Record<Provider, string> = {
  astria: 'tuneStudio.astria.apiKey',
  cartesia: 'tuneStudio.cartesia.apiKey',
};

/**
 * API keys, one per provider and server, kept only in SecretStorage. A key is stored under the
 * origin it was checked on and handed out only for that origin, so a changed base URL never
 * receives it unasked. Context keys `tuneStudio.astria.hasKey` / `tuneStudio.cartesia.hasKey`
 * (any key stored) drive the welcome views.
 */
export class ApiKeys implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Provider>();
  /** Fires in every window when a key is stored or removed (SecretStorage syncs windows). */
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<Provider, Record<string, string>>();
  private readonly subscription: vscode.Disposable;
  /** The context key updates, in order (see updateContext). */
  private contextUpdates: Promise<unknown> = Promise.resolve();

  /** `currentOrigin` says which server each provider is configured to talk to now. */
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly currentOrigin: (provider: Provider) => string,
  ) {
    this.subscription = secrets.onDidChange(async (e) => {
      const provider = (Object.keys(SECRET_ID) as Provider[]).find((p) => SECRET_ID[p] === e.key);
      if (!provider) return;
      this.cache.delete(provider);
      await this.updateContext(provider);
      this.changed.fire(provider);
    });
  }

  /** The key checked on `origin` (default: the configured server), or undefined. */
  async get(provider: Provider, origin = this.currentOrigin(provider)): Promise<string | undefined> {
    return (await this.stored(provider))[originOf(origin)];
  }

  /** For the HTTP layer: the key for `origin`, or where the newest other key was checked. */
  async lookup(provider: Provider, origin: string): Promise<KeyLookup> {
    return keyFor(await this.stored(provider), origin);
  }

  /** Whether any key is stored for this provider, on any server. */
  async has(provider: Provider): Promise<boolean> {
    return Object.keys(await this.stored(provider)).length > 0;
  }

  /** Stores a key bound to the origin it was checked on (default: the configured server). */
  async set(provider: Provider, key: string, origin = this.currentOrigin(provider)): Promise<void> {
    await this.write(provider, withKey(await this.stored(provider), origin, key));
  }

  /** Removes every key of this provider, on every server. */
  async delete(provider: Provider): Promise<void> {
    this.cache.set(provider, {});
    await this.secrets.delete(SECRET_ID[provider]);
    await this.updateContext(provider);
  }

  /**
   * Sets `tuneStudio.<provider>.hasKey` (the views' welcome content). One after the other, each reading
   * the keys when its turn comes: activation does not wait for its own call, so a later one must win.
   */
  updateContext(provider: Provider): Promise<void> {
    const update = this.contextUpdates.then(async () => {
      await vscode.commands.executeCommand('setContext', `tuneStudio.${provider}.hasKey`, await this.has(provider));
    });
    this.contextUpdates = update.catch(() => undefined);
    return update;
  }

  private async write(provider: Provider, byOrigin: Record<string, string>): Promise<void> {
    this.cache.set(provider, byOrigin);
    await this.secrets.store(SECRET_ID[provider], serializeStored(byOrigin));
    await this.updateContext(provider);
  }

  private async stored(provider: Provider): Promise<Record<string, string>> {
    const cached = this.cache.get(provider);
    if (cached) return cached;
    const raw = (await this.secrets.get(SECRET_ID[provider])) || undefined;
    // A key stored (or removed) while this read was under way is newer than what was read.
    const written = this.cache.get(provider);
    if (written) return written;
    const byOrigin = parseStored(raw, () => originOf(this.currentOrigin(provider)));
    this.cache.set(provider, byOrigin);
    return byOrigin;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
