// A person opens a prompt file from the workspace, clicks Generate in the CodeLens above a prompt, sees
// its id written into the file and the run's state in the CodeLens, and hovers the prompt to see its
// images inline.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { closeAll, openWorkbench, runCommand, screenshot, type Workbench, useLocalSandbox, visibleNotifications } from './workbench';

const FILE = 'headshots.astria.yaml';
const TEXT = [
  '# Headshots for the team page: reviewed in pull requests like code',
  'tune: Priya Sharma — headshots',
  'defaults:',
  '  num_images: 4',
  '  aspect_ratio: "3:4"',
  'prompts:',
  '  - name: studio',
  '    text: <1> portrait, soft studio light, grey backdrop',
  '    seed: 42',
  '  - name: outdoor',
  '    text: <1> portrait in a park, golden hour',
  '',
].join('\n');

describe('Prompt files (packaged extension in code-server)', { timeout: 240_000 }, () => {
  let wb: Workbench;

  before(async () => {
    // Desktop VS Code's default: the web workbench would save a second after every edit, the id included.
    wb = await openWorkbench({ files: { [FILE]: TEXT }, settings: { 'files.autoSave': 'off' } });
  });
  after(async () => {
    await wb?.close();
    await closeAll();
  });

  it('generates from the CodeLens, writes the id back and previews the images in a hover', async () => {
    const { page } = wb;
    await useLocalSandbox(page);

    // Quick Open the file.
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(FILE);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: FILE }).first().waitFor({ state: 'visible' });
    await input.press('Enter');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor({ state: 'visible' });

    // CodeLenses: Generate All at the top, Generate · Sweep… · Open in Prompt Editor above each prompt.
    const lenses = editor.locator('.contentWidgets .codelens-decoration, .codelens-decoration');
    await lenses.filter({ hasText: 'Generate All (2 prompts, 8 images)' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const generate = editor.locator('.codelens-decoration a', { hasText: /^\s*Generate\s*$/ });
    await generate.first().waitFor({ state: 'visible' });
    assert.equal(await generate.count(), 2, 'one Generate per prompt');
    await generate.first().click();

    // The id is written next to the prompt (the editor draws spaces as no-break spaces: \s); the CodeLens follows the one poller to the images.
    await editor
      .locator('.view-line', { hasText: /id:\s\d+/ })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 })
      .catch(async (error: unknown) => {
        await screenshot(page, 'prompt-file-no-id.png', { forReadme: false });
        throw new Error(`${String(error)}; notifications: ${(await visibleNotifications(page)).join(' | ')}`);
      });
    const doneLens = editor.locator('.codelens-decoration a', { hasText: '✓ Gallery (4 images)' });
    await doneLens.waitFor({ state: 'visible', timeout: 60_000 }).catch(async (error: unknown) => {
      throw new Error(`${String(error)}; notifications: ${(await visibleNotifications(page)).join(' | ')}`);
    });
    // The run saves nothing (it would also save whatever was typed meanwhile): the id is an unsaved edit
    // until the person saves, and then only the id line was added (git diff shows exactly what ran).
    assert.equal(readFileSync(join(wb.workspace, FILE), 'utf8'), TEXT, 'the file on disk is as it was before the run');
    await editor.locator('.view-line', { hasText: /id:\s\d+/ }).first().click();
    await page.keyboard.press('Control+S');
    let saved = readFileSync(join(wb.workspace, FILE), 'utf8');
    for (let waited = 0; !/\bid: \d+/.test(saved) && waited < 10_000; waited += 200) {
      await page.waitForTimeout(200);
      saved = readFileSync(join(wb.workspace, FILE), 'utf8');
    }
    const id = /\n {4}id: (\d+)\n/.exec(saved)?.[1];
    assert.ok(id, `the saved file records the prompt id:\n${saved}`);
    assert.equal(saved, TEXT.replace('    seed: 42\n', `    seed: 42\n    id: ${id}\n`), 'only the id line was added');
    const created = wb.sandbox.requests.filter((r) => r.method === 'POST' && /^\/tunes\/\d+\/prompts$/.test(r.path));
    assert.equal(created.length, 1, 'one prompt was created');

    // Hover the prompt: its images, from the CDN, inline.
    await runCommand(page, 'Notifications: Clear All Notifications');
    await page.mouse.move(0, 0);
    await editor.locator('.view-line', { hasText: /name:\sstudio/ }).locator('span', { hasText: 'studio' }).last().hover();
    const hover = page.locator('.monaco-hover').filter({ has: page.locator('img') }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    const images = hover.locator('img');
    await page.waitForFunction(
      () => {
        const imgs = [...document.querySelectorAll('.monaco-hover img')] as HTMLImageElement[];
        return imgs.length >= 4 && imgs.every((img) => img.complete && img.naturalWidth > 0);
      },
      undefined,
      { timeout: 15_000 },
    ).catch(async (error: unknown) => {
      await screenshot(page, 'prompt-file-hover.png', { forReadme: false });
      const state = await images.evaluateAll((els) => els.map((e) => `${(e as HTMLImageElement).src} complete=${(e as HTMLImageElement).complete} w=${(e as HTMLImageElement).naturalWidth}`));
      throw new Error(`${String(error)}; hover images: ${state.join(' | ')}`);
    });
    assert.equal(await images.count(), 4);
    // Each thumbnail links to its image on the CDN (plain-http sandbox images are inlined: the workbench's CSP refuses http).
    const links = await hover.locator('a:has(img)').evaluateAll((els) => els.map((e) => e.getAttribute('data-href') ?? e.getAttribute('href') ?? ''));
    assert.equal(links.length, 4, `thumbnail links: ${links.join(' ')}`);
    assert.ok(links.every((href) => href.startsWith(`${wb.sandbox.cdnUrl}/images/${id}-`)), `thumbnails link to the sandbox CDN: ${links.join(' ')}`);
    assert.ok(await hover.getByText('Open Gallery').isVisible(), 'the hover links to the gallery');
    const cdn = wb.sandbox.requests.filter((r) => r.origin === 'cdn' && r.path.startsWith('/images/'));
    assert.ok(cdn.length > 0 && cdn.every((r) => r.headers.authorization === undefined), 'no key goes to the CDN');
    await screenshot(page, 'prompt-file.png');

    // The hover's link opens the prompt's gallery.
    await hover.getByText('Open Gallery').click();
    await page.locator('.tabs-container .tab', { hasText: `Prompt ${id}: studio` }).waitFor({ state: 'visible', timeout: 15_000 }).catch(async (error: unknown) => {
      await screenshot(page, 'prompt-file-gallery.png', { forReadme: false });
      const tabs = await page.locator('.tabs-container .tab').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
      throw new Error(`${String(error)}; tabs: ${tabs.join(' | ')}; notifications: ${(await visibleNotifications(page)).join(' | ')}`);
    });
  });
});
