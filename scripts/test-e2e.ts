// `npm run test:e2e` — UI end-to-end tests: packages the extension (dist/tune-studio.vsix), then runs
// test/e2e/*.e2e.ts with node:test. Each file installs the .vsix into code-server, starts a sandbox
// and drives the workbench in headless Chromium (see test/e2e/workbench.ts). Offline.
//
//   npm run test:e2e                          package + all scenarios
//   npm run test:e2e -- tunes                 only files whose name contains "tunes"
//   npm run test:e2e -- --no-package          reuse dist/tune-studio.vsix
//   TUNE_STUDIO_SCREENSHOT_DIR=dir            where screenshot() writes (default media/screenshots)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCodeServer, repoRoot } from './install-code-server';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'no-package': { type: 'boolean' } },
});

async function main(): Promise<number> {
  process.chdir(repoRoot);
  const t0 = Date.now();
  await ensureCodeServer();

  const vsix = join(repoRoot, 'dist', 'tune-studio.vsix');
  if (!values['no-package'] || !existsSync(vsix)) {
    const r = spawnSync('npm', ['run', '--silent', 'package'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0 || !existsSync(vsix)) {
      console.error('[e2e] npm run package failed (run it alone to see why)');
      return 1;
    }
    console.log(`[e2e] packaged dist/tune-studio.vsix (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  const files = readdirSync(join(repoRoot, 'test', 'e2e'))
    .filter((f) => f.endsWith('.e2e.ts'))
    .filter((f) => positionals.length === 0 || positionals.some((p) => f.includes(p)))
    .sort()
    .map((f) => join('test', 'e2e', f));
  if (!files.length) {
    console.error(`[e2e] no test/e2e/*.e2e.ts file matches ${positionals.join(' ')}`);
    return 1;
  }

  const child = spawn(
    process.execPath,
    ['--test', '--test-reporter=spec', '--test-concurrency=1', '--import', 'tsx', ...files],
    { stdio: 'inherit', env: { ...process.env, TUNE_STUDIO_E2E_VSIX: vsix } },
  );
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  const code = await new Promise<number>((r) => child.on('exit', (c, s) => r(c ?? (s ? 1 : 0))));
  console.log(`[e2e] ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`[e2e] ERROR: ${e.message}`);
    process.exit(1);
  },
);
