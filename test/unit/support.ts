// Shared assertions of the API tests.
import assert from 'node:assert/strict';
import { ApiError } from '../../src/api/errors';

/** Awaits a promise that must fail with an ApiError of this kind, and returns the error. */
export async function rejectsWith(promise: Promise<unknown>, kind: ApiError['kind']): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, `expected ApiError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    return error;
  }
  assert.fail(`expected a ${kind} error`);
}
