// `npm run bench:tree` — the Tunes tree at 10,000 tunes: the real extension (production build) in
// code-server 1.100's extension host, its view open in headless Chromium, against the sandbox seeded with
// 10,000 tunes and a tune with 2,000 prompts. bench/treeHost.ts runs inside the host (as the
// extensionTestsPath, like the integration suite) and clicks Load more to the end of both lists, then
// refreshes 60 times and redraws one tune in place 60 times. Prints min / median / max, the load average,
// and whether the goals are met.
//   npm run bench:tree
//   npm run bench:tree -- --tunes 2000 --prompts 400 --refreshes 20   (a quicker look)
//   npm run bench:tree -- --update-readme                            (also rewrites its table in docs/PERFORMANCE.md)
//   npm run bench:tree -- --verbose                                   (code-server and workbench output)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, parseArgs } from 'node:util';
import { build, cleanupAll, ensureCodeServer, launchChromium, onCleanup, sandboxEnv, startCodeServer, workbenchUrl } from '../scripts/code-server';
import { repoRoot } from '../scripts/install-code-server';
import { treeRows } from '../test/e2e/workbench';
import { spread, type Spread } from './gallery';
import { updateReadme } from './readme';
import { bundleHostScript } from './harness';
import type { ListFigures, TreeHostResult } from './treeHost';

/** The goals of issue 22. */
const GOALS = { lastToFirst: 1.5, callsPerRow: 3, pagingHeapMb: 30, refreshHeapMb: 2, requestsPerPage: 1 };

