// Runs last: after every other suite has exercised the extension, no API key may be found anywhere but
// SecretStorage and the Authorization header of its own service. The search (test/keyScanner.ts, with
// its self-check in test/unit/keyScanner.test.ts) looks for every 8-character piece of each key, as typed,
// URL-encoded, base64 and hex, in:
//   - every request the sandbox received in its whole life (its audit log, which no suite clears), but
//     the tests' own (marked `x-test-client` by helpers.ts): an Astria key only in the Authorization
//     header of an Astria request, the Cartesia key only in that of a Cartesia request, nothing on the
//     CDN or the admin endpoints, and no key in any URL, other header or body;
//   - the HTML of the gallery, the prompt editor and a compare panel, and what the host posted to them;
//   - the tuneStudio settings and the settings files; global and workspace state;
//   - the extension host's logs (the "Tune Studio" output channel);
//   - the workspace, the global storage and the workspace storage folders.
// Three keys are searched for: the sandbox's Astria and Cartesia keys, and a made-up key a user typed
// that the service refused. The test also does enough itself (trees, gallery, editor, a sweep and its
// compare panel, a save) that a `--grep "SecretStorage"` run has something to search.
import * as assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import type { Tune } from '../../src/api/astria/types';
import { defaultDraft } from '../../src/shared/prompt/draft';
import type { PromptEditorProtocol } from '../../src/shared/promptEditor';
import type { CompareProtocol } from '../../src/shared/compare';
import type { RequestMethod, RequestParams, RequestResult } from '../../src/shared/rpc';
import { findKeys, type Secret } from '../keyScanner';
import type { AuditEntry, AuditPage } from '../sandbox/audit';
import { admin, astria, connectToSandbox, extensionApi, sandboxEnv, sleep, TEST_CLIENT_HEADER, waitFor } from './helpers';

const MADE_UP_KEY = 'sd_made_up_by_a_user_7f3a9c21e4';
/**
 * How long a new webview may take to render here, where several open at once: usually a second or two,
 * but each may wait out VS Code's 30 s webview stall (WEBVIEW_RENDER_MS in helpers.ts says why).
 */
const WEBVIEW_READY_MS = 90_000;

interface ProviderSecret extends Secret {
  /** The service whose Authorization header may carry it. */
  provider: 'astria' | 'cartesia';
}

/** Every regular file under `dir` (missing folders are empty), with its bytes as latin1 text. */
async function filesUnder(dir: string): Promise<{ file: string; text: string }[]> {
  const out: { file: string; text: string }[] = [];
  const walk = async (at: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && (await stat(full)).size < 20 * 2 ** 20) out.push({ file: full, text: await readFile(full, 'latin1') });
    }
  };
  await walk(dir);
  return out;
}

/** The sandbox's whole audit log, page by page. */
async function auditLog(): Promise<{ entries: AuditEntry[]; summary: Omit<AuditPage, 'entries' | 'next'> }> {
  const entries: AuditEntry[] = [];
  let since = 0;
  for (;;) {
    const page = await admin<AuditPage>('GET', `/audit?since=${since}&limit=500`);
    entries.push(...page.entries);
    if (page.next === null) {
      const { entries: _e, next: _n, ...summary } = page;
      return { entries, summary };
    }
    since = page.next;
  }
}

const isTestClient = (e: AuditEntry) => e.headers.some(([name]) => name.toLowerCase() === TEST_CLIENT_HEADER);
const isExtensionApiCall = (e: AuditEntry) => !isTestClient(e) && !e.admin && (e.origin === 'astria' || e.origin === 'cartesia');

/**
 * Key pieces in one audited request. The one place a key may be: the Authorization header of a request
 * to its own service (Astria keys to Astria paths, the Cartesia key to /cartesia paths), which may hold
 * any key of that service (tests also send refused ones); the other service's key is still searched for
 * there, but not the runs it shares with this service's keys (the demo keys share "_sandbox_demo").
 */
