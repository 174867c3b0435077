import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import type { Prompt, Tune } from '../../src/api/astria/types';
import { revealTune, searchTunesFor } from '../../src/commands/tuneActions';
import { admin, allRows, astria, connectToSandbox, extensionApi, listRows, recordedRequests, sandboxEnv, sleep, testFetch, waitFor } from './helpers';

type Node = Awaited<ReturnType<TuneStudioApi['tunes']['provider']['getChildren']>>[number];

function iconId(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}

function tooltipText(item: vscode.TreeItem): string {
  return typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
}

describe('Tunes explorer', function () {
  this.timeout(60_000);
  let api: TuneStudioApi;

  before(async () => {
    api = await extensionApi();
    await admin('POST', '/reset');
    await connectToSandbox(api);
  });

  it('shows the welcome view (no rows, no requests) while no key is stored', async () => {
    await api.keys.delete('astria');
    await admin('DELETE', '/requests');
    api.tunes.provider.refresh();
    assert.deepEqual(await api.tunes.provider.getChildren(), []);
    assert.equal(await api.keys.get('astria'), undefined);
    assert.equal((await recordedRequests()).length, 0, 'nothing is requested without a key');
  });

  it('refuses a key the service rejects and stores one it accepts', async () => {
    const env = sandboxEnv();
    const refused = await vscode.commands.executeCommand<boolean>('tuneStudio.setAstriaKey', 'sd_not_a_real_key');
    assert.equal(refused, false);
    assert.equal(await api.keys.get('astria'), undefined, 'a refused key is not stored');
    const accepted = await vscode.commands.executeCommand<boolean>('tuneStudio.setAstriaKey', env.astriaKey);
    assert.equal(accepted, true);
    assert.equal(await api.keys.get('astria'), env.astriaKey);
    const settings = JSON.stringify(vscode.workspace.getConfiguration('tuneStudio'));
    assert.ok(!settings.includes(env.astriaKey), 'the key is not in settings');
  });

  it('lists the 45 seeded tunes newest first over three pages, one request per page; older pages in groups', async () => {
    await connectToSandbox(api);
    api.tunes.provider.refresh();
    await admin('DELETE', '/requests');
    const provider = api.tunes.provider;
    const root = await provider.getChildren();
    assert.equal(root.filter((n) => n.kind === 'tune').length, 20);
    const loadMore = root.at(-1);
    assert.ok(loadMore?.kind === 'loadMore', 'Load more ends the first page');
    await vscode.commands.executeCommand('tuneStudio.loadMore', loadMore);
    const after = await provider.getChildren();
    assert.deepEqual(after.slice(0, 20), root.slice(0, 20), 'the first page stays at the root');
    const block = after.at(-1);
    assert.ok(block?.kind === 'page' && after.length === 21, `the older pages in a block (rows: ${after.map((n) => n.kind).join(', ')})`);
    assert.equal(provider.getTreeItem(block).label, 'Older tunes 21–40');
    assert.equal(provider.getTreeItem(block).collapsibleState, vscode.TreeItemCollapsibleState.Expanded, 'shown open');
    const [page2, more] = await provider.getChildren(block);
    assert.ok(page2?.kind === 'page' && more?.kind === 'loadMore', 'the page in its own group, then Load more');
    assert.equal(provider.getTreeItem(page2).label, 'Tunes 21–40');
    const page2Rows = await provider.getChildren(page2);
    assert.equal(page2Rows.length, 20);
    assert.ok(
      page2Rows.every((n) => provider.getParent(n) === page2) && provider.getParent(page2) === block && provider.getParent(block) === undefined,
      'getParent leads back to the root (reveal)',
    );

    const rows = await allRows(provider);
    const tuneRows = rows.filter((n): n is Extract<Node, { kind: 'tune' }> => n.kind === 'tune');
    assert.equal(tuneRows.length, 45);
    assert.notEqual(rows.at(-1)?.kind, 'loadMore', 'no "Load more" after the last page');
    assert.equal(provider.getTreeItem(block).label, 'Older tunes 21–45', 'the block says what it holds');
    const pages = (await provider.getChildren(block)).map((n) => provider.getTreeItem(n));
    assert.deepEqual(pages.map((item) => item.label), ['Tunes 21–40', 'Tunes 41–45']);
    assert.deepEqual(
      pages.map((item) => item.collapsibleState),
      [vscode.TreeItemCollapsibleState.Collapsed, vscode.TreeItemCollapsibleState.Expanded],
      'the page opened before folds',
    );
    const ids = tuneRows.map((n) => n.tune.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
    assert.deepEqual(provider.loadedTunes.map((t) => t.id), ids, 'the loaded tunes in tree order (Find Tune’s first items)');
    const listCalls = (await recordedRequests()).filter((r) => r.method === 'GET' && r.path === '/tunes');
    assert.equal(listCalls.length, 3, 'three pages, three list requests');
  });

  it('redraws only what changed: Load more its block, a changed tune its row, a new tune or prompt its list', async () => {
    const provider = api.tunes.provider;
    provider.refresh();
    const root = await provider.getChildren();
    const fired: (Node | undefined)[] = [];
    const subscription = provider.onDidChangeTreeData((e) => void fired.push(...(Array.isArray(e) ? e : [e])));
    try {
      const first = root.at(-1);
      assert.ok(first?.kind === 'loadMore');
      await vscode.commands.executeCommand('tuneStudio.loadMore', first);
      // (A page slower than 300 ms also redraws its Load more row, spinning.)
      const spinning = (n: Node | undefined) => n?.kind === 'loadMore';
      assert.deepEqual(fired.filter((n) => !spinning(n)), [undefined], 'Load more: the root shows the new block (once per ten pages)');
      const block = (await provider.getChildren()).at(-1);
      assert.ok(block?.kind === 'page');
      const more = (await provider.getChildren(block)).at(-1);
      assert.ok(more?.kind === 'loadMore');
      fired.length = 0;
      await vscode.commands.executeCommand('tuneStudio.loadMore', more);
      assert.deepEqual(fired.filter((n) => !spinning(n)), [block], 'the next page redraws its block only, never the root');

      const older = (await listRows(provider, block)).find((n): n is Extract<Node, { kind: 'tune' }> => n.kind === 'tune');
      assert.ok(older);
      fired.length = 0;
      api.services.changes.publish({ kind: 'tuneProgressed', tune: { ...older.tune, title: `${older.tune.title} (renamed)` } });
      assert.deepEqual(fired, [older], 'a changed tune redraws its own row');
      assert.equal(provider.tuneNode(older.tune.id), older, 'in place: the same row');
      const item = provider.getTreeItem(older);
      assert.match(String(item.label), /\(renamed\)$/);
      assert.equal(provider.getTreeItem(older), item, 'its tree item is kept until the tune changes again');

      fired.length = 0;
      const created = await astria<Tune>('POST', '/tunes', {
        tune: { title: `On top ${Date.now()}`, name: 'cat', branch: 'fast', image_urls: ['https://example.com/a.jpg'] },
      });
      api.services.changes.publish({ kind: 'tuneCreated', tune: created });
      assert.deepEqual(fired, [undefined], 'a new tune redraws the root');
      const after = await provider.getChildren();
      assert.equal(after[0]?.kind === 'tune' && after[0].tune.id, created.id, 'the new tune on top');
      assert.equal(after.at(-1), block, 'the older pages stay loaded');

      // A tune with 25 prompts: 20, Load more, the 5 older in their group; a new prompt goes on top of the first page.
      const gallery = await admin<Tune>('POST', '/seed-gallery', { count: 200, title: `Prompt pages ${Date.now()}` });
      const tuneNode = await provider.nodeForTune(gallery);
      const prompts = await provider.getChildren(tuneNode);
      assert.equal(prompts.filter((n) => n.kind === 'prompt').length, 20);
      assert.equal(prompts.at(-1)?.kind, 'loadMore');
      const all = await allRows(provider, tuneNode);
      assert.equal(all.filter((n) => n.kind === 'prompt').length, 25);
      const promptBlock = (await provider.getChildren(tuneNode)).at(-1);
      assert.ok(promptBlock?.kind === 'page');
      assert.equal(provider.getTreeItem(promptBlock).label, 'Older prompts 21–25');
      fired.length = 0;
      const prompt = await astria<Prompt>('POST', `/tunes/${gallery.id}/prompts`, { prompt: { text: 'newest prompt', num_images: 1 } });
      api.services.changes.publish({ kind: 'promptCreated', prompt });
      assert.deepEqual(fired, [tuneNode], 'a new prompt redraws its tune');
      const top = (await provider.getChildren(tuneNode))[0];
      assert.ok(top?.kind === 'prompt' && top.prompt.id === prompt.id, 'on top of its tune’s loaded prompts');
      assert.equal(provider.promptNode(gallery.id, prompt.id), top);
    } finally {
      subscription.dispose();
      api.poller.clear();
      provider.refresh();
    }
  });

  it('shows the first page after a refresh that lands while a page is loading', async () => {
    api.tunes.provider.refresh();
    const first = api.tunes.provider.getChildren();
    await new Promise((resolve) => setImmediate(resolve)); // the first page request is now in flight
    api.tunes.provider.refresh(); // e.g. a setting and a key change at once
    const rows = await api.tunes.provider.getChildren();
    await first;
    assert.equal(rows.filter((n) => n.kind === 'tune').length, 20);
    assert.equal((await api.tunes.provider.getChildren()).filter((n) => n.kind === 'tune').length, 20);
  });

  it('shows each state with its own icon, a description and a tooltip with the details', async () => {
    const day = 86_400_000;
    const iso = (offset: number): string => new Date(Date.now() + offset).toISOString();
    const base = { title: 'State <faceid:1:1.0> & "quotes"', name: 'man', created_at: iso(-2 * day), branch: 'flux1', model_type: 'lora', auto_extend: false };
    const tunes: Record<string, Partial<Tune>> = {
      pending: { started_training_at: null, trained_at: null },
      training: { started_training_at: iso(-60_000), trained_at: null, eta: iso(10 * 60_000) },
      trained: { started_training_at: iso(-day), trained_at: iso(-day + 60_000), expires_at: iso(29 * day) },
      expired: { started_training_at: iso(-40 * day), trained_at: iso(-40 * day), expires_at: iso(-10 * day) },
      failed: { user_error: 'Training images could not be read' },
    };
    const expectedIcon: Record<string, string> = { pending: 'clock', training: 'loading~spin', trained: 'pass', expired: 'history', failed: 'error' };
    let id = 9_000_000;
    for (const [state, fields] of Object.entries(tunes)) {
      const tune = { id: id++, ...base, ...fields } as Tune;
      const node = { kind: 'tune', tune, busy: undefined, parent: undefined } as unknown as Node;
      const item = api.tunes.provider.getTreeItem(node);
      assert.equal(iconId(item), expectedIcon[state], `${state} icon`);
      assert.equal(item.label, base.title, 'the title is shown as it is');
      assert.match(String(item.description), new RegExp(`man · LoRA · flux1 · ${state === 'training' ? 'training, ~\\d+ min left' : state}`));
      assert.equal(item.contextValue, `tune.${state}`);
      assert.equal(item.tooltip, undefined, 'the tooltip is built on hover, not with the row');
      const tooltip = tooltipText(await api.tunes.provider.resolveTreeItem(item, node));
      assert.match(tooltip, new RegExp(`ID: ${tune.id}`));
      assert.ok(tooltip.includes('\\<faceid') && !/(^|[^\\])<faceid/.test(tooltip), 'markup-like text is escaped in the tooltip');
    }
    // A server that does not send auto_extend (it is undocumented): the row says it is unknown.
    const unknown = { id: id++, ...base, auto_extend: undefined, started_training_at: null, trained_at: null } as unknown as Tune;
    assert.equal(api.tunes.provider.getTreeItem({ kind: 'tune', tune: unknown, busy: undefined, parent: undefined } as unknown as Node).contextValue, 'tune.pending.autoExtendUnknown');
    // The seeded tunes show real states too.
    const seeded = await astria<Tune[]>('GET', '/tunes?limit=120');
    const states = new Set(seeded.map((t) => String(api.tunes.provider.getTreeItem(
      { kind: 'tune', tune: t, busy: undefined, parent: undefined } as unknown as Node).contextValue).split('.')[1]));
    assert.ok(states.has('trained') && states.has('expired'), `seeded states: ${[...states].join(', ')}`);
  });

  it('renders prompts under a tune and images under a prompt, with prompt text kept as text', async () => {
    const tunes = (await api.tunes.provider.getChildren()).filter((n) => n.kind === 'tune');
    let promptRow: Extract<Node, { kind: 'prompt' }> | undefined;
    for (const tuneRow of tunes) {
      const children = await api.tunes.provider.getChildren(tuneRow);
      promptRow = children.find((c): c is Extract<Node, { kind: 'prompt' }> => c.kind === 'prompt' && c.prompt.images.length > 0);
      if (promptRow) break;
    }
    assert.ok(promptRow, 'some tune has a prompt with images');
    const images = await api.tunes.provider.getChildren(promptRow);
    assert.equal(images.length, promptRow.prompt.images.length);
    const item = api.tunes.provider.getTreeItem(promptRow);
    assert.equal(item.command?.command, 'tuneStudio.openGallery');
  });

  it('shows training images, prompt previews and image rows in tooltips as inlined pictures, never as plain-http links the workbench refuses', async () => {
    // Guards issue #24: the workbench's CSP refuses http: images in a tooltip, so a hover showed broken
    // pictures. The sandbox's CDN is plain http: its images must arrive as data: URLs, fetched without the key.
    const withImages = (await astria<Tune[]>('GET', '/tunes?limit=120')).find((t) => (t.orig_images ?? []).some((u) => u.startsWith('http://')));
    assert.ok(withImages, 'a seeded tune has plain-http training images');
    const tuneNode = await api.tunes.provider.nodeForTune(withImages);
    await admin('DELETE', '/requests');
    const tuneTip = tooltipText(await api.tunes.provider.resolveTreeItem(api.tunes.provider.getTreeItem(tuneNode), tuneNode));
    assert.match(tuneTip, /!\[training image\]\(data:image\/png;base64,[A-Za-z0-9+/=]+\|width=64\)/, `training images are inlined: ${tuneTip.slice(0, 300)}`);
    assert.ok(!/\]\(http:/.test(tuneTip), 'no plain-http image is left in the tune tooltip');

    const tunes = (await api.tunes.provider.getChildren()).filter((n) => n.kind === 'tune');
    let promptRow: Extract<Node, { kind: 'prompt' }> | undefined;
    for (const tuneRow of tunes) {
      promptRow = (await api.tunes.provider.getChildren(tuneRow)).find((c): c is Extract<Node, { kind: 'prompt' }> => c.kind === 'prompt' && c.prompt.images.length > 0);
      if (promptRow) break;
    }
    assert.ok(promptRow, 'some tune has a prompt with images');
    assert.ok(promptRow.prompt.images[0].startsWith('http://'), 'the sandbox serves images over plain http');
    const promptTip = tooltipText(await api.tunes.provider.resolveTreeItem(api.tunes.provider.getTreeItem(promptRow), promptRow));
    assert.match(promptTip, /!\[preview\]\(data:image\/png;base64,/, 'the prompt’s first image is inlined');
    assert.ok(!/\]\(http:/.test(promptTip), 'no plain-http image in the prompt tooltip');
    const [imageRow] = await api.tunes.provider.getChildren(promptRow);
    const imageTip = tooltipText(await api.tunes.provider.resolveTreeItem(api.tunes.provider.getTreeItem(imageRow), imageRow));
    assert.match(imageTip, /!\[Image 1\]\(data:image\/png;base64,[A-Za-z0-9+/=]+\|width=240\)/, 'an image row shows its picture inlined');

    const cdn = await recordedRequests('cdn');
    assert.ok(cdn.length > 0, 'the pictures were fetched from the CDN');
    assert.ok(cdn.every((r) => !Object.keys(r.headers).some((h) => h.toLowerCase() === 'authorization')), 'no Authorization header goes to the image CDN');
    // A second hover is served from the bounded cache: nothing fetched again.
    await admin('DELETE', '/requests');
    await api.tunes.provider.resolveTreeItem(api.tunes.provider.getTreeItem(imageRow), imageRow);
    assert.equal((await recordedRequests('cdn')).length, 0, 'the inlined picture is cached');
  });

  it('likes and unlikes a prompt from the tree, and the row follows', async () => {
    const tunes = (await api.tunes.provider.getChildren()).filter((n) => n.kind === 'tune');
    let row: Extract<Node, { kind: 'prompt' }> | undefined;
    for (const tuneRow of tunes) {
      row = (await api.tunes.provider.getChildren(tuneRow)).find(
        (c): c is Extract<Node, { kind: 'prompt' }> => c.kind === 'prompt' && !c.prompt.liked && c.prompt.images.length > 0,
      );
      if (row) break;
    }
    assert.ok(row, 'an unliked prompt with images');
    await vscode.commands.executeCommand('tuneStudio.likePrompt', row);
    assert.equal((await astria<Prompt>('GET', `/prompts/${row.prompt.id}`)).liked, true);
    assert.match(String(api.tunes.provider.getTreeItem(row).contextValue), /\.liked$/);
    await vscode.commands.executeCommand('tuneStudio.unlikePrompt', row);
    assert.equal((await astria<Prompt>('GET', `/prompts/${row.prompt.id}`)).liked, false);
    assert.match(String(api.tunes.provider.getTreeItem(row).contextValue), /\.unliked$/);
  });

  it('deletes a tune after confirmation and leaves it alone when cancelled', async () => {
    const created = await astria<Tune>('POST', '/tunes', {
      tune: { title: `Delete me ${Date.now()}`, name: 'dog', branch: 'fast', image_urls: ['https://example.com/a.jpg'] },
    });
    api.tunes.provider.refresh();
    const node = await api.tunes.provider.nodeForTune(created);
    const original = api.dialogs.confirm;
    try {
      api.dialogs.confirm = async () => false;
      await vscode.commands.executeCommand('tuneStudio.deleteTune', node);
      await astria('GET', `/tunes/${created.id}`); // still there
      let asked = '';
      api.dialogs.confirm = async (message) => {
        asked = message;
        return true;
      };
      await vscode.commands.executeCommand('tuneStudio.deleteTune', node);
      assert.match(asked, new RegExp(created.title), 'the confirmation names the tune');
    } finally {
      api.dialogs.confirm = original;
    }
    const res = await testFetch(`${sandboxEnv().url}/tunes/${created.id}`, { headers: { authorization: `Bearer ${sandboxEnv().astriaKey}` } });
    assert.equal(res.status, 404);
    assert.ok(!api.tunes.provider.loadedTunes.some((t) => t.id === created.id), 'the row is gone');
  });

  it('notices when a tune finishes training and when a prompt’s images arrive', async () => {
    api.poller.clear(); // forget the seeded tunes the tree asked it to watch
    const tune = await astria<Tune>('POST', '/tunes', {
      tune: { title: `Poll me ${Date.now()}`, name: 'cat', branch: 'fast', image_urls: ['https://example.com/a.jpg'] },
    });
    const finishedTune = new Promise<Tune>((resolve) => {
      const sub = api.services.changes.on(['tuneFinished'], ({ tune: t }) => t.id === tune.id && (sub.dispose(), resolve(t)));
    });
    api.poller.watchTune(tune);
    assert.match(api.statusBar.text ?? '', /training/, 'the status bar shows the work in flight');
    await admin('POST', `/tunes/${tune.id}/finish`);
    const trained = await finishedTune;
    assert.ok(trained.trained_at, 'the tune is trained');

    const prompt = await astria<Prompt>('POST', `/tunes/${tune.id}/prompts`, { prompt: { text: 'a <1> cat on a sofa', num_images: 2 } });
    const finishedPrompt = new Promise<Prompt>((resolve) => {
      const sub = api.services.changes.on(['promptFinished'], ({ prompt: p }) => p.id === prompt.id && (sub.dispose(), resolve(p)));
    });
    api.poller.watchPrompt(prompt);
    assert.match(api.statusBar.text ?? '', /generating/);
    const done = await finishedPrompt;
    assert.equal(done.images.length, 2);
    await waitFor('the status bar to clear', () => api.poller.isIdle || undefined);
  });

  it('makes no request at all while nothing is pending', async () => {
    api.poller.clear();
    await admin('DELETE', '/requests');
    await sleep(4_000);
    assert.equal((await recordedRequests()).length, 0);
  });

  it('waits as long as Retry-After says when the server answers 429', async () => {
    const tune = await astria<Tune>('POST', '/tunes', {
      tune: { title: `Rate limited ${Date.now()}`, name: 'cat', branch: 'fast', image_urls: ['https://example.com/a.jpg'] },
    });
    await admin('POST', '/faults', { match: `/tunes/${tune.id}`, method: 'GET', count: 1, kind: 'status429', retryAfter: 3 });
    await admin('DELETE', '/requests');
    api.poller.watchTune(tune);
    await api.poller.tick();
    const calls = await waitFor('a second status check', async () => {
      const hits = (await recordedRequests()).filter((r) => r.path === `/tunes/${tune.id}`);
      return hits.length >= 2 ? hits : undefined;
    }, 15_000);
    assert.equal(calls[0].status, 429);
    assert.ok(calls[1].at - calls[0].at >= 2_900, `waited ${calls[1].at - calls[0].at} ms after a Retry-After of 3 s`);
    api.poller.forgetTune(tune.id);
  });

  it('deleting a training tune also stops watching its pending prompts', async () => {
    api.poller.clear();
    await admin('POST', '/speed', { speed: 1 }); // keep the tune training while the test runs
    try {
      const tune = await astria<Tune>('POST', '/tunes', {
        tune: { title: `Forget me ${Date.now()}`, name: 'dog', image_urls: ['https://example.com/a.jpg'] },
      });
      const prompt = await astria<Prompt>('POST', `/tunes/${tune.id}/prompts`, { prompt: { text: 'a dog', num_images: 1 } });
      api.poller.watchTune(tune);
      api.poller.watchPrompt(prompt);
      assert.equal(api.poller.trainingCount, 1);
      assert.equal(api.poller.generatingCount, 1);
      api.poller.forgetTune(tune.id);
      assert.equal(api.poller.generatingCount, 0, 'its prompts are no longer polled');
      assert.ok(api.poller.isIdle, 'nothing left to poll');
    } finally {
      await admin('POST', '/speed', { speed: 20 });
      api.poller.clear();
    }
  });

  it('turns a pending prompt done when it is not on the first page the poller reads (rich profile: 120 a page), paging instead of asking by id', async () => {
    api.poller.clear();
    await admin('POST', '/speed', { speed: 1 });
    try {
      const tune = await astria<Tune>('POST', '/tunes', { tune: { title: `Many prompts ${Date.now()}`, name: 'man', image_urls: ['https://example.com/1.jpg'] } });
      const target = await astria<Prompt>('POST', `/tunes/${tune.id}/prompts`, { prompt: { text: 'oldest', num_images: 1 } });
      // More than a page (120) between the two watched prompts: the oldest is only on the second page.
      let newest = target;
      for (let n = 0; n < 125; n++) newest = await astria<Prompt>('POST', `/tunes/${tune.id}/prompts`, { prompt: { text: `newer ${n}`, num_images: 1 } });
      const finished = new Set<number>();
      const sub = api.services.changes.on(['promptFinished'], ({ prompt: p }) => void finished.add(p.id));
      try {
        api.poller.watchPrompt(target);
        api.poller.watchPrompt(newest);
        await admin('POST', `/tunes/${tune.id}/finish`);
        await sleep(4_500); // prompts are done 4 s after the tune trained (speed 1)
        await admin('DELETE', '/requests');
        await waitFor('both prompts to turn done', async () => {
          await api.poller.tick();
          return finished.has(target.id) && finished.has(newest.id) ? true : undefined;
        });
      } finally {
        sub.dispose();
      }
      const asked = (await recordedRequests()).filter((r) => r.method === 'GET' && r.path.startsWith(`/tunes/${tune.id}/prompts`));
      const lists = asked.filter((r) => r.path === `/tunes/${tune.id}/prompts`);
      assert.ok(new Set(lists.map((r) => JSON.stringify(r.query))).size >= 2, `a second page was read: ${asked.map((r) => `${r.path}?${new URLSearchParams(r.query)}`).join(', ')}`);
      assert.deepEqual(asked.filter((r) => r.path !== `/tunes/${tune.id}/prompts`).map((r) => r.path), [], 'no prompt was asked for by id');
    } finally {
      await admin('POST', '/speed', { speed: 20 });
      api.poller.clear();
    }
  });

  it('a status check still out when the workspace changes does not bring the old workspace’s tune back to be polled in the new one (guards: clear() during a check)', async () => {
    api.poller.clear();
    await admin('POST', '/speed', { speed: 1 }); // the tune stays in training for the whole test
    const config = vscode.workspace.getConfiguration('tuneStudio');
    const reconnected = () =>
      new Promise<void>((resolve) => {
        const sub = api.services.onDidChangeConnection(() => (sub.dispose(), resolve()));
      });
    let watch: vscode.Disposable | undefined;
    try {
      const tune = await astria<Tune>('POST', '/tunes', { tune: { title: `Old workspace ${Date.now()}`, name: 'cat', image_urls: ['https://example.com/a.jpg'] } });
      // Its status check answers 2 s late: time enough to switch workspaces while it is out.
      await admin('POST', '/faults', { match: `^/tunes/${tune.id}$`, method: 'GET', origin: 'api', kind: 'slow', delayMs: 2_000 });
      await admin('DELETE', '/requests');
      api.poller.watchTune(tune);
      const round = api.poller.tick();
      await waitFor('the status check to be out', async () => ((await recordedRequests()).some((r) => r.path === `/tunes/${tune.id}`) ? true : undefined));
      const switched = reconnected();
      await config.update('astria.workspaceId', 'ws_demo', vscode.ConfigurationTarget.Global);
      await switched; // extension.ts: a connection change clears the poller
      const out = (await recordedRequests()).filter((r) => r.path === `/tunes/${tune.id}`);
      assert.deepEqual(out.map((r) => r.status), [0], 'the check was still out when the workspace changed');
      const stale: string[] = [];
      watch = api.services.changes.on(['tuneProgressed', 'tuneFinished'], ({ tune: t }) => void (t.id === tune.id && stale.push(`${t.id}`)));
      await round; // the late answer arrives now
      await api.poller.tick();
      await sleep(200);
      await api.poller.tick();
      const inNewWorkspace = (await recordedRequests()).filter((r) => r.path === `/tunes/${tune.id}` && r.headers['x-workspace-id'] === 'ws_demo');
      assert.equal(inNewWorkspace.length, 0, 'the old tune was not polled in the new workspace');
      assert.deepEqual(stale, [], 'the late answer was not published to the views of the new workspace');
    } finally {
      watch?.dispose();
      const back = reconnected();
      await config.update('astria.workspaceId', undefined, vscode.ConfigurationTarget.Global);
      await Promise.race([back, sleep(2_000)]);
      await admin('DELETE', '/faults');
      await admin('POST', '/speed', { speed: 20 });
      api.poller.clear();
    }
  });

  it('pages Cartesia fine-tunes with cursors and lists a completed fine-tune’s voices', async () => {
    await connectToSandbox(api);
    api.cartesia.provider.refresh();
    const firstPage = (await api.cartesia.provider.getChildren()).filter((n) => n.kind === 'fineTune').length;
    assert.ok(firstPage > 0);
    const rows = await allRows(api.cartesia.provider);
    const all = rows.filter((n) => n.kind === 'fineTune');
    assert.ok(all.length > firstPage, 'more than one page was loaded');
    assert.equal(new Set(all.map((n) => n.kind === 'fineTune' && n.fineTune.id)).size, all.length, 'no fine-tune twice');
    const completed = all.find((n) => n.kind === 'fineTune' && n.fineTune.status === 'completed');
    assert.ok(completed);
    const voices = await api.cartesia.provider.getChildren(completed);
    assert.ok(voices.some((v) => v.kind === 'voice'));
  });

  it('Cartesia: concurrent loads share one request, and a page arriving after a refresh is dropped', async () => {
    await connectToSandbox(api);
    api.cartesia.provider.refresh();
    await admin('DELETE', '/requests');
    const [a, b] = await Promise.all([api.cartesia.provider.getChildren(), api.cartesia.provider.getChildren()]);
    assert.equal(a.length, b.length);
    const lists = (await recordedRequests()).filter((r) => r.method === 'GET' && r.path === '/cartesia/fine-tunes/');
    assert.equal(lists.length, 1, 'one request for two concurrent callers');
    const loadMore = a.at(-1);
    assert.ok(loadMore && loadMore.kind === 'loadMore');
    const stale = vscode.commands.executeCommand('tuneStudio.loadMore', loadMore);
    api.cartesia.provider.refresh(); // lands while the second page is in flight
    await stale;
    const rows = await api.cartesia.provider.getChildren();
    const ids = rows.filter((n) => n.kind === 'fineTune').map((n) => n.kind === 'fineTune' && n.fineTune.id);
    assert.equal(ids.length, a.filter((n) => n.kind === 'fineTune').length, 'only the fresh first page, not the stale second one');
    assert.equal(new Set(ids).size, ids.length);
  });

  it('the auto-extend toggle turns a tune off and on without asking when the server says (rich profile)', async () => {
    const tune = await astria<Tune>('POST', '/tunes', {
      tune: { title: `Toggle rich ${Date.now()}`, name: 'cat', branch: 'fast', auto_extend: true, image_urls: ['https://example.com/a.jpg'] },
    });
    assert.equal(tune.auto_extend, true);
    api.tunes.provider.refresh();
    const node = await api.tunes.provider.nodeForTune(tune);
    const original = api.dialogs.chooseAutoExtend;
    api.dialogs.chooseAutoExtend = async () => assert.fail('must not ask when auto_extend is known');
    try {
      await vscode.commands.executeCommand('tuneStudio.toggleAutoExtend', node);
      assert.equal((await astria<Tune>('GET', `/tunes/${tune.id}`)).auto_extend, false, 'turned off');
      await vscode.commands.executeCommand('tuneStudio.toggleAutoExtend', api.tunes.provider.tuneNode(tune.id) ?? node);
      assert.equal((await astria<Tune>('GET', `/tunes/${tune.id}`)).auto_extend, true, 'turned on');
    } finally {
      api.dialogs.chooseAutoExtend = original;
    }
  });

  it('Find Tune reaches a tune on page 3 with the server’s title filter (rich profile)', async () => {
    const all = await astria<Tune[]>('GET', '/tunes?limit=120');
    const onPage3 = all.filter((t) => t.name !== null)[42] ?? all.at(-1)!;
    await admin('DELETE', '/requests');
    const notes: string[] = [];
    const found = await searchTunesFor(api.services)(onPage3.title, new AbortController().signal, (note) => notes.push(note));
    assert.ok(found.some((t) => t.id === onPage3.id));
    assert.equal((await recordedRequests()).filter((r) => r.path === '/tunes').length, 1, 'one filtered request');
    api.tunes.provider.refresh();
    await api.tunes.provider.getChildren();
    await revealTune(api.tunes, found.find((t) => t.id === onPage3.id)!);
    const selected = api.tunes.view.selection[0] as Extract<Node, { kind: 'tune' }>;
    assert.equal(selected?.tune.id, onPage3.id);
    const page = api.tunes.provider.getParent(selected);
    assert.ok(page?.kind === 'page' && (await api.tunes.provider.getChildren(page)).includes(selected), 'revealed in the group of its page');
    const block = api.tunes.provider.getParent(page);
    assert.ok(block?.kind === 'page' && api.tunes.provider.getParent(block) === undefined, 'in its block at the root');
  });
});
