// The bench's baseline: the same CSP shell, stylesheets and codicons, showing the same first images as a
// static grid built by a 20-line script. Its "open → first image painted" is what the browser and the CDN
// cost on this machine right now; the gallery's figure divided by it is what our code adds, and stays
// comparable on a busy machine where absolute milliseconds do not.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { renderShell } from '../src/webviews/html';
import { galleryBundle } from './harness';

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
  const webviewDir = await galleryBundle();
  let origin = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        renderShell({
          cspSource: origin,
          scriptUri: `${origin}/baseline.js`,
          styleUris: [`${origin}/dist/webview/${stylesheet}`],
          codiconsUri: `${origin}/dist/webview/codicons.css`,
          title: 'Baseline',
          allowLoopbackMedia: true,
        }),
      );
    } else if (url.pathname === '/baseline.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(baselineScript(imageUrls));
    } else if (url.pathname.startsWith('/dist/webview/')) {
      const file = path.join(webviewDir, path.normalize(url.pathname.slice('/dist/webview/'.length)));
      readFile(file).then(
        (body) => {
          res.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : file.endsWith('.ttf') ? 'font/ttf' : 'application/octet-stream' });
          res.end(body);
        },
        () => res.writeHead(404).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
