// `npm run fault-table` — writes the fault matrix of the last integration run
// (test-results/fault-matrix.json, written by test/integration/faultMatrix.test.ts) into docs/RELIABILITY.md
// between <!-- fault-matrix:start --> and <!-- fault-matrix:end -->.
//
//   npm run fault-table            rewrite docs/RELIABILITY.md
//   npm run fault-table -- --check exit 1 when docs/RELIABILITY.md differs from the last run (the integration runner does this)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { faultMatrixFile, renderFaultTable, replaceFaultTable, type MatrixFile } from '../test/faultMatrix';
import { repoRoot } from './install-code-server';

/** docs/RELIABILITY.md as it should be after the last run, or a reason it cannot be known. */
export function expectedReadme(root = repoRoot): { readme: string; expected: string } | { problem: string } {
  const resultsPath = join(root, faultMatrixFile);
  if (!existsSync(resultsPath)) return { problem: `${faultMatrixFile} is missing: run \`npm run test:integration\` first` };
  const matrix = JSON.parse(readFileSync(resultsPath, 'utf8')) as MatrixFile;
  if (!matrix.complete) return { problem: `${faultMatrixFile} comes from a partial (--grep) run: run the whole \`npm run test:integration\`` };
  const readme = readFileSync(join(root, 'docs', 'RELIABILITY.md'), 'utf8');
  return { readme, expected: replaceFaultTable(readme, renderFaultTable(matrix)) };
}

function main(): number {
  const { values } = parseArgs({ options: { check: { type: 'boolean' } } });
  const result = expectedReadme();
  if ('problem' in result) {
    console.error(`[fault-table] ${result.problem}`);
    return 1;
  }
  if (values.check) {
    if (result.expected === result.readme) return 0;
    console.error('[fault-table] docs/RELIABILITY.md’s fault matrix differs from the last run: run `npm run fault-table` and commit docs/RELIABILITY.md');
    return 1;
  }
  if (result.expected !== result.readme) writeFileSync(join(repoRoot, 'docs', 'RELIABILITY.md'), result.expected);
  console.log(`[fault-table] docs/RELIABILITY.md ${result.expected === result.readme ? 'was already up to date' : 'updated'}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