const { values } = parseArgs({
  options: {
    tunes: { type: 'string', default: '10000' },
    prompts: { type: 'string', default: '2000' },
    refreshes: { type: 'string', default: '60' },
    'update-readme': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const tuneCount = Number(values.tunes);
const promptCount = Number(values.prompts);
const refreshes = Number(values.refreshes);
const say = (s: string) => console.log(`[bench:tree] ${s}`);

async function main(): Promise<number> {
  process.chdir(repoRoot);
  const [loadAtStart] = loadavg();
  const started = Date.now();
  await ensureCodeServer();
  build(['--production']); // the extension as it ships
  await bundleHostScript('treeHost');

  const { startSandbox } = await import('../test/sandbox/server');
  const sandbox = await startSandbox({ port: 0, cdnPort: 0, seed: 'empty', quiet: true });
  onCleanup(() => sandbox.close());
  sandbox.seedTunes(tuneCount);
  // The newest tune (top of the first page): 8 images a prompt.
  const seeded = await fetch(`${sandbox.url}/__admin/seed-gallery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: promptCount * 8, title: `A tune with ${promptCount.toLocaleString('en-US')} prompts` }),
  });
  if (!seeded.ok) throw new Error(`seed-gallery answered ${seeded.status}`);

  const temp = mkdtempSync(join(tmpdir(), 'ts-bench-tree-'));
  onCleanup(async () => rmSync(temp, { recursive: true, force: true }), () => rmSync(temp, { recursive: true, force: true }));
  const out = join(temp, 'result.json');
  const server = await startCodeServer({
    workspace: temp,
    echo: values.verbose,
    env: {
      ...sandboxEnv(sandbox),
      TUNE_STUDIO_TEST_HOST: 'code-server',
      TUNE_STUDIO_BENCH_OUT: out,
      TUNE_STUDIO_BENCH_REFRESHES: String(refreshes),
    },
  });
  say(`code-server ${server.url}, sandbox ${sandbox.url}: ${tuneCount.toLocaleString('en-US')} tunes, one with ${promptCount.toLocaleString('en-US')} prompts`);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
    const text = Array.isArray(args) ? format(...(args as unknown[])) : String(args);
    if (values.verbose || type === 'error') console.log(`[host:${type}] ${text}`);
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
  await page.goto(workbenchUrl(server, { folder: temp, extensionDevelopmentPath: repoRoot, extensionTestsPath: join(repoRoot, 'out', 'bench', 'treeHost.js') }));

  // When the host has paged to the end and revealed the oldest tune, check that the workbench drew its row.
  let drawnRow: string | undefined;
  const domCheck = (async () => {
    while (!existsSync(`${out}.paged`)) await new Promise((resolve) => setTimeout(resolve, 200));
    const label = readFileSync(`${out}.paged`, 'utf8');
    const rows = await treeRows(page, 'Tunes', { atLeast: 1, timeout: 15_000 }).catch(() => [] as string[]);
    drawnRow = rows.find((row) => row === label || row.startsWith(`${label} `)) && label;
    writeFileSync(`${out}.checked`, JSON.stringify({ drawnRow }));
  })();

  const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(124), 15 * 60_000).unref());
  const code = await Promise.race([exited, timeout]);
  if (code !== 0 || !existsSync(out)) {
    console.error(`[bench:tree] the host run failed (exit ${code}); run with --verbose to see its output`);
    return code || 1;
  }
  await Promise.race([domCheck, new Promise((resolve) => setTimeout(resolve, 1_000))]);
  const result = JSON.parse(readFileSync(out, 'utf8')) as TreeHostResult;
  const [loadAtEnd] = loadavg();
  const machine = `${cpus().length} cores, load average ${loadAtStart!.toFixed(2)} at start, ${loadAtEnd!.toFixed(2)} at the end`;
  report(result, machine, drawnRow, (Date.now() - started) / 1000);
  return 0;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—');
const ms = (s: Spread) => `${fmt(s.min)} / **${fmt(s.median)}** / ${fmt(s.max)} ms`;

interface ListSummary {
  first: Spread;
  last: Spread;
  ratio: number;
  callsPerRow: number;
  requestsPerPage: number;
}

function summarize(list: ListFigures): ListSummary {
  const first = spread(list.pageMs.slice(0, 10));
  const last = spread(list.pageMs.slice(-10));
  return { first, last, ratio: last.median / first.median, callsPerRow: list.getTreeItemCalls / Math.max(1, list.rows), requestsPerPage: list.listRequests / Math.max(1, list.clicks) };
}

function report(result: TreeHostResult, machine: string, drawnRow: string | undefined, seconds: number): void {
  const tunes = summarize(result.tunes);
  const prompts = summarize(result.prompts);
  const heap = result.heapMb;
  const pagingGrowth = heap.afterPagingGc - heap.beforePaging;
  const refreshGrowth = heap.afterRefreshesGc - heap.afterFirstRefreshGc;
  const inPlaceGrowth = heap.afterInPlaceGc - heap.beforeInPlaceGc;
  const mbs = (n: number) => `${n >= 0 ? '+' : ''}${fmt(n, 1)} MB`;
  const listRows = (label: string, list: ListFigures, s: ListSummary): [string, string][] => [
    [`${label}: rows shown / pages`, `${fmt(list.rows)} / ${fmt(list.pages)}`],
    [`${label}: time per page, first 10 pages (Load more → VS Code asks for the page's rows)`, ms(s.first)],
    [`${label}: time per page, last 10 pages`, ms(s.last)],
    [`${label}: last ÷ first (medians)`, `**${fmt(s.ratio, 2)}×**`],
    [`${label}: getTreeItem calls per row, whole paging`, `**${fmt(s.callsPerRow, 2)}** (${fmt(list.getTreeItemCalls)} calls)`],
    [`${label}: list requests per Load more`, `**${fmt(s.requestsPerPage, 2)}** (${fmt(list.listRequests)} for ${fmt(list.clicks)} clicks)`],
  ];
  const rows: [string, string][] = [
    ...listRows('Tunes', result.tunes, tunes),
    ...listRows(`Prompts of one tune`, result.prompts, prompts),
    ['extension-host heap: first page shown (after GC)', `${fmt(heap.beforePaging, 1)} MB`],
    ['… after paging to the end / then after GC', `${fmt(heap.afterPaging, 1)} MB / **${fmt(heap.afterPagingGc, 1)} MB** (${mbs(pagingGrowth)})`],
    [`… after ${result.refreshes} refreshes / then after GC (from ${fmt(heap.afterFirstRefreshGc, 1)} MB after the first, GC'd)`, `${fmt(heap.afterRefreshes, 1)} MB / **${fmt(heap.afterRefreshesGc, 1)} MB** (${mbs(refreshGrowth)})`],
    [`getTreeItem calls for ${result.refreshes} refreshes`, fmt(result.refreshGetTreeItemCalls)],
    [`one tune changed ${result.inPlace} times (redrawn in place): getTreeItem calls / heap after GC`, `${fmt(result.inPlaceGetTreeItemCalls)} / ${mbs(inPlaceGrowth)}`],
    ['garbage collection in the host', result.gc === 'global.gc' ? '`global.gc`' : result.gc === 'none' ? 'not available (heap without GC)' : '`v8.setFlagsFromString("--expose-gc")` + `vm.runInNewContext("gc")`'],
    ['oldest tune revealed and drawn in the workbench', drawnRow ? `yes (“${drawnRow}”)` : 'NOT FOUND in the view'],
  ];
  const goals = [
    `last pages ≤ ${GOALS.lastToFirst}× the first (median): tunes ${fmt(tunes.ratio, 2)}×, prompts ${fmt(prompts.ratio, 2)}×: ${tunes.ratio <= GOALS.lastToFirst && prompts.ratio <= GOALS.lastToFirst ? 'met' : 'MISSED'}`,
    `≤ ${GOALS.callsPerRow} getTreeItem calls per row: tunes ${fmt(tunes.callsPerRow, 2)}, prompts ${fmt(prompts.callsPerRow, 2)}: ${tunes.callsPerRow <= GOALS.callsPerRow && prompts.callsPerRow <= GOALS.callsPerRow ? 'met' : 'MISSED'}`,
    `heap growth ≤ ${GOALS.pagingHeapMb} MB after paging to ${fmt(result.tunes.rows)} tunes: ${mbs(pagingGrowth)}: ${pagingGrowth <= GOALS.pagingHeapMb ? 'met' : 'MISSED'}`,
    `heap growth ≤ ${GOALS.refreshHeapMb} MB across ${result.refreshes} refreshes: ${mbs(refreshGrowth)}: ${refreshGrowth <= GOALS.refreshHeapMb ? 'met' : 'MISSED'}`,
    `one request per page: tunes ${fmt(tunes.requestsPerPage, 2)}, prompts ${fmt(prompts.requestsPerPage, 2)}: ${tunes.requestsPerPage <= GOALS.requestsPerPage && prompts.requestsPerPage <= GOALS.requestsPerPage ? 'met' : 'MISSED'}`,
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\nTunes tree: ${machine}; ${fmt(seconds)} s in all\n`);
  console.log(rows.map(([label, value]) => `${label.padEnd(width)}  ${value.replace(/\*\*/g, '').replace(/`/g, '')}`).join('\n'));
  console.log(`\nGoals\n${goals.map((g) => `  ${g}`).join('\n')}`);
  if (values['update-readme']) {
    const date = new Date().toISOString().slice(0, 10);
    updateReadme(
      'tree',
      [
        `Measured by \`npm run bench:tree -- --update-readme\` on ${date}: ${fmt(tuneCount)} tunes and a tune with ${fmt(promptCount)} prompts, paged to the end (times: min / **median** / max); ${machine}.`,
        '',
        '| | |',
        '|---|---|',
        ...rows.map(([label, value]) => `| ${label} | ${value} |`),
        '',
        ...goals.map((g) => `- ${g[0]!.toUpperCase()}${g.slice(1)}.`),
      ].join('\n'),
    );
    say('docs/PERFORMANCE.md: tree table rewritten.');
  }
}

main()
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  })
  .catch(async (error: Error) => {
    console.error(`[bench:tree] ERROR: ${values.verbose ? (error.stack ?? error.message) : error.message}`);
    await cleanupAll();
    process.exit(1);
  });
