// A person who generates every day finds images again and takes many out at once: searches the gallery,
// filters to liked prompts, removes a chip, selects images with the mouse and the keyboard, saves a
// selection to the workspace (each PNG with its parameters), and opens Favorites from the Tunes view.
// Takes gallery-filters.png and gallery-selection.png for the README.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ExifReader from 'exifreader';
import type { Prompt, Tune } from '../../src/api/astria/types';
import { closeAll, openView, openWorkbench, runCommand, screenshot, viewPane, webviewFrame, type Workbench, useLocalSandbox } from './workbench';

const TITLE = 'Daily portraits';

describe('Gallery for daily work (packaged extension in code-server)', { timeout: 300_000 }, () => {
  let wb: Workbench;
  let prompts: Prompt[];

  before(async () => {
    wb = await openWorkbench();
    const response = await fetch(`${wb.sandbox.url}/__admin/seed-gallery`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 400, title: TITLE }),
    });
    assert.equal(response.status, 201);
    const tune = (await response.json()) as Tune;
    const auth = { authorization: `Bearer ${wb.sandbox.astriaKey}` };
    prompts = (await (await fetch(`${wb.sandbox.url}/tunes/${tune.id}/prompts?limit=10`, { headers: auth })).json()) as Prompt[];
    // Two favorites, liked elsewhere.
    for (const p of [prompts[1], prompts[3]]) await fetch(`${wb.sandbox.url}/prompts/${p.id}/likes`, { method: 'POST', headers: auth });
  });
  after(async () => {
    await wb?.close();
    await closeAll();
  });

  it('searches and filters with chips, selects with mouse and keyboard, saves a selection, and opens Favorites', async () => {
    const { page } = wb;
    await useLocalSandbox(page);
    await openView(page, 'Tunes');
    const row = viewPane(page, 'Tunes').locator('.monaco-list-row', { hasText: TITLE }).first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    await row.hover();
    await row.locator('.action-label[aria-label="Open Gallery"]').click();

    const gallery = webviewFrame(page);
    await gallery.locator('.tile.loaded').nth(3).waitFor({ state: 'visible', timeout: 30_000 });
    const summary = gallery.locator('.summary');

    // Search: the prompt text of the third newest prompt names it alone.
    const number = /#(\d+) /.exec(prompts[2].text)?.[1];
    await gallery.locator('vscode-textfield[data-filter="text"] input').fill(`shot #${number} `);
    await gallery.locator('.chip', { hasText: `Text: “shot #${number}”` }).waitFor();
    await summary.filter({ hasText: '8 of 320+ images match' }).waitFor();
    assert.equal(await gallery.locator('.group-header').count(), 1);
    assert.match((await gallery.locator('.footer').textContent()) ?? '', /Filtered the 40 loaded prompts; more are on the server\./);

    // Liked only, with the search removed through its chip.
    await gallery.locator('vscode-toolbar-button[data-toolbar="filters"]').click();
    await gallery.locator('vscode-toolbar-button[data-filter="likedOnly"]').click();
    await gallery.locator('.chip', { hasText: 'Text:' }).click();
    await gallery.locator('.chip', { hasText: 'Text:' }).waitFor({ state: 'detached' });
    await summary.filter({ hasText: '16 of 320+ images match' }).waitFor();
    const headers = await gallery.locator('.group-header').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.promptId)));
    assert.deepEqual(headers, [prompts[1].id, prompts[3].id]);
    await gallery.locator('.tile.loaded').nth(9).waitFor();
    await runCommand(page, 'Notifications: Clear All Notifications');
    await screenshot(page, 'gallery-filters.png');

    await gallery.locator('.chip', { hasText: 'Liked only' }).click();
    await summary.filter({ hasText: /^320\+ images · 40\+ prompts$/ }).waitFor();
    await gallery.locator('vscode-toolbar-button[data-toolbar="filters"]').click();

    // Multi-select: Ctrl+click, Shift+click a range, Ctrl+A, Esc. (Rows are not in display order in the DOM.)
    const tile = (prompt: Prompt, index: number) => gallery.locator(`.tile-image[data-prompt-id="${prompt.id}"][data-image-index="${index}"] .tile-open`);
    await tile(prompts[0], 0).click({ modifiers: ['Control'] });
    // The range runs across prompts: all 8 of the newest, then 2 of the next.
    await tile(prompts[1], 1).click({ modifiers: ['Shift'] });
    const count = gallery.locator('.bulk-count');
    assert.equal(await count.textContent(), '10 selected');
    assert.equal(await gallery.locator('.tile.selected').count(), 10);
    await page.keyboard.press('Control+a');
    await count.filter({ hasText: '320 selected' }).waitFor();
    await page.keyboard.press('Escape');
    await gallery.locator('.bulk-bar').waitFor({ state: 'hidden' });

    await tile(prompts[0], 1).click({ modifiers: ['Control'] });
    await tile(prompts[0], 2).click({ modifiers: ['Control'] });
    await tile(prompts[0], 4).click({ modifiers: ['Control'] });
    assert.equal(await count.textContent(), '3 selected');
    await screenshot(page, 'gallery-selection.png');

    // Save to Workspace: one notification for the lot, each PNG with its parameters.
    await gallery.locator('vscode-toolbar-button[data-bulk="save"]').click();
    const folder = join(wb.workspace, 'generated', TITLE);
    const expected = [`${prompts[0].id}-2.png`, `${prompts[0].id}-3.png`, `${prompts[0].id}-5.png`];
    const deadline = Date.now() + 20_000;
    while (!(existsSync(folder) && expected.every((f) => readdirSync(folder).includes(f))) && Date.now() < deadline) await page.waitForTimeout(200);
    assert.deepEqual(readdirSync(folder).sort(), expected.sort());
    for (const file of expected) {
      const bytes = readFileSync(join(folder, file));
      const tags = ExifReader.load(new Uint8Array(bytes).buffer) as Record<string, { value?: unknown }>;
      assert.match(String(tags.parameters?.value ?? ''), new RegExp(`^ohwx woman, gallery shot #\\d+ [\\s\\S]*Prompt id: ${prompts[0].id}, Image: \\d$`));
    }
    await page.locator('.notifications-toasts', { hasText: 'Saved 3 of 3 images' }).waitFor({ timeout: 15_000 });

    // A/B compare of two of them, with the slider.
    await tile(prompts[0], 4).click({ modifiers: ['Control'] });
    assert.equal(await count.textContent(), '2 selected');
    await gallery.locator('vscode-toolbar-button[data-bulk="compare"]').click();
    const compare = gallery.locator('.compare');
    await compare.waitFor({ state: 'visible' });
    await page.keyboard.press('m');
    await compare.locator('.compare-slider').fill('40');
    assert.equal(await compare.locator('.compare-pane.a').evaluate((p) => (p as HTMLElement).style.clipPath), 'inset(0px 60% 0px 0px)');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await screenshot(page, 'gallery-compare.png');
    // The palette gave focus back to the workbench or the panel (VS Code does not always return it to the
    // webview): focus the dialog as a person would by clicking into it, then Escape must close it.
    await compare.focus();
    await page.keyboard.press('Escape');
    await compare.waitFor({ state: 'hidden' });

    // Favorites from the Tunes view's title bar.
    await runCommand(page, 'Notifications: Clear All Notifications');
    await openView(page, 'Tunes');
    await viewPane(page, 'Tunes').hover();
    await page.locator('.pane-header .action-label[aria-label="Open Favorites"]').click();
    await page.locator('.tabs-container .tab', { hasText: 'Favorites' }).waitFor({ state: 'visible' });
    const favorites = webviewFrame(page);
    await favorites.locator('.title', { hasText: 'Favorites' }).waitFor({ timeout: 20_000 });
    await favorites.locator('.group-header').first().waitFor({ timeout: 20_000 });
    const liked = await favorites.locator('.group-header').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.promptId)));
    assert.ok(liked.includes(prompts[1].id) && liked.includes(prompts[3].id), `favorites: ${liked.join(', ')}`);
    assert.equal(await favorites.locator('.group-header [data-action="unlike"]').count(), liked.length, 'every favorite shows a filled heart');
  });
});
