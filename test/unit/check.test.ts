// The checks every message from a webview passes before the extension host acts on it (src/shared/check.ts).
// A webview is a web page: whatever it sends is untrusted input, so each check must refuse exactly what it
// should, at its edges, and say why in the log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  boolean,
  describeForLog,
  integer,
  isRecord,
  nullable,
  object,
  oneOf,
  optional,
  string,
} from '../../src/shared/check';
import { errorMessage } from '../../src/shared/errorMessage';
import { plural } from '../../src/shared/plural';
import { promptFileFormat } from '../../src/shared/promptFileFormat';

describe('webview message checks', () => {
  it('counts only plain objects as records (not null, arrays or strings)', () => {
    assert.equal(isRecord({ a: 1 }), true);
    assert.equal(isRecord({}), true);
    for (const value of [null, undefined, [], [1], 'text', 3, true]) assert.equal(isRecord(value), false, String(value));
  });

  it('takes integers inside the range, its edges included, and refuses everything else with the range in the reason', () => {
    const page = integer(1, 10);
    assert.deepEqual(page(1), { ok: true, value: 1 });
    assert.deepEqual(page(10), { ok: true, value: 10 });
    assert.deepEqual(page(0), { ok: false, reason: 'expected an integer in [1, 10]' });
    for (const value of [11, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null]) assert.equal(page(value).ok, false, String(value));
    // Default range: non-negative safe integers (ids, indexes).
    assert.equal(integer()(0).ok, true);
    assert.equal(integer()(-1).ok, false);
    assert.equal(integer()(Number.MAX_SAFE_INTEGER).ok, true);
    assert.equal(integer()(Number.MAX_SAFE_INTEGER + 1).ok, false, 'an unsafe integer cannot be an id');
  });

  it('takes only true booleans, not truthy values', () => {
    assert.deepEqual(boolean(false), { ok: true, value: false });
    assert.deepEqual(boolean(true), { ok: true, value: true });
    assert.deepEqual(boolean(1), { ok: false, reason: 'expected a boolean' });
    assert.equal(boolean('true').ok, false);
  });

  it('takes strings up to the length limit, the limit itself included', () => {
    const name = string(3);
    assert.deepEqual(name('abc'), { ok: true, value: 'abc' });
    assert.deepEqual(name(''), { ok: true, value: '' });
    assert.deepEqual(name('abcd'), { ok: false, reason: 'expected a string of at most 3 characters' });
    assert.equal(name(3).ok, false);
  });

  it('takes only the listed words, and names them when it refuses', () => {
    const order = oneOf(['newest', 'oldest'] as const);
    assert.deepEqual(order('oldest'), { ok: true, value: 'oldest' });
    assert.deepEqual(order('random'), { ok: false, reason: 'expected one of newest, oldest' });
    assert.equal(order(['newest']).ok, false, 'an array holding an allowed word is not that word');
    assert.equal(order(undefined).ok, false);
  });

  it('lets null through a nullable check and undefined through an optional one, and nothing else extra', () => {
    const maybeCount = nullable(integer(0, 5));
    assert.deepEqual(maybeCount(null), { ok: true, value: null });
    assert.deepEqual(maybeCount(4), { ok: true, value: 4 });
    assert.equal(maybeCount(undefined).ok, false);
    assert.equal(maybeCount(6).ok, false);
    const maybeName = optional(string(5));
    assert.deepEqual(maybeName(undefined), { ok: true, value: undefined });
    assert.deepEqual(maybeName('x'), { ok: true, value: 'x' });
    assert.equal(maybeName(null).ok, false);
  });

  it('takes an object with exactly the named fields, refuses extra fields, and says which field failed', () => {
    const save = object<{ id: number; name?: string }>({ id: integer(1), name: optional(string(10)) });
    assert.deepEqual(save({ id: 2, name: 'a' }), { ok: true, value: { id: 2, name: 'a' } });
    const withoutName = save({ id: 2 });
    assert.deepEqual(withoutName, { ok: true, value: { id: 2 } });
    assert.equal(withoutName.ok && Object.hasOwn(withoutName.value, 'name'), false, 'an absent optional field stays absent');
    assert.deepEqual(save({ id: 2, admin: true }), { ok: false, reason: 'unexpected field "admin"' });
    assert.deepEqual(save({ id: 0 }), { ok: false, reason: 'id: expected an integer in [1, 9007199254740991]' });
    assert.deepEqual(save({ id: 2, name: 'far too long a name' }), { ok: false, reason: 'name: expected a string of at most 10 characters' });
    assert.deepEqual(save([2]), { ok: false, reason: 'expected an object' });
    assert.deepEqual(save(null), { ok: false, reason: 'expected an object' });
    // A field inherited from the prototype is not a field the check knows.
    assert.deepEqual(save(JSON.parse('{"id": 2, "__proto__": {"x": 1}}')), { ok: false, reason: 'unexpected field "__proto__"' });
  });

  it('describes a refused message for the log on one short line, whatever it is', () => {
    assert.equal(describeForLog({ type: 'x' }), '{"type":"x"}');
    assert.equal(describeForLog(undefined), 'undefined');
    const long = describeForLog({ text: 'a'.repeat(500) });
    assert.equal(long.length, 201);
    assert.ok(long.endsWith('…'));
    assert.equal(describeForLog('b'.repeat(198)), `"${'b'.repeat(198)}"`, 'exactly 200 characters are kept whole');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.equal(describeForLog(circular), '[object Object]');
    assert.equal(describeForLog(10n), '10', 'a BigInt cannot be JSON, and is still described');
  });
});

describe('small words in messages', () => {
  it('puts any thrown value into words', () => {
    assert.equal(errorMessage(new Error('Disk full')), 'Disk full');
    assert.equal(errorMessage('plain text'), 'plain text');
    assert.equal(errorMessage(404), '404');
  });

  it('counts nouns: one image, zero images, two images', () => {
    assert.equal(plural(1, 'image'), '1 image');
    assert.equal(plural(0, 'image'), '0 images');
    assert.equal(plural(2, 'tune'), '2 tunes');
  });

  it('knows a prompt file by its name alone, in any letter case', () => {
    assert.equal(promptFileFormat('portraits.astria.yaml'), 'yaml');
    assert.equal(promptFileFormat('Portraits.ASTRIA.YML'), 'yaml');
    assert.equal(promptFileFormat('runs.astria.json'), 'json');
    assert.equal(promptFileFormat('notes.yaml'), undefined);
    assert.equal(promptFileFormat('a.astria.yaml.bak'), undefined, 'the suffix must end the name');
    assert.equal(promptFileFormat('a.astria.json.txt'), undefined);
    assert.equal(promptFileFormat('astria.yaml'), undefined, 'the ".astria" part needs its dot');
  });
});
