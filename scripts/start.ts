// `npm start` — try the extension in a real VS Code (code-server) against the local sandbox, offline.
// Builds, starts the sandbox (Astria on 4010, its CDN on 4011, or free ports when taken), makes a demo
// workspace (.vscode-test/demo-workspace) with sample images, starts code-server with the extension
// under development and prints the URL. The extension host gets TUNE_STUDIO_SANDBOX_* and
// TUNE_STUDIO_AUTOCONNECT=1, so the extension stores the sandbox's demo keys by itself.
// Ctrl+C stops everything this started.
//
//   npm start
//   npm start -- --port 8080          code-server port (default 4000, or a free one when taken)
//   npm start -- --sandbox-port 4010  sandbox API port (CDN = +1)
//   npm start -- --speed 5            sandbox time multiplier (default 1: training takes minutes)
//   npm start -- --profile documented only what Astria's public docs promise (default rich)
//   npm start -- --watch              rebuild on change (then "Developer: Reload Window")
//   npm start -- --no-open            don't open a browser
//   npm start -- --verbose            code-server's and the sandbox's logs
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, cleanupAll, onCleanup, sandboxEnv, startCodeServer, stopProcessGroup, workbenchUrl } from './code-server';
import { ensureCodeServer, repoRoot, ripgrepLinkPath, aptCommand } from './install-code-server';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'sandbox-port': { type: 'string' },
    speed: { type: 'string' },
    profile: { type: 'string' },
    host: { type: 'string' },
    watch: { type: 'boolean' },
    'no-open': { type: 'boolean' },
    verbose: { type: 'boolean' },
  },
});

const HOST = values.host ?? '127.0.0.1';

/** `wanted` when it can be bound on HOST, else 0 (= a free port). */
function portOrFree(wanted: number): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(0));
    s.listen(wanted, HOST, () => s.close(() => resolve(wanted)));
  });
}

/** Sample photos to drag onto "Create Tune", made by the sandbox's own PNG generator. */
async function demoWorkspace(): Promise<string> {
  const dir = join(repoRoot, '.vscode-test', 'demo-workspace');
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  // The sandbox URLs go into the user settings (startCodeServer below): a workspace cannot choose where keys go.
  const settingsFile = join(dir, '.vscode', 'settings.json');
  let settings: Record<string, unknown> = {};
  try { settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>; } catch { /* new */ }
  delete settings['tuneStudio.astria.baseUrl'];
  delete settings['tuneStudio.cartesia.baseUrl'];
  writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);

  const photos = join(dir, 'photos');
  mkdirSync(photos, { recursive: true });
  const { patternPng } = await import('../test/sandbox/png');
  const names = ['portrait-01', 'portrait-02', 'portrait-03', 'portrait-04', 'portrait-05', 'portrait-06', 'dog-01', 'dog-02'];
  for (const n of names) {
    const file = join(photos, `${n}.png`);
    if (!existsSync(file)) writeFileSync(file, patternPng(n, 512, 512));
  }
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) {
    writeFileSync(readme, [
      '# Tune Studio demo workspace',
      '',
      'Made by `npm start`. The Tune Studio view (activity bar) is connected to the local sandbox.',
      'Select images in `photos/` and use "Tune Studio: Create Tune from Images…" to start a fine-tune.',
      '',
    ].join('\n'));
  }
  return dir;
}

async function main(): Promise<void> {
  process.chdir(repoRoot);
  await ensureCodeServer({ chromium: false });
  build();

  let watcher: ReturnType<typeof spawn> | undefined;
  if (values.watch) {
    watcher = spawn(process.execPath, ['scripts/build.mjs', '--watch'], { stdio: 'inherit', detached: true });
    const w = watcher;
    onCleanup(() => stopProcessGroup(w, 1000), () => { try { process.kill(-w.pid!, 'SIGKILL'); } catch { /* gone */ } });
  }

  const sandboxPort = await portOrFree(Number(values['sandbox-port'] ?? 4010));
  const cdnPort = sandboxPort ? await portOrFree(sandboxPort + 1) : 0;
  const { PROFILES, startSandbox } = await import('../test/sandbox/server');
  const profile = PROFILES.find((p) => p === (values.profile ?? 'rich'));
  if (!profile) throw new Error(`--profile must be one of ${PROFILES.join(', ')}, not "${values.profile}"`);
  const sandbox = await startSandbox({
    // The demo in ordinary words: the hostile titles (`<img src=x onerror=…>`) are for the tests (hostileDemo).
    hostileDemo: false,
    profile,
    host: HOST,
    port: sandboxPort,
    cdnPort,
    speed: Number(values.speed ?? 1),
    quiet: !values.verbose,
  });
  onCleanup(() => sandbox.close());

  const workspace = await demoWorkspace();
  const server = await startCodeServer({
    host: HOST,
    port: await portOrFree(Number(values.port ?? 4000)),
    workspace,
    userSettings: { 'tuneStudio.astria.baseUrl': sandbox.url, 'tuneStudio.cartesia.baseUrl': sandbox.cartesiaUrl },
    env: { ...sandboxEnv(sandbox), TUNE_STUDIO_AUTOCONNECT: '1' },
    echo: values.verbose,
  });
  const url = workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: repoRoot });

  console.log([
    '',
    'Tune Studio is running in VS Code (code-server), connected to the local sandbox:',
    '',
    `  Open  ${url}`,
    '',
    `  Sandbox  Astria ${sandbox.url} (${sandbox.profile} profile)  Cartesia ${sandbox.cartesiaUrl}  CDN ${sandbox.cdnUrl}`,
    `  Keys     ${sandbox.astriaKey} / ${sandbox.cartesiaKey} (demo keys of the sandbox)`,
    `  Folder   ${workspace.replace(`${repoRoot}/`, '')}`,
    ...(existsSync(ripgrepLinkPath()) ? [] : [`  Search   off inside VS Code until ripgrep is installed: ${aptCommand(['ripgrep'])}`]),
    values.watch ? '  Rebuilds on change; run "Developer: Reload Window" to load them.' : '  After code changes: restart, or use --watch and "Developer: Reload Window".',
    '',
    'Press Ctrl+C to stop.',
  ].join('\n'));

  if (!values['no-open'] && !process.env.CI && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY || process.platform === 'darwin')) {
    const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => { /* no opener: the URL is printed */ });
    child.unref();
  }

  let stopping = false;
  onCleanup(async () => { stopping = true; }); // runs first on Ctrl+C (cleanups run newest first)
  server.process.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`code-server stopped (${code ?? signal}); stopping the rest.`);
    void cleanupAll().finally(() => process.exit(1));
  });
}

main().catch(async (e: Error) => {
  console.error(`[start] ${e.message}`);
  await cleanupAll();
  process.exit(1);
});
