// Gallery benchmark: the real bundle in the real CSP shell in headless Chromium, fed by the sandbox over
// HTTP (see harness.ts), with 1,000 and 5,000 images. Measures what a user feels (first image painted),
// what the network sees (image requests before any scroll, pages), and what the webview holds (DOM nodes,
// JS heap) after scrolling to the very end.
import type { Browser, Page } from 'playwright-core';
import { AstriaClient } from '../src/api/astria/client';
import { startSandbox, type Sandbox } from '../test/sandbox/server';
import { baselineFirstPaint } from './baseline';
import { galleryBundle, launchChromium, openGalleryHarness } from './harness';

export interface GalleryRun {
  images: number;
  /** Navigation start → the first image painted (performance mark set two frames after its load). */
  firstImagePaintedMs: number;
  /** Navigation start → the first page of prompts arrived and was laid out. */
  firstPageMs: number;
  /** Navigation start → the bundle ran and posted `ready`. */
  readyMs: number;
  /** `ready` → `init` handled: the shell carries the init, so no host round trip (Playwright's bridge) is in it. */
  handshakeMs: number;
  /** Navigation start → the bundle (gallery.js) fully downloaded. */
  bundleLoadedMs: number;
  /** The host's fetch of the first page (started when the panel opens; the sandbox's time included). */
  hostFirstPageFetchMs: number;
  /** Navigation start → the first image request left / its bytes arrived (resource timing). */
  firstImageRequestMs: number;
  firstImageLoadedMs: number;
  /** The static grid of the same images in the same shell (baseline.ts): open → first image painted. */
  baselineFirstImagePaintedMs: number;
  /** firstImagePaintedMs / baselineFirstImagePaintedMs, measured back to back. */
  firstPaintRatio: number;
  imageRequestsBeforeScroll: number;
  domNodesAtStart: number;
  domNodesAtEnd: number;
  /** Rows in the DOM at the end (the virtualization's window). */
  rowsAtEnd: number;
  pageRequests: number;
  scrollToEndMs: number;
  imageRequestsWhileScrolling: number;
  /** JS heap after scrolling to the end and a forced GC (CDP), MB. */
  jsHeapMb: number;
  /** performance.memory.usedJSHeapSize at the same moment, MB. */
  performanceMemoryMb: number;
  /** With every image loaded: a text filter applied (filter + layout + rows drawn), ms. */
  filterMs: number;
  /** The same code path with no filter (every prompt laid out and drawn again), ms, right after. */
  unfilteredRerenderMs: number;
  /** filterMs / unfilteredRerenderMs. */
  filterRatio: number;
  /** Images matching the filter (the summary's count), DOM nodes and image requests once it applied. */
  filterMatches: number;
  domNodesAfterFilter: number;
  imageRequestsAfterFilter: number;
}

/**
 * Types into the search field (as a person would, through its input event), waits for the filter to
 * apply, and returns the time between the webview's `gallery:filter-start` and `-end` marks.
 */
