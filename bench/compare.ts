// Compare panel benchmark: its real bundle in the real CSP shell in headless Chromium, with a stand-in
// host that answers `ready` with the `init` of a 6 × 4 sweep of 4 images each (24 prompts, 96 images,
// PNGs served by the harness's loopback "CDN"). Measures open → the first row's images painted (those
// in the viewport: the rest are lazy), and how much DOM and how many image requests the grid costs.
import type { Browser, Page } from 'playwright-core';
import { patternPng } from '../test/sandbox/png';
import type { CompareCell, CompareInit } from '../src/shared/compare';
import { gridCoords } from '../src/shared/sweep';
import { closeServer, embedLikeThePanel, launchChromium, serveShell, stubWebviewApi } from './harness';

export interface CompareRun {
  /** Navigation start → the grid rendered (`didRender`). */
  gridRenderedMs: number;
  /** Navigation start → every image of the first row that is in the viewport decoded, then two frames (measured in the page). */
  firstRowPaintedMs: number;
  /** Images of the first row in the viewport (what was waited for). */
  firstRowImages: number;
  /** Image requests made before any scroll (lazy loading keeps them to what is visible). */
  imageRequestsAtOpen: number;
  /** DOM elements once the grid is rendered. */
  domNodes: number;
  cells: number;
  /** The same shell and stylesheet with a static grid of the same first-row images, measured the same way, back to back. */
  baselineMs: number;
  firstRowRatio: number;
}

const COLUMNS = 6;
const ROWS = 4;
const IMAGES = 4;

function sweepInit(origin: string): CompareInit {
  const cfg = ['2', '3', '4', '5', '6', '7'];
  const seeds = ['11', '22', '33', '44'];
  const cells: CompareCell[] = gridCoords([COLUMNS, ROWS]).map((coords, index) => ({
    index,
    coords,
    status: 'done',
    promptId: 1000 + index,
    images: Array.from({ length: IMAGES }, (_, i) => `${origin}/cdn/${index}-${i}.png`),
    expectedImages: IMAGES,
    error: null,
    params: { text: 'portrait of <1>, soft window light', num_images: IMAGES, cfg_scale: Number(cfg[coords[0]]), seed: Number(seeds[coords[1]]) },
    liked: false,
  }));
  return {
    sweepId: 'bench',
    title: 'CFG scale × Seed on Bench',
    tuneTitle: 'Bench',
    axes: [
      { label: 'CFG scale', values: cfg },
      { label: 'Seed', values: seeds },
    ],
    cells,
    running: false,
    loadError: null,
  };
}

/** The "CDN"'s pictures, made once: the bench measures the panel, not PNG encoding in Node. */
const pictures = new Map<string, Buffer>();

/** A static page: the first row's images as a plain grid, marked when all are decoded and painted. */
function baselineScript(urls: string[]): string {
  return `(() => {
  const grid = document.createElement('div');
  grid.style.display = 'grid';
  grid.style.gridTemplateColumns = 'repeat(8, 160px)';
  grid.style.gap = '4px';
  const images = ${JSON.stringify(urls)}.map((url) => {
    const img = new Image(160, 160);
    img.alt = '';
    img.src = url;
    grid.append(img);
    return img;
  });
  document.getElementById('app').append(grid);
  Promise.all(images.map((img) => img.decode().catch(() => undefined))).then(() =>
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('baseline:first-row-painted'))),
  );
})();`;
}

