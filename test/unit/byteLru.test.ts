// ByteLru, the cache behind the hover thumbnails: bounded by total bytes and by count, evicting the
// least recently used.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ByteLru } from '../../src/shared/byteLru';

describe('ByteLru', () => {
  it('guards the byte budget: storing past maxBytes evicts the least recently used until the new entry fits', () => {
    const cache = new ByteLru<string, string>({ maxBytes: 100 });
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    assert.equal(cache.totalBytes, 80);
    cache.set('c', 'C', 30); // 110 > 100: a goes
    assert.deepEqual(cache.keys(), ['b', 'c']);
    assert.equal(cache.totalBytes, 70);
    assert.equal(cache.get('a'), undefined);
    cache.set('d', 'D', 100); // only d fits
    assert.deepEqual(cache.keys(), ['d']);
    assert.equal(cache.totalBytes, 100);
  });

  it('guards recency: get makes an entry the most recently used, so another one is evicted first', () => {
    const cache = new ByteLru<string, number>({ maxBytes: 30 });
    cache.set('a', 1, 10);
    cache.set('b', 2, 10);
    cache.set('c', 3, 10);
    assert.equal(cache.get('a'), 1);
    cache.set('d', 4, 10);
    assert.deepEqual(cache.keys(), ['c', 'a', 'd'], 'b was the least recently used');
    assert.equal(cache.has('b'), false);
    assert.equal(cache.has('c'), true, 'has() is not a use');
    cache.set('e', 5, 10);
    assert.deepEqual(cache.keys(), ['a', 'd', 'e']);
  });

  it('guards the count bound as well: maxEntries evicts even when bytes would fit', () => {
    const cache = new ByteLru<string, number>({ maxBytes: 1_000, maxEntries: 2 });
    cache.set('a', 1, 1);
    cache.set('b', 2, 1);
    cache.set('c', 3, 1);
    assert.deepEqual(cache.keys(), ['b', 'c']);
    assert.equal(cache.totalBytes, 2);
  });

  it('guards against one oversized entry: it is not stored, and evicts nothing', () => {
    const cache = new ByteLru<string, number>({ maxBytes: 50 });
    cache.set('a', 1, 20);
    assert.equal(cache.set('huge', 2, 51), false);
    assert.deepEqual(cache.keys(), ['a']);
    assert.equal(cache.totalBytes, 20);
  });

  it('guards the running total: replacing and deleting entries keeps totalBytes exact', () => {
    const cache = new ByteLru<string, number>({ maxBytes: 100 });
    cache.set('a', 1, 60);
    cache.set('a', 2, 30);
    assert.equal(cache.totalBytes, 30);
    assert.equal(cache.get('a'), 2);
    cache.set('b', 3, 70); // exactly 100: nothing evicted
    assert.deepEqual(cache.keys(), ['a', 'b']);
    assert.equal(cache.delete('a'), true);
    assert.equal(cache.totalBytes, 70);
    assert.equal(cache.set('b', 4, 101), false, 'a replacement too large drops the old value too');
    assert.equal(cache.size, 0);
    assert.equal(cache.totalBytes, 0);
  });

  it('guards against bad bounds and sizes: they are refused at once, with what is wrong', () => {
    assert.throws(() => new ByteLru({ maxBytes: -1 }), { name: 'RangeError', message: 'maxBytes must be a number ≥ 0' });
    assert.throws(() => new ByteLru({ maxBytes: Number.NaN }), { name: 'RangeError', message: 'maxBytes must be a number ≥ 0' });
    const cache = new ByteLru<string, number>({ maxBytes: 0 });
    assert.equal(cache.set('empty', 1, 0), true, 'a zero-size entry fits a zero budget');
    assert.throws(() => cache.set('a', 1, -1), { name: 'RangeError', message: 'bytes must be a number ≥ 0' });
    assert.throws(() => cache.set('a', 1, Number.NaN), { name: 'RangeError', message: 'bytes must be a number ≥ 0' });
    assert.deepEqual(cache.keys(), ['empty'], 'a refused size changes nothing');
  });

  it('guards a cache of no entries: maxEntries 0 keeps nothing', () => {
    const cache = new ByteLru<string, number>({ maxBytes: 100, maxEntries: 0 });
    assert.equal(cache.set('a', 1, 1), false);
    assert.equal(cache.size, 0);
    assert.equal(cache.totalBytes, 0);
  });

  it('guards a cache of one entry: it keeps the latest', () => {
    const cache = new ByteLru<string, number>({ maxBytes: 100, maxEntries: 1 });
    assert.equal(cache.set('a', 1, 1), true);
    assert.equal(cache.set('b', 2, 1), true);
    assert.equal(cache.size, 1);
    assert.equal(cache.get('b'), 2);
  });

  it('guards that without maxEntries only the bytes bound counts', () => {
    const cache = new ByteLru<number, number>({ maxBytes: 1_000 });
    for (let i = 0; i < 500; i++) assert.equal(cache.set(i, i, 2), true);
    assert.equal(cache.size, 500);
    assert.equal(cache.totalBytes, 1_000);
    cache.set(500, 500, 2);
    assert.equal(cache.size, 500);
    assert.equal(cache.has(0), false);
  });

  it('guards misses and clear: reading or deleting what is absent changes nothing; clear empties it all', () => {
    const cache = new ByteLru<string, number>({ maxBytes: 100, maxEntries: 3 });
    cache.set('a', 1, 10);
    cache.set('b', 2, 20);
    assert.equal(cache.get('x'), undefined);
    assert.equal(cache.delete('x'), false);
    assert.deepEqual(cache.keys(), ['a', 'b']);
    assert.equal(cache.totalBytes, 30);
    cache.clear();
    assert.equal(cache.size, 0);
    assert.equal(cache.totalBytes, 0);
    assert.deepEqual(cache.keys(), []);
    cache.set('c', 3, 100);
    assert.equal(cache.totalBytes, 100, 'counting starts again from nothing');
  });

  it('guards a stored falsy value: 0 and the empty string are found like any other', () => {
    const cache = new ByteLru<string, number | string>({ maxBytes: 10 });
    cache.set('zero', 0, 1);
    cache.set('empty', '', 1);
    assert.equal(cache.get('zero'), 0);
    assert.equal(cache.get('empty'), '');
    assert.deepEqual(cache.keys(), ['zero', 'empty']);
  });

  it('guards that replacing an entry makes it the most recently used', () => {
    const cache = new ByteLru<string, number>({ maxBytes: 100, maxEntries: 2 });
    cache.set('a', 1, 10);
    cache.set('b', 2, 10);
    cache.set('a', 3, 10);
    cache.set('c', 4, 10);
    assert.deepEqual(cache.keys(), ['a', 'c']);
    assert.equal(cache.get('a'), 3);
  });
});
