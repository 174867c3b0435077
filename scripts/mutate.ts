// `npm run mutate`: StrykerJS over the code the unit tests cover, one folder at a time (stryker.config.mjs
// holds the shared options). Each folder keeps its own incremental file, so a rerun tests only the mutants
// whose code or covering tests changed, and its own reports:
//   test-results/mutation/<folder>.html   every mutant, with the reason of each one left alone
//   test-results/mutation/<folder>.json   the mutation-testing-report-schema JSON the table is made from
//
//   npm run mutate                         every folder
//   npm run mutate -- api jobs             only these folders
//   npm run mutate -- --update-readme      also writes the per-folder table into README.md from the reports, and
//                                          records them in docs/mutation-scores.json (the reports are not
//                                          committed: a folder without a report here keeps its recorded row)
//   npm run mutate -- --report-only --update-readme   the table from the last reports, running nothing
//   npm run mutate -- --since main         quick: only the files changed since main (committed or not), reports
//                                          in test-results/mutation/since-<folder>.*, never in the README table
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { repoRoot } from './install-code-server';
import { writeBetweenMarkers } from './markers';
import config, { folders } from '../stryker.config.mjs';

const FOLDERS = folders;

const OUT = join('test-results', 'mutation');

export interface Counts {
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  ignored: number;
  invalid: number;
}

/** What the table shows of a run (invalid mutants, compile errors, are not counted anywhere). */
export type ShownCounts = Omit<Counts, 'invalid'>;

/** Counts per status from a mutation-testing-report-schema JSON report. */
export function countMutants(report: { files: Record<string, { mutants: { status: string }[] }> }): Counts {
  const counts: Counts = { killed: 0, survived: 0, noCoverage: 0, timeout: 0, ignored: 0, invalid: 0 };
  for (const file of Object.values(report.files)) {
    for (const { status } of file.mutants) {
      if (status === 'Killed') counts.killed++;
      else if (status === 'Survived') counts.survived++;
      else if (status === 'NoCoverage') counts.noCoverage++;
      else if (status === 'Timeout') counts.timeout++;
      else if (status === 'Ignored') counts.ignored++;
      else counts.invalid++; // CompileError, RuntimeError: not a valid mutant
    }
  }
  return counts;
}

/** Stryker's mutation score: detected (killed or timed out) over every valid mutant that was not left alone. */
export function score(c: ShownCounts): number {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid === 0 ? 0 : (100 * (c.killed + c.timeout)) / valid;
}

function table(rows: { label: string; counts: ShownCounts; date: string }[], missing: string[]): string {
  const total: ShownCounts = { killed: 0, survived: 0, noCoverage: 0, timeout: 0, ignored: 0 };
  const lines = [
    '| Folder | Mutants | Killed | Timed out | Survived | No coverage | Left alone (with a reason) | Score |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { label, counts } of rows) {
    for (const key of Object.keys(total) as (keyof ShownCounts)[]) total[key] += counts[key];
    lines.push(row(label, counts));
  }
  for (const label of missing) lines.push(`| ${label} | not measured yet | | | | | | |`);
  lines.push(row(missing.length ? '**All measured**' : '**All**', total));
  const dates = [...new Set(rows.map((r) => r.date))].sort();
  return [
    ...lines,
    '',
    `Measured by \`npm run mutate -- --update-readme\` (StrykerJS, last run ${dates.join(' to ')}). Goal: 85 % overall, 80 % in every folder.`,
  ].join('\n');
}

function row(label: string, c: ShownCounts): string {
  const all = c.killed + c.timeout + c.survived + c.noCoverage + c.ignored;
  return `| ${label} | ${all} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} | ${c.ignored} | ${score(c).toFixed(1)} % |`;
}

// Whether `file` is among a folder's `mutate` patterns. They are of three kinds only (stryker.config.mjs):
// `dir/**/*.ts` (every .ts file below dir), an exact path, and `!path` (left out).
export function inFolder(file: string, patterns: string[]): boolean {
  if (patterns.includes(`!${file}`)) return false;
  return patterns.some((pattern) => {
    if (pattern.startsWith('!')) return false;
    if (pattern.endsWith('/**/*.ts')) return file.startsWith(pattern.slice(0, -'**/*.ts'.length)) && file.endsWith('.ts');
    return pattern === file;
  });
}

