// The one change stream (src/domain/changes.ts): every listener hears every change in order, `on` filters by
// kind, a disposed listener hears nothing more, and a listener that throws neither stops the others nor
// the publisher (the owner is told).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Changes, promptOf, type Change } from '../../src/domain/changes';
import type { Prompt, Tune } from '../../src/api/astria/types';

const prompt = { id: 7, tune_id: 1, text: 'a cat', images: [] } as unknown as Prompt;
const tune = { id: 1, title: 'Cat' } as unknown as Tune;

describe('Changes', () => {
  it('delivers every change to every listener, in order', () => {
    const changes = new Changes();
    const a: string[] = [];
    const b: string[] = [];
    changes.subscribe((c) => a.push(c.kind));
    changes.subscribe((c) => b.push(c.kind));
    changes.publish({ kind: 'promptCreated', prompt });
    changes.publish({ kind: 'tuneDeleted', tuneId: 1 });
    assert.deepEqual(a, ['promptCreated', 'tuneDeleted']);
    assert.deepEqual(b, a);
  });

  it('`on` hears only the kinds it names', () => {
    const changes = new Changes();
    const heard: Change[] = [];
    changes.on(['promptFinished', 'tuneFinished'], (c) => heard.push(c));
    changes.publish({ kind: 'promptCreated', prompt });
    changes.publish({ kind: 'promptFinished', prompt });
    changes.publish({ kind: 'tuneProgressed', tune });
    changes.publish({ kind: 'tuneFinished', tune });
    assert.deepEqual(heard.map((c) => c.kind), ['promptFinished', 'tuneFinished']);
  });

  it('a disposed listener hears nothing more; the others still do', () => {
    const changes = new Changes();
    const gone: string[] = [];
    const kept: string[] = [];
    const subscription = changes.on(['promptLiked'], (c) => gone.push(c.kind));
    changes.subscribe((c) => kept.push(c.kind));
    changes.publish({ kind: 'promptLiked', prompt });
    subscription.dispose();
    changes.publish({ kind: 'promptLiked', prompt });
    assert.deepEqual(gone, ['promptLiked']);
    assert.deepEqual(kept, ['promptLiked', 'promptLiked']);
  });

  it('a listener that throws is reported and stops neither the others nor the publisher', () => {
    const errors: unknown[] = [];
    const changes = new Changes((error) => errors.push(error));
    const after: string[] = [];
    changes.subscribe(() => {
      throw new Error('view broke');
    });
    changes.subscribe((c) => after.push(c.kind));
    assert.doesNotThrow(() => changes.publish({ kind: 'promptDeleted', tuneId: 1, promptId: 7 }));
    assert.deepEqual(after, ['promptDeleted']);
    assert.equal((errors[0] as Error).message, 'view broke');
  });

  it('a listener added while a change is delivered hears the next one, not that one', () => {
    const changes = new Changes();
    const late: string[] = [];
    changes.subscribe(() => void changes.subscribe((c) => late.push(c.kind)));
    changes.publish({ kind: 'tuneCreated', tune });
    assert.deepEqual(late, []);
  });

  it('promptOf names the prompt a change is about, if any', () => {
    assert.equal(promptOf({ kind: 'promptProgressed', prompt }), prompt);
    assert.equal(promptOf({ kind: 'tuneFinished', tune }), undefined);
    assert.equal(promptOf({ kind: 'promptDeleted', tuneId: 1, promptId: 7 }), undefined);
  });
});