function requestFindings(entry: AuditEntry, secrets: readonly ProviderSecret[]): string[] {
  const where = `${entry.origin}${entry.admin ? ' admin' : ''} request #${entry.seq} ${entry.method}`;
  const own = entry.admin || entry.origin === 'cdn' ? [] : secrets.filter((s) => s.provider === entry.origin);
  const others = secrets.filter((s) => !own.includes(s));
  const found = findKeys(secrets, `${where}, URL`, entry.url);
  for (const [name, value] of entry.headers) {
    const text = `${name}: ${value}`;
    if (own.length > 0 && name.toLowerCase() === 'authorization') {
      found.push(...findKeys(others, `${where}, header ${name}`, text, { allowed: own.map((s) => s.value) }));
    } else {
      found.push(...findKeys(secrets, `${where}, header ${name}`, text));
    }
  }
  found.push(...findKeys(secrets, `${where}, body`, entry.body));
  return found;
}

/** Findings grouped by kind (the same leak in many requests is one line with a count and an example). */
function summarize(found: readonly string[]): string {
  const kinds = new Map<string, { count: number; example: string }>();
  for (const line of found) {
    const kind = line.replace(/ #\d+ /, ' ').replace(/, \d+ match\(es\), first at \d+: .*$/s, '');
    const known = kinds.get(kind);
    if (known) known.count++;
    else kinds.set(kind, { count: 1, example: line });
  }
  return [...kinds.values()].map(({ count, example }) => `  ${count} × ${example}`).join('\n');
}

/** Records what the host posts to a panel's webview from now on (wraps `webview.postMessage`). */
function capturePosts(panel: vscode.WebviewPanel, into: string[]): void {
  const webview = panel.webview;
  const post = webview.postMessage.bind(webview);
  webview.postMessage = (message: unknown) => {
    into.push(JSON.stringify(message) ?? '');
    return post(message);
  };
}

describe('API keys stay in SecretStorage', function () {
  this.timeout(360_000);
  let api: TuneStudioApi;
  let requestId = 1;

  async function editorRequest<M extends RequestMethod<PromptEditorProtocol>>(
    tuneId: number,
    method: M,
    params: RequestParams<PromptEditorProtocol, M>,
  ): Promise<RequestResult<PromptEditorProtocol, M>> {
    const response = await api.promptEditor.receive(tuneId, { kind: 'request', id: requestId++, method, params });
    assert.ok(response?.ok, `${method}: ${response && !response.ok ? response.error : 'no answer'}`);
    return response.result as RequestResult<PromptEditorProtocol, M>;
  }

  async function compareRequest<M extends RequestMethod<CompareProtocol>>(
    sweepId: string,
    method: M,
    params: RequestParams<CompareProtocol, M>,
  ): Promise<RequestResult<CompareProtocol, M>> {
    const response = await api.compare.receive(sweepId, { kind: 'request', id: requestId++, method, params });
    assert.ok(response?.ok, `${method}: ${response && !response.ok ? response.error : 'no answer'}`);
    return response.result as RequestResult<CompareProtocol, M>;
  }

  before(async () => {
    api = await extensionApi();
    await connectToSandbox(api);
    await admin('DELETE', '/faults');
    await admin('POST', '/speed', { speed: 20 });
  });

  it('appear nowhere else after the whole suite, a refused key and open panels', async () => {
    const env = sandboxEnv();
    const secrets: ProviderSecret[] = [
      { label: 'Astria key', value: env.astriaKey, provider: 'astria' },
      { label: 'Cartesia key', value: env.cartesiaKey, provider: 'cartesia' },
      { label: 'refused made-up Astria key', value: MADE_UP_KEY, provider: 'astria' },
    ];
    const { context } = api.services;
    const found: string[] = [];
    const check = (where: string, text: string) => found.push(...findKeys(secrets, where, text));
    const posted: { where: string; messages: string[] }[] = [];
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // A user types a key the service refuses: it is checked once (sent to the API only) and kept nowhere.
    assert.equal(await vscode.commands.executeCommand('tuneStudio.setAstriaKey', MADE_UP_KEY), false);
    assert.equal(await api.keys.get('astria'), env.astriaKey, 'the refused key replaced nothing');

    // The product at work, so that even a run of this test alone leaves requests, HTML, state and files behind.
    // Both trees, a few tunes' prompts and a few fine-tunes' voices (one request each).
    api.tunes.provider.refresh();
    const tuneRows = (await api.tunes.provider.getChildren()).filter((n) => n.kind === 'tune');
    assert.ok(tuneRows.length > 0, 'the Tunes tree lists tunes');
    for (const row of tuneRows.slice(0, 8)) await api.tunes.provider.getChildren(row);
    api.cartesia.provider.refresh();
    const fineTunes = (await api.cartesia.provider.getChildren()).filter((n) => n.kind === 'fineTune' && n.fineTune.status === 'completed');
    assert.ok(fineTunes.length > 0, 'the Cartesia tree lists completed fine-tunes');
    for (const row of fineTunes.slice(0, 6)) await api.cartesia.provider.getChildren(row);

    const byTitle = await astria<Tune[]>('GET', `/tunes?title=${encodeURIComponent('Priya Sharma')}`);
    const tune = byTitle.find((t) => t.trained_at) ?? (await astria<Tune[]>('GET', '/tunes')).find((t) => t.trained_at && t.title);
    assert.ok(tune, 'the sandbox has a trained tune');

    // Each panel is opened fresh, and what the host posts to it is recorded from its first message.
    const posts = (where: string): string[] => {
      const messages: string[] = [];
      posted.push({ where, messages });
      return messages;
    };
    await vscode.commands.executeCommand('tuneStudio.openRecentImages');
    const galleries = api.gallery.openSubjects().flatMap((subject) => {
      const gallery = api.gallery.panelOf(subject);
      return gallery ? [{ subject, gallery }] : [];
    });
    assert.ok(galleries.length > 0, 'a gallery opened');
    const galleryPosts = galleries.map(({ subject, gallery }) => {
      const messages = posts(`messages to the gallery (${subject.kind})`);
      capturePosts(gallery.panel, messages);
      return messages;
    });
    const opened = Date.now();
    const readyAfter: string[] = [];
    await waitFor('the gallery webview to render', () => Promise.race([galleries[0]!.gallery.whenRendered(), sleep(500).then(() => undefined)]), WEBVIEW_READY_MS);
    readyAfter.push(`gallery ${((Date.now() - opened) / 1000).toFixed(1)} s`);
    // The first page may come inside the page's HTML (a JSON data block) instead of a message; the
    // scan below reads the HTML too. Either way the gallery got its data from the host.
    assert.ok(
      galleryPosts.some((m) => m.length > 0) || galleries.some(({ gallery }) => gallery.panel.webview.html.includes('application/json')),
      'the host sent the gallery its data (posted, or in its page)',
    );
    // While the gallery is the visible tab the webview loads images from the CDN, unless this run's earlier
    // suites loaded them already (immutable: the webview's cache answers).
    let cdnSeen = 0;
    await waitFor(
      'images requested from the CDN by the webview (in this run)',
      async () => {
        const page = await admin<AuditPage>('GET', `/audit?since=${cdnSeen}&origin=cdn&limit=5000`);
        cdnSeen = page.next ?? page.received - page.dropped;
        return page.entries.some((e) => !isTestClient(e) && new URL(e.url).pathname.startsWith('/images/')) || undefined;
      },
      30_000,
    );

    const editor = await api.promptEditor.open({ tuneId: tune.id });
    const editorPosts = posts('messages to the prompt editor');
    capturePosts(editor.panel, editorPosts);
    await waitFor('the editor to load its tune', () => api.promptEditor.panelOf(tune.id)?.editorTune ?? undefined);
    const editorOpened = Date.now();
    await waitFor('the host to post to the prompt editor', () => editorPosts.length > 0 || undefined, WEBVIEW_READY_MS);
    readyAfter.push(`prompt editor ${((Date.now() - editorOpened) / 1000).toFixed(1)} s`);

    // A 1 × 2 sweep (two prompts POSTed with bodies) and its compare panel, then one image saved to the workspace.
    const confirm = api.compare.dialogs.confirm;
    api.compare.dialogs.confirm = async () => true;
    let sweepId: string;
    try {
      const started = await editorRequest(tune.id, 'runSweep', {
        draft: { ...defaultDraft(), text: 'portrait of <1>, key-leak check', num_images: '1' },
        axes: [{ kind: 'seed', values: ['101', '202'] }],
      });
      assert.equal(started.status, 'started', `the sweep started (${JSON.stringify(started)})`);
      sweepId = started.status === 'started' ? started.sweepId : '';
      await waitFor('the sweep to create its prompts', () => !api.compare.sweeps.isRunning(sweepId) || undefined, 30_000);
    } finally {
      api.compare.dialogs.confirm = confirm;
    }
    // The sweep opened its compare panel; it is opened again through the exported front door, recorded from the start.
    (await waitFor('the sweep’s compare panel', () => api.compare.panelOf(sweepId))).panel.dispose();
    await api.compare.open(sweepId);
    const compare = api.compare.panelOf(sweepId);
    assert.ok(compare, 'the compare panel opened');
    const comparePosts = posts('messages to the compare panel');
    capturePosts(compare.panel, comparePosts);
    const compareOpened = Date.now();
    await waitFor('every cell of the sweep to show its image', () => {
      const cells = compare.cells();
      return (cells.length === 2 && cells.every((c) => c.status === 'done' && c.images.length === 1)) || undefined;
    }, 60_000);
    const painted = await waitFor('the compare webview to paint', () => Promise.race([compare.whenRendered(), sleep(500).then(() => undefined)]), WEBVIEW_READY_MS);
    assert.equal(painted.cells, 2, 'the compare webview painted both cells');
    readyAfter.push(`compare panel ${((Date.now() - compareOpened) / 1000).toFixed(1)} s`);
    assert.ok(comparePosts.length > 0, 'the host posted to the compare panel');
    const saved = await compareRequest(sweepId, 'cellAction', { index: 0, imageIndex: 0, action: 'save' });
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace has a folder');
    const savedFile = path.join(folder.uri.fsPath, saved.message?.replace(/^Saved /, '') ?? '');
    assert.ok((await stat(savedFile)).size > 0, 'an image was saved into the workspace (downloaded from the CDN by the host)');

    // 1. Every request of the whole run, but the tests' own.
    const { entries, summary } = await auditLog();
    assert.equal(summary.dropped, 0, `the audit log kept every request (${JSON.stringify(summary)})`);
    assert.equal(summary.bodiesDropped, 0, `the audit log kept every body, whole or head and tail (${JSON.stringify(summary)})`);
    const checked = entries.filter((e) => !isTestClient(e));
    const apiCalls = checked.filter(isExtensionApiCall);
    const count = (origin: AuditEntry['origin']) => apiCalls.filter((e) => e.origin === origin).length;
    const cdnCalls = checked.filter((e) => e.origin === 'cdn');
    const header = (e: AuditEntry, name: string) => e.headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? '';
    const multipart = apiCalls.filter((e) => header(e, 'content-type').startsWith('multipart/form-data'));
    const withBody = checked.filter((e) => e.bodyBytes > 0);
    const stats =
      `${entries.length} audited: ${count('astria')} Astria and ${count('cartesia')} Cartesia calls, ${cdnCalls.length} CDN requests, ` +
      `${entries.length - checked.length} from the tests; ${withBody.length} bodies (${multipart.length} multipart, ${summary.bodiesCut} kept as head and tail)`;
    console.log(`      key-leak audit: ${stats}; webviews rendered: ${readyAfter.join(', ')}`);
    assert.ok(apiCalls.length > 20, `the extension made a plausible number of API calls (${stats})`);
    assert.ok(count('cartesia') > 0, `Cartesia was called (${stats})`);
    assert.ok(cdnCalls.some((e) => new URL(e.url).pathname.startsWith('/images/')), `images came from the CDN (${stats})`);
    assert.ok(apiCalls.some((e) => e.method === 'POST' && e.bodyBytes > 0), `requests with bodies were audited (${stats})`);
    // The suites reset the sandbox and clear its request log: the audit still holds what came before.
    const lastReset = entries.filter((e) => e.admin && e.method === 'POST' && new URL(e.url).pathname === '/__admin/reset').at(-1);
    if (lastReset) assert.ok(apiCalls.some((e) => e.seq < lastReset.seq), `calls from before the last reset are audited (${stats})`);
    if (!process.env.TUNE_STUDIO_TEST_GREP) {
      // The whole suite ran before this test: its work must be in the audit, uploads included.
      assert.ok(lastReset, `the suites reset the sandbox (${stats})`);
      assert.ok(apiCalls.length > 200, `the whole suite's calls are audited (${stats})`);
      assert.ok(multipart.length > 0, `the suite's multipart uploads are audited (${stats})`);
    }
    assert.ok(
      apiCalls.some((e) => e.origin === 'astria' && e.headers.some(([n, v]) => n.toLowerCase() === 'authorization' && v === `Bearer ${MADE_UP_KEY}`)),
      'the made-up key was checked against the sandbox (so the search looks for a key that was really used)',
    );
    for (const entry of checked) found.push(...requestFindings(entry, secrets));

    // 2. Webviews: the HTML of every kind of panel, and what the host posted to them meanwhile.
    const gallerySubjects = api.gallery.openSubjects();
    assert.ok(gallerySubjects.length > 0, 'a gallery is open');
    const htmls: [string, string][] = [
      ...gallerySubjects.map((s): [string, string] => [`gallery HTML (${s.kind})`, api.gallery.panelOf(s)?.panel.webview.html ?? '']),
      ['prompt editor HTML', editor.panel.webview.html],
      ['compare panel HTML', compare.panel.webview.html],
    ];
    for (const [where, html] of htmls) {
      assert.match(html, /Content-Security-Policy/, `${where} was read`);
      check(where, html);
    }
    for (const { where, messages } of posted) messages.forEach((m, i) => check(`${where} #${i + 1}`, m));

    // 3. Settings: every value of ours at every level, and the settings files on disk.
    const config = vscode.workspace.getConfiguration('tuneStudio');
    check('tuneStudio settings', JSON.stringify(config));
    const declared = Object.keys((context.extension.packageJSON as { contributes?: { configuration?: { properties?: object } } }).contributes?.configuration?.properties ?? {});
    assert.ok(declared.length > 0, 'the declared settings were found');
    for (const key of declared) check(`setting ${key}`, JSON.stringify(vscode.workspace.getConfiguration().inspect(key)) ?? '');
    const userDir = path.resolve(context.globalStorageUri.fsPath, '..', '..');
    const settingsFiles = [
      path.join(userDir, 'settings.json'),
      path.join(userDir, '..', 'Machine', 'settings.json'),
      ...(vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, '.vscode', 'settings.json')),
    ];
    const userSettings = await readFile(settingsFiles[0]!, 'utf8');
    assert.ok(userSettings.includes(env.url), 'the user settings file was read (it names the sandbox)');
    for (const file of settingsFiles) check(file, await readFile(file, 'latin1').catch(() => ''));

    // 4. Global and workspace state.
    for (const [name, memento] of [['globalState', context.globalState], ['workspaceState', context.workspaceState]] as const) {
      for (const key of memento.keys()) check(`${name}[${key}]`, JSON.stringify(memento.get(key)) ?? '');
    }
    assert.ok(context.workspaceState.keys().length > 0, 'workspace state holds something (the sweep) to search');

    // 5. Logs: the extension host's log folder, which holds the "Tune Studio" output channel.
    const logDir = path.dirname(context.logUri.fsPath);
    const logFiles = await filesUnder(logDir);
    assert.ok(
      logFiles.some((f) => /Tune Studio/.test(path.basename(f.file)) && /GET \/tunes/.test(f.text)),
      `the Tune Studio output channel's log was found under ${logDir} (so its absence of keys means something)`,
    );
    for (const f of logFiles) check(f.file, f.text);

    // 6. Files the extension wrote: the workspace, its global and workspace storage.
    const written = [
      ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      context.globalStorageUri.fsPath,
      ...(context.storageUri ? [context.storageUri.fsPath] : []),
    ];
    const files = (await Promise.all(written.map(filesUnder))).flat();
    assert.ok(files.some((f) => f.file === savedFile), 'the saved image is among the files searched');
    for (const f of files) check(f.file, f.text);

    if (found.length > 0) assert.fail(`A piece of a key was found outside SecretStorage (${stats}):\n${summarize(found)}`);
  });
});
