// The Tunes tree benchmark's side inside the extension host (`npm run bench:tree` runs it as the
// extensionTestsPath of a code-server workbench, like the integration suite): it pages the real tree the
// way a person clicks Load more, with the view open, and measures what VS Code asks of the extension.
// Test-only: it reaches the tree through the API activate() returns in a test run (ExtensionMode.Test).
import { existsSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../src/extension';
import type { TunesNode } from '../src/views/nodes';
import { admin, connectToSandbox, extensionApi, recordedRequests, sleep } from '../test/integration/helpers';

export interface ListFigures {
  /** Milliseconds from the Load more click until VS Code asked for the new page's rows, per page in order. */
  pageMs: number[];
  rows: number;
  pages: number;
  /** Load more clicks (the last one may find the end of the list). */
  clicks: number;
  getTreeItemCalls: number;
  listRequests: number;
}

export interface TreeHostResult {
  tunes: ListFigures;
  prompts: ListFigures;
  /** How a full garbage collection was run in the extension host. */
  gc: 'global.gc' | 'v8 flag + vm context' | 'none';
  heapMb: {
    beforePaging: number;
    afterPaging: number;
    afterPagingGc: number;
    /** After the first Refresh and a GC (the tree shows the first page again). */
    afterFirstRefreshGc: number;
    afterRefreshes: number;
    afterRefreshesGc: number;
    /** Before and after the in-place redraws of one tune, after a GC. */
    beforeInPlaceGc: number;
    afterInPlaceGc: number;
  };
  refreshes: number;
  refreshGetTreeItemCalls: number;
  inPlace: number;
  inPlaceGetTreeItemCalls: number;
  /** The oldest tune's row was drawn (revealed) after paging. */
  lastRowLabel: string;
}

interface Params {
  out: string;
  refreshes: number;
  maxPages: number;
  thinkMs: number;
}

type Node = TunesNode;

/** Wraps the provider's getTreeItem (the method VS Code calls on the object it was given) to count calls and wait for rows. */
function instrument(api: TuneStudioApi) {
  const provider = api.tunes.provider;
  const original = provider.getTreeItem.bind(provider);
  let calls = 0;
  let waiters: { match: (node: Node) => boolean; resolve: () => void }[] = [];
  provider.getTreeItem = (node: Node) => {
    calls++;
    if (waiters.length) {
      const met = waiters.filter((w) => w.match(node));
      if (met.length) {
        waiters = waiters.filter((w) => !met.includes(w));
        // The rest of the batch is asked for in the same turn: resolve after it.
        setImmediate(() => met.forEach((w) => w.resolve()));
      }
    }
    return original(node);
  };
  return {
    get calls() {
      return calls;
    },
    /** Resolves when VS Code next asks for a row that matches. */
    next(match: (node: Node) => boolean, timeoutMs = 30_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('VS Code did not ask for the expected row in time')), timeoutMs);
        waiters.push({ match, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
  };
}

function findGc(): { run: () => void; how: TreeHostResult['gc'] } {
  const global = globalThis as { gc?: () => void };
  if (typeof global.gc === 'function') return { run: () => global.gc!(), how: 'global.gc' };
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return { run: () => (gc as () => void)(), how: 'v8 flag + vm context' };
  } catch {
    // not available in this host
  }
  return { run: () => {}, how: 'none' };
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function heapAfterGc(gc: () => void): Promise<number> {
  for (let n = 0; n < 3; n++) {
    gc();
    await sleep(50);
  }
  return mb(process.memoryUsage().heapUsed);
}

/** The Load more row at the end of a list (a tune's prompts, or the root), walking into its newest block. */
async function trailingLoadMore(api: TuneStudioApi, owner: Node | undefined): Promise<Node | undefined> {
  let rows = await api.tunes.provider.getChildren(owner);
  let last = rows.at(-1);
  if (last?.kind === 'page') {
    rows = await api.tunes.provider.getChildren(last);
    last = rows.at(-1);
  }
  return last?.kind === 'loadMore' ? last : undefined;
}

/**
 * Clicks Load more until the list ends (or `maxPages`), each click after the page before was drawn and a
 * person's pause; times each page until VS Code asked for its rows (the new page group is shown open).
 */
async function pageThrough(
  api: TuneStudioApi,
  probe: ReturnType<typeof instrument>,
  owner: Node | undefined,
  kind: 'tune' | 'prompt',
  params: Params,
  listPath: (path: string) => boolean,
): Promise<ListFigures> {
  await admin('DELETE', '/requests');
  const callsBefore = probe.calls;
  const pageMs: number[] = [];
  let clicks = 0;
  for (let page = 1; page <= params.maxPages; page++) {
    const loadMore = await trailingLoadMore(api, owner);
    if (!loadMore) break;
    await sleep(params.thinkMs);
    clicks++;
    // The page's rows sit in the group of page `page`, which arrives open: VS Code asks for them at once.
    const drawn = probe.next((node) => node.kind === kind && node.parent?.kind === 'page' && node.parent.index === page);
    const started = performance.now();
    await vscode.commands.executeCommand('tuneStudio.loadMore', loadMore);
    if (!(await trailingLoadMore(api, owner)) && !(await pageHasRows(api, owner, page))) {
      drawn.catch(() => {});
      break; // the last "page" was empty: the list ended, nothing new to draw
    }
    await drawn;
    pageMs.push(performance.now() - started);
  }
  const rows = (kind === 'tune' ? api.tunes.provider.loadedTunes.length : await countPrompts(api, owner)) ?? 0;
  const requests = (await recordedRequests()).filter((r) => r.method === 'GET' && listPath(r.path)).length;
  return { pageMs, rows, pages: pageMs.length + 1, clicks, getTreeItemCalls: probe.calls - callsBefore, listRequests: requests };
}

async function pageHasRows(api: TuneStudioApi, owner: Node | undefined, page: number): Promise<boolean> {
  const rows = await api.tunes.provider.getChildren(owner);
  const block = rows.at(-1);
  if (block?.kind !== 'page') return false;
  return (await api.tunes.provider.getChildren(block)).some((n) => n.kind === 'page' && n.index === page);
}

async function countPrompts(api: TuneStudioApi, owner: Node | undefined): Promise<number> {
  let count = 0;
  const walk = async (node: Node | undefined): Promise<void> => {
    for (const row of await api.tunes.provider.getChildren(node)) {
      if (row.kind === 'prompt') count++;
      else if (row.kind === 'page') await walk(row);
    }
  };
  await walk(owner);
  return count;
}

/** Refresh, then wait until VS Code asked for the new first page's Load more row (the root is drawn). */
async function refreshAndDraw(probe: ReturnType<typeof instrument>): Promise<void> {
  const drawn = probe.next((node) => node.kind === 'loadMore' && node.parent === undefined);
  await vscode.commands.executeCommand('tuneStudio.refresh');
  await drawn;
}

export async function run(): Promise<void> {
  const params: Params = {
    out: process.env.TUNE_STUDIO_BENCH_OUT ?? '',
    refreshes: Number(process.env.TUNE_STUDIO_BENCH_REFRESHES ?? 60),
    maxPages: Number(process.env.TUNE_STUDIO_BENCH_MAX_PAGES ?? 1_000),
    thinkMs: Number(process.env.TUNE_STUDIO_BENCH_THINK_MS ?? 200),
  };
  if (!params.out) throw new Error('TUNE_STUDIO_BENCH_OUT is not set: run `npm run bench:tree`');
  const api = await extensionApi();
  const gc = findGc();
  await connectToSandbox(api);
  const probe = instrument(api);
  await vscode.commands.executeCommand('tuneStudio.tunes.focus');
  await refreshAndDraw(probe);
  const beforePaging = await heapAfterGc(gc.run);

  const tunes = await pageThrough(api, probe, undefined, 'tune', params, (path) => path === '/tunes');
  const afterPaging = mb(process.memoryUsage().heapUsed);
  const afterPagingGc = await heapAfterGc(gc.run);

  // The oldest tune, drawn: revealed in its page (the bench checks the row in the workbench's DOM).
  const oldest = api.tunes.provider.loadedTunes.at(-1);
  let lastRowLabel = '';
  if (oldest) {
    const node = await api.tunes.provider.nodeForTune(oldest);
    await api.tunes.view.reveal(node, { select: true, focus: true });
    lastRowLabel = String(api.tunes.provider.getTreeItem(node).label);
    writeFileSync(`${params.out}.paged`, lastRowLabel);
    for (let n = 0; n < 150 && !existsSync(`${params.out}.checked`); n++) await sleep(100);
  }

  // The tune with the most prompts is the newest: at the top of the first page.
  const [first] = await api.tunes.provider.getChildren();
  let prompts: ListFigures = { pageMs: [], rows: 0, pages: 0, clicks: 0, getTreeItemCalls: 0, listRequests: 0 };
  if (first?.kind === 'tune') {
    const shown = probe.next((node) => node.kind === 'prompt' && node.parent === first);
    await api.tunes.view.reveal(first, { select: false, focus: false, expand: true });
    await shown;
    prompts = await pageThrough(api, probe, first, 'prompt', params, (path) => path === `/tunes/${first.tune.id}/prompts`);
  }

  // Refresh: everything is dropped and the first page drawn again; what VS Code keeps per row must not grow.
  await refreshAndDraw(probe);
  const afterFirstRefreshGc = await heapAfterGc(gc.run);
  const refreshCallsBefore = probe.calls;
  for (let n = 0; n < params.refreshes; n++) {
    await sleep(210); // past VS Code's 200 ms batching of redraws, as separate clicks would be
    await refreshAndDraw(probe);
  }
  const refreshGetTreeItemCalls = probe.calls - refreshCallsBefore;
  const afterRefreshes = mb(process.memoryUsage().heapUsed);
  const afterRefreshesGc = await heapAfterGc(gc.run);

  // A tune changed on the server (renamed, trained…), 60 times: its own row is redrawn, in place. (Not the
  // first tune: it is open, and VS Code asks again for the rows of an open row it redraws.)
  const rows = await api.tunes.provider.getChildren();
  const tune = rows.filter((n): n is Extract<Node, { kind: 'tune' }> => n.kind === 'tune')[1];
  const beforeInPlaceGc = await heapAfterGc(gc.run);
  const inPlaceCallsBefore = probe.calls;
  if (tune) {
    for (let n = 0; n < params.refreshes; n++) {
      const drawn = probe.next((node) => node === tune);
      api.services.changes.publish({ kind: 'tuneProgressed', tune: { ...tune.tune, title: `${tune.tune.title.replace(/ \(\d+\)$/, '')} (${n})` } });
      await drawn;
      await sleep(210);
    }
  }
  const inPlaceGetTreeItemCalls = probe.calls - inPlaceCallsBefore;
  const afterInPlaceGc = await heapAfterGc(gc.run);

  const result: TreeHostResult = {
    tunes,
    prompts,
    gc: gc.how,
    heapMb: { beforePaging, afterPaging, afterPagingGc, afterFirstRefreshGc, afterRefreshes, afterRefreshesGc, beforeInPlaceGc, afterInPlaceGc },
    refreshes: params.refreshes,
    refreshGetTreeItemCalls,
    inPlace: tune ? params.refreshes : 0,
    inPlaceGetTreeItemCalls,
    lastRowLabel,
  };
  writeFileSync(params.out, JSON.stringify(result, null, 2));
}
