import * as vscode from 'vscode';
import { createHttp, type ResponseEvent, type RetryTuning } from './api/http';
import { AstriaClient } from './api/astria/client';
import { onPagingStrategy, pagingStrategyMessage } from './api/paging';
import { CartesiaClient, CARTESIA_VERSION } from './api/cartesia/client';
import { ApiKeys } from './auth/apiKeys';
import { Changes } from './domain/changes';
import { Generation } from './domain/generation';
import { TuneCatalog } from './domain/tuneCatalog';
import { errorMessage } from './shared/errorMessage';

export interface Settings {
  astriaBaseUrl: string;
  workspaceId: string | undefined;
  cartesiaBaseUrl: string;
  pageSize: number;
}

export const DEFAULT_BASE_URL = { astria: 'https://api.astria.ai', cartesia: 'https://api.cartesia.ai' } as const;

/**
 * A setting that decides where a key is sent, from the user's own settings only: a value in a
 * workspace or folder (a cloned repository's .vscode/settings.json) is never read.
 */
export function userOnlySetting(config: vscode.WorkspaceConfiguration, name: string, fallback: string): string {
  const inspected = config.inspect<string>(name);
  const value = inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  return typeof value === 'string' && value.trim() ? value.trim() : fallback;
}

/** Names a destination setting that a workspace tries to set (and that is ignored), or undefined. */
export function ignoredWorkspaceDestinations(): string[] {
  const config = vscode.workspace.getConfiguration('tuneStudio');
  return ['astria.baseUrl', 'cartesia.baseUrl'].filter((name) => {
    const inspected = config.inspect<string>(name);
    return inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined;
  });
}

export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration('tuneStudio');
  const pageSize = config.get<number>('tunes.pageSize', 20);
  return {
    astriaBaseUrl: userOnlySetting(config, 'astria.baseUrl', DEFAULT_BASE_URL.astria).replace(/\/+$/, ''),
    workspaceId: config.get<string>('astria.workspaceId', '').trim() || undefined,
    cartesiaBaseUrl: userOnlySetting(config, 'cartesia.baseUrl', DEFAULT_BASE_URL.cartesia).replace(/\/+$/, ''),
    pageSize: Math.min(120, Math.max(1, Math.round(pageSize))),
  };
}

/** The base URL each provider is configured to talk to now. */
export function baseUrlOf(settings: Settings, provider: 'astria' | 'cartesia'): string {
  return provider === 'astria' ? settings.astriaBaseUrl : settings.cartesiaBaseUrl;
}

/** See Services.tuneHttp. */
export interface HttpTuning {
  timeoutMs?: number;
  retries?: number;
  retry?: RetryTuning;
  /** Waits between the looks for something an unanswered create may have made. */
  lookAgainMs?: readonly number[];
}

/**
 * What every feature needs: the API clients (rebuilt when settings change), the keys and the log.
 * Features receive this object in their register() function instead of reaching for globals.
 */
