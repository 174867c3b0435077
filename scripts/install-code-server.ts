// Installs code-server (the real VS Code server + web workbench) from the npm registry into
// .vscode-test/code-server, without any download outside the npm registry.
// Steps follow docs "Running the extension in a real VS Code on these machines (no internet)":
//   1. npm install code-server@VERSION --ignore-scripts          (cache folder with its own package.json)
//   2. lib/vscode: npm install --omit=dev --ignore-scripts
//   3. link Debian's rg into node_modules/@vscode/ripgrep/bin    (when installed: search only; its postinstall would download it)
//   4. lib/vscode: npm rebuild NAMES with npm_config_yes=true     (spdlog, node-pty, native-watchdog, watcher, deviceid)
//   5. lib/vscode/extensions: npm install --omit=dev             (built-in extensions' deps)
//   6. cache folder: npm rebuild argon2                           (code-server's own native dependency)
// plus the two symlinks code-server's own postinstall.sh makes (node_modules.asar, remote-cli).
//
// npm 11's install-script policy (allowScripts): unreviewed dependency scripts only warn today, but
// `strict-allow-scripts` (or a future default) would skip/fail them, and `--allow-scripts` on the
// command line or as npm_config_* env is refused for project-scoped rebuilds. So each folder we
// rebuild in gets a project .npmrc with an explicit `allow-scripts=` list, and the result is
// verified by looking for the built .node files, not by trusting npm's exit code.
//
// Not built: kerberos. VS Code loads it lazily, only to answer a Kerberos/Negotiate proxy challenge, and
// building it needs libkrb5-dev; without it code-server starts and works (proxy Negotiate auth is off).
// Not required: ripgrep. It only powers search inside the workbench; linked when present (also later).
//
// Idempotent: a marker file is written last; a later run with the marker present returns at once.
// Usage: tsx scripts/install-code-server.ts [--force] [--no-chromium]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, renameSync, symlinkSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = join(repoRoot, '.vscode-test', 'code-server');
/** Directory of the code-server package; start it with `node <dir>`. */
export const codeServerDir = join(cacheDir, 'node_modules', 'code-server');
export const CHROMIUM_PATH = process.env.TUNE_STUDIO_CHROMIUM || '/usr/bin/chromium';

const MARKER = '.tune-studio-installed.json';

/** Native modules that must exist after the build (relative to codeServerDir). */
const REQUIRED_NATIVE = [
  'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'lib/vscode/node_modules/node-pty/build/Release/pty.node',
  'lib/vscode/node_modules/native-watchdog/build/Release/watchdog.node',
];

/**
 * Packages in lib/vscode whose install scripts run (see `npm install-scripts ls` there), rebuilt by
 * name so nothing else builds: not kerberos (needs libkrb5-dev, proxy auth only) and not
 * @vscode/ripgrep (its script only downloads rg from GitHub).
 */
const VSCODE_NATIVE_PACKAGES = ['native-watchdog', 'node-pty', '@parcel/watcher', '@vscode/deviceid', '@vscode/spdlog'];

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

export function findRipgrep(): string | undefined {
  if (existsSync('/usr/bin/rg')) return '/usr/bin/rg';
  return which('rg');
}

/** A system program the scripts need, with the Debian package that provides it. */
export interface Requirement {
  name: string;
  debian?: string;
  /** What it is for, said when it is missing. */
  why: string;
  present: () => boolean;
}

function isNode20(): boolean {
  return Number(process.versions.node.split('.')[0]) === 20;
}

export const NODE_REQUIREMENT: Requirement = {
  name: 'Node 20',
  why: `code-server ${CODE_SERVER_VERSION} requires Node 20; this is ${process.version}`,
  present: isNode20,
};
/** What code-server's native modules need to build (node-gyp): the same as any native npm package. */
export const BUILD_REQUIREMENTS: Requirement[] = [
  { name: 'make', debian: 'make', why: "node-gyp builds code-server's native modules", present: () => !!which('make') },
  { name: 'g++', debian: 'g++', why: "node-gyp builds code-server's native modules", present: () => !!which('g++') },
  { name: 'python3', debian: 'python3', why: 'node-gyp runs on Python', present: () => !!which('python3') },
];
export const CHROMIUM_REQUIREMENT: Requirement = {
  name: 'chromium',
  debian: 'chromium',
  why: `the tests drive VS Code in a headless browser (no ${CHROMIUM_PATH}; or set TUNE_STUDIO_CHROMIUM)`,
  present: () => existsSync(CHROMIUM_PATH),
};
export const RIPGREP_REQUIREMENT: Requirement = {
  name: 'ripgrep',
  debian: 'ripgrep',
  why: 'search inside VS Code (Ctrl+Shift+F, Quick Open by content); everything else works without it',
  present: () => !!findRipgrep(),
};

