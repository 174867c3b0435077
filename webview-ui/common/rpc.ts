// The webview's side of the protocol: requests with sequence ids, notifications, and the `ready` handshake.
import {
  INITIAL_MESSAGE_ID,
  RESPONSE_REMEDIES,
  type HostNotificationMethod,
  type HostToWebviewMessage,
  type ProtocolShape,
  type RequestMethod,
  type RequestParams,
  type RequestResult,
  type ResponseRemedy,
  type ViewNotificationMethod,
  type WebviewToHostMessage,
} from '../../src/shared/rpc';

/** A request the host refused or failed, in words, with what the person can do about it besides Retry. */
export class HostError extends Error {
  readonly remedy?: ResponseRemedy;

  constructor(message: string, remedy: unknown) {
    super(message);
    this.remedy = RESPONSE_REMEDIES.find((r) => r === remedy);
  }
}

/** The remedy of a failed request (undefined: trying again may help). */
export function remedyOf(error: unknown): ResponseRemedy | undefined {
  return error instanceof HostError ? error.remedy : undefined;
}

/** What `acquireVsCodeApi()` returns; the state is whatever the panel saves across reloads. */
export interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

type NotificationListener<P extends ProtocolShape> = {
  [M in HostNotificationMethod<P>]?: (params: P['hostNotifications'][M]) => void;
};

/** Talks to the extension host: typed requests answered by id, notifications dispatched to listeners. */
export class HostConnection<P extends ProtocolShape, State> {
  readonly api: VsCodeApi<State> = acquireVsCodeApi<State>();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(private readonly listeners: NotificationListener<P>) {
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
  }

  /**
   * Call once every listener is in place: the host posts nothing before it. When the page carries the
   * host's first message (the shell's JSON data block), it is handled right here, after `ready` went out:
   * the panel draws without waiting for a round trip, and the host sends it again only if it changed since.
   */
  ready(): void {
    performance.mark('webview:ready');
    const initial = takeInitialMessage();
    this.post(initial === undefined ? { kind: 'ready' } : { kind: 'ready', initial: true });
    if (initial !== undefined) this.receive(initial);
  }

  request<M extends RequestMethod<P>>(method: M, params: RequestParams<P, M>): Promise<RequestResult<P, M>> {
    const id = this.nextId++;
    return new Promise<RequestResult<P, M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.post({ kind: 'request', id, method, params });
    });
  }

  /**
   * What this webview saved with setState before a reload, if it is of the current version (version 1):
   * an older build may have written it, so its fields are still to be checked.
   */
  savedState(): Partial<State> | undefined {
    const value: unknown = this.api.getState();
    if (typeof value !== 'object' || value === null) return undefined;
    return (value as { version?: unknown }).version === 1 ? (value as Partial<State>) : undefined;
  }

  notify<M extends ViewNotificationMethod<P>>(method: M, params: P['viewNotifications'][M]): void {
    this.post({ kind: 'notification', method, params });
  }

  private post(message: WebviewToHostMessage<P>): void {
    this.api.postMessage(message);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'object' || data === null) return;
    const message = data as HostToWebviewMessage<P>;
    if (message.kind === 'response') {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new HostError(message.error, message.remedy));
    } else if (message.kind === 'notification') {
      const listener = this.listeners[message.method] as ((params: unknown) => void) | undefined;
      listener?.(message.params);
    }
  }
}

/**
 * The host message in the shell's JSON data block, read once and the block removed (a reload gets the page
 * afresh). Only `notification`s are taken from it; the block is parsed as JSON, never run.
 */
function takeInitialMessage(): unknown {
  const block = document.getElementById(INITIAL_MESSAGE_ID);
  if (!(block instanceof HTMLScriptElement) || block.type !== 'application/json') return undefined;
  block.remove();
  try {
    const message: unknown = JSON.parse(block.textContent ?? '');
    return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'notification' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** Hands every uncaught error and unhandled rejection of the page to `report` (the host logs them). */
export function onUncaughtError(report: (message: string) => void): void {
  window.addEventListener('error', (event) => report(String(event.message)));
  window.addEventListener('unhandledrejection', (event) => report(String(event.reason)));
}
