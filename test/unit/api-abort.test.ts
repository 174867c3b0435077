// linkAbort and abortableSleep: the cancellation plumbing under every request, download and retry wait.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { abortableSleep, linkAbort } from '../../src/api/abort';

describe('linkAbort', () => {
  it('a caller signal that is already aborted aborts the request at once, with the caller’s reason (guards: a cancel clicked before the request started)', () => {
    const caller = new AbortController();
    caller.abort(new Error('user cancelled'));
    const linked = linkAbort(caller.signal, 60_000);
    assert.equal(linked.signal.aborted, true);
    assert.equal((linked.signal.reason as Error).message, 'user cancelled');
    assert.equal(linked.timedOut(), false);
    linked.dispose();
  });

  it('its own timer aborts with a "timeout" reason and says it timed out', async () => {
    const linked = linkAbort(undefined, 10);
    await new Promise((resolve) => linked.signal.addEventListener('abort', resolve, { once: true }));
    assert.equal(linked.timedOut(), true);
    assert.equal((linked.signal.reason as Error).message, 'timeout');
    linked.dispose();
  });

  it('abort(reason) stops the request itself, which is neither a timeout nor the caller (guards: a download cut at its size limit)', () => {
    const caller = new AbortController();
    const linked = linkAbort(caller.signal, 60_000);
    const reason = new Error('too large');
    linked.abort(reason);
    assert.equal(linked.signal.aborted, true);
    assert.equal(linked.signal.reason, reason);
    assert.equal(linked.timedOut(), false);
    assert.equal(caller.signal.aborted, false);
    linked.dispose();
  });

  it('the caller cancelling mid-request aborts it with the caller’s reason, not as a timeout', () => {
    const caller = new AbortController();
    const linked = linkAbort(caller.signal, 60_000);
    assert.equal(linked.signal.aborted, false);
    caller.abort(new Error('stop'));
    assert.equal(linked.signal.aborted, true);
    assert.equal((linked.signal.reason as Error).message, 'stop');
    assert.equal(linked.timedOut(), false);
    linked.dispose();
  });

  it('after dispose, the caller’s signal holds no listener and a later cancel no longer reaches the finished request (guards: listeners piling up on a long-lived signal)', () => {
    const caller = new AbortController();
    const linked = linkAbort(caller.signal, 60_000);
    assert.equal(getEventListeners(caller.signal, 'abort').length, 1);
    linked.dispose();
    assert.equal(getEventListeners(caller.signal, 'abort').length, 0);
    caller.abort();
    assert.equal(linked.signal.aborted, false);
  });
});

describe('abortableSleep', () => {
  it('a sleep that ends leaves no listener on the signal (guards: one listener per retry wait on the poller’s signal)', async () => {
    const controller = new AbortController();
    for (let round = 0; round < 3; round++) await abortableSleep(1, controller.signal);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('an already aborted signal rejects at once with its reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await assert.rejects(abortableSleep(60_000, controller.signal), /gone/);
  });
});
