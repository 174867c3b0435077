// The fault matrix's message classes (test/messageClasses.ts): each class's examples, made by the product's own
// message builders, are of that class and of no other. Guards the matrix against a loose class that most
// messages would pass, and against builder wording drifting away from what the matrix expects.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MESSAGE_CLASSES, classesOf } from '../messageClasses';

describe('fault matrix message classes', () => {
  it('has examples for every class', () => {
    for (const c of MESSAGE_CLASSES) assert.ok(c.examples().length > 0, `${c.id} has no example`);
  });

  for (const c of MESSAGE_CLASSES) {
    it(`${c.id}: its examples match its pattern and no other class's (${c.says})`, () => {
      for (const example of c.examples()) {
        assert.deepEqual(classesOf(example), [c.id], `“${example}”`);
        // With the prefix a place adds (a notification's "… failed: "), still exactly this class.
        assert.deepEqual(classesOf(`Renaming the tune failed (Rename again: the new title is kept): ${example}`), [c.id], `prefixed “${example}”`);
      }
    });
  }

  it('leaves messages of no class unclassified (a vague message passes no cell)', () => {
    for (const vague of ['Something went wrong. Try again.', 'Check your API key.', 'Error', 'Request failed with status code 500', '[object Object]']) {
      assert.deepEqual(classesOf(vague), [], vague);
    }
  });

  it('tells apart a read timing out from a write whose outcome is unknown', () => {
    assert.deepEqual(classesOf('Astria did not answer within 1 s.'), ['timeout']);
    assert.deepEqual(classesOf('Astria did not answer within 1 s. The request may have gone through; refresh before trying again.'), []);
    assert.deepEqual(classesOf('Astria timed out (504) on PATCH /tunes/1. The request may have gone through. Refresh before trying again so nothing is created twice.'), []);
  });
});
