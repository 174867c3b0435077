// Runs last: after every other suite has exercised the extension, no API key may be found anywhere but
// SecretStorage: not in settings, global or workspace state, the logs, a webview's HTML, a request to
// the image CDN (nor a URL to the API), or a file the extension wrote. Three keys are searched for: the
// sandbox's Astria and Cartesia keys, and a made-up key a user typed that the service refused.
import * as assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import { astria, connectToSandbox, extensionApi, recordedRequests, sandboxEnv, waitFor } from './helpers';

const MADE_UP_KEY = 'sd_made_up_by_a_user_7f3a9c21e4';

/** Every regular file under `dir` (missing folders are empty), with its text. */
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

function hits(keys: string[], where: string, text: string): string[] {
  return keys.filter((key) => text.includes(key)).map((key) => `${where} contains ${key.slice(0, 8)}…`);
}

describe('API keys stay in SecretStorage', function () {
  this.timeout(90_000);
  let api: TuneStudioApi;

  before(async () => {
    api = await extensionApi();
    await connectToSandbox(api);
  });

  it('appear nowhere else after the whole suite, a refused key and open panels', async () => {
    const env = sandboxEnv();
    const keys = [env.astriaKey, env.cartesiaKey, MADE_UP_KEY];
    const { context } = api.services;

    // A user types a key the service refuses: it is checked once (sent to the API only) and kept nowhere.
    assert.equal(await vscode.commands.executeCommand('tuneStudio.setAstriaKey', MADE_UP_KEY), false);
    assert.equal(await api.keys.get('astria'), env.astriaKey, 'the refused key replaced nothing');
    const sentMadeUp = (await recordedRequests('api')).some((r) => String(r.headers.authorization ?? '').includes(MADE_UP_KEY));
    assert.ok(sentMadeUp, 'the made-up key was checked against the sandbox (so the search below looks for a key that was really used)');

    // Panels open, so their HTML can be read and the gallery loads images from the CDN.
    const tunes = await astria<{ id: number; trained_at: string | null }[]>('GET', '/tunes');
    const trained = tunes.find((t) => t.trained_at);
    assert.ok(trained, 'the sandbox has a trained tune');
    await vscode.commands.executeCommand('tuneStudio.openRecentImages');
    // While the gallery is the visible tab: a hidden webview loads no images.
    await waitFor('images requested from the CDN', async () => (await recordedRequests('cdn')).some((r) => r.path.startsWith('/images/')) || undefined, 30_000);
    const editor = api.promptEditor.open({ tuneId: trained.id });

    const found: string[] = [];

    // Requests: the CDN gets no Authorization header and no key anywhere; the API gets keys only in the header.
    for (const r of await recordedRequests('cdn')) {
      assert.equal(r.headers.authorization, undefined, `CDN request ${r.path} carried an Authorization header`);
      found.push(...hits(keys, `CDN request ${r.path}`, JSON.stringify(r)));
    }
    for (const r of await recordedRequests('api')) {
      const { authorization: _auth, ...otherHeaders } = r.headers;
      found.push(...hits(keys, `API request ${r.method} ${r.path}`, JSON.stringify({ ...r, headers: otherHeaders })));
    }

    // Webview HTML of every open panel.
    for (const subject of api.gallery.openSubjects()) {
      found.push(...hits(keys, `gallery HTML (${subject.kind})`, api.gallery.panelOf(subject)?.panel.webview.html ?? ''));
    }
    const editorHtml = editor.panel.webview.html;
    assert.match(editorHtml, /Content-Security-Policy/, 'the prompt editor HTML was read');
    found.push(...hits(keys, 'prompt editor HTML', editorHtml));

    // Settings: every value of ours, and the settings files on disk.
    const config = vscode.workspace.getConfiguration('tuneStudio');
    found.push(...hits(keys, 'tuneStudio settings', JSON.stringify(config)));
    const userDir = path.resolve(context.globalStorageUri.fsPath, '..', '..');
    const settingsFiles = [path.join(userDir, 'settings.json'), ...(vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, '.vscode', 'settings.json'))];
    for (const file of settingsFiles) {
      const text = await readFile(file, 'utf8').catch(() => '');
      found.push(...hits(keys, file, text));
    }

    // Global and workspace state.
    for (const [name, memento] of [['globalState', context.globalState], ['workspaceState', context.workspaceState]] as const) {
      for (const key of memento.keys()) found.push(...hits(keys, `${name}[${key}]`, JSON.stringify(memento.get(key)) ?? ''));
    }

    // Logs: the extension host's log folder, which holds the "Tune Studio" output channel.
    const logFiles = await filesUnder(path.dirname(context.logUri.fsPath));
    assert.ok(
      logFiles.some((f) => /GET \/tunes/.test(f.text)),
      `the Tune Studio request log was found under ${path.dirname(context.logUri.fsPath)} (so its absence of keys means something)`,
    );
    for (const f of logFiles) found.push(...hits(keys, f.file, f.text));

    // Files the extension wrote: the workspace, its global and workspace storage.
    const written = [
      ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
      context.globalStorageUri.fsPath,
      ...(context.storageUri ? [context.storageUri.fsPath] : []),
    ];
    for (const dir of written) for (const f of await filesUnder(dir)) found.push(...hits(keys, f.file, f.text));

    assert.deepEqual(found, [], 'a key was found outside SecretStorage');
  });
});
