// A person opens a tune's gallery from the Tunes view, scrolls, opens an image large, steps to the next
// one, zooms, and saves it to the workspace from the lightbox. Takes gallery.png and lightbox.png.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeAll, openView, openWorkbench, runCommand, screenshot, viewPane, webviewFrame, type Workbench, useLocalSandbox } from './workbench';

const TITLE = 'Portraits — studio light';
const BROKEN = 'Broken images';

describe('Gallery (packaged extension in code-server)', { timeout: 240_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
    const response = await fetch(`${wb.sandbox.url}/__admin/seed-gallery`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 2000, title: TITLE }),
    });
    assert.equal(response.status, 201);
    const broken = await fetch(`${wb.sandbox.url}/__admin/seed-gallery`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 8, title: BROKEN }),
    });
    assert.equal(broken.status, 201);
  });
  after(async () => {
    await wb?.close();
    await closeAll();
  });

  it('opens a tune gallery from the tree, shows lazily loaded images, and a lightbox', async () => {
    const { page } = wb;
    await useLocalSandbox(page);
    await openView(page, 'Tunes');

    // The row's inline "Open Gallery" action, as a person would click it.
    const row = viewPane(page, 'Tunes').locator('.monaco-list-row', { hasText: TITLE }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.hover();
    await row.locator('.action-label[aria-label="Open Gallery"]').click();

    const gallery = webviewFrame(page);
    await gallery.locator('.tile.loaded').nth(5).waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await gallery.locator('.title').textContent()) ?? '', /Portraits — studio light/);
    assert.match((await gallery.locator('.summary').textContent()) ?? '', /^320\+ images · 40\+ prompts$/);
    // 2,000 images, and only those near the viewport were asked for.
    const imageRequests = wb.sandbox.requests.filter((r) => r.origin === 'cdn' && r.path.startsWith('/images/')).length;
    assert.ok(imageRequests > 0 && imageRequests < 60, `${imageRequests} image requests before any scroll`);

    await page.locator('.tabs-container .tab', { hasText: `Gallery: ${TITLE}` }).waitFor({ state: 'visible' });
    await runCommand(page, 'Notifications: Clear All Notifications');
    await screenshot(page, 'gallery.png');

    // Scroll a while: more pages arrive (the summary counts past the first page's 320), the DOM stays small.
    const summary = gallery.locator('.summary');
    const shownImages = async () => Number(/^(\d+)\+? images/.exec((await summary.textContent()) ?? '')?.[1] ?? 0);
    for (const deadline = Date.now() + 20_000; (await shownImages()) <= 320 && Date.now() < deadline; ) {
      await gallery.locator('.scroller').evaluate((el) => el.scrollBy(0, el.clientHeight * 2));
      await page.waitForTimeout(200);
    }
    assert.ok((await shownImages()) > 320, `more pages arrived while scrolling: ${await summary.textContent()}`);
    const nodes = await gallery.locator('body').evaluate(() => document.querySelectorAll('*').length);
    assert.ok(nodes < 1500, `${nodes} DOM nodes after scrolling`);
    // Back to the top; the rows drawn down there leave once the grid has handled the scroll (a few frames).
    await gallery.locator('.scroller').evaluate(
      (el) =>
        new Promise<void>((resolve) => {
          el.scrollTo(0, 0);
          requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
        }),
    );

    // Open the second image large, step right, zoom, back to fit.
    await gallery.locator('.tile.loaded .tile-open').nth(1).click();
    const lightbox = gallery.locator('.lightbox');
    await lightbox.waitFor({ state: 'visible' });
    await lightbox.locator('.lightbox-image').evaluate(
      (img) => new Promise<void>((resolve) => ((img as HTMLImageElement).complete ? resolve() : img.addEventListener('load', () => resolve()))),
    );
    assert.match((await lightbox.locator('.lightbox-counter').textContent()) ?? '', /^2 \/ \d+$/);
    await page.keyboard.press('ArrowRight');
    assert.match((await lightbox.locator('.lightbox-counter').textContent()) ?? '', /^3 \/ \d+$/);
    await page.keyboard.press('z');
    assert.equal(await lightbox.locator('.lightbox-stage.actual').count(), 1);
    await page.keyboard.press('z');
    await screenshot(page, 'lightbox.png');

    // Save to Workspace from the lightbox: generated/<tune title>/<prompt id>-3.png.
    await lightbox.locator('vscode-toolbar-button[data-action="save"]').click();
    const folder = join(wb.workspace, 'generated', 'Portraits studio light');
    const deadline = Date.now() + 15_000;
    while (!(existsSync(folder) && readdirSync(folder).some((f) => /^\d+-3\.png$/.test(f))) && Date.now() < deadline) await page.waitForTimeout(200);
    assert.ok(existsSync(folder), `${folder} exists`);
    assert.ok(readdirSync(folder).some((f) => /^\d+-3\.png$/.test(f)), `saved files: ${readdirSync(folder).join(', ')}`);

    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'hidden' });
  });

  // The gallery's images come straight from the CDN into the webview: the fault matrix's "gallery image"
  // and "lightbox" rows, which the extension host cannot see, are checked here in real Chromium.
  it('shows “Image unavailable” for an image the CDN cuts short or refuses, in the tile and the lightbox, and loads it after Refresh', async () => {
    const { page } = wb;
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${wb.sandbox.url}/__admin${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const tunes = (await (await fetch(`${wb.sandbox.url}/tunes?title=${encodeURIComponent(BROKEN)}`, { headers: { authorization: `Bearer ${wb.sandbox.astriaKey}` } })).json()) as { id: number }[];
    const prompts = (await (await fetch(`${wb.sandbox.url}/tunes/${tunes[0]?.id}/prompts`, { headers: { authorization: `Bearer ${wb.sandbox.astriaKey}` } })).json()) as { id: number }[];
    const newest = prompts[0]?.id;
    assert.ok(newest, 'the broken-images tune has prompts');
    // Its first image arrives cut short, its second is refused; they stay so until the faults are lifted.
    assert.equal((await admin('POST', '/faults', { match: `/images/${newest}-1.png`, origin: 'cdn', kind: 'truncated', count: 1000 })).status, 201);
    assert.equal((await admin('POST', '/faults', { match: `/images/${newest}-2.png`, origin: 'cdn', kind: 'status500', count: 1000 })).status, 201);

    await runCommand(page, 'View: Close All Editors');
    await openView(page, 'Tunes');
    const row = viewPane(page, 'Tunes').locator('.monaco-list-row', { hasText: BROKEN }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.hover();
    await row.locator('.action-label[aria-label="Open Gallery"]').click();
    const gallery = webviewFrame(page);
    const broken = gallery.locator('.tile.broken');
    await broken.nth(1).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await broken.count(), 2, 'exactly the two faulty images are broken');
    const notes = await broken.locator('.broken-note').allTextContents();
    assert.ok(notes.length === 2 && notes.every((t) => t.includes('Image unavailable')), `tile notes: ${notes.join(' | ')}`);
    assert.ok((await gallery.locator('.tile.loaded').count()) >= 4, 'the others load');

    // Opened large, the refused image says so too.
    await broken.first().locator('.tile-open').click();
    const lightbox = gallery.locator('.lightbox');
    await lightbox.waitFor({ state: 'visible' });
    await gallery.locator('.lightbox-stage.broken').waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'hidden' });

    // The CDN is back: Refresh loads them.
    assert.equal((await admin('DELETE', '/faults')).status, 200);
    await gallery.locator('vscode-toolbar-button[data-toolbar="refresh"]').click();
    await gallery.locator(`.tile.loaded[data-prompt-id="${newest}"][data-image-index="1"]`).waitFor({ state: 'visible', timeout: 20_000 });
    await gallery.locator(`.tile.loaded[data-prompt-id="${newest}"][data-image-index="0"]`).waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await gallery.locator('.tile.broken').count(), 0, 'nothing is broken any more');
    await gallery.locator(`.tile.loaded[data-prompt-id="${newest}"][data-image-index="1"] .tile-open`).click();
    await lightbox.waitFor({ state: 'visible' });
    await lightbox.locator('.lightbox-image').evaluate(
      (img) => new Promise<void>((resolve, reject) => {
        const image = img as HTMLImageElement;
        if (image.complete && image.naturalWidth > 0) resolve();
        image.addEventListener('load', () => resolve());
        image.addEventListener('error', () => reject(new Error('the lightbox image failed again')));
      }),
    );
    assert.equal(await gallery.locator('.lightbox-stage.broken').count(), 0, 'the lightbox shows it');
    await page.keyboard.press('Escape');
  });
});
