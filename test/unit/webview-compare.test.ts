// The compare webview in a real browser: the real bundle in the real CSP shell (bench/harness.ts), with a
// stand-in host. Hostile axis values, titles and server errors render as literal text; non-http(s)
// image URLs are never rendered; keyboard navigation, the lightbox across cells, "Only differences";
// and the contact sheet it sends is a PNG of the size the layout promises.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { closeServer, launchChromium, serveShell } from '../../bench/harness';
import { patternPng } from '../sandbox/png';
import { contactSheetLayout, pngSize, type CompareCell, type CompareInit } from '../../src/shared/compare';
import { gridCoords } from '../../src/shared/sweep';

const HOSTILE = [`<img src=x onerror="window.__pwned='img'">`, '<script>window.__pwned = "script"</script>', `"><svg onload="window.__pwned='svg'">`];

interface Posted {
  kind?: string;
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
}

let browser: Browser;
let server: Server;
let origin = '';
let page: Page;
const requests: Posted[] = [];

function init(): CompareInit {
  const columns = ['3', HOSTILE[0]];
  const rows = ['11', HOSTILE[1]];
  const cells: CompareCell[] = gridCoords([2, 2]).map((coords, index) => ({
    index,
    coords,
    status: index === 3 ? 'failed' : 'done',
    promptId: index === 3 ? null : 100 + index,
    images: index === 3 ? [] : [`${origin}/cdn/${index}-0.png`, `${origin}/cdn/${index}-1.png`, 'javascript:window.__pwned=1'],
    expectedImages: 2,
    error: index === 3 ? `num_images ${HOSTILE[2]}` : null,
    params: { text: HOSTILE[2], num_images: 2, cfg_scale: coords[0] === 0 ? 3 : 9, seed: coords[1] === 0 ? 11 : 22 },
    liked: false,
  }));
  return {
    sweepId: 'test',
    title: `${HOSTILE[0]} × Seed`,
    tuneTitle: HOSTILE[1],
    axes: [
      { label: 'CFG scale', values: columns },
      { label: 'Seed', values: rows },
    ],
    cells,
    running: false,
    loadError: null,
  };
}

async function pwned(): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
}

before(async () => {
  browser = await launchChromium();
  ({ server, origin } = await serveShell({
    script: 'compare.js',
    stylesheet: 'compare.css',
    title: 'Compare',
    allowLoopbackMedia: true,
    extra: (pathname, res) => {
      if (!pathname.startsWith('/cdn/')) return false;
      res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
      res.end(patternPng(pathname, 64, 64));
      return true;
    },
  }));
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  page = await context.newPage();
  await page.exposeFunction('__harnessPost', async (message: Posted) => {
    const reply = (data: unknown) => page.evaluate((d) => window.dispatchEvent(new MessageEvent('message', { data: d })), data);
    if (message.kind === 'ready') await reply({ kind: 'notification', method: 'init', params: init() });
    else if (message.kind === 'request') {
      requests.push(message);
      const result = message.method === 'exportSheet' ? { message: 'Exported sweeps/x.png', path: 'sweeps/x.png' } : { message: 'ok' };
      await reply({ kind: 'response', id: message.id, ok: true, result });
    } else if (message.kind === 'notification') requests.push(message);
  });
  await page.addInitScript(`window.acquireVsCodeApi = () => ({ postMessage: (m) => void window.__harnessPost(m), getState: () => undefined, setState: () => {} });`);
  await page.goto(`${origin}/`);
  await page.waitForSelector('.cell[data-index="3"]');
});

after(async () => {
  await browser?.close();
  if (server) await closeServer(server);
});

describe('compare webview', () => {
  it('renders hostile labels, titles and server errors as literal text and runs none of them', async () => {
    assert.equal(await page.locator('.title').textContent(), `${HOSTILE[0]} × Seed`);
    assert.deepEqual(await page.locator('.column-label.top').allTextContents(), ['3', HOSTILE[0]]);
    assert.deepEqual(await page.locator('.row-label.left').allTextContents(), ['11', HOSTILE[1]]);
    assert.equal(await page.locator('.cell[data-index="3"] .cell-error').textContent(), `num_images ${HOSTILE[2]}`);
    assert.equal(await page.locator('.grid svg, .grid iframe, .grid script, .grid img[src="x"]').count(), 0);
    await page.waitForTimeout(200);
    assert.equal(await pwned(), undefined);
  });

  it('never renders a non-http(s) image URL', async () => {
    await page.waitForFunction(() => [...document.querySelectorAll('.cell img')].every((img) => img.getAttribute('src')));
    const sources = await page.locator('.cell img').evaluateAll((imgs) => imgs.map((img) => img.getAttribute('src') ?? ''));
    assert.equal(sources.length, 6);
    assert.ok(sources.every((src) => src.startsWith('http://127.0.0.1')));
  });

  it('moves between cells with the arrow keys and across cells in the lightbox', async () => {
    await page.locator('.cell[data-index="0"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('.cell:focus').getAttribute('data-index'), '3');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    const caption = page.locator('.lightbox-caption');
    assert.match((await caption.textContent()) ?? '', /^CFG scale: <img src=x.* · Seed: 11 — image 1 of 2$/);
    await page.keyboard.press('ArrowLeft');
    assert.match((await caption.textContent()) ?? '', /^CFG scale: 3 · Seed: 11/);
    await page.keyboard.press('ArrowLeft');
    assert.match((await caption.textContent()) ?? '', /^CFG scale: 3 · Seed: 11/, 'stays at the first cell');
    await page.locator('.lightbox [data-action="save"]').click();
    const save = requests.findLast((r) => r.method === 'cellAction');
    assert.deepEqual(save?.params, { index: 0, imageIndex: 0, action: 'save' });
    await page.keyboard.press('Escape');
    await caption.waitFor({ state: 'detached' });
    assert.equal(await page.locator('.cell:focus').getAttribute('data-index'), '0');
  });

  it('"Only differences" keeps just the options that differ between cells', async () => {
    const keys = () => page.locator('.cell[data-index="0"] .options dt').allTextContents();
    assert.deepEqual(await keys(), ['num_images', 'cfg_scale', 'seed'], 'every option but the text at first');
    await page.locator('vscode-checkbox[data-action="diff-only"]').click();
    assert.deepEqual(await keys(), ['cfg_scale', 'seed']);
    await page.locator('vscode-checkbox[data-action="diff-only"]').click();
  });

  it('sends a contact sheet that is a PNG of the size of its layout', async () => {
    await page.locator('vscode-button[data-action="export-sheet"]').click();
    await page.locator('.message', { hasText: 'Exported sweeps/x.png' }).waitFor({ state: 'visible', timeout: 15_000 });
    const sheet = requests.findLast((r) => r.method === 'exportSheet');
    assert.ok(sheet?.params);
    const layout = contactSheetLayout({ columns: 2, rows: 2, tabs: 1 }, 2);
    assert.equal(sheet.params.width, layout.width);
    assert.equal(sheet.params.height, layout.height);
    assert.deepEqual(pngSize(Buffer.from(String(sheet.params.png), 'base64')), { width: layout.width, height: layout.height });
  });
});