export function aptCommand(packages: string[], root = isRoot()): string {
  const sudo = root ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y ${packages.join(' ')}`;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Installs missing Debian packages when that can be done without asking anyone: running as root with
 * apt-get present (CI, containers). Returns false when it did not try.
 */
function aptInstall(packages: string[], say: (s: string) => void): boolean {
  if (!packages.length || !isRoot() || !which('apt-get')) return false;
  say(`installing ${packages.join(' ')} with apt-get (running as root)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-q'], ['install', '-y', '-q', ...packages]]) {
    const r = spawnSync('apt-get', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) {
      say(`apt-get ${args[0]} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
      return false;
    }
  }
  return true;
}

/**
 * Throws one clear error listing every missing system prerequisite. With `autoInstall` (the test
 * runners), missing Debian packages are installed first when running as root with apt-get.
 */
export function checkPrerequisites(opts: { chromium?: boolean; build?: boolean; autoInstall?: boolean; say?: (s: string) => void } = {}): void {
  const { chromium = true, build = true, autoInstall = false, say = () => {} } = opts;
  const wanted = [...(chromium ? [CHROMIUM_REQUIREMENT] : []), ...(build ? [NODE_REQUIREMENT, ...BUILD_REQUIREMENTS] : [])];
  let missing = wanted.filter((r) => !r.present());
  const packages = missing.flatMap((r) => (r.debian ? [r.debian] : []));
  if (autoInstall && packages.length && aptInstall(packages, say)) missing = missing.filter((r) => !r.present());
  if (!missing.length) return;
  const lines = missing.map((r) => `${r.name}: ${r.why}${r.debian ? ` (Debian package "${r.debian}")` : ''}`);
  const debian = missing.flatMap((r) => (r.debian ? [r.debian] : []));
  throw new Error(
    `Missing prerequisites for running VS Code (code-server):\n  - ${lines.join('\n  - ')}` +
      (debian.length ? `\nOn Debian/Ubuntu: ${aptCommand(debian)}` : '') +
      '\n`npm run doctor` checks everything at once.',
  );
}

interface Marker { version: string; node: string; platform: string; arch: string; }
const wantedMarker = (): Marker => ({
  version: CODE_SERVER_VERSION,
  node: process.versions.node.split('.')[0]!,
  platform: process.platform,
  arch: process.arch,
});

export function isInstalled(): boolean {
  try {
    const m = JSON.parse(readFileSync(join(cacheDir, MARKER), 'utf8')) as Marker;
    const w = wantedMarker();
    return m.version === w.version && m.node === w.node && m.platform === w.platform && m.arch === w.arch &&
      existsSync(join(codeServerDir, 'out', 'node', 'entry.js'));
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: string): Promise<void> {
  return new Promise((res, rej) => {
    writeFileSync(log, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`, { flag: 'a' });
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    const onData = (b: Buffer) => { chunks.push(b); writeFileSync(log, b, { flag: 'a' }); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', rej);
    child.on('close', (code) => {
      if (code === 0) return res();
      const tail = Buffer.concat(chunks).toString('utf8').split('\n').slice(-40).join('\n');
      rej(new Error(`"${cmd} ${args.join(' ')}" failed in ${cwd} (exit ${code}). Last output:\n${tail}\nFull log: ${log}`));
    });
  });
}

function findNodeFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.node')) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = `${cacheDir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      // Held by someone else: wait unless its owner is gone.
      let owner = 0;
      try { owner = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being created */ }
      let alive = true;
      if (owner) { try { process.kill(owner, 0); } catch { alive = false; } }
      else {
        const st = statSync(lock, { throwIfNoEntry: false });
        if (st && Date.now() - st.mtimeMs > 30_000) alive = false;
      }
      if (!alive) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another code-server install (lock ${lock})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Installs code-server if needed. Fast (marker check) when already installed. */
