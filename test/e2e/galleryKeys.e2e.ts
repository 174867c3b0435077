// The rough edges of issue #24 in the gallery, in the real workbench and Chromium: a gallery opened before
// any key offers Set API Key (and loads once one is given); the grid is one Tab stop that the arrow keys,
// Home/End and Page Down move through, Enter opens the image large and Space selects it, and the focus
// survives its row leaving the DOM; on a server without likes, Favorites says so without a useless Retry,
// and a liked prompt's heart shows "unknown" after Refresh instead of "not liked".
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import type { Tune } from '../../src/api/astria/types';
import { closeAll, openView, openWorkbench, runCommand, screenshot, viewPane, type Workbench } from './workbench';

const TITLE = 'Keyboard walk';

/** The visible webview's content (with several panels open, the one in front). */
function visibleWebview(page: Page): FrameLocator {
  return page.locator('iframe.webview.ready').filter({ visible: true }).last().contentFrame().locator('#active-frame').contentFrame();
}

describe('Gallery rough edges (packaged extension in code-server)', { timeout: 300_000 }, () => {
  let wb: Workbench;
  let tune: Tune;

  before(async () => {
    wb = await openWorkbench();
    const response = await fetch(`${wb.sandbox.url}/__admin/seed-gallery`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 300, title: TITLE }),
    });
    assert.equal(response.status, 201);
    tune = (await response.json()) as Tune;
  });
  after(async () => {
    await wb?.close();
    await closeAll();
  });

  it('offers Set API Key when the gallery has no key, and loads once one is given (not only Retry)', async () => {
    const { page } = wb;
    await runCommand(page, 'Tune Studio: Open Recent Images');
    const gallery = visibleWebview(page);
    const footer = gallery.locator('.footer');
    await footer.filter({ hasText: 'No Astria API key is set' }).waitFor({ state: 'visible', timeout: 30_000 });
    const setKey = footer.locator('vscode-button[data-footer="set-key"]');
    assert.equal(await setKey.textContent(), 'Set API Key');
    assert.equal(await footer.locator('vscode-button[data-footer="retry"]').count(), 1, 'Retry stays, next to it');
    await screenshot(page, 'gallery-no-key.png', { forReadme: false });
    await setKey.click();
    const keyInput = page.locator('.quick-input-widget .quick-input-box input');
    await keyInput.waitFor({ state: 'visible', timeout: 15_000 });
    await keyInput.fill(wb.sandbox.astriaKey);
    await keyInput.press('Enter');
    await gallery.locator('.tile.loaded').first().waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await footer.filter({ hasText: 'No Astria API key' }).count(), 0, 'the error is gone');
    await runCommand(page, 'View: Close All Editors');
  });

  it('is one Tab stop; arrows, Home/End and Page Down move by tiles and columns; Enter opens, Space selects; the focus survives scrolling', async () => {
    const { page } = wb;
    await openView(page, 'Tunes');
    const row = viewPane(page, 'Tunes').locator('.monaco-list-row', { hasText: TITLE }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.hover();
    await row.locator('.action-label[aria-label="Open Gallery"]').click();
    const gallery = visibleWebview(page);
    await gallery.locator('.tile.loaded').nth(8).waitFor({ state: 'visible', timeout: 30_000 });

    // One Tab stop in the whole grid, and Tab from the toolbar lands on it.
    const stops = () => gallery.locator('.content').evaluate((content) => [...content.querySelectorAll('button, [tabindex]')].filter((e) => (e as HTMLElement).tabIndex >= 0).length);
    assert.equal(await stops(), 1, 'the grid is a single Tab stop');
    await gallery.locator('vscode-toolbar-button[data-toolbar="refresh"]').focus();
    const focused = () =>
      gallery.locator('body').evaluate(() => {
        const tile = document.activeElement?.closest<HTMLElement>('.tile');
        return tile ? `${tile.dataset.promptId}/${tile.dataset.imageIndex}` : String(document.activeElement?.className ?? 'none');
      });
    for (let i = 0; i < 10 && !(await focused()).includes('/'); i++) await page.keyboard.press('Tab');
    const first = await focused();
    assert.match(first, /^\d+\/0$/, `Tab reaches the first image: ${first}`);
    const [promptId] = first.split('/');
    const columns = await gallery.locator(`.tile[data-prompt-id="${promptId}"]`).evaluateAll((tiles) => {
      const top = tiles[0].getBoundingClientRect().top;
      return tiles.filter((t) => Math.abs(t.getBoundingClientRect().top - top) < 2).length;
    });
    assert.ok(columns >= 2, `${columns} columns`);
    const help = await gallery.locator('#gallery-keys-help').textContent();
    assert.match(help ?? '', /Arrow keys move between images/, 'the keys are described to screen readers');

    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(), `${promptId}/1`, 'Right: the next image');
    await page.keyboard.press('ArrowLeft');
    // The tile drawn right below the focused one (the next row of this prompt, or of the next prompt).
    const below = await gallery.locator('body').evaluate(() => {
      const from = document.activeElement!.closest('.tile')!.getBoundingClientRect();
      const tiles = [...document.querySelectorAll<HTMLElement>('.tile-image')].map((t) => ({ t, box: t.getBoundingClientRect() })).filter(({ box }) => box.top >= from.bottom);
      const top = Math.min(...tiles.map(({ box }) => box.top));
      const row = tiles.filter(({ box }) => Math.abs(box.top - top) < 2).sort((a, b) => Math.abs(a.box.left - from.left) - Math.abs(b.box.left - from.left));
      return `${row[0].t.dataset.promptId}/${row[0].t.dataset.imageIndex}`;
    });
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), below, 'Down: the tile right below, one row of tiles down');
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(), `${promptId}/0`, 'Up: back');
    assert.equal(await stops(), 1, 'still one Tab stop after moving');

    // Enter opens the focused image large; Escape brings the focus back to it.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const lightbox = gallery.locator('.lightbox');
    await lightbox.waitFor({ state: 'visible' });
    assert.match((await gallery.locator('.lightbox-counter').textContent()) ?? '', /^2 \/ /, 'the second image is open');
    assert.match((await gallery.locator('#lightbox-keys-help').textContent()) ?? '', /In the grid: Arrow keys move between images/, 'the lightbox says the grid’s keys');
    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'hidden' });
    assert.equal(await focused(), `${promptId}/1`, 'back on its tile');

    // Space selects the focused image; Escape clears the selection.
    await page.keyboard.press('Space');
    await gallery.locator('.bulk-count').filter({ hasText: '1' }).waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');

    // Page Down moves several rows; the focus stays on a tile as the rows are drawn anew.
    await page.keyboard.press('PageDown');
    const paged = await focused();
    assert.match(paged, /^\d+\/\d+$/, `Page Down lands on a tile: ${paged}`);
    assert.notEqual(paged, `${promptId}/1`);

    // End: the last loaded image, far below (rows drawn, the first ones removed); Home comes back.
    await page.keyboard.press('End');
    const last = await focused();
    assert.match(last, /^\d+\/\d+$/, `End lands on a tile: ${last}`);
    assert.equal(await gallery.locator(`.tile[data-prompt-id="${promptId}"][data-image-index="0"]`).count(), 0, 'the first rows left the DOM');
    await page.keyboard.press('Home');
    assert.equal(await focused(), `${promptId}/0`, 'Home: the first image, drawn again and focused');

    // Scroll the focused tile out of the DOM and back, with the wheel: the focus comes back with it.
    const box = await page.locator('iframe.webview.ready').filter({ visible: true }).last().boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 1200);
    await gallery.locator(`.tile[data-prompt-id="${promptId}"][data-image-index="0"]`).waitFor({ state: 'detached' });
    assert.equal(await stops(), 1, 'a tile in view has the Tab stop while the focused one is away');
    for (let i = 0; i < 14; i++) await page.mouse.wheel(0, -1200);
    await gallery.locator(`.tile[data-prompt-id="${promptId}"][data-image-index="0"]`).waitFor({ state: 'visible' });
    for (let waited = 0; (await focused()) !== `${promptId}/0` && waited < 2_000; waited += 100) await page.waitForTimeout(100);
    assert.equal(await focused(), `${promptId}/0`, 'the focus is back on the tile after it was drawn again');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(), `${promptId}/1`, 'and the arrows go on from there');
    assert.ok(tune.id > 0);
    await runCommand(page, 'View: Close All Editors');
  });

  it('on a server without likes: Favorites says so without a Retry, and a liked heart shows “unknown” after Refresh, not “not liked”', async () => {
    const { page } = wb;
    assert.equal((await fetch(`${wb.sandbox.url}/__admin/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ profile: 'documented' }) })).status, 200);
    await runCommand(page, 'Tune Studio: Open Favorites');
    const favorites = visibleWebview(page);
    const footer = favorites.locator('.footer');
    await footer.filter({ hasText: 'This server does not support likes' }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await footer.locator('vscode-button').count(), 0, 'no Retry: it could not help');
    assert.equal(await footer.locator('.codicon-info').count(), 1, 'said as information, not as an error');
    await runCommand(page, 'View: Close All Editors');

    await runCommand(page, 'Tune Studio: Open Recent Images');
    const gallery = visibleWebview(page);
    await gallery.locator('.tile.loaded').first().waitFor({ state: 'visible', timeout: 30_000 });
    const heart = gallery.locator('.group-header').first().locator('.group-actions .icon-button').first();
    assert.equal(await heart.getAttribute('aria-pressed'), 'mixed', 'unknown before anything: the server does not say');
    assert.match((await heart.getAttribute('title')) ?? '', /does not say whether it is liked/);
    const promptId = await gallery.locator('.group-header').first().getAttribute('data-prompt-id');
    await heart.click();
    // The Like is sent (whatever this server makes of it) and answered: the heart shows its answer or a message says why not.
    const answered = gallery.locator(`.group-header[data-prompt-id="${promptId}"] .icon-button[aria-pressed="true"], .toast.visible, .toast.shown, .toast:not(:empty)`);
    await answered.first().waitFor({ state: 'attached', timeout: 15_000 });
    assert.ok(wb.sandbox.requests.some((r) => r.method === 'POST' && new RegExp(`^/prompts/${promptId}/likes?$`).test(r.path)), 'the Like was sent');
    await gallery.locator('vscode-toolbar-button[data-toolbar="refresh"]').click();
    await gallery.locator('.tile.loaded').first().waitFor({ state: 'visible', timeout: 30_000 });
    const after = gallery.locator(`.group-header[data-prompt-id="${promptId}"] .group-actions .icon-button`).first();
    await after.waitFor({ state: 'visible' });
    assert.equal(await after.getAttribute('aria-pressed'), 'mixed', 'after Refresh the like is unknown again, never “not liked”');
    assert.equal(await after.locator('.unknown-mark').textContent(), '?', 'and it looks different from an empty heart');
    await screenshot(page, 'gallery-like-unknown.png', { forReadme: false });
    await fetch(`${wb.sandbox.url}/__admin/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ profile: 'rich' }) });
  });
});
