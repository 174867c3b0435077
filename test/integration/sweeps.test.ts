// Sweeps and the compare panel inside a real VS Code host against the sandbox, driven through the
// messages the prompt editor's and the compare panel's webviews send: exactly one prompt per cell, a
// fault shown on its cell and never a duplicate on "Run missing", the cell actions, and the panel
// restored after a reload.
import * as assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import type { Prompt, Tune } from '../../src/api/astria/types';
import { defaultDraft, type PromptDraft } from '../../src/shared/prompt/draft';
import type { PromptEditorProtocol } from '../../src/shared/promptEditor';
import { COMPARE_VIEW_TYPE, type CompareProtocol } from '../../src/shared/compare';
import type { RequestMethod, RequestParams, RequestResult } from '../../src/shared/rpc';
import type { SweepAxis } from '../../src/shared/sweep';
import type { ComparePanel } from '../../src/webviews/comparePanel';
import { assertSameImage } from '../pngStrict';
import { admin, astria, connectToSandbox, extensionApi, recordedRequests, testFetch, waitFor } from './helpers';

let api: TuneStudioApi;
let requestId = 1;

async function editorRequest<M extends RequestMethod<PromptEditorProtocol>>(
  tuneId: number,
  method: M,
  params: RequestParams<PromptEditorProtocol, M>,
): Promise<RequestResult<PromptEditorProtocol, M>> {
  const response = await api.promptEditor.receive(tuneId, { kind: 'request', id: requestId++, method, params });
  assert.ok(response, `${method} got an answer (the host refused the message otherwise)`);
  if (!response.ok) throw new Error(response.error);
  return response.result as RequestResult<PromptEditorProtocol, M>;
}

async function compareRequest<M extends RequestMethod<CompareProtocol>>(
  sweepId: string,
  method: M,
  params: RequestParams<CompareProtocol, M>,
): Promise<RequestResult<CompareProtocol, M>> {
  const response = await api.compare.receive(sweepId, { kind: 'request', id: requestId++, method, params });
  assert.ok(response, `${method} got an answer (the host refused the message otherwise)`);
  if (!response.ok) throw new Error(response.error);
  return response.result as RequestResult<CompareProtocol, M>;
}

let since = 0;

/** Requests the sandbox recorded from `mark` on (the log is never cleared: keyLeak.test.ts reads all of it). */
async function requestsSince(mark: number): Promise<Awaited<ReturnType<typeof recordedRequests>>> {
  return (await recordedRequests()).filter((r) => r.at >= mark);
}

function promptPosts(requests: Awaited<ReturnType<typeof recordedRequests>>, tuneId: number): number {
  return requests.filter((r) => r.method === 'POST' && r.path === `/tunes/${tuneId}/prompts`).length;
}

async function serverPromptsWithText(tuneId: number, text: string): Promise<Prompt[]> {
  const prompts = await astria<Prompt[]>('GET', `/tunes/${tuneId}/prompts?limit=120`);
  return prompts.filter((p) => p.text === text);
}

/** Runs a sweep from the editor and waits until no cell is waiting or being sent. */
async function runSweep(tuneId: number, draft: PromptDraft, axes: SweepAxis[]): Promise<string> {
  const result = await editorRequest(tuneId, 'runSweep', { draft, axes });
  assert.equal(result.status, 'started', `the sweep started (${JSON.stringify(result)})`);
  const sweepId = result.status === 'started' ? result.sweepId : '';
  await waitFor('the sweep to finish creating its prompts', () => !api.compare.sweeps.isRunning(sweepId) || undefined, 30_000);
  return sweepId;
}

async function comparePanel(sweepId: string): Promise<ComparePanel> {
  return waitFor(`the compare panel of sweep ${sweepId}`, () => api.compare.panelOf(sweepId));
}

