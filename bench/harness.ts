// Loads the real gallery bundle in the real CSP shell, in headless Chromium, with a stand-in for the
// extension host: `acquireVsCodeApi` posts to Node (page.exposeFunction), which checks each message with
// the host's own checks and answers like GalleryPanel does (sandbox over HTTP + toGalleryPrompt).
// Used by the benchmark and by test/unit/webview-security.test.ts.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { webviewBuildOptions } from '../scripts/webviewBuild.mjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { INITIAL_MESSAGE_WAIT_MS, renderShell } from '../src/webviews/html';
import { toGalleryPrompt } from '../src/webviews/galleryModel';
import { galleryChecks } from '../src/shared/gallery';
import { AstriaClient } from '../src/api/astria/client';
import { patternPng } from '../test/sandbox/png';
import type { Prompt } from '../src/api/astria/types';
import type { GalleryFocus, GalleryInit, GalleryPage, GalleryProtocol, GalleryPrompt, GallerySubject } from '../src/shared/gallery';

const ROOT = path.resolve(__dirname, '..');

let bundleDir: Promise<string> | undefined;

/**
 * A script that runs inside code-server's extension host during a bench (bench/<name>.ts), bundled to
 * out/bench/<name>.js as CommonJS with `vscode` left to the host.
 */
export async function bundleHostScript(name: string): Promise<void> {
  await build({
    entryPoints: { [name]: `bench/${name}.ts` },
    outdir: 'out/bench',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
}

/**
 * The webview bundles (gallery, prompt editor, codicons) as the packaged extension ships them (same esbuild options as scripts/build.mjs,
 * minified), built once per process into a temp folder: independent of whatever dist/ holds right now.
 */
export function galleryBundle(): Promise<string> {
  bundleDir ??= (async () => {
    const outdir = await mkdtemp(path.join(tmpdir(), 'tune-studio-webview-'));
    process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
    const options = webviewBuildOptions({
      entries: ['webview-ui/gallery.ts', 'webview-ui/promptEditor.ts', 'webview-ui/compare.ts', 'webview-ui/codicons.ts'],
      outdir,
      absWorkingDir: ROOT,
      // Unminified for `npm run bench:trace -- --profile`, so the CPU profile names our functions.
      minify: process.env.TUNE_STUDIO_BENCH_UNMINIFIED !== '1',
      logLevel: 'warning',
    });
    await Promise.all(options.map((o) => build(o)));
    return outdir;
  })();
  return bundleDir;
}

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-precise-memory-info',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
}

/** Where the harness's pages come from: the sandbox, or a fixed list (hostile corpus). */
export type PromptSource =
  | { kind: 'sandbox'; url: string; key: string; subject: GallerySubject }
  | { kind: 'fixed'; prompts: (imageUrl: (key: string) => string) => Prompt[]; subject: GallerySubject }
  /** Already converted: tests what the webview itself refuses, whatever a host sends. */
  | { kind: 'raw'; prompts: (imageUrl: (key: string) => string) => GalleryPrompt[]; subject: GallerySubject };

export interface HarnessOptions {
  source: PromptSource;
  viewport?: { width: number; height: number };
  theme?: 'dark' | 'light' | 'high-contrast';
  /** Page size asked of the sandbox (the extension uses 40). */
  pageSize?: number;
  /** Loopback media allowed in the CSP (the sandbox CDN); true by default. */
  allowLoopbackMedia?: boolean;
  /** Title the host sends in `init`. */
  title?: string;
  /** Image to open at once (what the tree's "Open Image" asks for). */
  focus?: GalleryFocus;
  /** A loadPage with `text` (subjects across tunes): search the sandbox (default), or act as a server that ignores the filter. */
  textSearch?: 'server' | 'ignored';
  /** Answers requests other than loadPage (default `{}`), after the host's checks passed. */
  answer?: (method: string, params: unknown) => unknown;
}

export interface Harness {
  page: Page;
  origin: string;
  /** Opens the page, having started the first page's fetch the way GalleryPanel does at creation. */
  open(): Promise<void>;
  /** Requests the webview sent, in order (method names). */
  requests: string[];
  /** The same requests with their (checked) parameters. */
  requestParams: { method: string; params: unknown }[];
  /** The cursor of every page fetched from the source (the server), in order. */
  pageCursors: (number | null)[];
  /** How long each of those fetches took (ms, the source's own time included). */
  pageFetchMs: number[];
  /** Messages the host-side checks refused. */
  refused: string[];
  /** The host notifications posted to the webview (method names), `init` left out when the page carried it. */
  posted: string[];
  /** Notifications the webview sent. */
  notifications: { method: string; params: unknown }[];
  /** What the webview last saved with setState. */
  state(): Promise<unknown>;
  /** A PNG served by the harness itself (same origin as the shell, so always allowed by the CSP). */
  imageUrl(key: string): string;
  /** Pushes a host notification into the webview. */
  notify<M extends keyof GalleryProtocol['hostNotifications']>(method: M, params: GalleryProtocol['hostNotifications'][M]): Promise<void>;
  close(): Promise<void>;
}

const THEMES: Record<NonNullable<HarnessOptions['theme']>, { bodyClass: string; vars: Record<string, string> }> = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editorWidget-background': '#202020',
      '--vscode-widget-border': '#313131',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-errorForeground': '#f85149',
      '--vscode-toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-font-family': 'system-ui, sans-serif',
      '--vscode-font-size': '13px',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-editor-background': '#ffffff',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-editorWidget-background': '#f8f8f8',
      '--vscode-widget-border': '#e5e5e5',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-errorForeground': '#f85149',
      '--vscode-toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-font-family': 'system-ui, sans-serif',
      '--vscode-font-size': '13px',
    },
  },
  'high-contrast': {
    bodyClass: 'vscode-high-contrast',
    vars: {
      '--vscode-editor-background': '#000000',
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-editorWidget-background': '#0c141f',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-focusBorder': '#f38518',
      '--vscode-errorForeground': '#f48771',
      '--vscode-font-family': 'system-ui, sans-serif',
      '--vscode-font-size': '13px',
    },
  },
};

