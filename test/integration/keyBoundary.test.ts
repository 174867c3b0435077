// The API keys go only where their owner sent them. A second sandbox plays the attacker: a cloned
// repository's .vscode/settings.json points the base URLs at it (ignored: they are user settings
// only), then the user's own settings do (the key is still not sent until the user says yes).
import * as assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import type { Sandbox } from '../sandbox/server';
import { connectToSandbox, extensionApi, sandboxEnv, sleep, waitFor } from './helpers';

type Node = Awaited<ReturnType<TuneStudioApi['tunes']['provider']['getChildren']>>[number];

/**
 * Every 8-character piece of each key that appears in any header, URL or body the attacker saw.
 * Pieces that `allowed` keys share (the sandbox's two demo keys share "_sandbox_demo") are not evidence.
 */
function keyPiecesSeenBy(attacker: Sandbox, keys: string[], allowed: string[] = []): string[] {
  const seen = attacker.requests.map((r) => JSON.stringify(r)).join('\n');
  const found: string[] = [];
  for (const key of keys) {
    for (let i = 0; i + 8 <= key.length; i++) {
      const piece = key.slice(i, i + 8);
      if (seen.includes(piece) && !allowed.some((a) => a.includes(piece))) found.push(`${key.slice(0, 4)}…[${i}]`);
    }
  }
  return found;
}

async function rootRows(api: TuneStudioApi): Promise<Node[]> {
  api.tunes.provider.refresh();
  return api.tunes.provider.getChildren();
}

