// Mutation testing (`npm run mutate`): StrykerJS changes the code under test one small bug at a time and
// runs the unit tests (node:test through the TAP runner) against each; a mutant no test notices survives.
// Incremental: reruns only test what changed since the last run (test-results/mutation/incremental.json).
// `npm run mutate` (scripts/mutate.ts) runs it one folder at a time; `npm run mutate -- domain` runs one folder.
/** The unit test files (node:test, through the TAP runner). The gallery's browser-driven files are left out:
 * they drive the bundled webview in Chromium, where Stryker cannot switch mutants on, so they can kill
 * nothing here; they only slowed every dry run and, being timing-sensitive, could abort it.
 * (webview-compare stays: it also tests src/shared in Node.) The build's test (extensionBuild) is left out
 * too: it bundles the code with esbuild without running it, so it can kill nothing, and in Stryker's copy of
 * the project it would bundle the instrumented code. */
const UNIT_TESTS = 'test/unit/!(webview-gallery|webview-galleryWork|webview-security|extensionBuild).test.ts';
/** For the lower layers (`src/api`, `src/shared`) also without the four timing-based files of the layers above
 * (the status poller, sweeps, generation, ZIP export): they reach api and shared code only in passing, yet a
 * mutant they cover runs the whole file (the poller's alone takes about 50 s), which made an api run take
 * two hours. Those layers' own tests judge them; the score can only be lower for it, never flattered. */
const LOWER_LAYER_TESTS = 'test/unit/!(webview-gallery|webview-galleryWork|webview-security|extensionBuild|statusPoller|sweeps|generation|zipExport).test.ts';

/** What each folder's run mutates (`npm run mutate -- <folder>`), and the test files that judge it. Left out:
 * files that need a real VS Code, which the integration suite covers. */
export const folders = {
  api: { label: '`src/api`', mutate: ['src/api/**/*.ts'], testFiles: [LOWER_LAYER_TESTS] },
  shared: { label: '`src/shared`', mutate: ['src/shared/**/*.ts'], testFiles: [LOWER_LAYER_TESTS] },
  domain: {
    label: '`src/domain`',
    mutate: [
      'src/domain/**/*.ts',
      'src/auth/keyBinding.ts',
      '!src/domain/workspaceImages.ts',
      '!src/domain/tuneUpload.ts',
      '!src/domain/imageDownload.ts',
    ],
  },
  jobs: { label: '`src/jobs`', mutate: ['src/jobs/**/*.ts'] },
  webviews: {
    label: '`webview-ui` (pure logic)',
    mutate: [
      'webview-ui/gallery/filters.ts',
      'webview-ui/gallery/layout.ts',
      'webview-ui/gallery/selection.ts',
      'webview-ui/gallery/tileNavigation.ts',
    ],
  },
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  tap: {
    testFiles: [UNIT_TESTS],
    nodeArgs: ['--import', 'tsx'],
    forceBail: true,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  // A static mutant (a module-level constant, run only while the module loads) cannot be traced to the tests
  // that cover it, so each one would run the whole unit suite (about 100 s here). They are left out; the
  // report lists each with that reason.
  ignoreStatic: true,
  mutate: Object.values(folders).flatMap((folder) => folder.mutate),
  ignorePatterns: ['.vscode-test', 'dist', 'out', 'test-results', 'bench/results', '.stryker-tmp*', 'node_modules'],
  // The whole unit suite runs once first (about 2 minutes idle, much longer on a busy machine).
  dryRunTimeoutMinutes: 20,
  incremental: true,
  incrementalFile: 'test-results/mutation/incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'test-results/mutation/index.html' },
  jsonReporter: { fileName: 'test-results/mutation/mutation.json' },
  concurrency: 2,
  timeoutMS: 30_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
