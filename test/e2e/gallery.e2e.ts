// A person opens a tune's gallery from the Tunes view, scrolls, opens an image large, steps to the next
// one, zooms, and saves it to the workspace from the lightbox. Takes gallery.png and lightbox.png.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeAll, openView, openWorkbench, runCommand, screenshot, viewPane, webviewFrame, type Workbench, useLocalSandbox } from './workbench';

const TITLE = 'Portraits — studio light';

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

    // Scroll a while: more pages arrive, the DOM stays small.
    for (let i = 0; i < 10; i++) await gallery.locator('.scroller').evaluate((el) => el.scrollBy(0, el.clientHeight * 2));
    await gallery.locator('.summary', { hasText: /^6\d\d\+? images/ }).waitFor({ timeout: 15_000 }).catch(() => undefined);
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
});