/** rg inside code-server's @vscode/ripgrep, pointing at the system's; true when search works. */
export function ripgrepLinkPath(): string {
  return join(codeServerDir, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
}

/** Links the system's rg into a code-server tree (`vscodeDir` = its lib/vscode); false when there is none. */
function linkRipgrep(vscodeDir: string): boolean {
  const rg = findRipgrep();
  const bin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  const link = join(bin, 'rg');
  if (!rg) return false;
  if (existsSync(link)) return true;
  mkdirSync(bin, { recursive: true });
  rmSync(link, { force: true });
  symlinkSync(rg, link);
  return true;
}

/** Installs code-server if needed. Fast (marker check) when already installed. */
export async function ensureCodeServer(opts: { force?: boolean; chromium?: boolean; quiet?: boolean } = {}): Promise<string> {
  const say = (s: string) => { if (!opts.quiet) console.log(`[code-server] ${s}`); };
  // Only the test runners ask for Chromium; they may also install what is missing (as root with apt).
  const chromium = opts.chromium ?? true;
  const prerequisites = { chromium, autoInstall: chromium, say: (s: string) => console.log(`[code-server] ${s}`) };
  if (!opts.force && isInstalled()) {
    checkPrerequisites({ ...prerequisites, build: false });
    linkRipgrep(join(codeServerDir, 'lib', 'vscode')); // installed after code-server: search starts working
    return codeServerDir;
  }
  checkPrerequisites({ ...prerequisites, build: true });
  return withLock(async () => {
    if (!opts.force && isInstalled()) return codeServerDir; // built by whoever held the lock
    const started = Date.now();
    const work = `${cacheDir}.build-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const log = join(dirname(cacheDir), `code-server-install.log`);
    writeFileSync(log, `code-server ${CODE_SERVER_VERSION} install, ${new Date().toISOString()}\n`);
    say(`installing code-server ${CODE_SERVER_VERSION} into .vscode-test/code-server (about a minute; log: .vscode-test/code-server-install.log)`);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      npm_config_unsafe_perm: 'true', // code-server's scripts refuse to run as root without it
      npm_config_yes: 'true', // node-pty's install script runs `npx node-gyp`
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_progress: 'false',
      // Our .npmrc allow lists cover lib/vscode; the cache root's code-server postinstall is never run
      // (and can't be denied by name without lockfile URLs), so don't let a user's strict setting fail step 6.
      npm_config_strict_allow_scripts: 'false',
    };
    // Don't inherit the calling npm's per-project settings (e.g. when run from `npm test`).
    for (const k of Object.keys(env)) {
      if (/^npm_(package|lifecycle)_/.test(k) || k === 'npm_config_local_prefix') delete env[k];
    }

    // 1. code-server itself, scripts off.
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'tune-studio-code-server-cache', private: true }, null, 2));
    writeFileSync(join(work, '.npmrc'), 'allow-scripts=argon2\n');
    await run('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', '--no-save'], work, env, log);
    const cs = join(work, 'node_modules', 'code-server');
    const vs = join(cs, 'lib', 'vscode');
    say('1/6 code-server package installed');

    // 2. VS Code's own dependencies, scripts off.
    writeFileSync(join(vs, '.npmrc'), `allow-scripts=${VSCODE_NATIVE_PACKAGES.join(',')}\n`);
    await run('npm', ['install', '--omit=dev', '--ignore-scripts'], vs, env, log);
    say('2/6 VS Code dependencies installed');

    // 3. ripgrep: Debian's binary instead of a download from GitHub; without it search is off.
    say(linkRipgrep(vs) ? '3/6 ripgrep linked' : '3/6 no ripgrep: search inside VS Code stays off until it is installed');

    // 4. Native modules of VS Code, by name (not kerberos, not ripgrep's downloader).
    await run('npm', ['rebuild', ...VSCODE_NATIVE_PACKAGES, '--foreground-scripts'], vs, env, log);
    say('4/6 native modules built');

    // 5. Built-in extensions' dependencies.
    writeFileSync(join(vs, 'extensions', '.npmrc'), 'allow-scripts=\n');
    await run('npm', ['install', '--omit=dev'], join(vs, 'extensions'), env, log);
    say('5/6 built-in extensions\' dependencies installed');

    // 6. code-server's own native dependency.
    await run('npm', ['rebuild', 'argon2', '--foreground-scripts'], work, { ...env, npm_config_build_from_source: 'argon2' }, log);
    say('6/6 argon2 built');

    // What postinstall.sh would also have done.
    for (const [target, link] of [
      ['node_modules', join(vs, 'node_modules.asar')],
      ['code-linux.sh', join(vs, 'bin', 'remote-cli', 'code-server')],
      ['browser-linux.sh', join(vs, 'bin', 'helpers', 'browser.sh')],
    ] as const) {
      rmSync(link, { force: true, recursive: true });
      symlinkSync(target, link);
    }

    // Verify instead of trusting exit codes (install-script policies can skip scripts silently).
    const missing = REQUIRED_NATIVE.filter((p) => !existsSync(join(cs, p)));
    if (!findNodeFiles(join(work, 'node_modules', 'argon2')).length) missing.push('node_modules/argon2/**/argon2.node');
    if (missing.length) {
      throw new Error(
        `code-server install finished but native modules were not built:\n  - ${missing.join('\n  - ')}\n` +
          `npm may have skipped install scripts (allowScripts policy), or a compiler/header is missing. Log: ${log}`,
      );
    }

    writeFileSync(join(work, MARKER), JSON.stringify({ ...wantedMarker(), installedAt: new Date().toISOString() }, null, 2));
    rmSync(cacheDir, { recursive: true, force: true });
    renameSync(work, cacheDir);
    say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return codeServerDir;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = new Set(process.argv.slice(2));
  ensureCodeServer({ force: args.has('--force'), chromium: !args.has('--no-chromium') })
    .then((dir) => console.log(`[code-server] ${CODE_SERVER_VERSION} ready: ${dir.replace(repoRoot + '/', '')}`))
    .catch((e: Error) => {
      console.error(`[code-server] ${e.message}`);
      process.exit(1);
    });
}
