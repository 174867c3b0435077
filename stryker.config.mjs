// Mutation testing (`npm run mutate`): StrykerJS changes the code under test one small bug at a time and
// runs the unit tests (node:test through the TAP runner) against each; a mutant no test notices survives.
// Incremental: reruns only test what changed since the last run (test-results/mutation/incremental.json).
// `npm run mutate -- --mutate "src/domain/**/*.ts"` narrows it to one folder.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  tap: {
    testFiles: ['test/unit/*.test.ts'],
    nodeArgs: ['--import', 'tsx'],
    forceBail: false,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/api/**/*.ts',
    'src/shared/**/*.ts',
    'src/domain/**/*.ts',
    'src/jobs/**/*.ts',
    'src/auth/keyBinding.ts',
    // Needs a real VS Code: covered by the integration suite, out of this tool's reach.
    '!src/domain/workspaceImages.ts',
    '!src/domain/tuneUpload.ts',
    '!src/domain/imageDownload.ts',
  ],
  ignorePatterns: ['.vscode-test', 'dist', 'out', 'test-results', 'bench/results', '.stryker-tmp', '.stryker-tmp-*', 'node_modules'],
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