describe('API keys go only where their owner sent them', function () {
  this.timeout(90_000);
  let api: TuneStudioApi;
  let attacker: Sandbox;
  const env = sandboxEnv();
  const config = () => vscode.workspace.getConfiguration('tuneStudio');
  const workspaceSettings = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.vscode', 'settings.json');
  let savedWorkspaceSettings: string | undefined;

  before(async () => {
    api = await extensionApi();
    await connectToSandbox(api);
    const { startSandbox } = await import('../sandbox/server');
    // Same demo keys as the real sandbox: if the key reached it, it would be accepted and used.
    attacker = await startSandbox({ port: 0, cdnPort: 0, quiet: true, speed: 20, hostileDemo: true });
    savedWorkspaceSettings = await readFile(workspaceSettings(), 'utf8').catch(() => undefined);
  });

  after(async () => {
    if (savedWorkspaceSettings === undefined) await rm(workspaceSettings(), { force: true });
    else await writeFile(workspaceSettings(), savedWorkspaceSettings);
    await connectToSandbox(api);
    await attacker.close();
    api.tunes.provider.refresh();
  });

  it('ignores a workspace that points the base URLs elsewhere: the attacker gets no request at all', async () => {
    const changed = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeConfiguration(() => (sub.dispose(), resolve()));
    });
    await mkdir(path.dirname(workspaceSettings()), { recursive: true });
    await writeFile(
      workspaceSettings(),
      JSON.stringify({ 'tuneStudio.astria.baseUrl': attacker.url, 'tuneStudio.cartesia.baseUrl': attacker.cartesiaUrl }, null, 2),
    );
    await Promise.race([changed, sleep(3_000)]);

    assert.equal(api.services.settings.astriaBaseUrl, env.url, 'the Astria base URL still comes from the user settings');
    assert.equal(api.services.settings.cartesiaBaseUrl, env.cartesiaUrl, 'the Cartesia base URL still comes from the user settings');
    const rows = await rootRows(api);
    const labels = await Promise.all(rows.map(async (n) => String((await api.tunes.provider.getTreeItem(n)).label)));
    assert.ok(rows.some((n) => n.kind === 'tune'), `the tree lists the tunes of the server the user chose (rows: ${labels.join(' | ')})`);
    api.cartesia.provider.refresh();
    await api.cartesia.provider.getChildren();
    await vscode.commands.executeCommand('tuneStudio.openRecentImages');
    await sleep(500);
    assert.equal(attacker.requests.length, 0, `the attacker was asked: ${attacker.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    assert.deepEqual(keyPiecesSeenBy(attacker, [env.astriaKey, env.cartesiaKey]), []);
  });

  it('sends nothing to a server the user names until the user says yes, then checks the key there first', async () => {
    await rm(workspaceSettings(), { force: true });
    await config().update('astria.baseUrl', attacker.url, vscode.ConfigurationTarget.Global);
    await config().update('cartesia.baseUrl', attacker.cartesiaUrl, vscode.ConfigurationTarget.Global);
    await waitFor('the new base URL', () => api.services.settings.astriaBaseUrl === attacker.url || undefined);

    // The row that asks, in both trees.
    const rows = await rootRows(api);
    assert.equal(rows.length, 1, `one row, not tunes (rows: ${rows.map((r) => r.kind).join(', ')})`);
    const item = await api.tunes.provider.getTreeItem(rows[0]!);
    assert.equal(
      item.label,
      `Tune Studio is set to talk to ${attacker.url}, but your Astria key was checked on ${env.url}. Use the key there?`,
    );
    assert.equal(item.command?.command, 'tuneStudio.useKeyOnConfiguredServer');
    assert.equal(item.contextValue, 'keyElsewhere', 'the row carries the inline buttons (use the key there / set a different key)');
    api.cartesia.provider.refresh();
    const cartesiaRows = await api.cartesia.provider.getChildren();
    const cartesiaItem = await api.cartesia.provider.getTreeItem(cartesiaRows[0]!);
    assert.match(String(cartesiaItem.label), /your Cartesia key was checked on/);
    // Other features that would send the key: the gallery, a prompt editor, the poller.
    await vscode.commands.executeCommand('tuneStudio.openRecentImages');
    await sleep(500);
    assert.deepEqual(keyPiecesSeenBy(attacker, [env.astriaKey, env.cartesiaKey]), [], 'no piece of any key reached the new server before the yes');

    // "No" (cancel) keeps it that way.
    const original = api.dialogs.choose;
    try {
      api.dialogs.choose = async () => undefined;
      assert.equal(await vscode.commands.executeCommand('tuneStudio.useKeyOnConfiguredServer', 'astria'), false);
      assert.deepEqual(keyPiecesSeenBy(attacker, [env.astriaKey]), [], 'cancelled: still nothing sent');

      // "Yes": the key is checked on the new server, then used there.
      let asked = '';
      api.dialogs.choose = async <T extends string>(message: string, detail: string, actions: T[]) => {
        asked = `${message}\n${detail}`;
        return actions[0];
      };
      const yesAt = Date.now();
      assert.equal(await vscode.commands.executeCommand('tuneStudio.useKeyOnConfiguredServer', 'astria'), true);
      assert.match(asked, new RegExp(`checked on ${env.url.replace(/[.]/g, '\\.')}`), 'the question names where the key was checked');
      const withKey = attacker.requests.filter((r) => String(r.headers.authorization ?? '').includes(env.astriaKey));
      assert.ok(withKey.length >= 1, 'the key was checked on the new server');
      assert.ok(withKey.every((r) => r.at >= yesAt), 'and only after the yes');
      assert.equal(await api.keys.get('astria'), env.astriaKey, 'the key now also applies to the new server');
      assert.equal(await api.keys.get('astria', env.url), env.astriaKey, 'and still to the sandbox: switching back needs no new yes');
      const after = await rootRows(api);
      assert.ok(after.some((n) => n.kind === 'tune'), 'the tree now lists the new server’s tunes');
      assert.deepEqual(keyPiecesSeenBy(attacker, [env.cartesiaKey], [env.astriaKey]), [], 'the Cartesia key, not agreed to, was still not sent');
    } finally {
      api.dialogs.choose = original;
    }
  });
});