export interface ShellPage {
  /** Bundle file in dist/webview (e.g. gallery.js), or a path this server answers through `extra`. */
  script: string;
  /** Stylesheet in dist/webview. */
  stylesheet: string;
  title: string;
  allowLoopbackMedia: boolean;
  /** Other paths: return true when answered. */
  extra?: (pathname: string, res: ServerResponse) => boolean;
  /** The host's first message, embedded in the shell like WebviewPanelHost does (see `embedLikeThePanel`). */
  initialMessage?: () => Promise<unknown>;
}

/**
 * Like WebviewPanelHost.render: the first message once it is there, or nothing after INITIAL_MESSAGE_WAIT_MS.
 * Remembers what it embedded, so the stand-in host can leave out an `init` the webview drew already.
 */
export function embedLikeThePanel(message: () => Promise<unknown>): { initialMessage: () => Promise<unknown>; drew: (ready: unknown, current: unknown) => boolean } {
  let embedded: string | undefined;
  return {
    initialMessage: async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), INITIAL_MESSAGE_WAIT_MS)));
      const value = await Promise.race([message().catch(() => undefined), late]);
      clearTimeout(timer);
      embedded = value === undefined ? undefined : JSON.stringify(value);
      return value;
    },
    drew: (ready, current) => (ready as { initial?: unknown }).initial === true && embedded !== undefined && embedded === JSON.stringify(current),
  };
}

/**
 * Serves a panel's CSP shell at `/` and the built webview files at `/dist/webview/`, on a free loopback
 * port; the CSP's cspSource is this origin (as `webview.cspSource` is in VS Code).
 */
/**
 * The webview API for a bench page without state: messages go to the harness (`__harnessPost`), and the
 * panel's `didRender` notification sets the performance mark `renderedMark` (and runs `afterRendered`, a
 * function's source, once the task that posted it is done). Dark theme body class.
 */
export async function stubWebviewApi(page: Page, renderedMark: string, afterRendered = '() => {}'): Promise<void> {
  await page.addInitScript(`(() => {
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => {
        if (message && message.method === 'didRender') {
          performance.mark(${JSON.stringify(renderedMark)});
          queueMicrotask(${afterRendered});
        }
        void window.__harnessPost(message);
      },
      getState: () => undefined,
      setState: () => {},
    });
    document.addEventListener('DOMContentLoaded', () => document.body.classList.add('vscode-dark'));
  })();`);
}