export class Services implements vscode.Disposable {
  private settingsValue: Settings = readSettings();
  private astriaClient: AstriaClient;
  private cartesiaClient: CartesiaClient;
  private readonly connectionChanged = new vscode.EventEmitter<void>();
  /** Fires when a key, a base URL or the workspace id changes: views reload. */
  readonly onDidChangeConnection = this.connectionChanged.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** The domain (src/domain): what happened to tunes and prompts, whoever did it; every view follows it. */
  readonly changes: Changes;
  /** The one way to create prompts and tunes (never billed twice). */
  readonly generation: Generation;
  /** The one lookup of tunes, their base tunes and what the prompt editor may offer for them. */
  readonly tunes: TuneCatalog;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly keys: ApiKeys,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.astriaClient = this.clientFor('astria');
    this.cartesiaClient = this.clientFor('cartesia');
    this.changes = new Changes((error) => log.error(`A view failed to follow a change: ${errorMessage(error)}`));
    this.generation = new Generation({ client: () => this.astria, changes: this.changes });
    this.tunes = new TuneCatalog({ client: () => this.astria, changes: this.changes });
    this.disposables.push(
      this.connectionChanged,
      { dispose: () => this.tunes.clear() },
      this.onDidChangeConnection(() => this.tunes.clear()),
      keys.onDidChange(() => this.announceConnectionChange()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('tuneStudio')) return;
        this.settingsValue = readSettings();
        this.astriaClient = this.clientFor('astria');
        this.cartesiaClient = this.clientFor('cartesia');
        this.announceConnectionChange();
      }),
      { dispose: () => clearTimeout(this.connectionTimer) },
      onPagingStrategy((e) => (e.strategy === 'ignored' ? this.log.warn(pagingStrategyMessage(e)) : this.log.info(pagingStrategyMessage(e)))),
    );
  }

  private connectionTimer: NodeJS.Timeout | undefined;

  /** "Use Local Sandbox" changes two settings and two keys at once: the views reload once, not four times. */
  private announceConnectionChange(): void {
    clearTimeout(this.connectionTimer);
    this.connectionTimer = setTimeout(() => this.connectionChanged.fire(), 50);
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  get astria(): AstriaClient {
    return this.astriaClient;
  }

  get cartesia(): CartesiaClient {
    return this.cartesiaClient;
  }

  private httpTuning: HttpTuning = {};

  /**
   * Test hook (the fault matrix): shorter timeouts and retry waits so a hanging server costs a second,
   * not minutes. `{}` restores the defaults. The clients are rebuilt; nothing else changes.
   */
  tuneHttp(tuning: HttpTuning): void {
    this.httpTuning = tuning;
    this.generation.setLookAgain(tuning.lookAgainMs);
    this.astriaClient = this.clientFor('astria');
    this.cartesiaClient = this.clientFor('cartesia');
  }

  /** Longest wait for a CDN download (undefined = the download's own default). */
  get downloadTimeoutMs(): number | undefined {
    return this.httpTuning.timeoutMs;
  }

  /** One line per request in the output channel: method, path, status, duration; never the key. */
  readonly logResponse = (r: ResponseEvent): void => {
    const retry = r.attempt > 1 ? ` [retry ${r.attempt - 1}]` : '';
    const line = `${r.method} ${r.path} → ${r.status || r.errorKind || 'no response'} (${Math.round(r.durationMs)} ms)${retry}`;
    if (r.status >= 400 || !r.status) this.log.warn(line);
    else this.log.info(line);
  };

  /**
   * The one recipe for a client: the configured base URL, workspace and request log. `key` checks a
   * candidate key once, without retries, before it is stored; without it the stored key is used.
   */
  clientFor(provider: 'astria', key?: string): AstriaClient;
  clientFor(provider: 'cartesia', key?: string): CartesiaClient;
  clientFor(provider: 'astria' | 'cartesia', key?: string): AstriaClient | CartesiaClient {
    // A candidate key is checked on the configured server only; a stored key goes only to the origin it was checked on.
    const getKey = key === undefined ? (origin: string) => this.keys.lookup(provider, origin) : () => key;
    const { timeoutMs, retries: tunedRetries, retry } = this.httpTuning;
    const retries = { ...(tunedRetries === undefined ? {} : { retries: tunedRetries }), ...(key === undefined ? {} : { retries: 0 }), timeoutMs, maxTimeoutMs: timeoutMs, retry };
    const settings = this.settingsValue;
    if (provider === 'astria') {
      return new AstriaClient(
        createHttp({ provider: 'Astria', baseUrl: settings.astriaBaseUrl, getKey, workspaceId: settings.workspaceId, onResponse: this.logResponse, ...retries }),
      );
    }
    return new CartesiaClient(
      createHttp({ provider: 'Cartesia', baseUrl: settings.cartesiaBaseUrl, getKey, headers: { 'Cartesia-Version': CARTESIA_VERSION }, onResponse: this.logResponse, ...retries }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
