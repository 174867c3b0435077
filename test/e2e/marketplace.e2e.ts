// What someone sees of the packaged extension before and right after installing it: its page in the
// Extensions view (icon, README with its pictures), and the "Get started with Tune Studio" walkthrough on
// the Welcome page, whose steps tick on what really happened.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../../scripts/install-code-server';
import { closeAll, openWorkbench, runCommand, screenshot, useLocalSandbox, visibleNotifications, webviewFrame, type Workbench } from './workbench';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  displayName: string;
  contributes: { walkthroughs: { id: string; title: string; steps: { id: string; title: string }[] }[] };
};
const walkthrough = manifest.contributes.walkthroughs[0];


/** The walkthrough's step buttons on the Welcome page, by title. */
function step(page: Page, title: string): Locator {
  return page.locator('.gettingStartedContainer .getting-started-step').filter({ hasText: title }).first();
}

async function isTicked(stepButton: Locator): Promise<boolean> {
  // A done step is checked for screen readers and shows a check instead of an empty circle.
  return stepButton.evaluate((e) => e.getAttribute('aria-checked') === 'true' && e.querySelector('.codicon-getting-started-step-checked') !== null);
}

describe('The packaged extension\'s page and walkthrough (code-server)', { timeout: 300_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    await closeAll();
  });

  it('the Extensions view shows Tune Studio\'s icon and its README with every picture loaded (guards: icon and screenshots shipped in the .vsix, relative links kept)', async () => {
    const { page } = wb;
    await runCommand(page, 'Extensions: Show Enabled Extensions');
    const row = page.locator('.extensions-viewlet .monaco-list-row').filter({ hasText: manifest.displayName }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    // The list's icon is the PNG from the package, not the default puzzle piece.
    const listIcon = row.locator('img.icon');
    await listIcon.waitFor({ state: 'visible' });
    assert.ok(await listIcon.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 128), 'the list shows the 128×128 icon');
    await row.click();

    const editor = page.locator('.extension-editor');
    await editor.locator('.header .name', { hasText: manifest.displayName }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok(await editor.locator('.header img.icon').evaluate((img: HTMLImageElement) => img.naturalWidth === 128), 'the page\'s header shows the icon');

    // The README webview: the only webview open at this point.
    const readme = webviewFrame(page);
    await readme.locator('h1', { hasText: 'Tune Studio' }).waitFor({ state: 'visible', timeout: 30_000 });
    const screenshots = readme.locator('img');
    const expected = (readFileSync(join(repoRoot, 'README.md'), 'utf8').match(/!\[[^\]]*\]\(media\/screenshots\/[^)]+\)/g) ?? []).length;
    assert.ok(expected >= 10, `the README shows its screenshots (${expected})`);
    // Every picture has loaded (naturalWidth > 0): a broken image has none. Pictures below the fold load
    // lazily in some versions, so scroll each into view first.
    const deadline = Date.now() + 30_000;
    let broken: string[] = [];
    for (;;) {
      broken = await screenshots.evaluateAll((imgs: HTMLImageElement[]) => {
        for (const img of imgs) if (!img.complete) img.scrollIntoView();
        return imgs.filter((img) => !(img.complete && img.naturalWidth > 0)).map((img) => img.alt || (img.getAttribute('src') ?? '?').slice(0, 40));
      });
      const count = await screenshots.count();
      if (count === expected && broken.length === 0) break;
      if (Date.now() > deadline) assert.fail(`${count} of ${expected} README pictures on the page; not loaded: ${broken.join(', ')}`);
      await page.waitForTimeout(250);
    }
    const first = await screenshots.first().evaluate((img: HTMLImageElement) => ({ w: img.naturalWidth, h: img.naturalHeight }));
    assert.deepEqual(first, { w: 1280, h: 800 }, 'the first picture is the full screenshot');
    await readme.locator('h1').first().evaluate((h) => h.scrollIntoView());
    await screenshot(page, 'extension-details');
  });

  it('the walkthrough opens from Help: Welcome and ticks "connect" once Use Local Sandbox stored a key (guards: completion on the real event)', async () => {
    const { page } = wb;
    await runCommand(page, 'Help: Welcome');
    const welcome = page.locator('.gettingStartedContainer');
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    // code-server opens the page on its own "Get Started with VS Code for the Web"; "Welcome" leads back to the list.
    const back = welcome.locator('.prev-button');
    if (await back.isVisible()) await back.click();
    // The Welcome page lists the walkthroughs of the installed extensions.
    const entry = welcome.locator('.getting-started-category').filter({ hasText: walkthrough.title }).first();
    await entry.waitFor({ state: 'visible', timeout: 30_000 }).catch(async (e: Error) => {
      const listed = await welcome.locator('.getting-started-category').allInnerTexts();
      throw new Error(`The Welcome page lists no "${walkthrough.title}" (it lists: ${listed.join(' | ')}). ${e.message}`);
    });
    await entry.click();

    // All its steps, none done: no key is stored yet.
    for (const s of walkthrough.steps) await step(page, s.title).waitFor({ state: 'attached', timeout: 15_000 });
    const connect = step(page, walkthrough.steps[0].title);
    assert.equal(await isTicked(connect), false, 'the first step is not done before a key is stored');

    await useLocalSandbox(page);
    const deadline = Date.now() + 20_000;
    while (!(await isTicked(connect))) {
      if (Date.now() > deadline) assert.fail(`the first step did not tick after Use Local Sandbox; notifications: ${(await visibleNotifications(page)).join(' | ')}`);
      await page.waitForTimeout(200);
    }
    // Nothing else happened, so nothing else ticked.
    for (const s of walkthrough.steps.slice(1)) assert.equal(await isTicked(step(page, s.title)), false, `"${s.title}" is not done`);
    await screenshot(page, 'walkthrough', { forReadme: false });
  });

  it('"Add Sample Images" in the create-tune step copies the four sample photos into the workspace (guards: the samples ship and are copied, nothing overwritten)', async () => {
    const { page, workspace } = wb;
    const createStep = step(page, walkthrough.steps[1].title);
    await createStep.click();
    await page.locator('.gettingStartedContainer').getByRole('button', { name: 'Add Sample Images' }).click();
    await page.locator('.notifications-toasts').getByText(/Copied 4 sample images of a clay owl to tune-studio-samples/).waitFor({ state: 'visible', timeout: 20_000 });
    for (let i = 1; i <= 4; i++) {
      const file = join(workspace, 'tune-studio-samples', `sample-${i}.jpg`);
      assert.ok(existsSync(file), `${file} exists`);
      assert.deepEqual([...readFileSync(file).subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
    }
  });
});
