// UI end-to-end helpers: the PACKAGED extension (dist/tune-studio.vsix) installed into code-server,
// a sandbox, and headless Chromium driving the workbench like a person (command palette, views,
// webviews, screenshots). Used by test/e2e/*.e2e.ts (node:test), run by `npm run test:e2e`.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import type { Sandbox, SandboxOptions } from '../sandbox/server';
import {
  cleanupAll, installVsix, launchChromium, onCleanup, sandboxEnv, startCodeServer, workbenchUrl, type CodeServer,
} from '../../scripts/code-server';
import { repoRoot } from '../../scripts/install-code-server';

export const VIEWPORT = { width: 1280, height: 800 };
// Every run writes its pictures under test-results/; `npm run screenshots` refreshes the README's in media/screenshots.
/** The README's pictures: JPEG at this quality (scripts/render-media.ts uses the same). */
export const README_JPEG_QUALITY = 70;
export const SCREENSHOT_DIR = process.env.TUNE_STUDIO_SCREENSHOT_DIR ?? join(repoRoot, 'test-results', 'screenshots');

export interface Workbench {
  page: Page;
  browser: Browser;
  server: CodeServer;
  sandbox: Sandbox;
  /** Folder opened in the workbench (has .vscode/settings.json pointing at the sandbox). */
  workspace: string;
  close(): Promise<void>;
}

export interface OpenWorkbenchOptions {
  sandbox?: SandboxOptions;
  /** Extra workspace settings (merged over the sandbox base URLs). */
  settings?: Record<string, unknown>;
  /** Extra environment for the extension host. */
  env?: Record<string, string>;
  /** Files to put in the workspace: relative path → content. */
  files?: Record<string, string | Buffer>;
  /**
   * Folders of test-only extensions (package.json + plain JS, e.g. test/e2e/probe-extension) to install
   * next to Tune Studio: each is packaged with vsce and installed by code-server's CLI, as the .vsix is.
   */
  extensions?: string[];
}

let extensionsDir: string | undefined;
const installedExtensions = new Set<string>();

/** Path of the packaged extension; packages it (`npm run package`) when missing. */
export function ensureVsix(): string {
  const vsix = process.env.TUNE_STUDIO_E2E_VSIX ?? join(repoRoot, 'dist', 'tune-studio.vsix');
  if (!existsSync(vsix)) {
    const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
  }
  return vsix;
}

/** One extensions dir per test process with the .vsix installed by code-server's own CLI. */
async function packagedExtensionsDir(): Promise<string> {
  if (extensionsDir) return extensionsDir;
  const dir = mkdtempSync(join(tmpdir(), 'ts-e2e-ext-'));
  onCleanup(async () => rmSync(dir, { recursive: true, force: true }), () => rmSync(dir, { recursive: true, force: true }));
  await installVsix(ensureVsix(), dir);
  extensionsDir = dir;
  return dir;
}

/** Packages an extension folder into a temporary .vsix and installs it into `dir` (once per process). */
async function installTestExtension(folder: string, dir: string): Promise<void> {
  if (installedExtensions.has(folder)) return;
  const { createVSIX } = await import('@vscode/vsce');
  const temp = mkdtempSync(join(tmpdir(), 'ts-e2e-vsix-'));
  try {
    const vsix = join(temp, 'extension.vsix');
    await createVSIX({ cwd: folder, packagePath: vsix, dependencies: false, skipLicense: true, allowMissingRepository: true, rewriteRelativeLinks: false });
    await installVsix(vsix, dir);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  installedExtensions.add(folder);
}

/**
 * Starts a sandbox and code-server with the packaged extension (no extensionDevelopmentPath), opens
 * the workbench in headless Chromium at 1280x800 and waits until it is usable.
 */
export async function openWorkbench(opts: OpenWorkbenchOptions = {}): Promise<Workbench> {
  const extDir = await packagedExtensionsDir();
  for (const folder of opts.extensions ?? []) await installTestExtension(folder, extDir);
  const { startSandbox } = await import('../sandbox/server');
  const sandbox = await startSandbox({ port: 0, cdnPort: 0, speed: 20, quiet: true, hostileDemo: true, ...opts.sandbox });
  const unregisterSandbox = onCleanup(() => sandbox.close());

  const workspace = mkdtempSync(join(tmpdir(), 'ts-e2e-ws-'));
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ ...opts.settings }, null, 2));
  for (const [rel, content] of Object.entries(opts.files ?? {})) {
    mkdirSync(join(workspace, rel, '..'), { recursive: true });
    writeFileSync(join(workspace, rel), content);
  }

  const server = await startCodeServer({
    workspace,
    extensionsDir: extDir,
    // Where keys go is a user setting only: a workspace's value would be ignored.
    userSettings: { 'tuneStudio.astria.baseUrl': sandbox.url, 'tuneStudio.cartesia.baseUrl': sandbox.cartesiaUrl },
    env: { ...sandboxEnv(sandbox), TUNE_STUDIO_TEST_HOST: 'e2e', ...opts.env },
  });
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(workbenchUrl(server, { folder: workspace }));
  await waitForWorkbench(page);

  let closed = false;
  const wb: Workbench = {
    page,
    browser,
    server,
    sandbox,
    workspace,
    async close() {
      if (closed) return;
      closed = true;
      await browser.close().catch(() => {});
      await server.close();
      unregisterSandbox();
      await sandbox.close();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
  onCleanup(() => wb.close());
  return wb;
}

/** Waits until the workbench shell is up and the extension's contributions are registered. */
export async function waitForWorkbench(page: Page, timeout = 60_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout });
  // The extension's activity bar entry appears once the extension host has scanned the packaged
  // extension; before that the palette doesn't list its commands yet.
  await page.locator('.part.activitybar .action-label[aria-label^="Tune Studio"]').first().waitFor({ state: 'attached', timeout });
}

