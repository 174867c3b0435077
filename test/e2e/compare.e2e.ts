// A person sweeps CFG scale × seed from the prompt editor, says yes once, and compares the 3 × 2 grid:
// keyboard navigation, the lightbox across cells, "only differences", and the contact sheet (a real PNG
// of the size the layout promises, read by the strict PNG reader). Takes compare-grid.png for the README.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeAll, openWorkbench, runCommand, screenshot, visibleWebview, type Workbench, useLocalSandbox } from './workbench';
import { contactSheetLayout } from '../../src/shared/compare';
import { readPngStrict } from '../pngStrict';

const TUNE = 'Priya Sharma — headshots';

describe('Sweep and compare (packaged extension in code-server)', { timeout: 300_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    await closeAll();
  });

  it('sweeps CFG scale × seed, compares the grid and exports a contact sheet', async () => {
    const { page } = wb;
    await useLocalSandbox(page);
    await runCommand(page, 'Tune Studio: New Prompt…');
    const quick = page.locator('.quick-input-widget');
    await quick.waitFor({ state: 'visible' });
    await quick.locator('.quick-input-box input').fill('Priya');
    const row = quick.locator('.quick-input-list .monaco-list-row', { hasText: TUNE }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();

    const form = visibleWebview(page);
    const text = form.locator('vscode-textarea[data-field="text"] textarea');
    await text.waitFor({ state: 'visible', timeout: 30_000 });
    await text.fill('<1> portrait, soft window light');

    // The Sweep section: CFG scale as columns, seeds as rows.
    await form.locator('vscode-collapsible.sweep-section').click({ position: { x: 40, y: 10 } });
    const firstKind = form.locator('.sweep-axis[data-axis="0"] vscode-single-select');
    await firstKind.waitFor({ state: 'visible' });
    await firstKind.evaluate((select) => {
      const element = select as HTMLElement & { value: string };
      element.value = 'cfg_scale';
      element.dispatchEvent(new Event('change'));
    });
    await form.locator('.sweep-axis[data-axis="0"] vscode-textfield.sweep-values input').fill('3, 5, 7');
    await form.locator('vscode-button[data-action="add-axis"]').click();
    const secondKind = form.locator('.sweep-axis[data-axis="1"] vscode-single-select');
    await secondKind.evaluate((select) => {
      const element = select as HTMLElement & { value: string };
      element.value = 'seed';
      element.dispatchEvent(new Event('change'));
    });
    await form.locator('.sweep-axis[data-axis="1"] vscode-textfield.sweep-values input').fill('11 22');
    const summary = form.locator('.sweep-summary');
    await summary.filter({ hasText: '3 × 2 grid · 6 prompts · 24 images' }).waitFor({ state: 'visible', timeout: 15_000 });

    // An empty axis is refused in words, and the button waits.
    await form.locator('.sweep-axis[data-axis="1"] vscode-textfield.sweep-values input').fill('');
    await form.locator('.sweep-problems .issue.error', { hasText: 'Seed has no values' }).waitFor({ state: 'visible' });
    await form.locator('.sweep-axis[data-axis="1"] vscode-textfield.sweep-values input').fill('11 22');
    await summary.filter({ hasText: '6 prompts' }).waitFor({ state: 'visible' });

    await screenshot(page, 'sweep-section.png', { forReadme: false });

    // Asked once, in a modal, with the count of prompts and images.
    await form.locator('vscode-button[data-action="run-sweep"]').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match((await dialog.textContent()) ?? '', /Create 6 prompts \(24 images\)/);
    await dialog.locator('.monaco-button', { hasText: 'Create 6 Prompts' }).click();

    // The compare panel opens in front and fills in as the prompts finish.
    await page.locator('.tabs-container .tab', { hasText: /^Compare: CFG scale × Seed/ }).waitFor({ state: 'visible', timeout: 15_000 });
    const grid = visibleWebview(page);
    await grid.locator('.grid[role="grid"]').waitFor({ state: 'visible', timeout: 30_000 });
    await grid.locator('.cell.status-done').nth(5).waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(await grid.locator('.cell').count(), 6);
    assert.deepEqual(await grid.locator('.column-label.top').allTextContents(), ['3', '5', '7']);
    assert.deepEqual(await grid.locator('.column-label.bottom').allTextContents(), ['3', '5', '7'], 'labels on both edges');
    assert.deepEqual(await grid.locator('.row-label.left').allTextContents(), ['11', '22']);
    assert.deepEqual(await grid.locator('.row-label.right').allTextContents(), ['11', '22']);
    const images = grid.locator('.cell img');
    assert.equal(await images.count(), 24);
    await images.evaluateAll((all) =>
      Promise.all(
        all.map(
          (img) =>
            new Promise<void>((resolve, reject) => {
              const image = img as HTMLImageElement;
              // Images further down get their source when scrolled near.
              if (!image.getAttribute('src')) image.scrollIntoView();
              if (image.getAttribute('src') && image.complete && image.naturalWidth > 0) return resolve();
              image.addEventListener('load', () => resolve());
              image.addEventListener('error', () => reject(new Error(`image failed: ${image.src}`)));
            }),
        ),
      ),
    );
    const posts = wb.sandbox.requests.filter((r) => r.method === 'POST' && /^\/tunes\/\d+\/prompts$/.test(r.path));
    assert.equal(posts.length, 6, 'exactly 6 prompts were created');
    const cdn = wb.sandbox.requests.filter((r) => r.origin === 'cdn');
    assert.ok(cdn.length > 0 && cdn.every((r) => r.headers.authorization === undefined), 'images come from the CDN without Authorization');

    // Only the differences: cfg_scale and seed, nothing the cells share.
    await grid.locator('vscode-checkbox[data-action="diff-only"]').click();
    const firstOptions = grid.locator('.cell').first().locator('.options dt');
    await firstOptions.first().waitFor({ state: 'visible' });
    assert.deepEqual((await firstOptions.allTextContents()).sort(), ['cfg_scale', 'seed']);

    // Keyboard: arrows move between cells, Enter opens the lightbox, ← → go across cells.
    await grid.locator('.cell').first().focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    assert.equal(await grid.locator('.cell:focus').getAttribute('data-index'), '4');
    await page.keyboard.press('Enter');
    const caption = grid.locator('.lightbox-caption');
    await caption.waitFor({ state: 'visible' });
    assert.match((await caption.textContent()) ?? '', /CFG scale: 5 · Seed: 22 — image 1 of 4/);
    await page.keyboard.press('ArrowRight');
    assert.match((await caption.textContent()) ?? '', /CFG scale: 7 · Seed: 22/);
    await page.keyboard.press('ArrowDown');
    assert.match((await caption.textContent()) ?? '', /image 2 of 4/);
    await page.keyboard.press('Escape');
    await caption.waitFor({ state: 'detached' });
    assert.equal(await grid.locator('.cell:focus').getAttribute('data-index'), '5', 'focus comes back to the cell shown last');

    // Zoom out with the keyboard so the whole grid fits the picture.
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    assert.equal(await grid.locator('#app').evaluate((app) => (app as HTMLElement).style.getPropertyValue('--tile')), '96px');
    await grid.locator('.scroller').evaluate((scroller) => scroller.scrollTo(0, 0));
    await runCommand(page, 'View: Close Primary Side Bar');
    await runCommand(page, 'Notifications: Clear All Notifications');
    await screenshot(page, 'compare-grid.png');

    // The contact sheet: drawn in the webview, checked and written by the host.
    await grid.locator('vscode-button[data-action="export-sheet"]').click();
    await grid.locator('.message', { hasText: /^Exported sweeps\// }).waitFor({ state: 'visible', timeout: 30_000 });
    const dir = join(wb.workspace, 'sweeps');
    const files = readdirSync(dir).filter((f) => f.endsWith('.png'));
    assert.equal(files.length, 1);
    // Every chunk's CRC, and pixel data that inflates to exactly the rows the header promises.
    const png = readPngStrict(readFileSync(join(dir, files[0])), 'the contact sheet');
    const layout = contactSheetLayout({ columns: 3, rows: 2, tabs: 1 }, 4);
    assert.deepEqual([png.width, png.height], [layout.width, layout.height]);
    assert.ok([2, 6].includes(png.colorType), `an RGB(A) image (colour type ${png.colorType})`);
  });

  it('fits a 2 × 2 grid into an 853 px panel: the right column is not clipped (guards issue #24: it was 32 px too wide)', async () => {
    const { page } = wb;
    // The same tune's prompt editor, still holding the sweep: columns 3, 5 and new seeds this time.
    await runCommand(page, 'Tune Studio: New Prompt…');
    const quick = page.locator('.quick-input-widget');
    await quick.locator('.quick-input-box input').fill('Priya');
    const row = quick.locator('.quick-input-list .monaco-list-row', { hasText: TUNE }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
    const form = visibleWebview(page);
    const section = form.locator('vscode-collapsible.sweep-section');
    await section.waitFor({ state: 'visible', timeout: 30_000 });
    const axisKind = (axis: number) => form.locator(`.sweep-axis[data-axis="${axis}"] vscode-single-select`);
    if (!(await axisKind(0).isVisible())) await section.click({ position: { x: 40, y: 10 } });
    await axisKind(0).waitFor({ state: 'visible' });
    if ((await axisKind(1).count()) === 0) await form.locator('vscode-button[data-action="add-axis"]').click();
    for (const [axis, kind, values] of [[0, 'cfg_scale', '3, 5'], [1, 'seed', '33 44']] as const) {
      await axisKind(axis).evaluate((select, value) => {
        const element = select as HTMLElement & { value: string };
        element.value = value;
        element.dispatchEvent(new Event('change'));
      }, kind);
      await form.locator(`.sweep-axis[data-axis="${axis}"] vscode-textfield.sweep-values input`).fill(values);
    }
    await form.locator('.sweep-summary').filter({ hasText: '2 × 2 grid · 4 prompts · 16 images' }).waitFor({ state: 'visible', timeout: 15_000 });
    await form.locator('vscode-button[data-action="run-sweep"]').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    await dialog.locator('.monaco-button', { hasText: 'Create 4 Prompts' }).click();

    const grid = visibleWebview(page);
    await grid.locator('.cell.status-done').nth(3).waitFor({ state: 'visible', timeout: 90_000 });
    assert.equal(await grid.locator('.cell').count(), 4);
    // The panel exactly 853 px wide, as in the report: the window is sized so.
    const panelWidth = () => grid.locator('body').evaluate((body) => body.clientWidth);
    const viewport = page.viewportSize()!;
    await page.setViewportSize({ width: viewport.width + 853 - (await panelWidth()), height: viewport.height });
    for (let waited = 0; (await panelWidth()) !== 853 && waited < 5_000; waited += 100) await page.waitForTimeout(100);
    assert.equal(await panelWidth(), 853, 'the compare panel is 853 px wide');
    const fit = await grid.locator('.scroller').evaluate((scroller) => {
      const right = Math.max(...[...document.querySelectorAll('.grid > *')].map((e) => e.getBoundingClientRect().right));
      return { scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth, right, panel: document.body.clientWidth };
    });
    assert.ok(fit.scrollWidth <= fit.clientWidth, `no horizontal scrolling: the grid is ${fit.scrollWidth} px in a ${fit.clientWidth} px panel`);
    assert.ok(fit.right <= fit.panel, `the right column and its labels end inside the panel (${fit.right} ≤ ${fit.panel})`);
    assert.equal((await grid.locator('#app').evaluate((app) => (app as HTMLElement).style.getPropertyValue('--tile'))) || '160px', '160px', 'at the default zoom');
    assert.match((await grid.locator('.axes-caption').textContent()) ?? '', /^Seed ↓ · CFG scale →$/, 'which axis runs which way is still said');
    await screenshot(page, 'compare-grid-853.png', { forReadme: false });
    await page.setViewportSize(viewport);
  });
});
