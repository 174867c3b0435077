// Prompt files (*.astria.yaml / *.astria.json) in a real VS Code host against the sandbox: our own
// diagnostics (no YAML extension installed), CodeLenses, Generate with the id written back and the rest
// of the file byte-identical (under the right entry when the file is edited during the run), the
// duplicate question, Generate All with a 422 half way, hovers with the sandbox CDN's images,
// completions, and titles resolved on the documented profile.
import type { PromptFilesFeature } from '../../src/commands/promptFiles/feature';
import * as assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import type { Prompt, Tune } from '../../src/api/astria/types';
import { draftStorageKey, readStoredDraft } from '../../src/webviews/promptEditorModel';
import { defaultDraft } from '../../src/shared/prompt/draft';
import type { GalleryPage, GallerySubject } from '../../src/shared/gallery';
import type { ResponseMessage } from '../../src/shared/rpc';
import { parsePromptFile } from '../../src/shared/promptFile';
import { admin, astria, connectToSandbox, extensionApi, sandboxEnv, waitFor } from './helpers';

let api: TuneStudioApi;
/** The prompt files' machinery (loaded on first use; these tests use it from the start). */
let files: PromptFilesFeature;
let requestId = 1;

/** A request exactly as a webview sends it, answered by the host (or its error thrown). */
async function answerOf(response: ResponseMessage | undefined): Promise<unknown> {
  assert.ok(response, 'the host answered (it refuses unchecked messages otherwise)');
  if (!response.ok) throw new Error(response.error);
  return response.result;
}
const asked: string[] = [];
let answer = true;

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration workspace has a folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

async function openFile(name: string, text: string): Promise<vscode.TextDocument> {
  const uri = workspaceFile(name);
  await writeFile(uri.fsPath, text);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return document;
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Tune Studio');
}

async function diagnosticsOf(document: vscode.TextDocument, atLeast = 1): Promise<{ line: number; message: string; severity: string }[]> {
  const found = await waitFor(`${atLeast} diagnostics on ${document.fileName}`, () => {
    const list = ours(document.uri);
    return list.length >= atLeast ? list : undefined;
  });
  return found.map((d) => ({ line: d.range.start.line + 1, message: d.message, severity: vscode.DiagnosticSeverity[d.severity] }));
}

async function lensTitles(document: vscode.TextDocument): Promise<{ line: number; title: string }[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
  return lenses.filter((l) => l.command?.title).map((l) => ({ line: l.range.start.line + 1, title: l.command!.title }));
}

async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  const markdown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
  // MarkdownString.appendText escapes: read it as a person would.
  return markdown.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1');
}

async function promptsOf(tuneId: number): Promise<Prompt[]> {
  return astria<Prompt[]>('GET', `/tunes/${tuneId}/prompts?limit=100`);
}

