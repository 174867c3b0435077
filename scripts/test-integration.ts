// `npm run test:integration` — runs the compiled mocha suite (out/test/integration/index.js) inside a
// real VS Code 1.100 extension host: code-server, opened by headless Chromium with
// extensionDevelopmentPath + extensionTestsPath in the workbench payload. Offline.
//
//   npm run test:integration                       whole suite
//   npm run test:integration -- --grep "smoke"     only matching tests (mocha grep)
//   npm run test:integration -- --no-build         reuse dist/ and out/ as they are
//   npm run test:integration -- --verbose          also code-server, workbench and browser logs
//   npm run test:integration -- --pass restricted  only the Restricted Mode pass (or: main, activation; default: all three; with --grep: main)
//   TUNE_STUDIO_TEST_TIMEOUT=1800 (seconds)        overall timeout of each pass (default 1800)
//   TUNE_STUDIO_SANDBOX_SPEED=20                   sandbox time multiplier (default 20)
//
// The extension host gets TUNE_STUDIO_SANDBOX_{URL,CARTESIA_URL,CDN_URL,ASTRIA_KEY,CARTESIA_KEY} and
// TUNE_STUDIO_TEST_HOST=code-server. The workbench's own logs are kept in .vscode-test/logs/ on failure.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, parseArgs } from 'node:util';
import { build, cleanupAll, ensureCodeServer, launchChromium, onCleanup, sandboxEnv, startCodeServer, workbenchUrl } from './code-server';
import { repoRoot } from './install-code-server';

const { values } = parseArgs({
  options: {
    grep: { type: 'string' },
    'no-build': { type: 'boolean' },
    verbose: { type: 'boolean' },
    pass: { type: 'string' },
  },
});

/**
 * Three passes, each a fresh code-server: `main` (every suite, workspace trust off), `restricted`
 * (workspace trust on, the folder untrusted: Restricted Mode, with a workspace that tries to send the
 * keys to a second sandbox, the "attacker") and `activation` (a folder of ordinary YAML and JSON files:
 * what starts the extension and what does not).
 */
type Pass = 'main' | 'restricted' | 'activation';
const ALL_PASSES: Pass[] = ['main', 'restricted', 'activation'];
const passes: Pass[] = ALL_PASSES.includes(values.pass as Pass) ? [values.pass as Pass] : values.grep ? ['main'] : ALL_PASSES;

const timeoutS = Number(process.env.TUNE_STUDIO_TEST_TIMEOUT ?? 1800);
const verbose = values.verbose || process.env.TUNE_STUDIO_TEST_VERBOSE === '1';
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (s: string) => console.log(`[integration] ${s}`);

async function main(): Promise<number> {
  process.chdir(repoRoot);
  await ensureCodeServer();
  if (!values['no-build']) build(['--tests']);
  for (const pass of passes) {
    const code = await runPass(pass);
    if (code !== 0) return code;
  }
  return 0;
}

