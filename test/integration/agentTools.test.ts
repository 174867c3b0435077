// The agent tools through vscode.lm.invokeTool, as a chat agent calls them (no chat model needed in
// code-server; in extension-test mode VS Code auto-confirms, so confirmations are checked by calling
// prepareInvocation on the registered tool object). Against the sandbox.
import * as assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import { TOOL_NAMES } from '../../src/agent/names';
import { patternPng } from '../sandbox/png';
import { assertSameImage } from '../pngStrict';
import { astria, connectToSandbox, extensionApi, sandboxEnv, testFetch, waitFor } from './helpers';

const PRIYA = 'Priya Sharma — headshots';

async function invoke(name: string, input: Record<string, unknown>, token?: vscode.CancellationToken): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

describe('Agent tools (Language Model Tools)', function () {
  this.timeout(90_000);
  let api: TuneStudioApi;
  let priyaId: number;
  const results: string[] = [];
  const call = async (name: string, input: Record<string, unknown>, token?: vscode.CancellationToken) => {
    const text = await invoke(name, input, token);
    results.push(text);
    return text;
  };

  before(async () => {
    api = await extensionApi();
    await connectToSandbox(api);
    const tunes = await astria<{ id: number; title: string }[]>('GET', `/tunes?title=${encodeURIComponent('Priya')}`);
    priyaId = tunes.find((t) => t.title === PRIYA)!.id;
  });

  after(() => {
    // No result, whatever it said, may carry a key.
    const { astriaKey, cartesiaKey } = sandboxEnv();
    for (const text of results) assert.ok(!text.includes(astriaKey) && !text.includes(cartesiaKey), 'a tool result contains an API key');
  });

  it('are all registered with VS Code', () => {
    const names = vscode.lm.tools.map((t) => t.name);
    for (const name of TOOL_NAMES) assert.ok(names.includes(name), `${name} is in vscode.lm.tools`);
  });

  it('find a tune by title, and give its state and how to reference it', async () => {
    const found = await call('tuneStudio_findTunes', { query: 'priya' });
    assert.match(found, new RegExp(`tune ${priyaId} “${PRIYA}”: trained, class woman, lora`));
    const details = await call('tuneStudio_getTune', { tuneId: priyaId });
    assert.match(details, /<lora:\d+:1>/);
    assert.match(await call('tuneStudio_findTunes', { query: 'no such tune anywhere' }), /No tune's title contains/);
  });

  it('list a tune’s prompts with their state and image URLs', async () => {
    const text = await call('tuneStudio_listPrompts', { tuneId: priyaId, limit: 3 });
    assert.match(text, new RegExp(`^The newest 3 prompts of tune ${priyaId}:`));
    assert.equal((text.match(/^- prompt \d+ \(tune \d+\): (pending|generating|done|failed)/gm) ?? []).length, 3);
    assert.match(text, /^ {2}image https?:\/\/\S+/m);
  });

  it('refuse an invalid option in the prompt editor’s words, and send nothing', async () => {
    const before = await astria<unknown[]>('GET', `/tunes/${priyaId}/prompts?limit=100`);
    const text = await call('tuneStudio_generateImages', { tuneId: priyaId, text: '<1> portrait', num_images: 9 });
    assert.match(text, /^Error: Not sent: num_images: .*between 1 and 8/);
    const after = await astria<unknown[]>('GET', `/tunes/${priyaId}/prompts?limit=100`);
    assert.equal(after.length, before.length, 'no prompt was created');
  });

  it('generate images, wait on the poller and return their URLs', async () => {
    const text = await call('tuneStudio_generateImages', { tuneId: priyaId, text: '<1> portrait, agent test', num_images: 2, wait: true, waitSeconds: 60 });
    assert.match(text, /^Prompt \d+ on tune \d+ is done:/);
    const urls = text.match(/https?:\/\/\S+\.png/g) ?? [];
    assert.equal(urls.length, 2, text);
    assert.ok(urls.every((u) => u.startsWith(sandboxEnv().cdnUrl)), 'images come from the CDN');
  });

  it('stop waiting when cancelled, and say the prompt was created', async () => {
    // Through the tool object: vscode.lm.invokeTool drops the result of a cancelled call (it rejects with
    // Canceled), so the words the chat would show are read from the tool itself.
    const source = new vscode.CancellationTokenSource();
    const input = { tuneId: priyaId, text: '<1> portrait, cancelled wait', num_images: 1, wait: true, waitSeconds: 60 };
    const pending = api.agentTools.tuneStudio_generateImages.invoke({ input, toolInvocationToken: undefined }, source.token);
    setTimeout(() => source.cancel(), 300);
    const result = await pending;
    const text = (result?.content ?? []).map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    results.push(text);
    assert.match(text, /^Created prompt \d+ on tune \d+; its images were not ready when waiting was cancelled/);
  });

  it('ask before spending, saying what, with which tune and whether it is free', async () => {
    const tool = api.agentTools.tuneStudio_generateImages;
    const token = new vscode.CancellationTokenSource().token;
    const prepared = await tool.prepareInvocation!({ input: { tuneId: priyaId, text: '<1> in a watercolor style', num_images: 4 } }, token);
    assert.equal(prepared?.confirmationMessages?.title, 'Generate 4 images on Astria?');
    const message = prepared?.confirmationMessages?.message;
    const words = typeof message === 'string' ? message : message?.value ?? '';
    assert.match(words, /<1> in a watercolor style/, 'the prompt shows as typed, tokens included');
    assert.match(words, new RegExp(`tune ${priyaId}`));
    assert.match(words, /watercolor style/);
    assert.match(words, /billed by Astria/);
    const createPrepared = await api.agentTools.tuneStudio_createTune.prepareInvocation!({ input: { paths: ['photos'], className: 'dog', branch: 'fast' } }, token);
    const createWords = createPrepared?.confirmationMessages?.message;
    assert.match(typeof createWords === 'string' ? createWords : createWords?.value ?? '', /dog tune from photos on branch fast.*free mock mode/);
  });

  it('create a tune from a workspace folder, naming the files it skipped', async () => {
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const folder = join(root, 'agent-photos');
    await mkdir(folder, { recursive: true });
    try {
      for (let i = 1; i <= 4; i++) await writeFile(join(folder, `dog-${i}.png`), patternPng(`agent-dog-${i}`, 64, 64));
      await writeFile(join(folder, 'notes.txt'), 'not an image');
      const text = await call('tuneStudio_createTune', { paths: ['agent-photos'], className: 'dog', title: 'Agent dog', branch: 'fast' });
      assert.match(text, /^Created tune \d+ “Agent dog-[0-9a-f]{8}” from 4 images; it is (pending|training)\./);
      assert.match(text, /1 file skipped: 1 not an image/);
      assert.match(text, /notes\.txt/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('save an image into the workspace and add it to a Markdown file', async () => {
    const prompts = await astria<{ id: number; images: string[] }[]>('GET', `/tunes/${priyaId}/prompts`);
    const done = prompts.find((p) => p.images.length > 0)!;
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const saved = await call('tuneStudio_saveImage', { url: done.images[0], path: 'agent/best.png' });
    assert.equal(saved, 'Saved agent/best.png.');
    const bytes = await readFile(join(root, 'agent', 'best.png'));
    // Read strictly: every chunk's CRC, the chunk order, the image data byte for byte the CDN's.
    assertSameImage(bytes, Buffer.from(await (await testFetch(done.images[0])).arrayBuffer()), 'agent/best.png');
    assert.match(await call('tuneStudio_saveImage', { url: done.images[0], path: 'agent/best.png' }), /already exists/);

    await writeFile(join(root, 'AGENT.md'), '# Gallery\n');
    try {
      const inserted = await call('tuneStudio_insertImageMarkdown', { url: done.images[0], file: 'AGENT.md', alt: 'Priya [best] shot' });
      assert.match(inserted, /^Added !\[/);
      const document = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === join(root, 'AGENT.md'))!;
      assert.equal(document.getText(), `# Gallery\n\n![Priya \\[best\\] shot](${done.images[0]})\n`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor').then(undefined, () => undefined);
    } finally {
      await rm(join(root, 'AGENT.md'), { force: true });
      await rm(join(root, 'agent'), { recursive: true, force: true });
    }
    assert.match(await call('tuneStudio_saveImage', { url: 'javascript:alert(1)' }), /must be an http\(s\) image URL/);
    assert.match(await call('tuneStudio_insertImageMarkdown', { url: done.images[0], file: '../outside.md' }), /outside the workspace/);
  });

  it('open the gallery of a tune and its prompt editor', async () => {
    assert.equal(await call('tuneStudio_open', { view: 'gallery', tuneId: priyaId }), `Opened the gallery of tune ${priyaId}.`);
    await waitFor('the gallery panel', () => api.gallery.panelOf({ kind: 'tune', tuneId: priyaId }));
    assert.equal(await call('tuneStudio_open', { view: 'promptEditor', tuneId: priyaId }), `Opened the prompt editor of tune ${priyaId}.`);
    assert.ok(api.promptEditor.panelOf(priyaId));
  });

  it('answer a refused key with what to do, not a stack trace', async () => {
    const { astriaKey } = sandboxEnv();
    await api.keys.set('astria', 'sd_refused_by_the_sandbox');
    try {
      const text = await call('tuneStudio_findTunes', {});
      assert.equal(text, 'Error: Astria refused the API key. Ask the user to run "Tune Studio: Set Astria API Key".');
    } finally {
      await api.keys.set('astria', astriaKey);
    }
  });
});
