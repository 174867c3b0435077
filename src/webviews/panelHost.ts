import * as vscode from 'vscode';
import type { HostNotificationMethod, HostToWebviewMessage, MessageChecks, ProtocolShape, RequestMethod, RequestParams, RequestResult, ResponseMessage, ResponseRemedy, ViewNotificationMethod } from '../shared/rpc';
import { ApiError } from '../api/errors';
import { INITIAL_MESSAGE_WAIT_MS, renderShell, isLoopbackUrl } from './html';
import { describeForLog, isRecord, type Check } from '../shared/check';
import { errorMessage } from '../shared/errorMessage';

export type RequestHandlers<P extends ProtocolShape> = {
  [M in RequestMethod<P>]: (params: RequestParams<P, M>) => Promise<RequestResult<P, M>>;
};

export type NotificationHandlers<P extends ProtocolShape> = {
  [M in ViewNotificationMethod<P>]: (params: P['viewNotifications'][M]) => void;
};

export interface PanelHostOptions<P extends ProtocolShape> {
  extensionUri: vscode.Uri;
  /** Name of the bundle in dist/webview: `<bundle>.js` and `<bundle>.css`. */
  bundle: string;
  log: vscode.LogOutputChannel;
  /** The configured API base URL: a loopback one lets media come from loopback origins too. */
  apiBaseUrl: () => string;
  checks: MessageChecks<P>;
  requests: RequestHandlers<P>;
  notifications: NotificationHandlers<P>;
  /** The webview (re)loaded and said `ready`: the first moment the host may post. */
  onReady: () => void;
  /**
   * The first message the webview would be sent after `ready` (its `init`), put into the page so it draws at
   * once: the shell is written when this resolves, or after INITIAL_MESSAGE_WAIT_MS without it. After `ready`
   * the panel sends its `init` through `sendInit`, which leaves out one the webview drew from its page already.
   */
  initialMessage?: () => Promise<InitialMessage<P>>;
}

/** A host notification to embed in the shell. */
export interface InitialMessage<P extends ProtocolShape> {
  method: HostNotificationMethod<P>;
  params: unknown;
}

/** An expected refusal (the image is not in this panel, no editor is open…): shown as is, logged quietly. */
export class UserFacingError extends Error {
  /** What the person can do about it besides trying again (the webview offers that instead of Retry). */
  readonly remedy?: ResponseRemedy;

  constructor(message: string, options: { remedy?: ResponseRemedy } = {}) {
    super(message);
    this.remedy = options.remedy;
  }
}

/** The remedy a failure comes with: its own, or Set API Key for a missing or refused key. */
function remedyOf(error: unknown): ResponseRemedy | undefined {
  if (error instanceof UserFacingError) return error.remedy;
  if (error instanceof ApiError && error.kind === 'auth' && !error.keyCheckedOn) return 'setKey';
  return undefined;
}

const WEBVIEW_DIR = ['dist', 'webview'];

/** Options every panel of the extension is created (and restored) with. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    // Reloading from getState() is cheaper than keeping thousands of decoded images alive while hidden.
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, ...WEBVIEW_DIR)],
  };
}

/**
 * Hosts one webview panel: renders the CSP shell, checks every incoming message, answers requests by
 * sequence id, and posts notifications only after the webview said `ready`.
 */