describe('Prompt files', function () {
  this.timeout(120_000);
  let studio: Tune;
  let lookalike: Tune;
  /** The images of the prompt the Generate test created. */
  let studioImages: string[] = [];
  let originalConfirm: typeof api.promptFiles.dialogs.confirm;

  before(async () => {
    api = await extensionApi();
    files = await api.promptFiles.loaded();
    await connectToSandbox(api);
    // Desktop VS Code's default. The web workbench (code-server) saves a second after every edit, which
    // would save the ids (and anything typed) whatever Generate does.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
    studio = await admin<Tune>('POST', '/seed-gallery', { count: 1, title: 'Prompt files — studio' });
    // Titled like a Gemini model, so the editor's heuristic offers `resolution`: the server refuses it (a real 422).
    lookalike = await admin<Tune>('POST', '/seed-gallery', { count: 1, title: 'Prompt files — Gemini look-alike' });
    originalConfirm = api.promptFiles.dialogs.confirm;
    api.promptFiles.dialogs.confirm = async (message: string, detail: string) => {
      asked.push(`${message}\n${detail}`);
      return answer;
    };
  });

  after(async () => {
    api.promptFiles.dialogs.confirm = originalConfirm;
    // Generate leaves its ids unsaved: saved here, so closing the editors asks nothing.
    await vscode.workspace.saveAll(false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('files').update('autoSave', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows the prompt editor’s words on the right lines (unknown option, range, dependency), with no YAML extension', async () => {
    assert.equal(vscode.extensions.getExtension('redhat.vscode-yaml'), undefined, 'no YAML extension: our own validator reports');
    const document = await openFile(
      'problems.astria.yaml',
      [
        `tune: ${studio.id}`,
        'prompts:',
        '  - name: typo',
        '    text: <1> portrait',
        '    num_image: 2',
        '  - name: too many',
        '    text: <1> portrait',
        '    num_images: 9',
        '  - name: needs upscaling',
        '    text: <1> portrait',
        '    inpaint_faces: true',
        '  - name: fine',
        '    text: <1> portrait',
        '',
      ].join('\n'),
    );
    const found = await diagnosticsOf(document, 3);
    assert.deepEqual(
      found.sort((a, b) => a.line - b.line),
      [
        { line: 5, message: 'Unknown option "num_image". Did you mean "num_images"?', severity: 'Error' },
        { line: 8, message: 'Number of images must be between 1 and 8.', severity: 'Error' },
        { line: 11, message: 'Inpaint faces needs super resolution: turn that on first.', severity: 'Error' },
      ],
    );
  });

  it('offers a quick fix for each “Did you mean”: applying it replaces the misspelt key and the problem goes away (guards issue #24)', async () => {
    const document = await openFile(
      'typos.astria.yaml',
      [`tune: ${studio.id}`, 'defautls:', '  num_images: 1', 'prompts:', '  - name: typo', '    text: <1> a dog', '    cfg_scle: 5', ''].join('\n'),
    );
    const found = await diagnosticsOf(document, 2);
    assert.deepEqual(found.map((d) => d.message).sort(), [
      'Unknown key "defautls": a prompt file has tune, defaults and prompts. Did you mean "defaults"?',
      'Unknown option "cfg_scle". Did you mean "cfg_scale"?',
    ].sort());
    const fixAt = async (line: number, column: number): Promise<vscode.CodeAction[]> =>
      vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(line, column, line, column), vscode.CodeActionKind.QuickFix.value);
    const [fix] = (await fixAt(6, 6)).filter((a) => a.title.startsWith('Change to'));
    assert.ok(fix?.edit, 'a quick fix is offered on the misspelt option');
    assert.equal(fix.title, 'Change to “cfg_scale”');
    assert.equal(fix.isPreferred, true, 'it is the preferred fix (Ctrl+. then Enter, or Auto Fix)');
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.lineAt(6).text, '    cfg_scale: 5', 'the key is replaced, the value kept');
    await waitFor('the fixed problem to go away', () => (ours(document.uri).length === 1 ? true : undefined));
    const [rootFix] = (await fixAt(1, 2)).filter((a) => a.title.startsWith('Change to'));
    assert.equal(rootFix?.title, 'Change to “defaults”');
    assert.ok(await vscode.workspace.applyEdit(rootFix.edit!));
    assert.equal(document.lineAt(1).text, 'defaults:');
    await waitFor('the problems to go away', () => (ours(document.uri).length === 0 ? true : undefined));
    assert.deepEqual(await fixAt(6, 6), [], 'no fix left to offer');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('offers the same quick fix in a *.astria.json file, keeping the key’s quotes', async () => {
    const document = await openFile('typos.astria.json', `{\n  "tune": ${studio.id},\n  "prompts": [\n    { "text": "<1> a dog", "num_image": 1 }\n  ]\n}\n`);
    const [problem] = await diagnosticsOf(document);
    assert.match(problem.message, /Did you mean "num_images"\?$/);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(3, 30, 3, 30), vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Change to “num_images”');
    assert.ok(fix?.edit, `a quick fix is offered: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.lineAt(3).text, '    { "text": "<1> a dog", "num_images": 1 }');
    await waitFor('the problem to go away', () => (ours(document.uri).length === 0 ? true : undefined));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('says when the tune is unknown or expired, on the tune line, and when the file is malformed', async () => {
    const unknown = await openFile('unknown.astria.yaml', '# a comment\ntune: No such tune anywhere\nprompts:\n  - text: hi\n');
    assert.deepEqual(await diagnosticsOf(unknown), [
      { line: 2, message: 'No tune is titled “No such tune anywhere” on this Astria account: write its exact title or its id.', severity: 'Error' },
    ]);
    const expired = await openFile('expired.astria.yaml', 'tune: Ada Lovelace — portraits\nprompts:\n  - text: <1> portrait\n');
    const [problem] = await diagnosticsOf(expired);
    assert.equal(problem.line, 1);
    assert.match(problem.message, /^Tune \d+ “Ada Lovelace — portraits” is expired: only a trained tune can generate images\.$/);
    const broken = await openFile('broken.astria.json', '{\n  "tune": 1,\n  "prompts": [\n    { "text": "a" \n  ]\n}\n');
    const [malformed] = await diagnosticsOf(broken);
    assert.match(malformed.message, /^This is not valid JSON: /);
  });

  it('puts Generate All, Generate, Sweep… and Open in Prompt Editor above the prompts, and completes options with their range', async () => {
    const document = await openFile('lenses.astria.yaml', `tune: ${studio.id}\ndefaults:\n  num_images: 2\nprompts:\n  - name: one\n    text: <1> one\n  - name: two\n    text: <1> two\n    num_images: 3\n`);
    const titles = await waitFor('the CodeLenses', async () => {
      const list = await lensTitles(document);
      return list.length >= 7 ? list : undefined;
    });
    assert.deepEqual(titles, [
      { line: 1, title: '$(run-all) Generate All (2 prompts, 5 images)' },
      { line: 5, title: '$(sparkle) Generate' },
      { line: 5, title: '$(table) Sweep…' },
      { line: 5, title: 'Open in Prompt Editor' },
      { line: 7, title: '$(sparkle) Generate' },
      { line: 7, title: '$(table) Sweep…' },
      { line: 7, title: 'Open in Prompt Editor' },
    ]);
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((b) => b.insert(new vscode.Position(6, 0), '    \n'));
    const keys = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(6, 4));
    const numImages = keys.items.find((i) => i.label === 'num_images');
    assert.ok(numImages, 'num_images is offered inside a prompt');
    assert.equal(numImages.detail, 'a whole number from 1 to 8');
    await editor.edit((b) => b.replace(new vscode.Range(6, 0, 6, 4), '    aspect_ratio: '));
    const values = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(6, 18));
    assert.ok(values.items.some((i) => i.label === '16:9'), 'aspect ratios are offered after aspect_ratio:');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Generate creates the prompt, writes its id next to it (rest byte-identical) and the hover shows the CDN images', async () => {
    const original = [
      '# Studio portraits — reviewed in PRs',
      `tune: ${studio.id}   # Prompt files — studio`,
      'defaults:',
      '  num_images: 2',
      'prompts:',
      '  - name: studio',
      '    text: <1> portrait, studio light',
      '    seed: 42 # keep this seed',
      '  - name: later',
      '    text: <1> later',
      '',
    ].join('\n');
    const document = await openFile('studio.astria.yaml', original);
    await files.controller.stateOf(document);
    const before = (await promptsOf(studio.id)).length;
    const summary = await api.promptFiles.generate(document.uri, 0);
    assert.equal(summary?.created.length, 1, JSON.stringify(summary));
    const promptId = summary!.created[0].promptId;
    const expected = original.replace('    seed: 42 # keep this seed\n', `    seed: 42 # keep this seed\n    id: ${promptId}\n`);
    assert.equal(document.getText(), expected, 'only the id line was added');
    assert.ok(document.isDirty, 'the id is an unsaved edit');
    assert.equal(await readFile(document.uri.fsPath, 'utf8'), original, 'the run saved nothing: the file on disk is as the user left it');
    await document.save(); // as the user would, to keep the id
    assert.equal(await readFile(document.uri.fsPath, 'utf8'), expected);
    const created = (await promptsOf(studio.id)).find((p) => p.id === promptId);
    assert.ok(created, 'the prompt exists on the server');
    assert.equal((await promptsOf(studio.id)).length, before + 1);
    assert.equal(created.text, '<1> portrait, studio light');
    assert.equal(created.seed, 42);
    assert.equal(created.num_images, 2);

    // The one poller brings the images; the lens follows.
    const done = await waitFor('the run to show its images in the CodeLens', async () => (await lensTitles(document)).find((l) => l.title === '✓ Gallery (2 images)'), 60_000);
    assert.equal(done.line, 6);
    const hover = await hoverText(document, new vscode.Position(6, 10));
    const { cdnUrl } = sandboxEnv();
    const images = hover.match(/!\[image \d\]\(([^)|]+)/g) ?? [];
    assert.equal(images.length, 2, hover);
    assert.ok(hover.includes(`](${cdnUrl}/`), `hover images come from the sandbox CDN (${cdnUrl}): ${hover}`);
    assert.match(hover, /\[\$\(file-media\) Open Gallery\]\(command:tuneStudio\.promptFile\.openGallery\?/);
    studioImages = (await promptsOf(studio.id)).find((p) => p.id === promptId)!.images;
  });

  it('never saves the file: the id is one edit Undo takes back, and what was typed during the run stays unsaved (guards: a saved file was saved after the run, typing included)', async () => {
    const original = `tune: ${studio.id}\ndefaults:\n  num_images: 1\nprompts:\n  - name: typed during\n    text: <1> typed during the run\n`;
    const document = await openFile('unsaved.astria.yaml', original);
    const editor = await vscode.window.showTextDocument(document);
    await files.controller.stateOf(document);
    assert.equal(document.isDirty, false, 'saved before the run');
    // Astria answers late; the user types a note at the top meanwhile.
    await admin('POST', '/faults', { match: `^/tunes/${studio.id}/prompts$`, method: 'POST', origin: 'api', kind: 'slow', delayMs: 1_500 });
    const note = '# a note typed during the run\n';
    let typed: Thenable<boolean> | undefined;
    const typing = files.controller.onDidChange(() => {
      if (!typed && files.controller.isSending(document, 0)) typed = editor.edit((b) => b.insert(new vscode.Position(0, 0), note));
    });
    const summary = await api.promptFiles.generate(document.uri, 0).finally(() => typing.dispose());
    assert.ok(typed && (await typed), 'the note was typed while the prompt was out');
    assert.equal(summary?.created.length, 1, JSON.stringify(summary));
    const id = summary!.created[0].promptId;
    const withId = original.replace('    text: <1> typed during the run\n', `    text: <1> typed during the run\n    id: ${id}\n`);
    assert.equal(document.getText(), note + withId, 'the note and the id are in the editor');
    assert.ok(document.isDirty, 'and neither is saved');
    assert.equal(await readFile(document.uri.fsPath, 'utf8'), original, 'the file on disk is as the user saved it');
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.equal(document.getText(), note + original, 'Undo takes the id back, and only the id');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  describe('the id written back while the user edits the file during the run (issue #23)', () => {
    const window = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
    const entry = (name: string, text: string) => `  - name: ${name}\n    text: <1> ${text}\n`;
    const withId = (text: string, entryText: string, id: number) => {
      assert.equal(text.split(entryText).length, 2, `“${entryText.trim()}” is in the file once`);
      return text.replace(entryText, `${entryText}    id: ${id}\n`);
    };

    /**
     * Generates entry `index` of a new file `original`, Astria answering late; as soon as the entry is being
     * sent, the user replaces the file's prompts with `edited` (one edit, as a paste would be).
     */
    async function generateWhileEditing(fileName: string, original: string, index: number, edited: string) {
      const document = await openFile(fileName, original);
      const editor = await vscode.window.showTextDocument(document);
      await files.controller.stateOf(document);
      await admin('POST', '/faults', { match: `^/tunes/${studio.id}/prompts$`, method: 'POST', origin: 'api', kind: 'slow', delayMs: 1_500 });
      let typed: Thenable<boolean> | undefined;
      const typing = files.controller.onDidChange(() => {
        if (typed || !files.controller.isSending(document, index)) return;
        const start = document.positionAt(document.getText().indexOf('prompts:\n') + 'prompts:\n'.length);
        typed = editor.edit((b) => b.replace(new vscode.Range(start, document.positionAt(document.getText().length)), edited.slice(edited.indexOf('prompts:\n') + 'prompts:\n'.length)));
      });
      const summary = await api.promptFiles.generate(document.uri, index).finally(() => typing.dispose());
      assert.ok(typed && (await typed), 'the file was edited while the prompt was out');
      assert.equal(summary?.created.length, 1, JSON.stringify(summary));
      return { document, summary: summary!, id: summary!.created[0].promptId };
    }

    it('an entry inserted above: the id lands under the sent entry, not under the entry now at its old place (guards: the id written by index)', async () => {
      const header = `tune: ${studio.id}\ndefaults:\n  num_images: 1\nprompts:\n`;
      const first = entry('first', 'first'), second = entry('second', 'second'), inserted = entry('inserted', 'inserted above');
      const edited = header + inserted + first + second;
      const { document, id } = await generateWhileEditing('inserted.astria.yaml', header + first + second, 1, edited);
      assert.equal(document.getText(), withId(edited, second, id), 'the inserted entry is kept, the id is under “second” only, nothing else changed');
      assert.equal(parsePromptFile(document.getText(), 'yaml').entries.filter((e) => e.id).map((e) => e.name).join(), 'second');
    });

    it('entries reordered: the id follows the sent entry to its new place (guards: the id given to whatever took its place)', async () => {
      const header = `tune: ${studio.id}\ndefaults:\n  num_images: 1\nprompts:\n`;
      const first = entry('first', 'first of two'), second = entry('second', 'second of two');
      const edited = header + second + first;
      const { document, id } = await generateWhileEditing('reordered.astria.yaml', header + first + second, 0, edited);
      assert.equal(document.getText(), withId(edited, first, id), 'the new order is kept, the id is under “first” only');
      assert.equal(parsePromptFile(document.getText(), 'yaml').entries.filter((e) => e.id).map((e) => e.name).join(), 'first');
    });

    it('the entry renamed: the id lands under its new name, found by the request that was sent (guards: the id lost or given to another entry)', async () => {
      const header = `tune: ${studio.id}\ndefaults:\n  num_images: 1\nprompts:\n`;
      const before = entry('draft name', 'renamed during the run'), other = entry('other', 'another one');
      const renamed = entry('final name', 'renamed during the run');
      const edited = header + renamed + other;
      const { document, id, summary } = await generateWhileEditing('renamed.astria.yaml', header + before + other, 0, edited);
      assert.equal(document.getText(), withId(edited, renamed, id), 'the new name is kept, the id is under it only');
      assert.equal(summary.created[0].idNotWritten, undefined, 'and the summary says so');
    });

    it('renamed and rewritten during the run: a warning gives the id to add, and nothing is written (guards: a guess)', async () => {
      const header = `tune: ${studio.id}\ndefaults:\n  num_images: 1\nprompts:\n`;
      const before = entry('draft name', 'before the rewrite'), other = entry('other', 'left alone');
      const edited = header + entry('final name', 'after the rewrite') + other;
      const shown: { severity: string; message: string }[] = [];
      const originals = { warning: window.showWarningMessage, info: window.showInformationMessage };
      const capture = (severity: string) => ((message: string) => (shown.push({ severity, message }), Promise.resolve(undefined))) as never;
      window.showWarningMessage = capture('warning');
      window.showInformationMessage = capture('info');
      try {
        const { document, id, summary } = await generateWhileEditing('rewritten.astria.yaml', header + before + other, 0, edited);
        assert.equal(document.getText(), edited, 'the user’s edit is all there is: no id anywhere');
        assert.equal(summary.created[0].idNotWritten, true);
        const warning = shown.find((s) => s.severity === 'warning' && s.message.includes('“draft name”'));
        assert.equal(warning?.message, `Prompt ${id} was created for “draft name”, but the file changed meanwhile: add “id: ${id}” to that prompt yourself.`);
        // The run's summary (not a notification of another prompt finishing meanwhile, e.g. the previous test's).
        const info = shown.find((s) => s.severity === 'info' && s.message.includes('“draft name”'));
        assert.ok(info && !info.message.includes('in the file (not saved yet)') && info.message.includes(`add id: ${id} to “draft name” yourself`), `the summary does not say the id is in the file: ${info?.message}`);
      } finally {
        window.showWarningMessage = originals.warning;
        window.showInformationMessage = originals.info;
      }
    });
  });

  it('asks before generating an unchanged prompt again, and sends nothing when told no', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('studio.astria.yaml'));
    const before = (await promptsOf(studio.id)).length;
    asked.length = 0;
    answer = false;
    const summary = await api.promptFiles.generate(document.uri, 0);
    answer = true;
    assert.equal(asked.length, 1);
    assert.match(asked[0], /^“studio” already ran as prompt \d+ with the same text and options\. Generate it again\?/);
    assert.deepEqual(summary?.created, []);
    assert.equal((await promptsOf(studio.id)).length, before, 'no duplicate was created');
  });

  it('counts in the Generate All CodeLens only what will be sent: an entry that already ran unchanged is left out, as the confirmation says (guards issue #24)', async () => {
    // studio.astria.yaml: “studio” ran as prompt N with 2 images (the Generate test), “later” never ran (2 images).
    const document = await vscode.workspace.openTextDocument(workspaceFile('studio.astria.yaml'));
    await vscode.window.showTextDocument(document);
    const lens = await waitFor('the Generate All CodeLens', async () => (await lensTitles(document)).find((l) => l.title.includes('Generate All')));
    assert.equal(lens.title, '$(run-all) Generate All (1 prompt, 2 images; 1 already ran unchanged)');
    asked.length = 0;
    answer = false;
    const summary = await api.promptFiles.generate(document.uri);
    answer = true;
    assert.deepEqual(summary?.created, [], 'told no: nothing sent');
    assert.match(asked[0] ?? '', /^Generate 1 prompt with 2 images from studio\.astria\.yaml\?/, 'the confirmation says the same counts as the lens');
    // A file whose every runnable entry already ran: the lens says it would run them again.
    const text = document.getText();
    const onlyRan = await openFile('ran.astria.yaml', text.slice(0, text.indexOf('  - name: later')));
    const again = await waitFor('the Generate All Again CodeLens', async () => (await lensTitles(onlyRan)).find((l) => l.title.includes('Generate All')));
    assert.equal(again.title, '$(run-all) Generate All Again (1 prompt, 2 images, all already ran unchanged)');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Generate All: one confirmation with prompts and images; a 422 half way becomes a diagnostic, the rest is recorded', async () => {
    const original = `tune: ${lookalike.id}\nprompts:\n  - name: plain\n    text: <1> plain\n    num_images: 1\n  - name: sharp\n    text: <1> sharp\n    num_images: 2\n    resolution: 2K\n`;
    const document = await openFile('lookalike.astria.yaml', original);
    await files.controller.stateOf(document);
    asked.length = 0;
    const summary = await api.promptFiles.generate(document.uri);
    assert.equal(asked.length, 1);
    assert.match(asked[0], /^Generate 2 prompts with 3 images from lookalike\.astria\.yaml\?/);
    assert.deepEqual(summary?.created.map((c) => c.name), ['plain']);
    assert.equal(summary?.notRun.length, 1);
    assert.equal(summary?.notRun[0].name, 'sharp');
    assert.match(summary!.notRun[0].reason, /resolution is not supported by this model/);
    const id = summary!.created[0].promptId;
    assert.equal(document.getText(), original.replace('    num_images: 1\n', `    num_images: 1\n    id: ${id}\n`));
    const problems = await waitFor('the 422 on its line', () => ours(document.uri).find((d) => /resolution is not supported/.test(d.message)));
    assert.equal(problems.range.start.line + 1, 10, 'on the resolution line of “sharp”');
  });

  it('works the same for *.astria.json: diagnostics, Generate, the id written as JSON', async () => {
    const original = `{\n  "tune": ${studio.id},\n  "defaults": { "num_images": 1 },\n  "prompts": [\n    {\n      "name": "json",\n      "text": "<1> from JSON"\n    },\n    { "name": "bad", "text": "<1> x", "steps": 99 }\n  ]\n}\n`;
    const document = await openFile('studio.astria.json', original);
    const found = await waitFor('the steps problem', () => ours(document.uri).find((d) => d.message === 'Steps must be between 0 and 50.'));
    assert.equal(found.range.start.line + 1, 9);
    const summary = await api.promptFiles.generate(document.uri, 0);
    const id = summary?.created[0]?.promptId;
    assert.ok(id, JSON.stringify(summary));
    assert.equal(document.getText(), original.replace('      "text": "<1> from JSON"\n', `      "text": "<1> from JSON",\n      "id": ${id}\n`));
    assert.equal(JSON.parse(document.getText()).prompts[0].id, id);
    const refused = await api.promptFiles.generate(document.uri, 1);
    assert.deepEqual(refused?.notRun, [{ name: 'bad', reason: 'Steps must be between 0 and 50.' }], 'nothing is sent for a prompt with a problem');
  });

  it('*.astria.json gets completions from the contributed JSON Schema (VS Code’s JSON support)', async () => {
    const document = await openFile('schema.astria.json', `{\n  "tune": ${studio.id},\n  "prompts": [\n    { "text": "<1> hi",  }\n  ]\n}\n`);
    const position = new vscode.Position(3, 24);
    const labels = await waitFor('schema completions', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
      const names = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label).replace(/"/g, ''));
      return names.includes('num_images') ? names : undefined;
    }, 30_000);
    assert.ok(labels.includes('aspect_ratio') && labels.includes('name'), labels.join(' '));
    assert.ok(!labels.includes('tune'), 'only the options of a prompt are offered inside one');
  });

  it('Open in Prompt Editor fills the editor with every option of the entry', async () => {
    const document = await openFile('open.astria.yaml', `tune: ${studio.id}\nprompts:\n  - name: wide\n    text: <1> wide shot\n    num_images: 3\n    seed: 9\n    aspect_ratio: "16:9"\n`);
    await files.controller.stateOf(document);
    await vscode.commands.executeCommand('tuneStudio.promptFile.openInPromptEditor', document.uri.toString(), 0);
    const panel = await waitFor('the prompt editor of the tune', () => api.promptEditor.panelOf(studio.id));
    const stored = await waitFor('the draft in the editor', () => readStoredDraft(api.services.context.workspaceState.get(draftStorageKey(studio.id))));
    assert.equal(stored.text, '<1> wide shot');
    assert.equal(stored.num_images, '3');
    assert.equal(stored.seed, '9');
    assert.equal(stored.aspect_ratio, '16:9');
    panel.panel.dispose();
  });

  it('Sweep… on an entry opens the prompt editor with the entry’s text and options and its Sweep section open', async () => {
    const document = await openFile('sweep.astria.yaml', `tune: ${studio.id}\ndefaults:\n  num_images: 2\nprompts:\n  - name: first\n    text: <1> first\n  - name: close-up\n    text: <1> close-up\n    cfg_scale: 6\n    seed: 4\n`);
    api.promptEditor.panelOf(studio.id)?.panel.dispose();
    const lens = await waitFor('the Sweep… CodeLens of the second entry', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
      return lenses.find((l) => l.command?.title === '$(table) Sweep…' && l.range.start.line === 6);
    });
    assert.ok(lens.command);
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    const panel = await waitFor('the prompt editor of the tune', () => api.promptEditor.panelOf(studio.id));
    assert.ok((await panel.whenRendered()) > 0, 'the form rendered');
    const revealed = await waitFor('the webview to open its Sweep section', () => panel.lastRevealed);
    assert.deepEqual(revealed, { section: 'sweep', open: true }, 'the webview says its Sweep section is open');
    const draft = panel.currentDraft;
    assert.equal(draft.text, '<1> close-up', 'the second entry, not the first');
    assert.equal(draft.num_images, '2', 'the file’s defaults apply');
    assert.equal(draft.cfg_scale, '6');
    assert.equal(draft.seed, '4');
    assert.deepEqual(panel.webviewErrors, []);
    panel.panel.dispose();
  });

  it('hovering <lora:ID:w> or an image URL of a run in any file shows the tune / the image', async () => {
    assert.equal(studioImages.length, 2, 'the Generate test ran');
    const document = await openFile('notes.md', `Use <lora:${studio.id}:0.8> for the studio look.\n\n![best](${studioImages[1]})\n\nSee http://example.com/not-astria.png too.\n`);
    const text = await waitFor('the tune hover', async () => {
      const value = await hoverText(document, new vscode.Position(0, 8));
      return value.includes('Prompt files') ? value : undefined;
    });
    assert.match(text, new RegExp(`Prompt files — studio[\\s\\S]*Tune ${studio.id} · trained · lora`));
    const image = await hoverText(document, new vscode.Position(2, 12));
    assert.ok(image.includes(`](${studioImages[1]})`), `the image hover links to the image: ${image}`);
    assert.match(image, /!\[Astria image\]\(data:image\/png;base64,/, 'the sandbox’s plain-http image is inlined');
    assert.equal(await hoverText(document, new vscode.Position(4, 12)), '', 'other URLs get no image hover');
  });

  it('Save as Prompt File… in the prompt editor writes the form as a prompt file that checks clean', async () => {
    const target = workspaceFile('saved-from-editor.astria.yaml');
    const original = api.promptEditor.dialogs.savePromptFile;
    api.promptEditor.dialogs.savePromptFile = async () => target;
    try {
      await vscode.commands.executeCommand('tuneStudio.openPromptEditor', { tuneId: studio.id });
      const panel = await waitFor('the editor', () => api.promptEditor.panelOf(studio.id));
      const draft = { ...defaultDraft(), text: '<1> saved: with a colon', num_images: '3', seed: '5', film_grain: true };
      const result = await answerOf(await api.promptEditor.receive(studio.id, { kind: 'request', id: requestId++, method: 'saveAsPromptFile', params: { draft } }));
      assert.deepEqual(result, { saved: 'saved-from-editor.astria.yaml' });
      const text = await readFile(target.fsPath, 'utf8');
      const parsed = parsePromptFile(text, 'yaml');
      assert.deepEqual(parsed.problems, []);
      assert.equal(parsed.tune?.value, studio.id);
      assert.deepEqual(Object.fromEntries([...parsed.entries[0].options].map(([k, v]) => [k, v.value])), { text: '<1> saved: with a colon', num_images: 3, seed: 5, film_grain: true });
      const document = await vscode.workspace.openTextDocument(target);
      assert.equal((await files.controller.stateOf(document))?.entries[0].checked.params?.num_images, 3);
      assert.deepEqual(ours(document.uri), []);
      panel.panel.dispose();
    } finally {
      api.promptEditor.dialogs.savePromptFile = original;
    }
  });

  it('Copy as Prompt File Entry in the gallery gives an entry that knows its run (images in the hover)', async () => {
    const subject: GallerySubject = { kind: 'tune', tuneId: studio.id, title: studio.title };
    await api.gallery.open(subject);
    const gallery = async (method: string, params: unknown) => answerOf(await api.gallery.receive(subject, { kind: 'request', id: requestId++, method, params }));
    const page = (await gallery('loadPage', { cursor: null, refresh: true })) as GalleryPage;
    // The seeded prompt: made outside this window, so only the server can tell whether a run would repeat it.
    const first = page.prompts.find((p) => p.text.includes('gallery shot') && p.images.length > 0 && 'url' in p.images[0])!;
    const shown = { id: first.id, images: first.images.map((i) => ('url' in i ? i.url : '')) };
    await gallery('imageAction', { action: 'copyPromptFileEntry', promptId: shown.id, imageIndex: 0, url: shown.images[0] });
    const entry = await vscode.env.clipboard.readText();
    assert.match(entry, new RegExp(`^  # tune: ${studio.id}\\n  - name: `));
    assert.match(entry, new RegExp(`\\n    id: ${shown.id}\\n$`));
    const document = await openFile('from-gallery.astria.yaml', `tune: ${studio.id}\nprompts:\n${entry}`);
    const state = await files.controller.stateOf(document);
    assert.deepEqual(state?.entries.map((e) => e.entry.id?.value), [shown.id]);
    assert.deepEqual(ours(document.uri), []);
    const line = document.getText().split('\n').findIndex((l) => l.includes('- name:'));
    const hover = await waitFor('the images in the hover', async () => {
      const value = await hoverText(document, new vscode.Position(line, 8));
      return value.includes(shown.images[0]) ? value : undefined;
    });
    assert.ok(hover.includes(sandboxEnv().cdnUrl));

    // Not run from this window, but the server has the same request: running it again asks first.
    asked.length = 0;
    answer = false;
    const before = (await promptsOf(studio.id)).length;
    await api.promptFiles.generate(document.uri, 0);
    answer = true;
    assert.equal(asked.length, 1);
    assert.match(asked[0], new RegExp(`already ran as prompt ${shown.id} with the same text and options`));
    // Edited: a new request, sent without a question, and the new id replaces the old one.
    const editor = await vscode.window.showTextDocument(document);
    const at = document.getText().indexOf('gallery shot', document.getText().indexOf('text: ')) + 'gallery shot'.length;
    await editor.edit((b) => b.insert(document.positionAt(at), ' (edited)'));
    asked.length = 0;
    const summary = await api.promptFiles.generate(document.uri, 0);
    assert.equal(asked.length, 0, 'a changed prompt runs without a question');
    assert.equal(summary?.created.length, 1, `${JSON.stringify(summary)}\n${document.getText()}\n${ours(document.uri).map((d) => d.message).join(' | ')}`);
    assert.equal((await promptsOf(studio.id)).length, before + 1);
    assert.match(document.getText(), new RegExp(`\\n    id: ${summary!.created[0].promptId}\\n`));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.window.tabGroups.close(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview));
  });

  // Changing a setting reconnects (clients rebuilt, caches dropped): late in the suite on purpose.
  it('Cancel during Generate All: the prompt already sent finishes and is recorded, the others are named as not run', async () => {
    const config = vscode.workspace.getConfiguration('tuneStudio');
    await config.update('promptFiles.concurrency', 1, vscode.ConfigurationTarget.Workspace);
    try {
      const original = `tune: ${studio.id}\ndefaults:\n  num_images: 1\nprompts:\n  - name: first\n    text: <1> first\n  - name: second\n    text: <1> second\n  - name: third\n    text: <1> third\n`;
      const document = await openFile('cancel.astria.yaml', original);
      await files.controller.stateOf(document);
      const before = (await promptsOf(studio.id)).length;
      const cancel = new AbortController();
      // Cancel as soon as the first prompt is on its way (one at a time: the others have not started).
      const watching = files.controller.onDidChange(() => {
        if (files.controller.isSending(document, 0)) cancel.abort();
      });
      const summary = await api.promptFiles.generate(document.uri, undefined, cancel.signal).finally(() => watching.dispose());
      assert.deepEqual(summary?.created.map((c) => c.name), ['first']);
      assert.deepEqual(summary?.notRun, [
        { name: 'second', reason: 'cancelled before it was sent' },
        { name: 'third', reason: 'cancelled before it was sent' },
      ]);
      assert.equal((await promptsOf(studio.id)).length, before + 1, 'only the first was created');
      assert.equal(document.getText(), original.replace('    text: <1> first\n', `    text: <1> first\n    id: ${summary!.created[0].promptId}\n`));
    } finally {
      await config.update('promptFiles.concurrency', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('resolves a title on the documented profile (no server title filter)', async () => {
    await admin('POST', '/profile', { profile: 'documented' });
    try {
      files.controller.tunes.clear();
      const document = await openFile('documented.astria.yaml', 'tune: Prompt files — studio\nprompts:\n  - text: <1> hi\n    num_images: 9\n');
      const found = await diagnosticsOf(document);
      assert.deepEqual(found, [{ line: 4, message: 'Number of images must be between 1 and 8.', severity: 'Error' }], 'the tune was found: only the entry’s own problem');
      const state = await files.controller.stateOf(document);
      assert.equal(state?.lookup?.tune?.id, studio.id);
    } finally {
      await admin('POST', '/profile', { profile: 'rich' });
      files.controller.tunes.clear();
    }
  });
});
