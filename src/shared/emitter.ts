// A tiny event emitter for code that must not import `vscode` (src/jobs/, tested in plain Node). Its
// `event` has the shape of `vscode.Event`: subscribe with a listener, get back something to dispose.
// Pure TypeScript: no vscode, no Node, no DOM.

/** What subscribing returns: dispose it to stop listening. Structurally a `vscode.Disposable`. */
export interface Listening {
  dispose(): void;
}

/** Subscribe to an emitter's events (the shape of `vscode.Event<T>`). */
export type EventOf<T> = (listener: (event: T) => unknown) => Listening;

/**
 * Like `vscode.EventEmitter`: `fire` calls every listener subscribed at that moment (and still subscribed), in order; a listener
 * that throws is reported to `onListenerError` and never keeps the others from hearing; after `dispose`
 * nothing is heard and nobody can subscribe.
 */
export class Emitter<T> {
  private readonly listeners = new Set<(event: T) => unknown>();
  private disposed = false;

  constructor(private readonly onListenerError: (error: unknown) => void = (error) => console.error(error)) {}

  readonly event: EventOf<T> = (listener) => {
    if (this.disposed) return { dispose: () => {} };
    // A wrapper per subscription: the same function subscribed twice is heard twice and disposed one at a time.
    const wrapped = (event: T) => listener(event);
    this.listeners.add(wrapped);
    return { dispose: () => void this.listeners.delete(wrapped) };
  };

  fire(event: T): void {
    for (const listener of [...this.listeners]) {
      // One that stopped listening while an earlier one was told hears nothing more.
      if (!this.listeners.has(listener)) continue;
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
