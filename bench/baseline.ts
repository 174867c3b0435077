// The bench's baseline: the same CSP shell, stylesheets and codicons, showing the same first images as a
// static grid built by a 20-line script. Its "open → first image painted" is what the browser and the CDN
// cost on this machine right now; the gallery's figure divided by it is what our code adds, and stays
// comparable on a busy machine where absolute milliseconds do not.
import type { Browser } from 'playwright-core';
import { closeServer, serveShell } from './harness';

/** A script that lays out `urls` as a grid and marks `baseline:first-image-painted` like the gallery does. */
function baselineScript(urls: string[]): string {
  return `(() => {
  const urls = ${JSON.stringify(urls)};
  const grid = document.createElement('div');
  grid.style.display = 'grid';
  grid.style.gridTemplateColumns = 'repeat(auto-fill, minmax(180px, 1fr))';
  grid.style.gap = '4px';
  let first = true;
  for (const url of urls) {
    const img = new Image(180, 180);
    img.alt = '';
    img.addEventListener('load', () => {
      if (!first) return;
      first = false;
      requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('baseline:first-image-painted')));
    });
    img.src = url;
    grid.append(img);
  }
  document.getElementById('app').append(grid);
  if (!urls.length) {
    grid.textContent = 'Baseline';
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('baseline:first-image-painted')));
  }
})();`;
}

/**
 * Opens the static page in a fresh browser context; returns open → first image painted, in ms (with no
 * images: open → a line of text painted, the baseline of the prompt editor).
 */
export async function baselineFirstPaint(
  browser: Browser,
  imageUrls: string[],
  viewport: { width: number; height: number },
  stylesheet: 'gallery.css' | 'promptEditor.css' = 'gallery.css',
): Promise<number> {
  const { server, origin } = await serveShell({
    script: '/baseline.js',
    stylesheet,
    title: 'Baseline',
    allowLoopbackMedia: true,
    extra: (pathname, res) => {
      if (pathname !== '/baseline.js') return false;
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(baselineScript(imageUrls));
      return true;
    },
  });
  const context = await browser.newContext({ viewport });
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    const handle = await page.waitForFunction(() => performance.getEntriesByName('baseline:first-image-painted')[0]?.startTime, undefined, {
      timeout: 15_000,
      polling: 10,
    });
    return Number(await handle.jsonValue());
  } finally {
    await context.close();
    await closeServer(server);
  }
}
