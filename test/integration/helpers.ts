// Shared helpers for the integration suite: the sandbox the runner started, and the extension's API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';

export interface SandboxEnv {
  url: string;
  cartesiaUrl: string;
  cdnUrl: string;
  astriaKey: string;
  cartesiaKey: string;
}

export function sandboxEnv(): SandboxEnv {
  const env = process.env;
  const url = env.TUNE_STUDIO_SANDBOX_URL;
  assert.ok(url, 'TUNE_STUDIO_SANDBOX_URL is not set: the integration runner starts the sandbox and passes it on');
  return {
    url,
    cartesiaUrl: env.TUNE_STUDIO_SANDBOX_CARTESIA_URL ?? `${url}/cartesia`,
    cdnUrl: env.TUNE_STUDIO_SANDBOX_CDN_URL ?? '',
    astriaKey: env.TUNE_STUDIO_SANDBOX_ASTRIA_KEY ?? 'sd_sandbox_demo_key',
    cartesiaKey: env.TUNE_STUDIO_SANDBOX_CARTESIA_KEY ?? 'sk_car_sandbox_demo',
  };
}

/** `publisher.name` from package.json. */
export const EXTENSION_ID = 'tune-studio.tune-studio';

export async function extensionApi(): Promise<TuneStudioApi> {
  const ext = vscode.extensions.getExtension<TuneStudioApi | undefined>(EXTENSION_ID);
  assert.ok(ext, 'the extension is installed');
  const api = await ext.activate();
  assert.ok(api, 'the extension exports its internals in a test run (ExtensionMode.Test)');
  return api;
}

/**
 * Marks the requests the tests themselves send to the sandbox (which may carry a key, as a user's other
 * tools would): the key-leak check (keyLeak.test.ts) leaves them out of the sandbox's audit log and
 * checks every other request, i.e. the extension's and its webviews'. Never sent by the extension.
 */
export const TEST_CLIENT_HEADER = 'x-test-client';

/** `fetch` for the tests' own calls to the sandbox (any origin): adds the test-client mark. */
export function testFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set(TEST_CLIENT_HEADER, '1');
  return fetch(url, { ...init, headers });
}

/** Calls the sandbox's admin endpoints (no key needed). */
export async function admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const { url } = sandboxEnv();
  const res = await testFetch(`${url}/__admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `admin ${method} ${path} answered ${res.status}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Calls the sandbox's Astria API with the demo key, as a user's other tools would. */
export async function astria<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const { url, astriaKey } = sandboxEnv();
  const res = await testFetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${astriaKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path} answered ${res.status}`);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface RecordedRequest {
  origin: 'api' | 'cdn';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  at: number;
}

export async function recordedRequests(origin: 'api' | 'cdn' = 'api'): Promise<RecordedRequest[]> {
  const all = await admin<RecordedRequest[] | { requests: RecordedRequest[] }>('GET', `/requests?origin=${origin}`);
  return Array.isArray(all) ? all : all.requests;
}

/** Points the extension at the sandbox with its demo keys (what "Use Local Sandbox" does). */
export async function connectToSandbox(api: TuneStudioApi): Promise<void> {
  const env = sandboxEnv();
  const config = vscode.workspace.getConfiguration('tuneStudio');
  // Where keys are sent is a user setting only (application scope): a workspace value is ignored.
  const target = vscode.ConfigurationTarget.Global;
  // The views reload once per burst of changes, 50 ms after the last one (Services.onDidChangeConnection).
  // Nothing fires when every value was already set, hence the bound on the wait.
  let reloaded: () => void = () => {};
  let changed = false;
  const reload = new Promise<void>((resolve) => (reloaded = resolve));
  const listener = api.services.onDidChangeConnection(() => changed && reloaded());
  try {
    await config.update('astria.baseUrl', env.url, target);
    await config.update('cartesia.baseUrl', env.cartesiaUrl, target);
    await api.keys.set('astria', env.astriaKey);
    await api.keys.set('cartesia', env.cartesiaKey);
    changed = true;
    await Promise.race([reload, sleep(1_000)]);
  } finally {
    listener.dispose();
  }
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * How long a new webview may take to report its first render. Usually about a second, but VS Code serves
 * every webview through a service worker registered anew for each one (its script URL carries the webview's
 * id), and the new worker takes over only once the old one's pending fetches have ended. A fetch of a webview
 * that was just hidden or closed while it loaded (an image, a font) is never answered and waits out the
 * worker's 30 s resource timeout, so a panel opened right after stalls about 30 s (seen in this suite and in
 * CI). The bound is one such stall plus margin; a test that opens several panels in a row needs a timeout
 * of that many bounds.
 */
export const WEBVIEW_RENDER_MS = 50_000;

/** The webview's first render (`whenRendered()`), or a failure naming `what` (and `state()`) after WEBVIEW_RENDER_MS. */
export async function renderedWithin<T>(what: string, rendered: Promise<T>, state?: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      let detail = '';
      try {
        detail = state ? ` (${state()})` : '';
      } catch (error) {
        detail = ` (${String(error)})`; // e.g. the panel was disposed meanwhile
      }
      reject(new Error(`${what} never reported its first render within ${WEBVIEW_RENDER_MS / 1000} s${detail}`));
    }, WEBVIEW_RENDER_MS);
  });
  try {
    return await Promise.race([rendered, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type Rows<N> = { getChildren(node?: N): Promise<N[]> };

/**
 * The rows of a paged list in tree order, as a person scrolling it sees them: its first page, then the
 * groups of older pages (blocks of ten pages, each page a group) opened and left out.
 */
export async function listRows<N extends { kind: string }>(provider: Rows<N>, parent?: N): Promise<N[]> {
  const rows: N[] = [];
  for (const row of await provider.getChildren(parent)) {
    if (row.kind === 'page') rows.push(...(await listRows(provider, row)));
    else rows.push(row);
  }
  return rows;
}

/** Clicks "Load more" (the `tuneStudio.loadMore` command) until the list ends, at most `max` times; returns its rows. */
export async function allRows<N extends { kind: string }>(provider: Rows<N>, parent?: N, max = 10): Promise<N[]> {
  let rows = await listRows(provider, parent);
  for (let n = 0; n < max && rows.at(-1)?.kind === 'loadMore'; n++) {
    await vscode.commands.executeCommand('tuneStudio.loadMore', rows.at(-1));
    rows = await listRows(provider, parent);
  }
  return rows;
}