async function runPass(pass: Pass): Promise<number> {
  const { startSandbox } = await import('../test/sandbox/server');
  const sandbox = await startSandbox({ port: 0, cdnPort: 0, speed: Number(process.env.TUNE_STUDIO_SANDBOX_SPEED ?? 20), quiet: true, hostileDemo: true });
  onCleanup(() => sandbox.close());
  // Restricted Mode: a second sandbox that the untrusted workspace's settings point at.
  const attacker = pass === 'restricted' ? await startSandbox({ port: 0, cdnPort: 0, quiet: true }) : undefined;
  if (attacker) onCleanup(() => attacker.close());

  const workspace = mkdtempSync(join(tmpdir(), 'ts-ws-'));
  onCleanup(async () => rmSync(workspace, { recursive: true, force: true }), () => rmSync(workspace, { recursive: true, force: true }));
  if (pass === 'activation') {
    writeFileSync(join(workspace, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx\n');
    writeFileSync(join(workspace, 'config.yaml'), 'name: demo\n');
    writeFileSync(join(workspace, 'package.json'), '{ "name": "demo" }\n');
  }
  if (attacker) {
    mkdirSync(join(workspace, '.vscode'));
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'tuneStudio.astria.baseUrl': attacker.url, 'tuneStudio.cartesia.baseUrl': attacker.cartesiaUrl }, null, 2));
  }

  const env: Record<string, string> = {
    ...sandboxEnv(sandbox),
    TUNE_STUDIO_TEST_HOST: 'code-server',
    TUNE_STUDIO_TEST_PASS: pass,
    ...(attacker ? { TUNE_STUDIO_ATTACKER_URL: attacker.url } : {}),
    ...(values.grep ? { TUNE_STUDIO_TEST_GREP: values.grep } : {}),
    ...(process.stdout.isTTY && !process.env.NO_COLOR ? { TUNE_STUDIO_TEST_COLOR: '1' } : {}),
  };
  const server = await startCodeServer({
    workspace,
    env,
    echo: verbose,
    workspaceTrust: pass === 'restricted',
    // The user's own settings name the sandbox (the restricted workspace names the attacker, and is ignored).
    ...(attacker ? { userSettings: { 'tuneStudio.astria.baseUrl': sandbox.url, 'tuneStudio.cartesia.baseUrl': sandbox.cartesiaUrl } } : {}),
  });
  say(`${pass} pass: code-server ${server.url}, sandbox ${sandbox.url} (${elapsed()})`);

  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  if (verbose) page.on('console', (m) => console.log(`[browser:${m.type()}] ${m.text()}`));

  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolveExit = r));
  let workbenchLogs: { relativePath: string; contents: string }[] = [];
  // The workbench reports the extension host's test output through codeAutomationLog and the end
  // of the run through codeAutomationExit(code, logs).
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
    // args is console.log's argument list (mocha's spec reporter uses printf-style formats).
    const text = mapStack(Array.isArray(args) ? format(...(args as unknown[])) : String(args));
    if (!verbose && isNoise(text)) return;
    (type === 'error' || type === 'warn' ? process.stderr : process.stdout).write(`${text}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (code: number, logs?: { relativePath: string; contents: string }[]) => {
    workbenchLogs = logs ?? [];
    resolveExit(code);
  });

  const url = workbenchUrl(server, {
    folder: workspace,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
  });
  await page.goto(url);

  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutS * 1000).unref());
  const result = await Promise.race([exited, timeout]);
  let code: number;
  if (result === 'timeout') {
    console.error(`\n[integration] TIMEOUT: the suite did not finish within ${timeoutS} s (TUNE_STUDIO_TEST_TIMEOUT). ` +
      'A test may be waiting on a dialog or a promise that never settles. Last code-server output:');
    console.error(server.tail(30));
    await page.screenshot({ path: saveDir('timeout.png') }).catch(() => {});
    code = 124;
  } else {
    code = result;
  }
  // docs/RELIABILITY.md's fault matrix must be the one this run produced (a --grep run checks nothing).
  if (code === 0 && !values.grep && pass === 'main') {
    const { expectedReadme } = await import('./fault-table');
    const readme = expectedReadme();
    if ('problem' in readme || readme.expected !== readme.readme) {
      console.error(`[integration] docs/RELIABILITY.md's fault matrix differs from this run's results (${'problem' in readme ? readme.problem : 'see test-results/fault-matrix.json'}): run \`npm run fault-table\` and commit docs/RELIABILITY.md.`);
      code = 1;
    }
  }
  if (code !== 0) {
    const dir = saveDir();
    for (const l of workbenchLogs) {
      const file = join(dir, l.relativePath);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, l.contents);
    }
    say(`workbench logs saved in ${dir.replace(`${repoRoot}/`, '')}`);
  }
  say(`${pass} pass ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${elapsed()}`);
  // Everything this pass started (code-server, Chromium, sandboxes, the workspace) goes before the next.
  await cleanupAll();
  return code;
}

/** Rewrites `out/test/integration/index.js:L:C` in stack traces to the TypeScript source (inline source map). */
let sourceMap: SourceMap | null | undefined;
function mapStack(text: string): string {
  if (!text.includes('integration/index.js:')) return text;
  if (sourceMap === undefined) {
    try {
      const js = readFileSync(join(repoRoot, 'out', 'test', 'integration', 'index.js'), 'utf8');
      const m = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(js);
      sourceMap = m ? new SourceMap(JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8'))) : null;
    } catch {
      sourceMap = null;
    }
  }
  const map = sourceMap;
  if (!map) return text;
  return text.replace(/(?:\/[^\s():]*)?out\/test\/integration\/index\.js:(\d+):(\d+)/g, (all, line: string, col: string) => {
    const e = map.findEntry(Number(line) - 1, Number(col) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (!e?.originalSource) return all;
    const src = e.originalSource.replace(/^(\.\.\/)+/, '');
    return `${src}:${(e.originalLine ?? 0) + 1}:${(e.originalColumn ?? 0) + 1}`;
  });
}

function saveDir(file?: string): string {
  const dir = join(repoRoot, '.vscode-test', 'logs', 'integration');
  mkdirSync(dir, { recursive: true });
  return file ? join(dir, file) : dir;
}

/** Workbench chatter that isn't test output (shown with --verbose). */
const NOISE = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /ENOTFOUND open-vsx\.org/,
  /^\[driver\]/,
];
function isNoise(text: string): boolean {
  return NOISE.some((re) => re.test(text));
}

main()
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  })
  .catch(async (e: Error) => {
    console.error(`[integration] ERROR: ${verbose ? (e.stack ?? e.message) : e.message}`);
    await cleanupAll();
    process.exit(1);
  });