async function timeFilter(page: Page, text: string): Promise<number> {
  const before = await page.evaluate(() => performance.getEntriesByName('gallery:filter-end').length);
  await page.evaluate((value) => {
    const field = document.querySelector('vscode-textfield[data-filter="text"]') as HTMLElement & { value: string };
    field.value = value;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
  await page.waitForFunction((n) => performance.getEntriesByName('gallery:filter-end').length > n, before, { polling: 10 });
  return page.evaluate(() => {
    const start = performance.getEntriesByName('gallery:filter-start').at(-1)?.startTime ?? NaN;
    const end = performance.getEntriesByName('gallery:filter-end').at(-1)?.startTime ?? NaN;
    return end - start;
  });
}

const VIEWPORT = { width: 1280, height: 800 };

async function seed(sandbox: Sandbox, count: number): Promise<number> {
  const response = await fetch(`${sandbox.url}/__admin/seed-gallery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count, title: `Bench ${count}` }),
  });
  if (!response.ok) throw new Error(`seed-gallery answered ${response.status}`);
  return ((await response.json()) as { id: number }).id;
}

function imageRequests(sandbox: Sandbox): number {
  return sandbox.requests.filter((r) => r.origin === 'cdn' && r.path.startsWith('/images/')).length;
}

async function markTime(page: Page, name: string, timeoutMs = 15_000): Promise<number> {
  const handle = await page.waitForFunction((mark) => performance.getEntriesByName(mark)[0]?.startTime, name, { timeout: timeoutMs, polling: 10 });
  return Number(await handle.jsonValue());
}

/** Scrolls like a fast reader: two viewports per frame, waiting while a page loads, until the footer says so. */
async function scrollToEnd(page: Page): Promise<number> {
  const started = Date.now();
  // A string: tsx would wrap the inner named function in a helper the page does not have.
  const reachedEnd = await page.evaluate<boolean>(`new Promise((resolve) => {
    const scroller = document.querySelector('.scroller');
    const deadline = performance.now() + 120000;
    const step = () => {
      const atBottom = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1;
      if (atBottom && document.querySelector('.footer')?.textContent === 'End of gallery') return resolve(true);
      if (performance.now() > deadline) return resolve(false);
      scroller.scrollTop += scroller.clientHeight * 2;
      requestAnimationFrame(step);
    };
    step();
  })`);
  if (!reachedEnd) throw new Error('did not reach the end of the gallery within 2 minutes');
  return Date.now() - started;
}

/**
 * The sandbox draws each PNG on its first request; real images come ready-made from a CDN. Asking for the
 * first page's images once, from Node, before the timed open makes the bench measure the extension.
 * Returns those image URLs (newest first) for the baseline.
 */
async function pregenerateFirstImages(sandbox: Sandbox, tuneId: number): Promise<string[]> {
  const client = new AstriaClient({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey, retries: 0 });
  const prompts = await client.listPrompts(tuneId, { limit: 40 });
  const urls = prompts.flatMap((p) => p.images);
  await Promise.all(urls.map(async (url) => (await fetch(url)).arrayBuffer()));
  return urls;
}

export async function runGalleryBench(browser: Browser, sandbox: Sandbox, images: number): Promise<GalleryRun> {
  const tuneId = await seed(sandbox, images);
  const firstImages = await pregenerateFirstImages(sandbox, tuneId);
  const harness = await openGalleryHarness(browser, {
    viewport: VIEWPORT,
    source: { kind: 'sandbox', url: sandbox.url, key: sandbox.astriaKey, subject: { kind: 'tune', tuneId } },
  });
  try {
    const { page } = harness;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    sandbox.clearRequests();
    // Marks when the first page is laid out: the first header row appears.
    await page.addInitScript(`new MutationObserver((_, observer) => {
      if (document.querySelector('.group-header')) { performance.mark('bench:first-page'); observer.disconnect(); }
    }).observe(document, { childList: true, subtree: true });`);
    await harness.open();
    const firstImagePaintedMs = await markTime(page, 'gallery:first-image-painted');
    const firstPageMs = await markTime(page, 'bench:first-page');
    const readyMs = await markTime(page, 'webview:ready');
    const handshakeMs = (await markTime(page, 'gallery:init')) - readyMs;
    const resources = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => ({ name: e.name, start: (e as PerformanceResourceTiming).requestStart || e.startTime, end: (e as PerformanceResourceTiming).responseEnd })),
    );
    const bundle = resources.find((r) => r.name.endsWith('/gallery.js'));
    const imageTimings = resources.filter((r) => r.name.includes('/images/'));
    // Let every image the first screen asked for go out, then count.
    await page.waitForTimeout(1000);
    const imageRequestsBeforeScroll = imageRequests(sandbox);
    const domNodesAtStart = await page.evaluate(() => document.querySelectorAll('*').length);

    const scrollToEndMs = await scrollToEnd(page);
    await page.waitForTimeout(500);
    const imageRequestsWhileScrolling = imageRequests(sandbox) - imageRequestsBeforeScroll;
    const domNodesAtEnd = await page.evaluate(() => document.querySelectorAll('*').length);
    const rowsAtEnd = await page.evaluate(() => document.querySelectorAll('.row').length);
    await cdp.send('HeapProfiler.collectGarbage');
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    const performanceMemory = await page.evaluate(
      () => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
    );
    // Filtering everything loaded (the whole gallery by now), then the unfiltered re-render for the ratio.
    const beforeFilter = imageRequests(sandbox);
    const filterMs = await timeFilter(page, 'shot #12');
    await page.waitForTimeout(300);
    // "24 of 5,000 images match"
    const filterMatches = Number(/^([\d,]+) of/.exec((await page.textContent('.summary')) ?? '')?.[1]?.replace(/,/g, '') ?? NaN);
    const domNodesAfterFilter = await page.evaluate(() => document.querySelectorAll('*').length);
    const imageRequestsAfterFilter = imageRequests(sandbox) - beforeFilter;
    const unfilteredRerenderMs = await timeFilter(page, '');
    // Back to back with the gallery, so both see the same machine load.
    const baselineFirstImagePaintedMs = await baselineFirstPaint(browser, firstImages.slice(0, 16), VIEWPORT);
    return {
      images,
      firstImagePaintedMs,
      firstPageMs,
      readyMs,
      handshakeMs,
      bundleLoadedMs: bundle?.end ?? NaN,
      hostFirstPageFetchMs: harness.pageFetchMs[0] ?? NaN,
      firstImageRequestMs: Math.min(...imageTimings.map((r) => r.start)),
      firstImageLoadedMs: Math.min(...imageTimings.map((r) => r.end)),
      baselineFirstImagePaintedMs,
      firstPaintRatio: firstImagePaintedMs / baselineFirstImagePaintedMs,
      imageRequestsBeforeScroll,
      domNodesAtStart,
      domNodesAtEnd,
      rowsAtEnd,
      pageRequests: harness.pageCursors.length,
      scrollToEndMs,
      imageRequestsWhileScrolling,
      jsHeapMb: heap / 2 ** 20,
      performanceMemoryMb: performanceMemory / 2 ** 20,
      filterMs,
      unfilteredRerenderMs,
      filterRatio: filterMs / unfilteredRerenderMs,
      filterMatches,
      domNodesAfterFilter,
      imageRequestsAfterFilter,
    };
  } finally {
    await harness.close();
  }
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export type GallerySummary = { [K in keyof GalleryRun]: Spread } & { runs: number };

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/**
 * Runs each size `runs` times; every figure is kept as min / median / max. Every run gets a fresh
 * sandbox, so a backlog of PNGs drawn for the previous run's scrolling cannot slow the next one.
 */
export async function benchGallery(sizes: number[], runs: number): Promise<GallerySummary[]> {
  await galleryBundle();
  const browser = await launchChromium();
  const once = async (images: number) => {
    const sandbox = await startSandbox({ seed: 'empty', quiet: true });
    try {
      return await runGalleryBench(browser, sandbox, images);
    } finally {
      await sandbox.close();
    }
  };
  try {
    // One untimed run warms up Chromium.
    await once(40);
    const results: GallerySummary[] = [];
    for (const images of sizes) {
      const all: GalleryRun[] = [];
      for (let i = 0; i < runs; i++) all.push(await once(images));
      const keys = Object.keys(all[0]) as (keyof GalleryRun)[];
      results.push({ runs, ...Object.fromEntries(keys.map((key) => [key, spread(all.map((r) => r[key]))])) } as GallerySummary);
    }
    return results;
  } finally {
    await browser.close();
  }
}
