// A person opens "New Prompt…", picks a tune, writes a prompt with a LoRA reference, trips and fixes a
// validation message, sets a few options, generates, watches the progress and sees the images.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { closeAll, openView, openWorkbench, runCommand, screenshot, type Workbench, useLocalSandbox } from './workbench';

const TUNE = 'Priya Sharma — headshots';

/** The prompt editor's webview content (the one webview open). */
function editor(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

describe('Prompt editor (packaged extension in code-server)', { timeout: 240_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    await closeAll();
  });

  it('fills the form, generates and shows the images', async () => {
    const { page } = wb;
    await useLocalSandbox(page);
    await openView(page, 'Tunes');

    // "New Prompt…": server-side title search in a quick pick.
    await runCommand(page, 'Tune Studio: New Prompt…');
    const quick = page.locator('.quick-input-widget');
    await quick.waitFor({ state: 'visible' });
    await quick.locator('.quick-input-box input').fill('Priya');
    const row = quick.locator('.quick-input-list .monaco-list-row', { hasText: TUNE }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();

    const form = editor(page);
    const text = form.locator('vscode-textarea[data-field="text"] textarea');
    await text.waitFor({ state: 'visible', timeout: 30_000 });
    await text.fill('<1> portrait, {{eye_color}}, soft window light ');

    // Insert a LoRA reference at the cursor from the menu.
    await form.locator('.reference-menu vscode-button').click();
    const reference = form.locator('.reference-menu .menu-item', { hasText: TUNE }).first();
    await reference.waitFor({ state: 'visible' });
    await reference.click();
    assert.match(await text.inputValue(), /soft window light <lora:\d+:1>$/);

    // A number the model cannot make is refused inline, before anything is sent.
    const images = form.locator('vscode-textfield[data-field="num_images"] input');
    await images.fill('9');
    const imagesError = form.locator('.field[data-field="num_images"] .issue.error');
    await imagesError.waitFor({ state: 'visible' });
    assert.match((await imagesError.textContent()) ?? '', /between 1 and 8/);
    await images.fill('3');
    await imagesError.waitFor({ state: 'detached' });

    await form.locator('vscode-button[data-action="random-seed"]').click();
    assert.match(await form.locator('vscode-textfield[data-field="seed"] input').inputValue(), /^\d+$/);

    // Advanced options are folded away; their dependents wait for super resolution.
    await form.locator('vscode-collapsible.advanced-section').click({ position: { x: 40, y: 10 } });
    const inpaint = form.locator('vscode-checkbox[data-field="inpaint_faces"]');
    await inpaint.waitFor({ state: 'visible' });
    assert.equal(await inpaint.evaluate((el) => (el as HTMLElement & { disabled: boolean }).disabled), true);
    await form.locator('vscode-checkbox[data-field="super_resolution"]').click();
    assert.equal(await inpaint.evaluate((el) => (el as HTMLElement & { disabled: boolean }).disabled), false);
    await inpaint.click();
    await form.locator('vscode-textfield[data-field="steps"] input').fill('28');

    await form.locator('vscode-button[data-action="generate"]').click();
    const run = form.locator('.run').first();
    await run.waitFor({ state: 'visible' });
    const done = form.locator('.run[data-phase="done"]').first();
    await done.waitFor({ state: 'visible', timeout: 60_000 });
    const thumbs = done.locator('.thumb img');
    assert.equal(await thumbs.count(), 3);
    for (let i = 0; i < 3; i++) {
      await thumbs.nth(i).evaluate(
        (img) =>
          new Promise<void>((resolve, reject) => {
            const image = img as HTMLImageElement;
            if (image.complete && image.naturalWidth > 0) return resolve();
            image.addEventListener('load', () => resolve());
            image.addEventListener('error', () => reject(new Error(`image failed: ${image.src}`)));
          }),
      );
    }

    const posts = wb.sandbox.requests.filter((r) => r.method === 'POST' && /^\/tunes\/\d+\/prompts$/.test(r.path));
    assert.equal(posts.length, 1, 'one prompt was created');
    assert.equal(posts[0]!.status, 201);
    // The picture for the README: the form from the top, options folded, results beside it.
    await form.locator('vscode-collapsible.advanced-section').click({ position: { x: 40, y: 10 } });
    await form.locator('body').evaluate(() => window.scrollTo(0, 0));
    await runCommand(page, 'Notifications: Clear All Notifications');
    await screenshot(page, 'prompt-editor.png');

    // A result opens in the gallery.
    await thumbs.first().click();
    await page.locator('.tabs-container .tab', { hasText: /^Prompt \d+/ }).first().waitFor({ state: 'visible', timeout: 15_000 });
  });
});
