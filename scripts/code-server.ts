// code-server (real VS Code 1.100 server + web workbench) and headless Chromium, for the integration
// suite, the UI e2e tests and `npm start`. Every process started here is killed on exit, on failure
// and on SIGINT/SIGTERM (code-server runs in its own process group; the group is killed).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, codeServerDir, ensureCodeServer } from './install-code-server';

export { CHROMIUM_PATH, ensureCodeServer };

// ---------------------------------------------------------------- cleanup on exit / signals

type Cleanup = { async: () => Promise<void>; sync: () => void };
const cleanups = new Set<Cleanup>();
let handlersInstalled = false;

/** Registers a cleanup run on normal shutdown (async) and, as a last resort, at process exit (sync). */
export function onCleanup(async: () => Promise<void>, sync: () => void = () => {}): () => void {
  installHandlers();
  const c = { async, sync };
  cleanups.add(c);
  return () => cleanups.delete(c);
}

let running: Promise<void> | undefined;

/**
 * Runs every registered cleanup (newest first). Concurrent calls share one run; each cleanup stays
 * registered (so the sync exit fallback still covers it) until its async part has finished.
 */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    for (const c of [...cleanups].reverse()) {
      try {
        await c.async();
      } catch (e) {
        console.error('[cleanup]', (e as Error).message);
      }
      cleanups.delete(c);
    }
  })().finally(() => {
    running = undefined;
  });
  return running;
}

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const c of cleanups) {
      try { c.sync(); } catch { /* exiting */ }
    }
  });
  let signalled = false;
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.on(sig, () => {
      // tsx relays the terminal's Ctrl+C, so the same signal can arrive twice: clean up once.
      if (signalled) return;
      signalled = true;
      console.error(`\n[${sig}] stopping everything that was started...`);
      const hard = setTimeout(() => process.exit(code), 10_000); // 'exit' handler then SIGKILLs the rest
      hard.unref();
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* gone */ }
  }
}

/** SIGTERM the process group, SIGKILL it if it's still there after `graceMs`. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 4000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    killGroup(child, 'SIGKILL'); // leftovers in the group
    return;
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  killGroup(child, 'SIGTERM');
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
  await Promise.race([exited, timer]);
  killGroup(child, 'SIGKILL');
}

// ---------------------------------------------------------------- code-server

export interface CodeServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  host: string;
  port: number;
  /** authority for vscode-remote:// URIs */
  authority: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  process: ChildProcess;
  /** Last lines of code-server's output, for error messages. */
  tail(lines?: number): string;
  close(): Promise<void>;
}

export interface StartCodeServerOptions {
  /** Folder opened by default. */
  workspace?: string;
  /** Extra env for the server and so for the extension host (e.g. TUNE_STUDIO_*). */
  env?: Record<string, string | undefined>;
  host?: string;
  /** 0 = free port (default). */
  port?: number;
  /** Reuse an extensions dir (e.g. one with the packaged .vsix installed); default: fresh temp dir. */
  extensionsDir?: string;
  /** Workspace trust on (default off): the opened folder is untrusted, i.e. Restricted Mode. */
  workspaceTrust?: boolean;
  /** User settings.json content. Merged over quiet defaults. */
  userSettings?: Record<string, unknown>;
  /** Print code-server's output as it comes. */
  echo?: boolean;
  /** Keep the temp dir after close (default: removed). */
  keepTemp?: boolean;
  startTimeoutMs?: number;
}

/** Settings that keep the workbench quiet and deterministic for tests and screenshots. */
export const QUIET_USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
  'workbench.layoutControl.enabled': false,
};

function nodeArgsForCodeServer(): string[] {
  return [codeServerDir];
}

