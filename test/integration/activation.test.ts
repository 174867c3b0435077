// The activation pass (scripts/test-integration.ts, `--pass activation`): a fresh window on a folder
// with ordinary YAML and JSON files and no prompt file. Tune Studio must not start for those (it used to
// start for every YAML file), and must start, with its checks, the moment a prompt file is opened,
// whether `*.astria.yaml` or `*.astria.json`, though the folder had none when the window opened.
import * as assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, waitFor } from './helpers';

function folder(): string {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(root, 'the pass opens a folder');
  return root;
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, 'the extension is installed');
  return ext;
}

/** Our own checks' diagnostics on a file (the JSON language server may add its own). */
function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Tune Studio');
}

describe('Activation (a fresh window)', function () {
  this.timeout(60_000);

  it('does not start for a plain docker-compose.yml, other YAML or package.json', async () => {
    assert.equal(extension().isActive, false, 'nothing activated it at start-up');
    for (const name of ['docker-compose.yml', 'config.yaml', 'package.json']) {
      const document = await vscode.workspace.openTextDocument(path.join(folder(), name));
      await vscode.window.showTextDocument(document);
      assert.notEqual(document.languageId, 'astria-prompts-yaml', `${name} keeps its own language`);
    }
    // Activation events are handled asynchronously: give them time to be (wrongly) acted upon.
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal(extension().isActive, false, 'opening ordinary YAML and JSON files did not activate Tune Studio');
  });

  it('starts when an *.astria.yaml is opened, and checks it', async () => {
    const file = path.join(folder(), 'headshots.astria.yaml');
    // `cfg_scael` is a misspelt option: the checks say so (did you mean cfg_scale?).
    await writeFile(file, 'tune: 1504944\nprompts:\n  - text: a portrait of ohwx man\n    cfg_scael: 7\n');
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'astria-prompts-yaml', 'the file gets the prompt file language (YAML highlighting)');
    await waitFor('the extension to activate', () => extension().isActive || undefined);
    const diagnostics = await waitFor('the prompt file checks', () => (ourDiagnostics(document.uri).length ? ourDiagnostics(document.uri) : undefined));
    assert.ok(
      diagnostics.some((d) => /cfg_scale/.test(d.message)),
      `the misspelt option is pointed out: ${diagnostics.map((d) => d.message).join(' | ')}`,
    );
  });

  it('checks an *.astria.json too, with the JSON language features (schema) on it', async () => {
    const file = path.join(folder(), 'products.astria.json');
    await writeFile(file, JSON.stringify({ tune: 1504944, prompts: [{ text: 'a bottle on a table', cfg_scael: 7 }] }, null, 2));
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'astria-prompts-json');
    const diagnostics = await waitFor('the prompt file checks', () => (ourDiagnostics(document.uri).length ? ourDiagnostics(document.uri) : undefined));
    assert.ok(diagnostics.some((d) => /cfg_scale/.test(d.message)), diagnostics.map((d) => d.message).join(' | '));
    // The JSON language server serves the file (jsonLanguageParticipants): its schema check names the unknown key too.
    await waitFor('the JSON schema check', () =>
      vscode.languages.getDiagnostics(document.uri).some((d) => d.source !== 'Tune Studio') || undefined,
    );
  });
});