/** Command palette: F1, type the title ("Category: Title"), Enter on the matching row. */
export async function runCommand(page: Page, title: string, timeout = 15_000): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  // F1 pressed while a webview has focus reaches the workbench by a message from the webview's frame;
  // on a loaded machine one can go missing, so a palette that does not open is asked for again.
  const opened = Date.now() + timeout;
  while (!(await input.isVisible())) {
    if (Date.now() > opened) throw new Error(`The command palette did not open for "${title}"`);
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
  }
  await input.fill(`>${title}`);
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout });
  // Rows are labelled "Title" or "Title, <keybinding/other info>"; fuzzy ranking may put a longer
  // title first ("Focus on Cartesia Fine-tunes View" for "Focus on Tunes View"), so pick ours.
  const wanted = title.toLowerCase();
  const deadline = Date.now() + timeout;
  let index = -1;
  let labels: string[] = [];
  while (index < 0) {
    labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
    index = labels.findIndex((l) => {
      const low = l.toLowerCase();
      return low === wanted || (low.startsWith(wanted) && !/[\p{L}\p{N}]/u.test(low.charAt(wanted.length)));
    });
    if (index >= 0) break;
    if (Date.now() > deadline) throw new Error(`Command palette has no "${title}" (rows: ${labels.join(' | ')})`);
    await page.waitForTimeout(100);
  }
  for (let i = 0; i < index; i++) await input.press('ArrowDown');
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout }).catch(() => {
    // Some commands open a quick input of their own; the caller deals with it.
  });
}

/**
 * "Tune Studio: Use Local Sandbox", then its confirmation toast. The palette closes before the command has
 * stored the keys (it first activates the extension and writes two settings); a step taken in between
 * would find no key, so every scenario waits for what a person would see.
 */
export async function useLocalSandbox(page: Page, timeout = 30_000): Promise<void> {
  await runCommand(page, 'Tune Studio: Use Local Sandbox');
  await page.locator('.notifications-toasts').getByText('Tune Studio is using the local sandbox').first().waitFor({ state: 'visible', timeout });
}

/** Texts of the notification toasts on screen, for failure messages (CI output is all one sees there). */
export async function visibleNotifications(page: Page): Promise<string[]> {
  const toasts = page.locator('.notifications-toasts .notification-list-item-message');
  return toasts.evaluateAll((els) => els.map((e) => e.textContent ?? '')).catch(() => []);
}

/** Titles of the commands whose palette title starts with `prefix`, as the palette lists them. */
export async function paletteCommands(page: Page, prefix: string): Promise<string[]> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${prefix}`);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
  const labels = await page.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''),
  );
  return labels;
}

/** Shows a view by name through its generated "Focus on <name> View" command. */
export async function openView(page: Page, name: string, container = 'Tune Studio'): Promise<Locator> {
  await runCommand(page, `${container}: Focus on ${name} View`);
  const pane = viewPane(page, name);
  await pane.waitFor({ state: 'visible' });
  return pane;
}

/** The pane (header + body) of a view in the side bar or panel. */
export function viewPane(page: Page, name: string): Locator {
  return page.locator('.pane').filter({ has: page.locator(`.pane-header[aria-label^="${name}" i]`) }).first();
}

/** Visible rows of a tree view: their labels (aria-label, which holds label and description). */
export async function treeRows(page: Page, viewName: string, opts: { atLeast?: number; timeout?: number } = {}): Promise<string[]> {
  const rows = viewPane(page, viewName).locator('.pane-body .monaco-list-row');
  const atLeast = opts.atLeast ?? 1;
  if (atLeast > 0) await rows.nth(atLeast - 1).waitFor({ state: 'visible', timeout: opts.timeout ?? 15_000 });
  return rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
}

/** Content of the active webview (inner iframe of the focused webview). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** The content of the webview on screen (with two open, e.g. the prompt editor and the compare panel in front of it: the one shown). */
export function visibleWebview(page: Page): FrameLocator {
  return page.locator('iframe.webview.ready').filter({ visible: true }).last().contentFrame().locator('#active-frame').contentFrame();
}

/**
 * Full-workbench picture into SCREENSHOT_DIR/<name>; returns its path. The README's pictures are JPEG
 * (they ship in the .vsix for the extension's page, so they are kept small); the others PNG.
 */
export async function screenshot(page: Page, name: string, options: { forReadme?: boolean } = {}): Promise<string> {
  // Pictures the README does not show stay in test-results/, even when `npm run screenshots` runs.
  const forReadme = options.forReadme !== false;
  const dir = forReadme ? SCREENSHOT_DIR : join(repoRoot, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const base = name.replace(/\.(png|jpg)$/, '');
  const file = join(dir, forReadme ? `${base}.jpg` : `${base}.png`);
  // Hide the blinking cursor and notifications' progress bars so pictures are stable.
  await page.addStyleTag({ content: '.cursor { visibility: hidden !important; } .monaco-progress-container { display: none !important; }' }).catch(() => {});
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide', ...(forReadme ? { type: 'jpeg' as const, quality: README_JPEG_QUALITY } : {}) });
  return file;
}

/** For node:test's after(): close everything this process started, even after a failure. */
export async function closeAll(): Promise<void> {
  await cleanupAll();
}
