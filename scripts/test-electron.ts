// `npm run test:electron` — the same compiled integration suite in desktop VS Code, via
// @vscode/test-electron. It downloads VS Code 1.100.3 into .vscode-test/ on first use, so it needs
// internet (it fails on the offline build machines; use `npm run test:integration` there).
//
//   npm run test:electron
//   npm run test:electron -- --grep smoke
//   TUNE_STUDIO_VSCODE_VERSION=stable npm run test:electron      another VS Code (engines.vscode permitting)
//   TUNE_STUDIO_VSCODE_EXECUTABLE=/path/to/code npm run test:electron   use an installed VS Code, no download
//
// The extension host gets the same variables as under code-server, with TUNE_STUDIO_TEST_HOST=electron.
// On Linux without a display, run it under `xvfb-run -a`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTests } from '@vscode/test-electron';
import { build, cleanupAll, onCleanup, sandboxEnv } from './code-server';
import { repoRoot } from './install-code-server';

const { values } = parseArgs({
  options: {
    grep: { type: 'string' },
    'no-build': { type: 'boolean' },
  },
});

async function main(): Promise<number> {
  process.chdir(repoRoot);
  if (!values['no-build']) build(['--tests']);

  const { startSandbox } = await import('../test/sandbox/server');
  const sandbox = await startSandbox({ port: 0, cdnPort: 0, speed: Number(process.env.TUNE_STUDIO_SANDBOX_SPEED ?? 20), quiet: true, hostileDemo: true });
  onCleanup(() => sandbox.close());

  const temp = mkdtempSync(join(tmpdir(), 'ts-el-'));
  onCleanup(async () => rmSync(temp, { recursive: true, force: true }), () => rmSync(temp, { recursive: true, force: true }));
  const workspace = join(temp, 'workspace');
  mkdirSync(workspace);

  const executable = process.env.TUNE_STUDIO_VSCODE_EXECUTABLE;
  try {
    return await runTests({
      ...(executable ? { vscodeExecutablePath: executable } : { version: process.env.TUNE_STUDIO_VSCODE_VERSION ?? '1.100.3' }),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      extensionTestsEnv: {
        ...sandboxEnv(sandbox),
        TUNE_STUDIO_TEST_HOST: 'electron',
        ...(values.grep ? { TUNE_STUDIO_TEST_GREP: values.grep } : {}),
        ...(process.stdout.isTTY && !process.env.NO_COLOR ? { TUNE_STUDIO_TEST_COLOR: '1' } : {}),
      },
      launchArgs: [
        workspace,
        '--disable-extensions', // other installed extensions; the one under development still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-telemetry',
        '--user-data-dir', join(temp, 'data'),
        '--extensions-dir', join(temp, 'ext'),
      ],
    });
  } catch (e) {
    // runTests rejects with "Failed" / the exit code when tests fail, and with a download error offline.
    const msg = e instanceof Error ? e.message : String(e);
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo|download/i.test(msg)) {
      console.error(`[electron] could not download VS Code (${msg}). This host needs internet; offline, use npm run test:integration.`);
    } else {
      console.error(`[electron] ${msg}`);
    }
    return 1;
  }
}

main()
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  })
  .catch(async (e: Error) => {
    console.error(`[electron] ERROR: ${process.env.TUNE_STUDIO_TEST_VERBOSE === '1' ? (e.stack ?? e.message) : e.message}`);
    await cleanupAll();
    process.exit(1);
  });
