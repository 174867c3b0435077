// The extension against a server that ignores every paging parameter (`before_id`, `limit`, `offset`):
// each "next page" is the first page again. The sandbox does this after `POST /__admin/paging {ignore: true}`.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import { admin, connectToSandbox, extensionApi, recordedRequests, sleep } from './helpers';

type Node = Awaited<ReturnType<TuneStudioApi['tunes']['provider']['getChildren']>>[number];

describe('Against a server that ignores paging', function () {
  this.timeout(60_000);
  let api: TuneStudioApi;

  before(async () => {
    api = await extensionApi();
    await admin('POST', '/reset');
    await admin('POST', '/paging', { ignore: true });
    await connectToSandbox(api);
    await sleep(200);
  });

  after(async () => {
    await admin('POST', '/paging', { ignore: false });
    await admin('POST', '/reset');
    api.tunes.provider.refresh();
  });

  it('the Tunes tree stops after the first page with a row saying the list may be incomplete, and the log says why', async () => {
    const log = api.services.log;
    const logged: string[] = [];
    const originals = { info: log.info, warn: log.warn };
    log.info = (message: string, ...args: unknown[]) => (logged.push(message), originals.info.call(log, message, ...args));
    log.warn = (message: string, ...args: unknown[]) => (logged.push(message), originals.warn.call(log, message, ...args));
    try {
      api.tunes.provider.refresh();
      const first = await api.tunes.provider.getChildren();
      assert.equal(first.filter((n) => n.kind === 'tune').length, 20);
      assert.equal(first.at(-1)?.kind, 'loadMore', 'a full first page offers Load more');
      const since = Date.now();
      await vscode.commands.executeCommand('tuneStudio.loadMore', first.at(-1));
      const rows = await api.tunes.provider.getChildren();

      const tunes = rows.filter((n) => n.kind === 'tune');
      assert.equal(tunes.length, 20, 'the same 20 tunes, none twice');
      assert.equal(new Set(tunes.map((n) => (n as Extract<Node, { kind: 'tune' }>).tune.id)).size, 20);
      const last = rows.at(-1);
      assert.ok(last && last.kind === 'message', `the last row is a message, not ${last?.kind}`);
      const item = api.tunes.provider.getTreeItem(last);
      assert.equal(item.label, 'The server ignored paging: only the first 20 tunes are shown. Use Find Tune… to reach the others.');
      assert.equal(item.command?.command, 'tuneStudio.findTune', 'clicking the row opens Find Tune');
      assert.ok(item.iconPath instanceof vscode.ThemeIcon && item.iconPath.id === 'warning');
      assert.ok(!rows.some((n) => n.kind === 'loadMore' || n.kind === 'page'), 'no Load more: it would only bring the first page again');

      const more = (await recordedRequests()).filter((r) => r.at >= since && r.path === '/tunes');
      assert.ok(more.length >= 1 && more.length <= 2, `one offset probe (and at most one keyset probe): ${more.length} requests`);
      assert.ok(
        logged.some((line) => /ignores paging/.test(line) && /before_id, limit and offset/.test(line) && line.includes('GET /tunes')),
        `the log says the server ignores paging: ${JSON.stringify(logged)}`,
      );
      assert.ok(!logged.some((line) => /with offset/.test(line)), 'and never that it pages with offset');
    } finally {
      log.info = originals.info;
      log.warn = originals.warn;
    }
  });
});