export async function startCodeServer(opts: StartCodeServerOptions = {}): Promise<CodeServer> {
  await ensureCodeServer({ quiet: true, chromium: false });
  // Short path: code-server puts a unix socket in the user data dir (108-byte limit).
  const temp = mkdtempSync(join(tmpdir(), 'ts-cs-'));
  const userDataDir = join(temp, 'data');
  const extensionsDir = opts.extensionsDir ?? join(temp, 'ext');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({
      ...QUIET_USER_SETTINGS,
      ...(opts.workspaceTrust ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' } : {}),
      ...opts.userSettings,
    }, null, 2),
  );
  const host = opts.host ?? '127.0.0.1';
  const config = join(temp, 'config.yaml');
  writeFileSync(config, `bind-addr: ${host}:${opts.port ?? 0}\nauth: none\ncert: false\n`);
  const logFile = join(temp, 'code-server.log');
  const logStream = createWriteStream(logFile);

  const args = [
    ...nodeArgsForCodeServer(),
    '--config', config,
    '--bind-addr', `${host}:${opts.port ?? 0}`,
    '--auth', 'none',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (opts.workspace) args.push(opts.workspace);

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  // Don't leak the calling npm's context into VS Code's processes.
  for (const k of Object.keys(env)) if (/^npm_/.test(k)) delete env[k];

  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const recent: string[] = [];
  let closed = false;

  const unregister = onCleanup(
    () => server.close(),
    () => { killGroup(child, 'SIGKILL'); if (!opts.keepTemp) rmSync(temp, { recursive: true, force: true }); },
  );

  const server: CodeServer = {
    url: '',
    host,
    port: 0,
    authority: '',
    userDataDir,
    extensionsDir,
    logFile,
    process: child,
    tail: (n = 40) => recent.slice(-n).join('\n'),
    async close() {
      if (closed) return;
      closed = true;
      await stopProcessGroup(child);
      unregister();
      logStream.end();
      if (!opts.keepTemp) rmSync(temp, { recursive: true, force: true });
    },
  };

  const ready = new Promise<number>((resolve, reject) => {
    let buf = '';
    const onData = (b: Buffer) => {
      logStream.write(b);
      buf += b.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        recent.push(line);
        if (recent.length > 200) recent.shift();
        if (opts.echo) console.log(`[code-server] ${line}`);
        const m = /HTTP server listening on https?:\/\/[^\s]*:(\d+)/.exec(line);
        if (m) resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code, sig) => reject(new Error(`code-server exited early (${code ?? sig}):\n${server.tail()}`)));
    setTimeout(() => reject(new Error(`code-server did not report "HTTP server listening on" within ${(opts.startTimeoutMs ?? 60_000) / 1000} s:\n${server.tail()}`)), opts.startTimeoutMs ?? 60_000).unref();
  });
  try {
    const port = await ready;
    server.port = port;
    server.authority = `${host}:${port}`;
    server.url = `http://${host}:${port}`;
  } catch (e) {
    await server.close();
    throw e;
  }
  return server;
}

export interface WorkbenchUrlOptions {
  folder?: string;
  /** One extension folder, or several (each is loaded as an extension under development). */
  extensionDevelopmentPath?: string | string[];
  extensionTestsPath?: string;
  skipWelcome?: boolean;
}

/** Workbench URL with the payload that desktop VS Code would get as command-line flags. */
export function workbenchUrl(server: Pick<CodeServer, 'url' | 'authority'>, opts: WorkbenchUrlOptions = {}): string {
  const remote = (p: string) => `vscode-remote://${server.authority}${p}`;
  const payload: [string, string][] = [];
  for (const folder of [opts.extensionDevelopmentPath ?? []].flat()) payload.push(['extensionDevelopmentPath', remote(folder)]);
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remote(opts.extensionTestsPath)]);
  if (opts.skipWelcome ?? true) payload.push(['skipWelcome', 'true']);
  const q = new URLSearchParams();
  if (opts.folder) q.set('folder', opts.folder);
  if (payload.length) q.set('payload', JSON.stringify(payload));
  const qs = q.toString();
  return `${server.url}/${qs ? `?${qs}` : ''}`;
}

/** Installs a .vsix into an extensions dir with code-server's own CLI (offline). */
export async function installVsix(vsix: string, extensionsDir: string): Promise<void> {
  await ensureCodeServer({ quiet: true, chromium: false });
  const temp = mkdtempSync(join(tmpdir(), 'ts-csi-'));
  try {
    const r = spawnSync(
      process.execPath,
      [...nodeArgsForCodeServer(), '--user-data-dir', join(temp, 'data'), '--extensions-dir', extensionsDir,
        '--config', join(temp, 'config.yaml'), '--install-extension', vsix, '--force'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    if (r.status !== 0 || !/successfully installed|already installed/i.test(out)) {
      throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${out}`);
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- Chromium

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
];

export async function launchChromium(opts: { headless?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Install Debian's "chromium" (apt-get install -y chromium) or set TUNE_STUDIO_CHROMIUM.`);
  }
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: opts.headless ?? true,
    args: CHROMIUM_ARGS,
  });
  const unregister = onCleanup(async () => {
    await browser.close().catch(() => {});
  });
  browser.on('disconnected', () => unregister());
  return browser;
}

// ---------------------------------------------------------------- small helpers

/** Environment the extension host gets in tests and `npm start` (see test/sandbox). */
export function sandboxEnv(sb: { url: string; cartesiaUrl: string; cdnUrl: string; astriaKey: string; cartesiaKey: string }): Record<string, string> {
  return {
    TUNE_STUDIO_SANDBOX_URL: sb.url,
    TUNE_STUDIO_SANDBOX_CARTESIA_URL: sb.cartesiaUrl,
    TUNE_STUDIO_SANDBOX_CDN_URL: sb.cdnUrl,
    TUNE_STUDIO_SANDBOX_ASTRIA_KEY: sb.astriaKey,
    TUNE_STUDIO_SANDBOX_CARTESIA_KEY: sb.cartesiaKey,
  };
}

/** Runs `node scripts/build.mjs [...args]` in the repo, throwing on failure. */
export function build(args: string[] = [], cwd = process.cwd()): void {
  const r = spawnSync(process.execPath, ['scripts/build.mjs', ...args], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`node scripts/build.mjs ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
