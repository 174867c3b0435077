// The e2e runner's summary: a file that passed only on its retry is named as flaky, never counted as a
// plain pass (guards: a quiet retry hid flaky UI tests).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeE2e } from '../../scripts/e2eSummary';

describe('summarizeE2e', () => {
  it('names a file that passed only on its retry as flaky, apart from the passes and the failures', () => {
    const summary = summarizeE2e([
      { file: 'test/e2e/a.e2e.ts', exitCodes: [0] },
      { file: 'test/e2e/b.e2e.ts', exitCodes: [1, 0] },
      { file: 'test/e2e/c.e2e.ts', exitCodes: [1, 1] },
      { file: 'test/e2e/d.e2e.ts', exitCodes: [0] },
    ]);
    assert.deepEqual(summary.passed, ['test/e2e/a.e2e.ts', 'test/e2e/d.e2e.ts']);
    assert.deepEqual(summary.flaky, ['test/e2e/b.e2e.ts']);
    assert.deepEqual(summary.failed, ['test/e2e/c.e2e.ts']);
    assert.deepEqual(summary.lines, [
      '[e2e] 1 flaky (failed, then passed on the retry): test/e2e/b.e2e.ts',
      '[e2e] failed twice: test/e2e/c.e2e.ts',
      'e2e: 3 passed, 1 failed',
    ]);
  });

  it('says "0 flaky" and names nothing when every file passed the first time', () => {
    assert.deepEqual(summarizeE2e([{ file: 'a', exitCodes: [0] }]).lines, ['[e2e] 0 flaky', 'e2e: 1 passed, 0 failed']);
  });
});
