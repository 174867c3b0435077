// A person right-clicks a folder of photos in the Explorer, walks the "Create Tune from Images…" wizard
// and finds the new tune in the Tunes view, training.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { patternPng } from '../sandbox/png';
import { closeAll, openView, openWorkbench, runCommand, screenshot, treeRows, type Workbench, useLocalSandbox, visibleNotifications } from './workbench';

const TITLE = 'Jane portraits';

/** The open quick input (wizard screen). */
function quickInput(page: Page): { widget: Locator; input: Locator; rows: Locator } {
  const widget = page.locator('.quick-input-widget');
  return { widget, input: widget.locator('.quick-input-box input'), rows: widget.locator('.quick-input-list .monaco-list-row') };
}

/** Waits for the wizard screen whose placeholder or prompt mentions `text`. */
async function waitForScreen(page: Page, text: RegExp): Promise<void> {
  const { widget, input } = quickInput(page);
  await widget.waitFor({ state: 'visible' }).catch(async (e: Error) => {
    throw new Error(`No wizard screen (${text}); notifications: ${(await visibleNotifications(page)).join(' | ') || 'none'}. ${e.message}`);
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const placeholder = (await input.getAttribute('placeholder')) ?? '';
    const message = (await widget.locator('.quick-input-message').textContent().catch(() => '')) ?? '';
    if (text.test(placeholder) || text.test(message)) return;
    if (Date.now() > deadline) throw new Error(`The wizard did not show ${text} (placeholder “${placeholder}”, message “${message}”)`);
    await page.waitForTimeout(100);
  }
}

/** Types into the filter/input and presses Enter. */
async function answer(page: Page, screen: RegExp, text?: string): Promise<void> {
  await waitForScreen(page, screen);
  const { input } = quickInput(page);
  if (text !== undefined) await input.fill(text);
  await input.press('Enter');
}

describe('Create Tune from Images (packaged extension in code-server)', { timeout: 240_000 }, () => {
  let wb: Workbench;

  before(async () => {
    const files: Record<string, Buffer | string> = { 'jane/notes.txt': 'where these photos came from' };
    for (let i = 1; i <= 5; i++) files[`jane/jane-${i}.png`] = patternPng(`jane-${i}`, 512, 512);
    wb = await openWorkbench({ files });
  });
  after(async () => {
    await wb?.close();
    await closeAll();
  });

  it('from the Explorer context menu through the wizard to the new tune in the tree', async () => {
    const { page } = wb;
    await useLocalSandbox(page);
    await runCommand(page, 'View: Show Explorer');
    const explorer = page.locator('.explorer-folders-view');
    const folder = explorer.getByRole('treeitem', { name: 'jane', exact: true });
    await folder.click();
    await explorer.getByRole('treeitem', { name: 'jane-1.png', exact: true }).waitFor({ state: 'visible' });

    await folder.click({ button: 'right' });
    // VS Code's menus ignore a click that lands right after they open; hover, then choose with Enter.
    const menuItem = page.getByRole('menuitem', { name: 'Create Tune from Images…' });
    await menuItem.hover();
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');

    await waitForScreen(page, /Title of the tune/);
    const { input, rows } = quickInput(page);
    assert.match(await input.inputValue(), /^jane-[0-9a-f]{8}$/, 'the default title is the folder name plus a unique suffix');
    await answer(page, /Title of the tune/, TITLE);
    await answer(page, /Class of the subject/, 'woman');
    await answer(page, /Model to train/);
    await answer(page, /Branch/, 'fast');
    await answer(page, /training preset/);
    await answer(page, /Token/);
    await answer(page, /Training options/);
    await answer(page, /Characteristics/, 'eye_color=green eyes');
    await answer(page, /First prompts/);
    await answer(page, /Callback URL/);

    await waitForScreen(page, /nothing is sent until you choose Create tune/);
    const summary = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
    assert.ok(summary.some((l) => /5 images · /.test(l)), summary.join(' | '));
    assert.ok(summary.some((l) => /1 file skipped: 1 not an image/.test(l)), summary.join(' | '));
    assert.ok(summary.some((l) => l.includes(TITLE)), summary.join(' | '));
    assert.equal(wb.sandbox.requests.filter((r) => r.method === 'POST').length, 0, 'nothing sent before Create tune');
    await screenshot(page, 'create-tune.png');

    await quickInput(page).input.press('Enter');
    await page.locator('.notifications-toasts').getByText(`Tune “${TITLE}” created`).first().waitFor({ state: 'visible', timeout: 30_000 });

    const tune = wb.sandbox.requests.find((r) => r.method === 'POST' && r.path === '/tunes');
    assert.equal(tune?.status, 201);
    const uploads = wb.sandbox.uploads().filter((u) => u.tuneId !== null);
    assert.deepEqual(uploads.map((u) => u.filename).sort(), ['jane-1.png', 'jane-2.png', 'jane-3.png', 'jane-4.png', 'jane-5.png']);

    await openView(page, 'Tunes');
    const tunes = await treeRows(page, 'Tunes');
    const row = tunes.find((label) => label.startsWith(TITLE));
    assert.ok(row, `the new tune is in the tree: ${tunes.join(' | ')}`);
    assert.match(row, /woman/);
    await screenshot(page, 'create-tune-created.png');
  });
});
