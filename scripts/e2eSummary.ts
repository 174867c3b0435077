// The e2e runner's closing lines (scripts/test-e2e.ts): a file that failed and then passed on its
// one retry is counted and named as flaky, never as a plain pass.

export interface E2eFileRun {
  file: string;
  /** Exit code of each run of the file, in order (a second one only after a failure). */
  exitCodes: number[];
}

export interface E2eSummary {
  passed: string[];
  /** Passed only on the retry. */
  flaky: string[];
  /** Failed every run. */
  failed: string[];
  lines: string[];
}

export function summarizeE2e(runs: readonly E2eFileRun[]): E2eSummary {
  const passed = runs.filter((r) => r.exitCodes.length === 1 && r.exitCodes[0] === 0).map((r) => r.file);
  const flaky = runs.filter((r) => r.exitCodes.length > 1 && r.exitCodes.at(-1) === 0).map((r) => r.file);
  const failed = runs.filter((r) => r.exitCodes.at(-1) !== 0).map((r) => r.file);
  const lines: string[] = [];
  lines.push(`[e2e] ${flaky.length} flaky${flaky.length ? ` (failed, then passed on the retry): ${flaky.join(', ')}` : ''}`);
  if (failed.length) lines.push(`[e2e] failed twice: ${failed.join(', ')}`);
  // The plain closing line CI logs are read by ("N passed, N failed"): a flaky file passed, and is named above.
  lines.push(`e2e: ${passed.length + flaky.length} passed, ${failed.length} failed`);
  return { passed, flaky, failed, lines };
}
