// The Restricted Mode pass (scripts/test-integration.ts, `--pass restricted`): workspace trust is on and
// the opened folder is untrusted. Its .vscode/settings.json points both base URLs at a second sandbox
// (the "attacker"); the user's own settings name the real sandbox. The tree and the gallery work with
// the user's settings, the attacker hears nothing, and a prompt file from the folder gets its checks
// but asks before it creates anything.
import * as assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Prompt, Tune } from '../../src/api/astria/types';
import type { TuneStudioApi } from '../../src/extension';
import { admin, astria, extensionApi, recordedRequests, sandboxEnv, waitFor } from './helpers';

type Node = Awaited<ReturnType<TuneStudioApi['tunes']['provider']['getChildren']>>[number];

async function attackerRequests(): Promise<{ method: string; path: string; headers: Record<string, unknown> }[]> {
  const url = process.env.TUNE_STUDIO_ATTACKER_URL;
  assert.ok(url, 'the runner started the attacker sandbox');
  const res = await fetch(`${url}/__admin/requests?origin=api`);
  const body = (await res.json()) as { requests?: unknown[] } | unknown[];
  return (Array.isArray(body) ? body : (body.requests ?? [])) as { method: string; path: string; headers: Record<string, unknown> }[];
}

describe('Restricted Mode (an untrusted folder)', function () {
  this.timeout(120_000);
  let api: TuneStudioApi;
  const env = sandboxEnv();

  before(async () => {
    api = await extensionApi();
    // The keys the user stored earlier, each checked on the server of the user's settings.
    await api.keys.set('astria', env.astriaKey, env.url);
    await api.keys.set('cartesia', env.cartesiaKey, env.cartesiaUrl);
  });

  it('is really Restricted Mode, with a workspace that names another server', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the folder is not trusted');
    const inspected = vscode.workspace.getConfiguration('tuneStudio').inspect<string>('astria.baseUrl');
    assert.equal(inspected?.globalValue, env.url, 'the user settings name the sandbox');
    assert.equal(api.services.settings.astriaBaseUrl, env.url, 'the workspace’s base URL is ignored');
    assert.equal(api.services.settings.cartesiaBaseUrl, env.cartesiaUrl);
  });

  it('lists the tunes and opens the gallery with the user’s settings; the workspace’s server hears nothing', async () => {
    api.tunes.provider.refresh();
    const rows: Node[] = await api.tunes.provider.getChildren();
    assert.ok(rows.filter((n) => n.kind === 'tune').length > 0, `tunes listed (rows: ${rows.map((n) => n.kind).join(', ')})`);
    api.cartesia.provider.refresh();
    const voices = await api.cartesia.provider.getChildren();
    assert.ok(voices.some((n) => n.kind === 'fineTune'), 'Cartesia fine-tunes listed');

    await vscode.commands.executeCommand('tuneStudio.openRecentImages');
    await waitFor('the gallery to load images from the CDN', async () => (await recordedRequests('cdn')).some((r) => r.path.startsWith('/images/')) || undefined, 45_000);
    assert.ok(api.gallery.openSubjects().length > 0, 'a gallery panel is open');

    assert.deepEqual((await attackerRequests()).map((r) => `${r.method} ${r.path}`), [], 'the workspace’s server got no request');
  });

  it('checks a prompt file from the folder, and asks before Generate creates anything', async () => {
    const tune = await admin<Tune>('POST', '/seed-gallery', { count: 1, title: 'Restricted prompt file' });
    const file = path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'came-with-the-repo.astria.yaml');
    await writeFile(file, [`tune: ${tune.id}`, 'prompts:', '  - name: typo', '    text: <1> portrait', '    num_image: 2', '  - name: fine', '    text: <1> portrait', ''].join('\n'));
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const problems = await waitFor('diagnostics', () => {
      const found = vscode.languages.getDiagnostics(document.uri);
      return found.length ? found : undefined;
    });
    assert.match(problems[0]!.message, /Unknown option "num_image"/);

    const before = (await astria<Prompt[]>('GET', `/tunes/${tune.id}/prompts?limit=100`)).length;
    const asked: string[] = [];
    const original = api.promptFiles.dialogs.confirm;
    try {
      api.promptFiles.dialogs.confirm = async (message: string, detail: string) => {
        asked.push(`${message}\n${detail}`);
        return false;
      };
      const summary = await api.promptFiles.generate(document.uri, 1);
      assert.equal(asked.length, 1, 'Generate asked first');
      assert.match(asked[0]!, /not trusted/);
      assert.equal(summary?.created.length ?? 0, 0);
      assert.equal((await astria<Prompt[]>('GET', `/tunes/${tune.id}/prompts?limit=100`)).length, before, 'nothing was created after “no”');

      api.promptFiles.dialogs.confirm = async () => true;
      const yes = await api.promptFiles.generate(document.uri, 1);
      assert.equal(yes?.created.length, 1, 'after “yes” the prompt is created');
    } finally {
      api.promptFiles.dialogs.confirm = original;
    }
    assert.deepEqual((await attackerRequests()).map((r) => `${r.method} ${r.path}`), [], 'the workspace’s server still got no request');
  });
});
