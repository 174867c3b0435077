// The extension's page in the Extensions view, as a user meets it after installing the packaged .vsix:
// the icon, and the README with its pictures loaded. VS Code shows a local README in a webview that
// loads only https: and data: images, so a relative picture is broken there (naturalWidth 0): the
// package's README carries them inline (scripts/package.ts).
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeAll, openWorkbench, runCommand, screenshot, webviewFrame, type Workbench } from './workbench';

describe('Extension page (packaged .vsix in code-server)', { timeout: 180_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    await closeAll();
  });

  it('shows the icon and the README with its pictures loaded', async () => {
    const { page } = wb;
    await runCommand(page, 'View: Show Extensions');
    const search = page.locator('.extensions-viewlet .suggest-input-container .monaco-editor textarea, .extensions-viewlet .suggest-input-container textarea').first();
    await search.waitFor({ state: 'visible', timeout: 30_000 });
    await search.fill('@installed Tune Studio');
    const row = page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'Tune Studio' }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.click();

    const editor = page.locator('.extension-editor');
    await editor.waitFor({ state: 'visible', timeout: 30_000 });
    const icon = editor.locator('.header .icon-container img.icon').first();
    await icon.waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0, await icon.elementHandle(), { timeout: 15_000 });
    assert.equal(await icon.evaluate((img: HTMLImageElement) => img.naturalWidth), 128, 'the 128 × 128 icon from the package');

    // The README is a webview inside the extension editor.
    const readme = webviewFrame(page); // the webview layer is outside the editor's DOM
    await readme.locator('h1', { hasText: 'Tune Studio' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // The package's README carries its pictures inline (scripts/package.ts); each keeps its alt text.
    const pictures = readme.locator('img[alt]');
    await pictures.first().waitFor({ state: 'attached', timeout: 15_000 });
    // Loaded means decoded with a size; wait for each to settle (lazy images load as they are needed).
    const results = await pictures.evaluateAll(async (imgs) =>
      Promise.all(
        (imgs as HTMLImageElement[]).map(async (img) => {
          img.loading = 'eager';
          await img.decode().catch(() => undefined);
          return { alt: img.alt, src: (img.getAttribute('src') ?? '').slice(0, 40), width: img.naturalWidth };
        }),
      ),
    );
    assert.ok(results.length >= 5, `the README shows its pictures (${results.length})`);
    const broken = results.filter((r) => r.width === 0).map((r) => `${r.alt} (${r.src}…)`);
    assert.deepEqual(broken, [], 'every README picture loaded from the package');
    await screenshot(page, 'extension-page.png');
  });
});