describe('Sweeps', function () {
  this.timeout(120_000);
  let tune: Tune;
  let questions: string[] = [];
  const originalConfirm = () => api.compare.dialogs.confirm;
  let restoreConfirm: (() => void) | undefined;
  const text = (label: string) => `portrait of <1>, sweep test ${label}`;

  before(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    api = await extensionApi();
    await admin('POST', '/reset');
    await connectToSandbox(api);
    await admin('POST', '/speed', { speed: 20 });
    const found = await astria<Tune[]>('GET', `/tunes?title=${encodeURIComponent('Priya Sharma')}`);
    assert.ok(found[0], 'the sandbox has Priya Sharma');
    tune = found[0];
    const confirm = originalConfirm();
    restoreConfirm = () => (api.compare.dialogs.confirm = confirm);
    api.compare.dialogs.confirm = async (message) => {
      questions.push(message);
      return true;
    };
    await api.promptEditor.open({ tuneId: tune.id });
    await waitFor('the editor to load its tune', () => api.promptEditor.panelOf(tune.id)?.editorTune ?? undefined);
  });

  beforeEach(() => {
    questions = [];
  });

  after(async () => {
    restoreConfirm?.();
    await admin('POST', '/speed', { speed: 20 }); // the suite's usual speed: later suites expect finished prompts
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('tells the grid size before anything is sent, and refuses an empty axis or a grid over the limit', async () => {
    since = Date.now(); // the request log is kept whole for the key-leak check
    const draft = { ...defaultDraft(), text: text('plan') };
    const plan = await editorRequest(tune.id, 'planSweep', {
      draft,
      axes: [
        { kind: 'cfg_scale', values: ['3', '5', '7'] },
        { kind: 'seed', values: ['1', '2'] },
      ],
    });
    assert.deepEqual(plan, { ok: true, prompts: 6, images: 24, columns: 3, rows: 2, tabs: 1, warnings: [] });
    const empty = await editorRequest(tune.id, 'planSweep', { draft, axes: [{ kind: 'steps', values: [] }] });
    assert.equal(empty.ok, false);
    assert.match(empty.ok ? '' : empty.problems.join(' '), /Steps has no values/);
    const many = Array.from({ length: 25 }, (_, i) => String(i + 1));
    const over = await editorRequest(tune.id, 'runSweep', { draft, axes: [{ kind: 'seed', values: many }] });
    assert.equal(over.status, 'refused');
    assert.match(over.status === 'refused' ? over.problems.join(' ') : '', /25 = 25 prompts is over the limit of 24|25 prompts is over the limit of 24/);
    assert.equal(questions.length, 0, 'a refused sweep asks nothing');
    assert.equal(promptPosts(await requestsSince(since), tune.id), 0, 'nothing was created');
  });

  it('refuses a sweep on a tune that is not trained, in words', async () => {
    const pending = (await astria<Tune[]>('GET', '/tunes?limit=120')).find((t) => !t.trained_at && !t.user_error && t.title);
    assert.ok(pending, 'the sandbox has an untrained tune');
    await api.promptEditor.open({ tuneId: pending.id, tune: pending });
    await waitFor('the untrained tune to load', () => api.promptEditor.panelOf(pending.id)?.editorTune ?? undefined);
    const result = await editorRequest(pending.id, 'runSweep', { draft: { ...defaultDraft(), text: 'a test' }, axes: [{ kind: 'seed', values: ['1', '2'] }] });
    assert.equal(result.status, 'refused');
    assert.match(result.status === 'refused' ? result.problems.join(' ') : '', /not trained yet: a sweep needs a trained tune/);
    api.promptEditor.panelOf(pending.id)?.panel.dispose();
  });

  let sweepId = '';

  it('a 3 × 2 sweep asks once, creates exactly 6 prompts with their own options, and the compare grid fills in', async () => {
    since = Date.now(); // the request log is kept whole for the key-leak check
    const draft = { ...defaultDraft(), text: text('3x2'), num_images: '2' };
    sweepId = await runSweep(tune.id, draft, [
      { kind: 'cfg_scale', values: ['3', '5', '7'] },
      { kind: 'seed', values: ['11', '22'] },
    ]);
    assert.equal(questions.length, 1, 'asked once');
    assert.match(questions[0], /Create 6 prompts \(12 images\)/);
    assert.equal(promptPosts(await requestsSince(since), tune.id), 6, 'exactly 6 prompts were posted');
    const record = api.compare.sweeps.get(sweepId);
    assert.ok(record);
    const ids = record.cells.map((c) => c.promptId);
    assert.equal(new Set(ids).size, 6);
    assert.ok(ids.every((id) => typeof id === 'number'));
    const onServer = await serverPromptsWithText(tune.id, text('3x2'));
    assert.equal(onServer.length, 6, 'the server has 6 prompts of this sweep, no more');
    const byId = new Map(onServer.map((p) => [p.id, p]));
    record.cells.forEach((cell, index) => {
      const prompt = byId.get(cell.promptId ?? -1);
      assert.ok(prompt, `cell ${index} is on the server`);
      assert.equal(Number(prompt.cfg_scale), [3, 5, 7][index % 3]);
      assert.equal(prompt.seed, index < 3 ? 11 : 22);
    });

    const panel = await comparePanel(sweepId);
    assert.equal(panel.panel.viewType, COMPARE_VIEW_TYPE);
    assert.match(panel.panel.title, /Compare: CFG scale × Seed on Priya Sharma/);
    const cells = await waitFor('every cell to show its images (the one poller)', () => {
      const all = panel.cells();
      return all.length === 6 && all.every((c) => c.status === 'done' && c.images.length === 2) ? all : undefined;
    }, 30_000);
    assert.deepEqual(cells.map((c) => c.coords), [[0, 0], [1, 0], [2, 0], [0, 1], [1, 1], [2, 1]]);
    const stats = await panel.whenRendered();
    assert.equal(stats.cells, 6, 'the webview painted 6 cells');
    assert.deepEqual(panel.webviewErrors, []);
  });

  it('is listed in the prompt editor’s History and opens from there', async () => {
    const listed = await editorRequest(tune.id, 'listSweeps', {});
    const entry = listed.find((s) => s.sweepId === sweepId);
    assert.ok(entry, 'the sweep is in History');
    assert.equal(entry.prompts, 6);
    assert.equal(entry.missing, 0);
    api.compare.panelOf(sweepId)?.panel.dispose();
    assert.equal(await editorRequest(tune.id, 'openSweep', { sweepId }), null);
    assert.ok(api.compare.panelOf(sweepId), 'the compare panel is open again');
    await assert.rejects(editorRequest(tune.id, 'openSweep', { sweepId: 'nope' }), /not remembered/);
  });

  it('cell actions: like, copy as Markdown, save to the workspace, use these settings', async () => {
    const panel = await comparePanel(sweepId);
    const cell = panel.cells()[4];
    assert.ok(cell.promptId);
    assert.deepEqual(await compareRequest(sweepId, 'setLiked', { index: 4, liked: true }), { liked: true });
    const liked = await astria<Prompt>('GET', `/tunes/${tune.id}/prompts/${cell.promptId}`);
    assert.equal(liked.liked, true, 'liked on the server');

    await compareRequest(sweepId, 'cellAction', { index: 4, imageIndex: 1, action: 'copyMarkdown' });
    const markdown = await vscode.env.clipboard.readText();
    assert.ok(markdown.includes(cell.images[1]), 'the Markdown names the image');
    assert.ok(markdown.startsWith('!['));

    const saved = await compareRequest(sweepId, 'cellAction', { index: 4, imageIndex: 0, action: 'save' });
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const relative = saved.message?.replace(/^Saved /, '') ?? '';
    const bytes = await readFile(join(folder.uri.fsPath, relative));
    // Read strictly: every chunk's CRC, the chunk order, the image data byte for byte the CDN's.
    assertSameImage(bytes, Buffer.from(await (await testFetch(cell.images[0])).arrayBuffer()), relative);
    await rm(join(folder.uri.fsPath, relative.split('/')[0]), { recursive: true, force: true });

    await compareRequest(sweepId, 'cellAction', { index: 4, imageIndex: 0, action: 'useSettings' });
    const editor = api.promptEditor.panelOf(tune.id);
    assert.ok(editor);
    await waitFor('the editor to hold the cell’s settings', () => (editor.currentDraft.cfg_scale === '5' && editor.currentDraft.seed === '22' ? true : undefined));
    assert.equal(editor.currentDraft.text, text('3x2'));

    await assert.rejects(compareRequest(sweepId, 'cellAction', { index: 4, imageIndex: 9, action: 'save' }), /not in this cell/);
    const refused = await api.compare.receive(sweepId, { kind: 'request', id: requestId++, method: 'cellAction', params: { index: 4, imageIndex: 0, action: 'delete' } });
    assert.equal(refused, undefined, 'an unknown action is refused by the check');
  });

  it('writes the contact sheet only when it is a PNG of the size it claims', async () => {
    await comparePanel(sweepId);
    const png = Buffer.alloc(40);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(png);
    png.writeUInt32BE(300, 16);
    png.writeUInt32BE(200, 20);
    await assert.rejects(compareRequest(sweepId, 'exportSheet', { png: png.toString('base64'), width: 301, height: 200 }), /is 300×200, not 301×200/);
    await assert.rejects(compareRequest(sweepId, 'exportSheet', { png: Buffer.from('GIF89a not a png at all, really not').toString('base64'), width: 300, height: 200 }), /not a PNG/);
    const result = await compareRequest(sweepId, 'exportSheet', { png: png.toString('base64'), width: 300, height: 200 });
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    assert.match(result.path, /^sweeps\/Priya Sharma.*-sweep-.*\.png$/);
    assert.deepEqual(await readFile(join(folder.uri.fsPath, result.path)), png);
    await rm(join(folder.uri.fsPath, 'sweeps'), { recursive: true, force: true });
  });

  it('a fault on one cell shows on that cell; Run missing creates only that one, never a duplicate', async () => {
    since = Date.now(); // the request log is kept whole for the key-leak check
    // The first prompt POST answers 500 without doing anything; the second drops the connection after
    // creating its prompt (the runner finds it instead of posting twice).
    await admin('POST', '/faults', { match: `/tunes/${tune.id}/prompts`, method: 'POST', count: 1, kind: 'status500' });
    const draft = { ...defaultDraft(), text: text('fault'), num_images: '1' };
    const id = await runSweep(tune.id, draft, [{ kind: 'steps', values: ['10', '20', '30'] }]);
    let record = api.compare.sweeps.get(id);
    assert.ok(record);
    const failed = record.cells.filter((c) => c.promptId === null);
    assert.equal(failed.length, 1, 'one cell failed');
    assert.match(failed[0].error ?? '', /server error \(500\)/);
    const panel = await comparePanel(id);
    const shown = panel.cells().find((c) => c.status === 'failed');
    assert.ok(shown, 'the failed cell shows as failed');
    assert.match(shown.error ?? '', /server error \(500\)/);
    assert.equal((await serverPromptsWithText(tune.id, text('fault'))).length, 2, 'the other two were created');

    await admin('POST', '/faults', { match: `/tunes/${tune.id}/prompts`, method: 'POST', count: 1, kind: 'reset' });
    const { started } = await compareRequest(id, 'runMissing', {});
    assert.equal(started, 1, 'only the cell without a prompt runs');
    await waitFor('Run missing to finish', () => !api.compare.sweeps.isRunning(id) || undefined, 30_000);
    record = api.compare.sweeps.get(id);
    assert.ok(record);
    assert.ok(record.cells.every((c) => c.promptId !== null && c.error === null), 'every cell has its prompt');
    const onServer = await serverPromptsWithText(tune.id, text('fault'));
    assert.equal(onServer.length, 3, 'three prompts on the server: the dropped connection was not posted twice');
    assert.deepEqual(new Set(onServer.map((p) => p.id)), new Set(record.cells.map((c) => c.promptId)));
    assert.equal((await compareRequest(id, 'runMissing', {})).started, 0, 'nothing left to run');
    assert.equal(promptPosts(await requestsSince(since), tune.id), 4, '3 cells + the one that answered 500');
  });

  it('a real 422 on one cell shows Astria’s words on that cell; the others are created, and Run missing creates only that one', async () => {
    const words = 'contains a word this model refuses (sandbox 422)';
    await vscode.workspace.getConfiguration('tuneStudio').update('sweeps.concurrency', 1, vscode.ConfigurationTarget.Global);
    try {
      since = Date.now(); // the request log is kept whole for the key-leak check
      // One at a time, so the refused POST is the first cell's. The sandbox refuses it before creating anything.
      await admin('POST', '/faults', { match: `/tunes/${tune.id}/prompts`, method: 'POST', count: 1, kind: 'status422', body: { text: [words] } });
      const draft = { ...defaultDraft(), text: text('422'), num_images: '1' };
      const id = await runSweep(tune.id, draft, [{ kind: 'cfg_scale', values: ['4', '6', '8'] }]);
      let record = api.compare.sweeps.get(id);
      assert.ok(record);
      assert.deepEqual(record.cells.map((c) => c.promptId !== null), [false, true, true], 'only the refused cell has no prompt');
      const panel = await comparePanel(id);
      const shown = await waitFor('the refused cell to show as failed', () => {
        const cells = panel.cells();
        return cells.length === 3 && cells[0].status === 'failed' ? cells : undefined;
      });
      assert.ok(shown[0].error?.includes(words), `the cell shows the server’s words: ${shown[0].error}`);
      assert.ok(shown.slice(1).every((c) => c.status !== 'failed' && c.error === null), 'the other cells are not failed');
      let onServer = await serverPromptsWithText(tune.id, text('422'));
      assert.deepEqual(onServer.map((p) => Number(p.cfg_scale)).sort((a, b) => a - b), [6, 8], 'the other two cells were created');
      assert.equal(promptPosts(await requestsSince(since), tune.id), 3, 'one POST per cell: the refused one was not sent again');

      const rerun = Date.now();
      const { started } = await compareRequest(id, 'runMissing', {});
      assert.equal(started, 1, 'only the refused cell runs');
      await waitFor('Run missing to finish', () => !api.compare.sweeps.isRunning(id) || undefined, 30_000);
      record = api.compare.sweeps.get(id);
      assert.ok(record);
      assert.ok(record.cells.every((c) => c.promptId !== null && c.error === null), 'every cell has its prompt');
      const posted = (await requestsSince(rerun)).filter((r) => r.method === 'POST' && r.path === `/tunes/${tune.id}/prompts`);
      assert.equal(posted.length, 1, 'Run missing posted once');
      onServer = await serverPromptsWithText(tune.id, text('422'));
      assert.deepEqual(onServer.map((p) => Number(p.cfg_scale)).sort((a, b) => a - b), [4, 6, 8], 'three prompts, one per cell, no duplicate');
      assert.deepEqual(new Set(onServer.map((p) => p.id)), new Set(record.cells.map((c) => c.promptId)));
      await waitFor('the cell to lose its error', () => (panel.cells()[0]?.error === null ? true : undefined));
    } finally {
      await vscode.workspace.getConfiguration('tuneStudio').update('sweeps.concurrency', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Cancel stops what has not started; Run missing finishes the rest', async () => {
    await vscode.workspace.getConfiguration('tuneStudio').update('sweeps.concurrency', 1, vscode.ConfigurationTarget.Global);
    // Cancel (as the panel's button does) the moment the first cell is being sent.
    let cancelled = false;
    const listener = api.compare.sweeps.onDidChange(({ sweepId: id }) => {
      if (cancelled || api.compare.sweeps.get(id)?.base.text !== text('cancel') || api.compare.sweeps.activityOf(id, 0) !== 'sending') return;
      cancelled = true;
      void api.compare.receive(id, { kind: 'request', id: requestId++, method: 'cancel', params: {} });
    });
    try {
      const draft = { ...defaultDraft(), text: text('cancel'), num_images: '1' };
      const id = await runSweep(tune.id, draft, [{ kind: 'style', values: ['Cinematic', 'Animated', 'Lowpoly', 'Line art'] }]);
      assert.ok(cancelled, 'cancelled while the first cell was being sent');
      const record = api.compare.sweeps.get(id);
      assert.ok(record);
      assert.deepEqual(record.cells.map((c) => c.promptId !== null), [true, false, false, false], 'the cell under way finished, the rest did not start');
      const panel = await comparePanel(id);
      assert.deepEqual(panel.cells().map((c) => c.status === 'not-started'), [false, true, true, true], 'cells show "not started"');
      assert.equal((await serverPromptsWithText(tune.id, text('cancel'))).length, 1);
      const { started } = await compareRequest(id, 'runMissing', {});
      assert.equal(started, 3);
      await waitFor('Run missing to finish', () => !api.compare.sweeps.isRunning(id) || undefined, 30_000);
      const onServer = await serverPromptsWithText(tune.id, text('cancel'));
      assert.equal(onServer.length, 4, 'four prompts, one per cell');
      assert.deepEqual(new Set(onServer.map((p) => p.style)), new Set(['Cinematic', 'Animated', 'Lowpoly', 'Line art']));
    } finally {
      listener.dispose();
      await vscode.workspace.getConfiguration('tuneStudio').update('sweeps.concurrency', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('works on the documented profile too: a dropped connection is found, not posted twice, and the grid fills in', async () => {
    await admin('POST', '/profile', { profile: 'documented' });
    try {
      since = Date.now(); // the request log is kept whole for the key-leak check
      await admin('POST', '/faults', { match: `/tunes/${tune.id}/prompts`, method: 'POST', count: 1, kind: 'reset' });
      const draft = { ...defaultDraft(), text: text('documented'), num_images: '1' };
      const id = await runSweep(tune.id, draft, [
        { kind: 'super_resolution', values: ['off', 'on'] },
        { kind: 'scheduler', values: ['euler', 'dpm++2m_karras'] },
      ]);
      const record = api.compare.sweeps.get(id);
      assert.ok(record);
      assert.ok(record.cells.every((c) => c.promptId !== null), 'every cell has its prompt');
      assert.equal(promptPosts(await requestsSince(since), tune.id), 4, 'four posts: the dropped one was looked up, not repeated');
      const onServer = await serverPromptsWithText(tune.id, text('documented'));
      assert.equal(onServer.length, 4);
      const panel = await comparePanel(id);
      await waitFor('every cell to be done', () => (panel.cells().every((c) => c.status === 'done' && c.images.length === 1) ? true : undefined), 30_000);
      assert.ok(panel.cells().every((c) => c.liked === false), 'no liked field: shown as not liked');
    } finally {
      await admin('POST', '/profile', { profile: 'rich' });
    }
  });

  it('restores the compare panel after a reload from the state its webview saved', async () => {
    // A reload starts from a closed window: nothing else open.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(api.compare.panelOf(sweepId), undefined);
    const restored = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'restored', vscode.ViewColumn.Active, {});
    const revived = await api.compare.revive(restored, { version: 1, sweepId, zoom: 200, diffOnly: true, tab: 0 });
    assert.ok(revived, 'revived');
    assert.equal(api.compare.panelOf(sweepId), revived);
    assert.equal(revived.panel.webview.options.enableScripts, true);
    const stats = await revived.whenRendered();
    assert.equal(stats.cells, 6);
    assert.ok(revived.cells().every((c) => c.status === 'done'), 'the cells come back from the server');
    const garbage = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'garbage', vscode.ViewColumn.Active, {});
    assert.equal(await api.compare.revive(garbage, { version: 1, sweepId: '../x' }), undefined, 'a state that is not ours is refused');
  });
});
