// scripts/mutate.ts: which files a folder's patterns take (for `--since`), and the score it reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countMutants, inFolder, newestScores, score } from '../../scripts/mutate';
import { folders } from '../../stryker.config.mjs';

describe('npm run mutate', () => {
  it('--since takes a changed file into the folder whose patterns name it, and no other', () => {
    assert.equal(inFolder('src/api/astria/client.ts', folders.api.mutate), true);
    assert.equal(inFolder('src/api/astria/client.ts', folders.shared.mutate), false);
    assert.equal(inFolder('src/api/README.md', folders.api.mutate), false);
    assert.equal(inFolder('src/auth/keyBinding.ts', folders.domain.mutate), true, 'an exact path');
    assert.equal(inFolder('src/auth/other.ts', folders.domain.mutate), false);
    assert.equal(inFolder('src/domain/tuneUpload.ts', folders.domain.mutate), false, 'a file left out with !');
    assert.equal(inFolder('src/domain/generation.ts', folders.domain.mutate), true);
    assert.equal(inFolder('webview-ui/gallery/layout.ts', folders.webviews.mutate), true);
    assert.equal(inFolder('webview-ui/gallery/app.ts', folders.webviews.mutate), false);
  });

  it('scores detected (killed or timed out) over valid mutants; compile errors and ignored ones do not count', () => {
    const counts = countMutants({
      files: {
        a: { mutants: [{ status: 'Killed' }, { status: 'Timeout' }, { status: 'Survived' }, { status: 'NoCoverage' }] },
        b: { mutants: [{ status: 'CompileError' }, { status: 'Ignored' }, { status: 'Killed' }] },
      },
    });
    assert.deepEqual(counts, { killed: 2, survived: 1, noCoverage: 1, timeout: 1, ignored: 1, invalid: 1 });
    assert.equal(score(counts), 60);
    assert.equal(score({ killed: 0, survived: 0, noCoverage: 0, timeout: 0, ignored: 3 }), 0);
  });

  it('the README table keeps the recorded run of a folder with no report here, and takes a newer report over it', () => {
    const counts = (killed: number) => ({ killed, survived: 1, noCoverage: 0, timeout: 0, ignored: 0 });
    const recorded = { api: { counts: counts(10), measuredAt: '2026-12-04T10:00:00Z' }, jobs: { counts: counts(20), measuredAt: '2026-12-04T10:00:00Z' } };
    const scores = newestScores(recorded, {
      jobs: { counts: counts(30), measuredAt: '2026-12-05T09:00:00Z' },
      shared: { counts: counts(40), measuredAt: '2026-12-05T09:00:00Z' },
    });
    assert.deepEqual(Object.fromEntries(Object.entries(scores).map(([name, run]) => [name, run.counts.killed])), { api: 10, jobs: 30, shared: 40 });
    // A report older than the recorded run (left over from before it) does not replace it.
    assert.equal(newestScores(recorded, { api: { counts: counts(5), measuredAt: '2026-12-01T00:00:00Z' } }).api.counts.killed, 10);
  });
});
