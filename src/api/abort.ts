// Cancellation plumbing shared by the HTTP layer and downloads.

export interface LinkedAbort {
  signal: AbortSignal;
  /** True when our own timer fired (as opposed to the caller cancelling). */
  timedOut: () => boolean;
  /** Aborts the signal ourselves (e.g. a download stopped for its size); not a timeout, not the caller. */
  abort: (reason?: unknown) => void;
  dispose: () => void;
}

/** One signal that fires on the caller's cancel or after timeoutMs, and remembers which. */
export function linkAbort(callerSignal: AbortSignal | undefined, timeoutMs: number): LinkedAbort {
  const controller = new AbortController();
  let timedOut = false;
  const onCallerAbort = (): void => controller.abort(callerSignal?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, timeoutMs);
  if (callerSignal?.aborted) {
    onCallerAbort();
  } else {
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal fires 'abort' at most once, and dispose removes the listener
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  }
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    abort: (reason) => controller.abort(reason),
    dispose: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/** setTimeout as a promise that rejects with the signal's reason on abort. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal fires 'abort' at most once, so the listener runs once either way
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