export class WebviewPanelHost<P extends ProtocolShape> implements vscode.Disposable {
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  /** Bumped by every render, so a shell whose first message came late is not written over a newer one. */
  private renders = 0;
  private disposed = false;
  /** The message embedded in the current shell (as JSON), and whether the webview said it drew it. */
  private embedded: string | undefined;
  private drewEmbedded = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly options: PanelHostOptions<P>,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      // A hidden webview without retained context is torn down; it says `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
    );
    this.render();
  }

  get isReady(): boolean {
    return this.ready;
  }

  /**
   * (Re)writes the HTML: the webview reloads and restores itself from its saved state. With an
   * `initialMessage`, the shell carries it, once it is there (or after INITIAL_MESSAGE_WAIT_MS without it).
   */
  render(): void {
    const render = ++this.renders;
    this.ready = false;
    // The options at once (a restored panel gets scripts and its resource roots now); the HTML may follow.
    this.panel.webview.options = webviewOptions(this.options.extensionUri);
    const { initialMessage } = this.options;
    if (!initialMessage) {
      this.writeShell(undefined);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), INITIAL_MESSAGE_WAIT_MS)));
    // In a microtask: the panel calling render() from its constructor has finished it by then.
    const message = Promise.resolve().then(initialMessage).catch((error: unknown) => {
      this.options.log.debug(`${this.options.bundle}: the page goes without its first message: ${errorMessage(error)}`);
      return undefined;
    });
    void Promise.race([message, late]).then((embedded) => {
      clearTimeout(timer);
      if (render === this.renders && !this.disposed) this.writeShell(embedded);
    });
  }

  private writeShell(initial: InitialMessage<P> | undefined): void {
    const { webview } = this.panel;
    const root = vscode.Uri.joinPath(this.options.extensionUri, ...WEBVIEW_DIR);
    const uri = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
    const initialMessage = initial ? { kind: 'notification', method: initial.method, params: initial.params } : undefined;
    this.ready = false;
    this.embedded = initialMessage ? JSON.stringify(initialMessage) : undefined;
    this.drewEmbedded = false;
    webview.html = renderShell({
      cspSource: webview.cspSource,
      scriptUri: uri(`${this.options.bundle}.js`),
      styleUris: [uri(`${this.options.bundle}.css`)],
      codiconsUri: uri('codicons.css'),
      title: this.panel.title,
      allowLoopbackMedia: isLoopbackUrl(this.options.apiBaseUrl()),
      initialMessage,
    });
  }

  /**
   * After `ready`: whether the webview just drew this very message from its page, so it need not be sent.
   * Anything changed since the page was written (a prompt updated, another title), or a webview that did
   * not draw it (an older page, a reload without it), makes it false. Asks once per `ready`.
   */
  drewInitial<M extends HostNotificationMethod<P>>(method: M, params: P['hostNotifications'][M]): boolean {
    const drew = this.drewEmbedded && this.embedded === JSON.stringify({ kind: 'notification', method, params });
    this.drewEmbedded = false;
    if (drew) this.options.log.debug(`${this.options.bundle}: the webview drew "${method}" from its page`);
    return drew;
  }

  /** Posts a notification; dropped (false) before `ready`, when the webview could not receive it. */
  notify<M extends HostNotificationMethod<P>>(method: M, params: P['hostNotifications'][M]): boolean {
    if (!this.ready) {
      this.options.log.debug(`${this.options.bundle}: dropped "${method}" posted before the webview was ready`);
      return false;
    }
    const message: HostToWebviewMessage<P> = { kind: 'notification', method, params };
    void this.panel.webview.postMessage(message);
    return true;
  }

  private async receive(raw: unknown): Promise<void> {
    const response = await this.handle(raw);
    if (response) void this.panel.webview.postMessage(response);
  }

  /** Checks and handles one message as if the webview had posted it; returns the response, if any. */
  async handle(raw: unknown): Promise<ResponseMessage | undefined> {
    const { checks, log, bundle } = this.options;
    const refuse = (reason: string): undefined => {
      log.warn(`${bundle}: ignored an invalid message from the webview (${reason}): ${describeForLog(raw)}`);
      return undefined;
    };
    if (!isRecord(raw)) return refuse('not an object');
    switch (raw.kind) {
      case 'ready': {
        const initial = raw.initial;
        if (Object.keys(raw).length !== (initial === undefined ? 1 : 2) || (initial !== undefined && initial !== true)) return refuse('unexpected fields');
        this.ready = true;
        this.drewEmbedded = initial === true;
        this.options.onReady();
        return undefined;
      }
      case 'request': {
        const { id, method, params } = raw;
        if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return refuse('bad request id');
        if (typeof method !== 'string' || !Object.hasOwn(checks.requests, method)) return refuse('unknown request');
        const check = checks.requests[method as RequestMethod<P>] as Check<unknown>;
        const result = check(params);
        if (!result.ok) return refuse(`${method}: ${result.reason}`);
        const handler = this.options.requests[method as RequestMethod<P>] as (params: unknown) => Promise<unknown>;
        try {
          return { kind: 'response', id, ok: true, result: await handler(result.value) };
        } catch (error) {
          // Every failure's message goes back (API errors are written for people); unexpected ones are warnings.
          const message = errorMessage(error);
          if (error instanceof UserFacingError) log.info(`${bundle}: ${method} refused: ${message}`);
          else log.warn(`${bundle}: ${method} failed: ${message}`);
          const remedy = remedyOf(error);
          return remedy ? { kind: 'response', id, ok: false, error: message, remedy } : { kind: 'response', id, ok: false, error: message };
        }
      }
      case 'notification': {
        const { method, params } = raw;
        if (typeof method !== 'string' || !Object.hasOwn(checks.notifications, method)) return refuse('unknown notification');
        const check = checks.notifications[method as ViewNotificationMethod<P>] as Check<unknown>;
        const result = check(params);
        if (!result.ok) return refuse(`${method}: ${result.reason}`);
        const handler = this.options.notifications[method as ViewNotificationMethod<P>] as (params: unknown) => void;
        handler(result.value);
        return undefined;
      }
      default:
        return refuse('unknown kind');
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

/** What a panel class gives the registry. */
export interface HostedPanel extends vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
}

export interface SingletonPanelsOptions<S, T extends HostedPanel> {
  viewType: string;
  extensionUri: vscode.Uri;
  key(subject: S): string;
  title(subject: S): string;
  /**
   * Imports the panel's host (a chunk of its own, loaded when the first panel of this kind opens or is
   * restored) and returns what builds it around a new or restored panel.
   */
  load(): Promise<(panel: vscode.WebviewPanel, subject: S, restoredState: unknown) => T>;
  /** Reads a subject back from a restored panel's saved state; undefined when it is not one. */
  subjectFromState(state: unknown): S | undefined;
  log: vscode.LogOutputChannel;
}

/** One panel per subject: opening the same subject again reveals it. Also restores panels after reload. */
export class SingletonPanels<S, T extends HostedPanel> implements vscode.Disposable {
  private readonly open = new Map<string, T>();
  private factory: ReturnType<SingletonPanelsOptions<S, T>['load']> | undefined;

  constructor(private readonly options: SingletonPanelsOptions<S, T>) {}

  get all(): T[] {
    return [...this.open.values()];
  }

  get(subject: S): T | undefined {
    return this.open.get(this.options.key(subject));
  }

  /** Reveals the subject's panel, creating it if needed; `created` tells which. */
  async show(subject: S, column: vscode.ViewColumn = vscode.ViewColumn.Active): Promise<{ panel: T; created: boolean }> {
    const existing = this.get(subject);
    if (existing) return this.reveal(existing);
    const create = await this.loaded();
    const opened = this.get(subject); // opened while the host loaded
    if (opened) return this.reveal(opened);
    const panel = vscode.window.createWebviewPanel(
      this.options.viewType,
      this.options.title(subject),
      { viewColumn: column, preserveFocus: false },
      webviewOptions(this.options.extensionUri),
    );
    return { panel: this.adopt(panel, subject, undefined, create), created: true };
  }

  /** The serializer's half: a panel VS Code restored after a reload, with the webview's saved state. */
  async revive(panel: vscode.WebviewPanel, state: unknown): Promise<T | undefined> {
    const subject = this.options.subjectFromState(state);
    if (subject === undefined || this.get(subject)) {
      this.options.log.warn(`${this.options.viewType}: could not restore a panel from its saved state: ${describeForLog(state)}`);
      panel.dispose();
      return undefined;
    }
    return this.adopt(panel, subject, state, await this.loaded());
  }

  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(this.options.viewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        await this.revive(panel, state);
      },
    });
  }

  private loaded(): ReturnType<SingletonPanelsOptions<S, T>['load']> {
    return (this.factory ??= this.options.load());
  }

  private reveal(existing: T): { panel: T; created: boolean } {
    existing.panel.reveal(undefined, false);
    return { panel: existing, created: false };
  }

  private adopt(panel: vscode.WebviewPanel, subject: S, state: unknown, create: (panel: vscode.WebviewPanel, subject: S, restoredState: unknown) => T): T {
    const key = this.options.key(subject);
    const hosted = create(panel, subject, state);
    this.open.set(key, hosted);
    panel.onDidDispose(() => {
      if (this.open.get(key) === hosted) this.open.delete(key);
      hosted.dispose();
    });
    return hosted;
  }

  dispose(): void {
    for (const hosted of this.open.values()) hosted.panel.dispose();
    this.open.clear();
  }
}
