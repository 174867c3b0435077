// The extension against a server that does only what Astria's public docs promise (the sandbox's
// `documented` profile: offset paging, 20 per page, no title filter, no auto_extend/liked fields).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import type { Prompt, Tune } from '../../src/api/astria/types';
import { searchTunesFor, revealTune } from '../../src/commands/tuneActions';
import { referenceTunes } from '../../src/webviews/promptEditorModel';
import { admin, allRows, astria, connectToSandbox, extensionApi, recordedRequests, sleep, waitFor } from './helpers';

type Node = Awaited<ReturnType<TuneStudioApi['tunes']['provider']['getChildren']>>[number];
type TuneRow = Extract<Node, { kind: 'tune' }>;
type PromptRow = Extract<Node, { kind: 'prompt' }>;

async function createTune(title: string): Promise<Tune> {
  return astria<Tune>('POST', '/tunes', { tune: { title, name: 'man', branch: 'fast', image_urls: ['https://example.com/1.jpg'] } });
}

/** Clicks "Load more" until the list ends; returns the rows (the groups of older pages opened). */
function loadAll(api: TuneStudioApi, parent: Node | undefined): Promise<Node[]> {
  return allRows(api.tunes.provider, parent);
}

describe('Against a server that does only what the docs promise', function () {
  this.timeout(90_000);
  let api: TuneStudioApi;
  const config = () => vscode.workspace.getConfiguration('tuneStudio');

  before(async () => {
    api = await extensionApi();
    await admin('POST', '/reset');
    await admin('POST', '/profile', { profile: 'documented' });
    // 40 own tunes in the seed (base tunes are not listed here): 5 more make 45, three pages of 20.
    for (let n = 1; n <= 5; n++) await createTune(`Documented extra ${n}`);
    await connectToSandbox(api);
    await config().update('tunes.pageSize', 50, vscode.ConfigurationTarget.Workspace);
    await sleep(200);
  });

  after(async () => {
    await config().update('tunes.pageSize', undefined, vscode.ConfigurationTarget.Workspace);
    await admin('POST', '/profile', { profile: 'rich' });
    await admin('POST', '/reset');
    api.tunes.provider.refresh();
  });

  it('reaches all 45 tunes with Load more, each exactly once, then no Load more (page size 50, server gives 20)', async () => {
    api.tunes.provider.refresh();
    const first = await api.tunes.provider.getChildren();
    assert.equal(first.filter((n) => n.kind === 'tune').length, 20);
    assert.equal(first.at(-1)?.kind, 'loadMore', 'a short page (20 < 50) still offers Load more');
    const rows = await loadAll(api, undefined);
    const ids = rows.filter((n): n is TuneRow => n.kind === 'tune').map((n) => n.tune.id);
    assert.equal(ids.length, 45);
    assert.equal(new Set(ids).size, 45, 'no tune twice');
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
    assert.notEqual(rows.at(-1)?.kind, 'loadMore', 'no Load more after the last page');
  });

  it('a pending prompt on page 2 of its tune turns done in the tree', async () => {
    await admin('POST', '/speed', { speed: 1 }); // slow enough to see the prompt pending
    try {
      const tune = await astria<Tune>('POST', '/tunes', { tune: { title: `Paged prompts ${Date.now()}`, name: 'man', image_urls: ['https://example.com/1.jpg'] } });
      const target = await astria<Prompt>('POST', `/tunes/${tune.id}/prompts`, { prompt: { text: 'the one on page 2', num_images: 1 } });
      for (let n = 0; n < 22; n++) await astria('POST', `/tunes/${tune.id}/prompts`, { prompt: { text: `newer prompt ${n}`, num_images: 1 } });
      api.tunes.provider.refresh();
      const tuneNode = await api.tunes.provider.nodeForTune(tune);
      const prompts = await loadAll(api, tuneNode);
      const row = prompts.find((n): n is PromptRow => n.kind === 'prompt' && n.prompt.id === target.id);
      assert.ok(row, 'the prompt is reachable with Load more');
      assert.equal(row.prompt.images.length, 0, 'still pending');
      await admin('POST', `/tunes/${tune.id}/finish`);
      const done = await waitFor('the prompt on page 2 to turn done', async () => {
        await api.poller.tick();
        const node = api.tunes.provider.promptNode(tune.id, target.id);
        return node && node.prompt.images.length > 0 ? node : undefined;
      }, 30_000);
      assert.equal(done.prompt.images.length, 1);
      assert.equal(api.tunes.provider.getTreeItem(done).description, '1 image');
    } finally {
      await admin('POST', '/speed', { speed: 20 });
    }
  });

  it('polls 25 pending prompts of a tune with one request per page of 20, never one per prompt', async () => {
    await admin('POST', '/speed', { speed: 0.02 }); // 50 times slower than real: all 25 stay pending however slow the machine
    try {
      const tune = await astria<Tune>('POST', '/tunes', { tune: { title: `Many pending ${Date.now()}`, name: 'man', image_urls: ['https://example.com/1.jpg'] } });
      const created: Prompt[] = [];
      for (let n = 0; n < 25; n++) created.push(await astria<Prompt>('POST', `/tunes/${tune.id}/prompts`, { prompt: { text: `pending ${n}`, num_images: 1 } }));
      const finished = new Set<number>();
      const listener = api.services.changes.on(['promptFinished'], ({ prompt: p }) => void finished.add(p.id));
      const since = Date.now();
      for (const prompt of created) api.poller.watchPrompt(prompt);
      await api.poller.tick();
      await api.poller.tick();
      const polled = (await recordedRequests()).filter((r) => r.at >= since && r.path.startsWith(`/tunes/${tune.id}/prompts`));
      assert.deepEqual(polled.filter((r) => r.path !== `/tunes/${tune.id}/prompts`).map((r) => r.path), [], 'no prompt asked for by id');
      assert.ok(polled.some((r) => Number(r.query.offset) >= 20), 'the second page was read');
      assert.equal(finished.size, 0, 'none is done yet');
      await admin('POST', '/speed', { speed: 20 });
      await admin('POST', `/tunes/${tune.id}/finish`);
      await waitFor('every prompt to be reported done', async () => {
        await api.poller.tick();
        return created.every((p) => finished.has(p.id)) ? true : undefined;
      }, 30_000);
      listener.dispose();
    } finally {
      await admin('POST', '/speed', { speed: 20 });
    }
  });

  it('Find Tune reaches a tune on page 3 by scanning, with progress, and reveals it', async () => {
    const all: Tune[] = [];
    for (let offset = 0; offset < 60; offset += 20) all.push(...(await astria<Tune[]>('GET', `/tunes?offset=${offset}`)));
    const onPage3 = all[42];
    assert.ok(onPage3, 'a tune on page 3');
    api.tunes.provider.refresh();
    await api.tunes.provider.getChildren(); // only page 1 is loaded
    const notes: string[] = [];
    const found = await searchTunesFor(api.services)(onPage3.title.toLowerCase(), new AbortController().signal, (note) => notes.push(note));
    const hit = found.find((tune) => tune.id === onPage3.id);
    assert.ok(hit, `“${onPage3.title}” found`);
    assert.ok(notes.some((note) => /^searched (4\d) tunes$/.test(note)), `progress: ${notes.join(', ')}`);
    await revealTune(api.tunes, hit);
    assert.equal(api.tunes.view.selection[0] && (api.tunes.view.selection[0] as TuneRow).tune.id, onPage3.id);
  });

  it('Find Tune’s scan stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(searchTunesFor(api.services)('no such tune', controller.signal, () => {}));
  });

  it('the auto-extend toggle asks when the server does not say, and turns a tune off and on', async () => {
    const tune = await createTune(`Auto-extend ${Date.now()}`);
    assert.equal('auto_extend' in tune, false, 'the documented server does not send auto_extend');
    api.tunes.provider.refresh();
    const node = await api.tunes.provider.nodeForTune(tune);
    assert.match(String(api.tunes.provider.getTreeItem(node).contextValue), /autoExtendUnknown/);
    const original = api.dialogs.chooseAutoExtend;
    const asked: string[] = [];
    try {
      api.dialogs.chooseAutoExtend = async (title) => (asked.push(title), false);
      await vscode.commands.executeCommand('tuneStudio.toggleAutoExtend', node);
      assert.deepEqual(asked, [tune.title], 'asked, since the state is unknown');
      assert.equal((await admin<Tune>('GET', `/tunes/${tune.id}`)).auto_extend, false, 'turned off');
      api.dialogs.chooseAutoExtend = async (title) => (asked.push(title), true);
      const fresh = api.tunes.provider.tuneNode(tune.id) ?? node;
      await vscode.commands.executeCommand('tuneStudio.toggleAutoExtend', fresh);
      assert.equal((await admin<Tune>('GET', `/tunes/${tune.id}`)).auto_extend, true, 'turned on');
      // Cancelling the question sends nothing.
      api.services.changes.publish({ kind: 'tuneProgressed', tune: { ...fresh.tune, auto_extend: undefined } });
      api.dialogs.chooseAutoExtend = async () => undefined;
      await vscode.commands.executeCommand('tuneStudio.toggleAutoExtend', fresh);
      assert.equal((await admin<Tune>('GET', `/tunes/${tune.id}`)).auto_extend, true, 'unchanged');
    } finally {
      api.dialogs.chooseAutoExtend = original;
    }
  });

  it('offers both Like and Unlike when the server does not say whether a prompt is liked', async () => {
    const [prompt] = await astria<Prompt[]>('GET', '/prompts');
    assert.equal('liked' in prompt, false);
    const item = api.tunes.provider.getTreeItem({ kind: 'prompt', prompt, busy: undefined, parent: {} } as unknown as Node);
    const value = String(item.contextValue);
    assert.match(value, /\.likeUnknown$/);
    const pkg = vscode.extensions.getExtension('tune-studio.tune-studio')!.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
    const whenOf = (command: string) => pkg.contributes.menus['view/item/context'].filter((m) => m.command === command).map((m) => m.when ?? '');
    const matches = (when: string) => new RegExp(/viewItem =~ \/(.*)\//.exec(when)![1]).test(value);
    assert.ok(whenOf('tuneStudio.likePrompt').every(matches), 'Like offered');
    assert.ok(whenOf('tuneStudio.unlikePrompt').every(matches), 'Unlike offered');
  });

  it('the gallery reaches every prompt of a tune, each once, and the reference menu every LoRA', async () => {
    const tune = await astria<Tune>('POST', '/tunes', { tune: { title: `Gallery pages ${Date.now()}`, name: 'man', branch: 'fast', image_urls: ['https://example.com/1.jpg'] } });
    await admin('POST', `/tunes/${tune.id}/finish`);
    for (let n = 0; n < 45; n++) await astria('POST', `/tunes/${tune.id}/prompts`, { prompt: { text: `gallery prompt ${n}`, num_images: 1 } });
    const subject = { kind: 'tune' as const, tuneId: tune.id };
    await api.gallery.open(subject);
    const ids: number[] = [];
    let cursor: number | null = null;
    for (let n = 0; n < 10; n++) {
      const answer = await api.gallery.receive(subject, { kind: 'request', id: 900 + n, method: 'loadPage', params: { cursor, refresh: false } });
      assert.ok(answer?.ok, `page ${n} loaded`);
      const page = answer.result as { prompts: { id: number }[]; nextCursor: number | null };
      ids.push(...page.prompts.map((p) => p.id));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    assert.equal(cursor, null, 'the gallery reached the end');
    assert.equal(ids.length, 45, 'every prompt (the server gives 20 a page, the gallery asks for 40)');
    assert.equal(new Set(ids).size, 45, 'none twice');

    const editor = await api.promptEditor.open({ tuneId: tune.id });
    await editor.whenRendered();
    const refs: number[] = [];
    let refCursor: number | null = null;
    for (let n = 0; n < 10; n++) {
      const answer = await api.promptEditor.receive(tune.id, { kind: 'request', id: 950 + n, method: 'listReferences', params: { cursor: refCursor } });
      assert.ok(answer?.ok, `reference page ${n} loaded`);
      const page = answer.result as { tunes: { id: number }[]; nextCursor: number | null };
      refs.push(...page.tunes.map((t) => t.id));
      refCursor = page.nextCursor;
      if (refCursor === null) break;
    }
    const all: number[] = [];
    for (let offset = 0; offset < 500; offset += 20) {
      const page = await astria<Tune[]>('GET', `/tunes?offset=${offset}`);
      all.push(...referenceTunes(page).map((t) => t.id));
      if (page.length < 20) break;
    }
    assert.deepEqual([...refs].sort(), [...new Set(all)].sort(), 'the reference menu lists every trained LoRA/FaceID, across pages');
    assert.ok(refs.length > 0, 'the seed has LoRA/FaceID tunes to list');
  });
});
