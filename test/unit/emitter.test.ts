// src/shared/emitter.ts: the vscode-free event emitter of src/jobs/ (the status bar, the compare panel and the
// prompt editor subscribe to it as they would to a vscode.EventEmitter). Guarded: every listener hears each
// event in order, a throwing one does not silence the others, disposing stops exactly one subscription,
// and a disposed emitter is silent.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from '../../src/shared/emitter';

describe('Emitter', () => {
  it('tells every listener each event, in the order they subscribed', () => {
    const emitter = new Emitter<number>();
    const heard: string[] = [];
    emitter.event((n) => heard.push(`a${n}`));
    emitter.event((n) => heard.push(`b${n}`));
    emitter.fire(1);
    emitter.fire(2);
    assert.deepEqual(heard, ['a1', 'b1', 'a2', 'b2']);
  });

  it('dispose() of a subscription stops that one only, also the same function subscribed twice', () => {
    const emitter = new Emitter<void>();
    let count = 0;
    const listener = () => void count++;
    const first = emitter.event(listener);
    emitter.event(listener);
    emitter.fire();
    assert.equal(count, 2);
    first.dispose();
    first.dispose();
    emitter.fire();
    assert.equal(count, 3);
  });

  it('a listener that throws is reported and the others still hear the event', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<string>((error) => errors.push(error));
    const heard: string[] = [];
    const boom = new Error('boom');
    emitter.event(() => {
      throw boom;
    });
    emitter.event((s) => heard.push(s));
    emitter.fire('x');
    assert.deepEqual(heard, ['x']);
    assert.deepEqual(errors, [boom]);
  });

  it('by default a throwing listener is written to the console, not thrown at whoever fired', (t) => {
    const logged = t.mock.method(console, 'error', () => {});
    const emitter = new Emitter<void>();
    emitter.event(() => {
      throw new Error('listener failed');
    });
    assert.doesNotThrow(() => emitter.fire());
    assert.equal(logged.mock.callCount(), 1);
    assert.match(String(logged.mock.calls[0]!.arguments[0]), /listener failed/);
  });

  it('a listener removed by an earlier one during the same event does not hear it; one added then hears the next', () => {
    const emitter = new Emitter<number>();
    const heard: string[] = [];
    emitter.event((n) => {
      heard.push(`a${n}`);
      second.dispose();
      if (n === 1) emitter.event((m) => heard.push(`late${m}`));
    });
    const second = emitter.event((n) => heard.push(`b${n}`));
    emitter.fire(1);
    emitter.fire(2);
    assert.deepEqual(heard, ['a1', 'a2', 'late2']);
  });

  it('after dispose() nothing is heard and subscribing does nothing', () => {
    const emitter = new Emitter<number>();
    const heard: number[] = [];
    emitter.event((n) => heard.push(n));
    emitter.dispose();
    emitter.fire(1);
    const late = emitter.event((n) => heard.push(n));
    emitter.fire(2);
    late.dispose();
    assert.deepEqual(heard, []);
  });
});