export async function serveShell(page: ShellPage): Promise<{ server: Server; origin: string }> {
  const webviewDir = await galleryBundle();
  let origin = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      const script = page.script.startsWith('/') ? `${origin}${page.script}` : `${origin}/dist/webview/${page.script}`;
      void (page.initialMessage?.() ?? Promise.resolve(undefined)).then((initialMessage) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          renderShell({
            cspSource: origin,
            scriptUri: script,
            styleUris: [`${origin}/dist/webview/${page.stylesheet}`],
            codiconsUri: `${origin}/dist/webview/codicons.css`,
            title: page.title,
            allowLoopbackMedia: page.allowLoopbackMedia,
            initialMessage,
          }),
        );
      });
      return;
    }
    if (page.extra?.(url.pathname, res)) return;
    const file = path.join(webviewDir, path.normalize(url.pathname.replace(/^\/dist\/webview\//, '')));
    if (!url.pathname.startsWith('/dist/webview/') || !file.startsWith(webviewDir)) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => {
        const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.ttf') ? 'font/ttf' : 'application/octet-stream';
        res.writeHead(200, { 'content-type': type });
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, origin };
}

/** Stops a server started by serveShell. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Answers loadPage like GalleryPanel: one request per page, prompts converted by the host's own code. */
function pageLoader(source: PromptSource, pageSize: number, imageUrl: (key: string) => string): (cursor: number | null) => Promise<GalleryPage> {
  if (source.kind === 'raw') {
    return async (cursor) => ({ prompts: cursor === null ? source.prompts(imageUrl) : [], nextCursor: null });
  }
  if (source.kind === 'fixed') {
    return async (cursor) => ({ prompts: cursor === null ? source.prompts(imageUrl).map((p) => toGalleryPrompt(p)) : [], nextCursor: null });
  }
  const client = new AstriaClient({ baseUrl: source.url, getKey: () => source.key, retries: 0 });
  const subject = source.subject;
  return async (cursor) => {
    const options = { beforeId: cursor ?? undefined, limit: pageSize };
    let prompts: Prompt[];
    if (subject.kind === 'prompt') prompts = cursor === null ? [await client.getPrompt(subject.tuneId, subject.promptId)] : [];
    else prompts = subject.kind === 'tune' ? await client.listPrompts(subject.tuneId, options) : await client.listAllPrompts(options);
    const nextCursor = subject.kind !== 'prompt' && prompts.length >= pageSize ? Math.min(...prompts.map((p) => p.id)) : null;
    return { prompts: prompts.map((p) => toGalleryPrompt(p)), nextCursor };
  };
}

export async function openGalleryHarness(browser: Browser, options: HarnessOptions): Promise<Harness> {
  const allowLoopback = options.allowLoopbackMedia ?? true;
  const { server, origin } = await serveShell({
    script: 'gallery.js',
    stylesheet: 'gallery.css',
    title: options.title ?? 'Gallery',
    allowLoopbackMedia: allowLoopback,
    // Like GalleryPanel: the init with the first page goes into the page (a reload gets the same page).
    initialMessage: () => embed.initialMessage(),
    extra: (pathname, res) => {
      if (!pathname.startsWith('/img/')) return false;
      res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'max-age=3600' });
      res.end(patternPng(pathname, 64, 64));
      return true;
    },
  });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const requestParams: { method: string; params: unknown }[] = [];
  const pageCursors: (number | null)[] = [];
  const refused: string[] = [];
  const notifications: { method: string; params: unknown }[] = [];
  const imageUrl = (key: string) => `${origin}/img/${encodeURIComponent(key)}.png`;
  const loadPage = pageLoader(options.source, options.pageSize ?? 40, imageUrl);
  const theme = THEMES[options.theme ?? 'dark'];

  const posted: string[] = [];
  const post = (message: unknown) => {
    const m = message as { kind?: string; method?: string };
    if (m.kind === 'notification') posted.push(String(m.method));
    return page.evaluate((data) => window.dispatchEvent(new MessageEvent('message', { data })), message);
  };
  // Like GalleryPanel: the first page is fetched while the webview boots, and `init` carries it.
  const pageFetchMs: number[] = [];
  const fetchPage = async (cursor: number | null) => {
    pageCursors.push(cursor);
    const started = performance.now();
    try {
      return await loadPage(cursor);
    } finally {
      pageFetchMs.push(performance.now() - started);
    }
  };
  /** Like GalleryPanel for GET /prompts?text=: the server's results, or "ignored" for a server that does not search. */
  const searchPage = async (cursor: number | null, text: string): Promise<GalleryPage> => {
    pageCursors.push(cursor);
    if (options.textSearch === 'ignored' || options.source.kind !== 'sandbox') return { prompts: [], nextCursor: null, textSearch: 'ignored' };
    const client = new AstriaClient({ baseUrl: options.source.url, getKey: () => (options.source as { key: string }).key, retries: 0 });
    const pageSize = options.pageSize ?? 40;
    const prompts = await client.listAllPrompts({ beforeId: cursor ?? undefined, limit: pageSize, text });
    return {
      prompts: prompts.map((p) => toGalleryPrompt(p)),
      nextCursor: prompts.length >= pageSize ? Math.min(...prompts.map((p) => p.id)) : null,
      textSearch: 'server',
    };
  };
  let firstPage: Promise<GalleryPage | null> | undefined;
  const prefetch = () => (firstPage ??= fetchPage(null).catch(() => null));
  // Never a focus in the page (GalleryPanel.init): it follows `ready`.
  const initParams = async (): Promise<GalleryInit> => ({
    subject: options.source.subject,
    title: options.title ?? 'Gallery',
    canOpenPromptEditor: true,
    focus: null,
    firstPage: await prefetch(),
    filters: null,
  });
  const embed = embedLikeThePanel(async () => ({ kind: 'notification', method: 'init', params: await initParams() }));

  await page.exposeFunction('__harnessPost', async (message: unknown) => {
    const m = message as { kind?: string; id?: number; method?: string; params?: unknown };
    if (m.kind === 'ready') {
      const init = await initParams();
      const focus = options.focus ?? null;
      // A reload (page.reload) gets the same page again, from the "host's cache".
      if (!embed.drew(m, { kind: 'notification', method: 'init', params: init })) await post({ kind: 'notification', method: 'init', params: { ...init, focus } });
      else if (focus) await post({ kind: 'notification', method: 'focus', params: focus });
      return;
    }
    const method = String(m.method);
    if (m.kind === 'notification') {
      const check = galleryChecks.notifications[method as keyof typeof galleryChecks.notifications];
      if (!check || !check(m.params).ok) refused.push(method);
      else notifications.push({ method, params: m.params });
      return;
    }
    const check = galleryChecks.requests[method as keyof typeof galleryChecks.requests];
    const checked = check?.(m.params);
    if (!checked?.ok) {
      refused.push(method);
      return;
    }
    requests.push(method);
    requestParams.push({ method, params: checked.value });
    try {
      let result: unknown = options.answer && method !== 'loadPage' ? await options.answer(method, checked.value) : {};
      if (method === 'loadPage') {
        const { cursor, text } = checked.value as { cursor: number | null; text?: string };
        if (text) result = await searchPage(cursor, text);
        else result = cursor === null ? ((await prefetch()) ?? (await fetchPage(null))) : await fetchPage(cursor);
      }
      await post({ kind: 'response', id: m.id, ok: true, result });
    } catch (error) {
      await post({ kind: 'response', id: m.id, ok: false, error: String(error) });
    }
  });
  // Runs before the page's own scripts, outside its CSP (like VS Code's own preload). A string, not a
  // function: tsx would wrap a function's body in helpers that do not exist in the page.
  // The state lives in sessionStorage, so it survives page.reload() like VS Code keeps it across reloads.
  await page.addInitScript(`(() => {
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => void window.__harnessPost(message),
      getState: () => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null') ?? undefined,
      setState: (value) => sessionStorage.setItem('vscode-state', JSON.stringify(value)),
    });
    document.addEventListener('DOMContentLoaded', () => {
      document.body.classList.add(${JSON.stringify(theme.bodyClass)});
      for (const [name, value] of Object.entries(${JSON.stringify(theme.vars)})) document.documentElement.style.setProperty(name, value);
    });
  })();`);

  return {
    page,
    origin,
    open: async () => {
      void prefetch();
      await page.goto(`${origin}/`);
    },
    requests,
    requestParams,
    pageCursors,
    pageFetchMs,
    refused,
    posted,
    notifications,
    imageUrl,
    state: () => page.evaluate(() => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null') as unknown),
    notify: async (method, params) => {
      await post({ kind: 'notification', method, params });
    },
    close: async () => {
      await context.close();
      await closeServer(server);
    },
  };
}
