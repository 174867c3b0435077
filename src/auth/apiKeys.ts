import * as vscode from 'vscode';

export type Provider = 'astria' | 'cartesia';

export const PROVIDER_LABEL: Record<Provider, string> = { astria: 'Astria', cartesia: 'Cartesia' };

const SECRET_ID: Record<Provider, string> = {
  astria: 'tuneStudio.astria.apiKey',
  cartesia: 'tuneStudio.cartesia.apiKey',
};

/**
 * API keys, one per provider, kept only in SecretStorage. Context keys
 * `tuneStudio.astria.hasKey` / `tuneStudio.cartesia.hasKey` drive the welcome views.
 */
export class ApiKeys implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Provider>();
  /** Fires in every window when a key is stored or removed (SecretStorage syncs windows). */
  readonly onDidChange = this.changed.event;
  private readonly cache = new Map<Provider, string | undefined>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange(async (e) => {
      const provider = (Object.keys(SECRET_ID) as Provider[]).find((p) => SECRET_ID[p] === e.key);
      if (!provider) return;
      this.cache.delete(provider);
      await this.updateContext(provider);
      this.changed.fire(provider);
    });
  }

  async get(provider: Provider): Promise<string | undefined> {
    if (!this.cache.has(provider)) {
      this.cache.set(provider, (await this.secrets.get(SECRET_ID[provider])) || undefined);
    }
    return this.cache.get(provider);
  }

  async set(provider: Provider, key: string): Promise<void> {
    this.cache.set(provider, key);
    await this.secrets.store(SECRET_ID[provider], key);
    await this.updateContext(provider);
  }

  async delete(provider: Provider): Promise<void> {
    this.cache.set(provider, undefined);
    await this.secrets.delete(SECRET_ID[provider]);
    await this.updateContext(provider);
  }

  async updateContext(provider: Provider): Promise<void> {
    const hasKey = Boolean(await this.get(provider));
    await vscode.commands.executeCommand('setContext', `tuneStudio.${provider}.hasKey`, hasKey);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
