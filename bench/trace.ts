// `npm run bench:trace [images]` — one gallery open (default 1,000 images) under a Chromium trace; prints
// where the renderer's main thread spent its time from navigation to the first image painted, by kind of
// work, and writes the trace (test-results/gallery-trace.json, for Perfetto or chrome://tracing). Then a
// second open under V8's CPU profiler with an unminified bundle prints the JavaScript functions that
// cost the most (self time).
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AstriaClient } from '../src/api/astria/client';
import { startSandbox } from '../test/sandbox/server';
import { launchChromium, openGalleryHarness } from './harness';

// Before the bundle is built: names in the CPU profile are our own.
process.env.TUNE_STUDIO_BENCH_UNMINIFIED = '1';

interface TraceEvent { name: string; cat: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { name?: string; data?: { url?: string } } }

const OUT = path.resolve(__dirname, '..', 'test-results', 'gallery-trace.json');

async function main(): Promise<void> {
  const images = Number(process.argv[2] ?? 1000);
  const sandbox = await startSandbox({ seed: 'empty', quiet: true });
  const browser = await launchChromium();
  try {
    const seeded = (await (await fetch(`${sandbox.url}/__admin/seed-gallery`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: images }) })).json()) as { id: number };
    const client = new AstriaClient({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey, retries: 0 });
    for (const p of await client.listPrompts(seeded.id, { limit: 40 })) for (const url of p.images) await (await fetch(url)).arrayBuffer();
    // Warm-up open, untraced.
    for (const mode of ['warm-up', 'trace', 'profile'] as const) {
      const harness = await openGalleryHarness(browser, { source: { kind: 'sandbox', url: sandbox.url, key: sandbox.astriaKey, subject: { kind: 'tune', tuneId: seeded.id } } });
      const cdp = await harness.page.context().newCDPSession(harness.page);
      if (mode === 'profile') {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
        await cdp.send('Profiler.start');
      }
      if (mode === 'trace') {
        mkdirSync(path.dirname(OUT), { recursive: true });
        await browser.startTracing(harness.page, { path: OUT, categories: ['devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'loading'] });
      }
      await harness.open();
      await harness.page.waitForFunction(() => performance.getEntriesByName('gallery:first-image-painted')[0], undefined, { polling: 10 });
      const marks = await harness.page.evaluate(() => performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)]));
      if (mode === 'trace') {
        await browser.stopTracing();
        console.log('marks (ms since navigation):', Object.fromEntries(marks));
        summarize(JSON.parse(readFileSync(OUT, 'utf8')) as { traceEvents: TraceEvent[] });
      }
      if (mode === 'profile') printProfile((await cdp.send('Profiler.stop')).profile);
      await harness.close();
    }
  } finally {
    await browser.close();
    await sandbox.close();
  }
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Self time per function of the webview's JavaScript, the biggest first. */
function printProfile(profile: CpuProfile): void {
  const byNode = new Map<number, number>();
  const samples = profile.samples ?? [];
  samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000));
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (!url.includes('/dist/webview/')) continue;
    const key = `${functionName || '(top level)'} (${path.basename(url)}:${lineNumber + 1})`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + (byNode.get(node.id) ?? 0));
  }
  const total = [...byFunction.values()].reduce((a, b) => a + b, 0);
  console.log(`\nwebview JavaScript, self time (CPU profile, unminified bundle): ${total.toFixed(0)} ms in all`);
  for (const [name, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${ms.toFixed(1).padStart(6)} ms  ${name}`);
}

/** Main-thread self time (an event's duration less its children's) by kind of work, navigation → first image painted. */
function summarize({ traceEvents }: { traceEvents: TraceEvent[] }): void {
  const nav = traceEvents.find((e) => e.name === 'navigationStart' || e.name === 'NavigationStart');
  const painted = traceEvents.find((e) => e.name === 'gallery:first-image-painted');
  const parse = traceEvents.find((e) => e.name === 'ParseHTML');
  if (!nav || !painted || !parse) throw new Error('trace lacks navigation, the paint mark or the renderer main thread');
  const events = traceEvents
    .filter((e) => e.pid === parse.pid && e.tid === parse.tid && e.ph === 'X' && e.dur && e.ts >= nav.ts && e.ts <= painted.ts)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const children = new Map<TraceEvent, number>();
  const stack: TraceEvent[] = [];
  let busy = 0;
  for (const e of events) {
    while (stack.length && stack[stack.length - 1].ts + (stack[stack.length - 1].dur ?? 0) <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) children.set(parent, (children.get(parent) ?? 0) + (e.dur ?? 0));
    else busy += e.dur ?? 0;
    stack.push(e);
  }
  const KIND: [RegExp, string][] = [
    [/EvaluateScript|v8\.|FunctionCall|RunMicrotasks|TimerFire|EventDispatch|FireAnimationFrame|V8\./, 'script (our bundle, Lit, event handlers)'],
    [/UpdateLayoutTree|ParseAuthorStyleSheet|RecalculateStyles/, 'style'],
    [/^Layout$/, 'layout'],
    [/ParseHTML|DocumentLoader|NavigationBodyLoader|DecodedDataDocumentParser|HTMLDocumentParser/, 'loading the page (HTML)'],
    [/Paint|Layerize|^Commit$|PrePaint|Composite/, 'paint'],
    [/^RunTask$|ThreadControllerImpl/, 'browser work the trace does not break down (IPC, loading, bindings)'],
    [/GC|Scavenge|MinorGC|MajorGC/, 'garbage collection'],
    [/Decode|ImageFrame/, 'image decoding'],
    [/Font/, 'fonts'],
  ];
  const byKind = new Map<string, number>();
  for (const e of events) {
    const self = (e.dur ?? 0) - (children.get(e) ?? 0);
    const kind = KIND.find(([re]) => re.test(e.name))?.[1] ?? 'other';
    byKind.set(kind, (byKind.get(kind) ?? 0) + self / 1000);
  }
  console.log(`navigation → first image painted: ${((painted.ts - nav.ts) / 1000).toFixed(0)} ms; renderer main thread busy ${(busy / 1000).toFixed(0)} ms of it:`);
  for (const [kind, total] of [...byKind].sort((a, b) => b[1] - a[1])) console.log(`  ${total.toFixed(1).padStart(6)} ms  ${kind}`);
  console.log(`trace: ${path.relative(process.cwd(), OUT)} (open in Perfetto or chrome://tracing)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