async function baseline(browser: Browser, count: number): Promise<number> {
  const { server, origin } = await serveShell({
    script: '/baseline.js',
    stylesheet: 'compare.css',
    title: 'Baseline',
    allowLoopbackMedia: true,
    extra: (pathname, res) => {
      if (pathname === '/baseline.js') {
        const urls = Array.from({ length: count }, (_, i) => `/cdn/${Math.floor(i / IMAGES)}-${i % IMAGES}.png`);
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(baselineScript(urls));
        return true;
      }
      return servePicture(pathname, res);
    },
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    return await mark(page, 'baseline:first-row-painted');
  } finally {
    await context.close();
    await closeServer(server);
  }
}

function servePicture(pathname: string, res: import('node:http').ServerResponse): boolean {
  if (!pathname.startsWith('/cdn/')) return false;
  let picture = pictures.get(pathname);
  if (!picture) pictures.set(pathname, (picture = patternPng(pathname, 128, 128)));
  res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
  res.end(picture);
  return true;
}

async function open(browser: Browser): Promise<Omit<CompareRun, 'baselineMs' | 'firstRowRatio'>> {
  let imageRequests = 0;
  // Like ComparePanel: the init goes into the page (its prompts are known by then).
  const initMessage = () => ({ kind: 'notification', method: 'init', params: sweepInit(origin) });
  const embed = embedLikeThePanel(async () => initMessage());
  const { server, origin } = await serveShell({
    script: 'compare.js',
    stylesheet: 'compare.css',
    title: 'Compare',
    allowLoopbackMedia: true,
    initialMessage: () => embed.initialMessage(),
    extra: (pathname, res) => {
      const served = servePicture(pathname, res);
      if (served) imageRequests++;
      return served;
    },
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    let cells = 0;
    await page.exposeFunction('__harnessPost', async (message: { kind?: string; method?: string; params?: { cells?: number } }) => {
      if (message.kind === 'ready') {
        if (!embed.drew(message, initMessage())) await page.evaluate((d) => window.dispatchEvent(new MessageEvent('message', { data: d })), initMessage());
      } else if (message.kind === 'notification' && message.method === 'didRender') {
        cells = message.params?.cells ?? 0;
      }
    });
    // Measured inside the page, as the baseline is: once the grid is rendered (right after the code that
    // posted didRender), the first row's images in the viewport decoded, then two frames. Waiting for the
    // mark from Node first would add Playwright's round trips, which the baseline does not pay.
    await stubWebviewApi(page, 'bench:grid-rendered', `() => {
      const firstRow = [...document.querySelectorAll('.cell')].filter((cell) => Number(cell.dataset.index) < 6);
      const visible = firstRow.flatMap((cell) => [...cell.querySelectorAll('img')]).filter((img) => {
        const r = img.getBoundingClientRect();
        return r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
      });
      window.__firstRowImages = visible.length;
      Promise.all(visible.map((img) => img.decode().catch(() => undefined))).then(() =>
        requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('bench:first-row-painted'))),
      );
    }`);
    await page.goto(`${origin}/`);
    const gridRenderedMs = await mark(page, 'bench:grid-rendered');
    const firstRowPaintedMs = await mark(page, 'bench:first-row-painted');
    const firstRowImages = await page.evaluate(() => (window as unknown as { __firstRowImages: number }).__firstRowImages);
    const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    return { gridRenderedMs, firstRowPaintedMs, firstRowImages, imageRequestsAtOpen: imageRequests, domNodes, cells };
  } finally {
    await context.close();
    await closeServer(server);
  }
}

async function mark(page: Page, name: string): Promise<number> {
  const handle = await page.waitForFunction((m) => performance.getEntriesByName(m)[0]?.startTime, name, { timeout: 15_000, polling: 10 });
  return Number(await handle.jsonValue());
}

/** `runs` opens of a 6 × 4 sweep of 4 images each (after one warm-up). */
export async function benchCompare(runs: number): Promise<CompareRun[]> {
  const browser = await launchChromium();
  try {
    await open(browser); // warm-up
    const results: CompareRun[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await open(browser);
      const baselineMs = await baseline(browser, run.firstRowImages);
      results.push({ ...run, baselineMs, firstRowRatio: run.firstRowPaintedMs / baselineMs });
    }
    return results;
  } finally {
    await browser.close();
  }
}