/** Source files changed since `ref` (committed on this branch or not), as repository paths. */
function changedSince(ref: string): string[] {
  const out = execFileSync('git', ['diff', '--name-only', '--diff-filter=d', ref, '--'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.endsWith('.ts'));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'update-readme': { type: 'boolean', default: false },
      'report-only': { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      since: { type: 'string' },
    },
  });
  process.chdir(repoRoot);
  const unknown = positionals.filter((name) => !(name in FOLDERS));
  if (unknown.length) throw new Error(`No folder named ${unknown.join(', ')}; folders: ${Object.keys(FOLDERS).join(', ')}`);
  const chosen = positionals.length ? positionals : Object.keys(FOLDERS);
  const since = values.since;
  if (since && values['update-readme']) throw new Error('--since measures only changed files: its scores are not the README table (run without --since for that).');
  const changed = since ? changedSince(since) : [];
  if (!values['report-only']) {
    // Stryker is ES modules only (this script runs as CommonJS under tsx).
    const { Stryker } = await import('@stryker-mutator/core');
    for (const name of chosen) {
      const mutate = since ? changed.filter((file) => inFolder(file, FOLDERS[name].mutate)) : FOLDERS[name].mutate;
      if (mutate.length === 0) {
        console.log(`\n== ${FOLDERS[name].label}: nothing changed since ${since} ==`);
        continue;
      }
      console.log(`\n== Mutation testing ${FOLDERS[name].label}${since ? ` (changed since ${since}: ${mutate.join(', ')})` : ''} ==`);
      const report = since ? `since-${name}` : name;
      const stryker = new Stryker({
        configFile: 'stryker.config.mjs',
        mutate,
        incrementalFile: join(OUT, `incremental-${report}.json`),
        htmlReporter: { fileName: join(OUT, `${report}.html`) },
        jsonReporter: { fileName: join(OUT, `${report}.json`) },
        tempDirName: `.stryker-tmp-${name}`,
        // Stryker takes `tap` as a whole: the shared options with this folder's test files, if it names any.
        tap: { ...(config.tap as object), ...(FOLDERS[name].testFiles ? { testFiles: FOLDERS[name].testFiles } : {}) },
        ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
      });
      await stryker.runMutationTest();
    }
  }
  if (since) {
    for (const name of chosen) {
      const file = join(OUT, `since-${name}.json`);
      if (existsSync(file)) console.log(`${FOLDERS[name].label}, files changed since ${since}: ${score(countMutants(JSON.parse(readFileSync(file, 'utf8')))).toFixed(1)} %`);
    }
    return;
  }
  // The table: each folder's newest figures, from its report here or from the record of earlier runs
  // (the reports are not committed, so a fresh clone that reruns one folder keeps the others' rows).
  const recorded = readScores();
  const fromReports: Scores = {};
  for (const [name, { label }] of Object.entries(FOLDERS)) {
    const file = join(OUT, `${name}.json`);
    if (!existsSync(file)) {
      console.log(`${label}: no report here (npm run mutate -- ${name})${name in recorded ? '; the recorded run is used' : ''}`);
      continue;
    }
    const { killed, survived, noCoverage, timeout, ignored } = countMutants(JSON.parse(readFileSync(file, 'utf8')));
    fromReports[name] = { counts: { killed, survived, noCoverage, timeout, ignored }, measuredAt: statSync(file).mtime.toISOString() };
  }
  const scores = newestScores(recorded, fromReports);
  const rows = Object.entries(FOLDERS).flatMap(([name, { label }]) => (scores[name] ? [{ label, counts: scores[name].counts, date: scores[name].measuredAt.slice(0, 10) }] : []));
  const missing = Object.entries(FOLDERS).filter(([name]) => !scores[name]).map(([, { label }]) => label);
  const text = table(rows, missing);
  console.log(`\n${text}`);
  if (values['update-readme']) {
    writeFileSync(join(repoRoot, SCORES_FILE), `${JSON.stringify(scores, null, 2)}\n`);
    writeBetweenMarkers(join(repoRoot, 'README.md'), 'mutation', `\n${text}\n`);
    console.log(`README.md and ${SCORES_FILE}: mutation scores written`);
  }
}

/** Each folder's figures from a run: the counts of its report and when the report was written. */
export type Scores = Record<string, { counts: ShownCounts; measuredAt: string }>;

/** The record of the runs behind the README table, committed (the reports themselves are not). */
const SCORES_FILE = 'docs/mutation-scores.json';

function readScores(): Scores {
  const file = join(repoRoot, SCORES_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Scores) : {};
}

/** Per folder, the newer of the recorded run and the report here. */
export function newestScores(recorded: Scores, fromReports: Scores): Scores {
  const newest: Scores = { ...recorded };
  for (const [name, run] of Object.entries(fromReports)) {
    if (!newest[name] || Date.parse(run.measuredAt) >= Date.parse(newest[name].measuredAt)) newest[name] = run;
  }
  return newest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
