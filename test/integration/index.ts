// Entry of the compiled integration suite (out/test/integration/index.js, built by
// `node scripts/build.mjs --tests`). VS Code loads it as `extensionTestsPath` and calls run(), both in
// code-server (`npm run test:integration`) and in desktop VS Code via @vscode/test-electron
// (`npm run test:electron`).
//
// esbuild bundles this file, so test files are listed here explicitly. They are imported lazily
// (dynamic import = evaluated on demand inside the bundle) after mocha has defined describe/it.
// Adding a suite: one line in SUITES.
import Mocha from 'mocha';

const SUITES: [name: string, load: () => Promise<unknown>][] = [
  ['smoke.test.ts', () => import('./smoke.test')],
  // Second: it checks that nothing had created a prompt or called an agent tool before it.
  ['walkthrough.test.ts', () => import('./walkthrough.test')],
  ['tunes.test.ts', () => import('./tunes.test')],
  ['createTune.test.ts', () => import('./createTune.test')],
  ['createTuneTryAgain.test.ts', () => import('./createTuneTryAgain.test')],
  ['promptEditor.test.ts', () => import('./promptEditor.test')],
  ['gallery.test.ts', () => import('./gallery.test')],
  ['documented.test.ts', () => import('./documented.test')],
  ['ignoredPaging.test.ts', () => import('./ignoredPaging.test')],
  ['agentTools.test.ts', () => import('./agentTools.test')],
  ['faultMatrix.test.ts', () => import('./faultMatrix.test')],
  ['sweeps.test.ts', () => import('./sweeps.test')],
  ['galleryWork.test.ts', () => import('./galleryWork.test')],
  ['largeImages.test.ts', () => import('./largeImages.test')],
  ['promptFiles.test.ts', () => import('./promptFiles.test')],
  ['domainCore.test.ts', () => import('./domainCore.test')],
  ['keyBoundary.test.ts', () => import('./keyBoundary.test')],
  // Last: searches everything the suites above left behind for an API key.
  ['keyLeak.test.ts', () => import('./keyLeak.test')],
];

/** The Restricted Mode pass (workspace trust on, folder untrusted): its own code-server, its own suite. */
const RESTRICTED_SUITES: typeof SUITES = [['restricted.test.ts', () => import('./restricted.test')]];

/** The activation pass (a fresh window, nothing has activated the extension): its own code-server. */
const ACTIVATION_SUITES: typeof SUITES = [['activation.test.ts', () => import('./activation.test')]];

const PASS_SUITES: Record<string, typeof SUITES> = { restricted: RESTRICTED_SUITES, activation: ACTIVATION_SUITES };

export async function run(): Promise<void> {
  const grep = process.env.TUNE_STUDIO_TEST_GREP;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    timeout: 20_000,
    color: process.env.TUNE_STUDIO_TEST_COLOR === '1',
    ...(grep ? { grep } : {}),
  });
  for (const [name, load] of PASS_SUITES[process.env.TUNE_STUDIO_TEST_PASS ?? ''] ?? SUITES) {
    mocha.suite.emit('pre-require', globalThis, name, mocha);
    await load();
    mocha.suite.emit('require', undefined, name, mocha);
    mocha.suite.emit('post-require', globalThis, name, mocha);
  }
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes = 0, pending = 0 } = runner.stats ?? {};
      // Plain summary line (CI logs): "integration: N passed, N failed".
      console.log(
        `integration: ${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
      else resolve();
    });
  });
}
