// The "Get started with Tune Studio" walkthrough of the packaged extension, on the Welcome page: its steps
// tick on what really happened (a key stored, a gallery opened, a prompt file written, a tune created from
// the sample photos it offers). test/integration/walkthrough.test.ts covers the agent and prompt steps.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../../scripts/install-code-server';
import { closeAll, openWorkbench, runCommand, screenshot, visibleNotifications, webviewFrame, type Workbench } from './workbench';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
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

describe('Get Started walkthrough (packaged .vsix in code-server)', { timeout: 300_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    await closeAll();
  });

  it('the walkthrough opens from Help: Welcome and ticks "connect" once its Use Local Sandbox stored a key, not on a cancelled Set API Key (guards: completion on the real event)', async () => {
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

    // A link in the step does not tick it by itself: Set API Key, then Escape, stores nothing.
    await welcome.getByRole('button', { name: 'Set API Key' }).click();
    const keyInput = page.locator('.quick-input-widget .quick-input-box input');
    await keyInput.waitFor({ state: 'visible', timeout: 15_000 });
    await keyInput.press('Escape');
    await page.waitForTimeout(1000);
    assert.equal(await isTicked(connect), false, 'the first step is not done after a cancelled Set API Key');

    await welcome.getByRole('button', { name: 'Use Local Sandbox' }).click();
    await page.locator('.notifications-toasts').getByText('Tune Studio is using the local sandbox').first().waitFor({ state: 'visible', timeout: 30_000 });
    const deadline = Date.now() + 20_000;
    while (!(await isTicked(connect))) {
      if (Date.now() > deadline) assert.fail(`the first step did not tick after Use Local Sandbox; notifications: ${(await visibleNotifications(page)).join(' | ')}`);
      await page.waitForTimeout(200);
    }
    // Nothing else happened, so nothing else ticked.
    for (const s of walkthrough.steps.slice(1)) assert.equal(await isTicked(step(page, s.title)), false, `"${s.title}" is not done`);
    await screenshot(page, 'walkthrough', { forReadme: false });
  });

  it('"Open the gallery" ticks when a gallery opens and "Save a prompt file" when one appears in the workspace; Tune Studio: Get Started shows them (guards: completion on the real events)', async () => {
    const { page, workspace } = wb;
    const gallery = step(page, walkthrough.steps[3].title);
    const promptFile = step(page, walkthrough.steps[4].title);
    assert.equal(await isTicked(gallery), false, 'no gallery opened yet');
    assert.equal(await isTicked(promptFile), false, 'no prompt file yet');

    await runCommand(page, 'Tune Studio: Open Recent Images');
    const galleryTab = page.locator('.tab', { hasText: 'Recent Images' }).first();
    await galleryTab.waitFor({ state: 'visible', timeout: 30_000 });
    await webviewFrame(page).locator('body').waitFor({ state: 'attached', timeout: 30_000 });
    // Keys typed while the gallery (a webview) has focus stay there: focus its tab, as a person would click it.
    await galleryTab.click();
    // Written on disk as Save as Prompt File… does, outside any editor.
    writeFileSync(join(workspace, 'headshots.astria.yaml'), 'tune: 1\nprompts:\n  - text: a portrait\n');

    await runCommand(page, 'Tune Studio: Get Started');
    await page.locator('.gettingStartedContainer').getByText(walkthrough.title).first().waitFor({ state: 'visible', timeout: 15_000 });
    const deadline = Date.now() + 20_000;
    while (!((await isTicked(gallery)) && (await isTicked(promptFile)))) {
      if (Date.now() > deadline) assert.fail(`gallery step ticked: ${await isTicked(gallery)}, prompt file step ticked: ${await isTicked(promptFile)}`);
      await page.waitForTimeout(200);
    }
    for (const s of [walkthrough.steps[1], walkthrough.steps[2], walkthrough.steps[5]]) assert.equal(await isTicked(step(page, s.title)), false, `"${s.title}" is not done`);
  });

  it('"Add Sample Images" copies the four sample photos into the workspace, never over a file; a tune made from them ticks "Create a tune" (guards: the samples ship, completion on the real event)', async () => {
    const { page, workspace, sandbox } = wb;
    const createStep = step(page, walkthrough.steps[1].title);
    assert.equal(await isTicked(createStep), false, 'no tune created yet');
    await createStep.click();
    const addSamples = page.locator('.gettingStartedContainer').getByRole('button', { name: 'Add Sample Images' });
    await addSamples.click();
    const toasts = page.locator('.notifications-toasts');
    await toasts.getByText(/Copied 4 sample images of a clay owl to tune-studio-samples/).waitFor({ state: 'visible', timeout: 20_000 });
    const sample = (i: number) => join(workspace, 'tune-studio-samples', `sample-${i}.jpg`);
    for (let i = 1; i <= 4; i++) {
      assert.ok(existsSync(sample(i)), `${sample(i)} exists`);
      assert.deepEqual([...readFileSync(sample(i)).subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');
    }
    // Asked again with a file of the user's in place: it stays as it was.
    await runCommand(page, 'Notifications: Clear All Notifications');
    writeFileSync(sample(2), 'my own notes');
    await addSamples.click();
    await toasts.getByText('The sample images are already in tune-studio-samples.').waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(readFileSync(sample(2), 'utf8'), 'my own notes');
    // sample-2.jpg is now the user's notes, not an image: the wizard leaves it out and goes on with three.

    // The notification's button starts the create-tune wizard on that folder.
    await toasts.getByRole('button', { name: 'Create Tune from These Images' }).first().click();
    const widget = page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input');
    const answer = async (screen: RegExp, text?: string) => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const said = `${(await input.getAttribute('placeholder').catch(() => '')) ?? ''} ${(await widget.locator('.quick-input-message').textContent().catch(() => '')) ?? ''}`;
        if ((await widget.isVisible()) && screen.test(said)) break;
        if (Date.now() > deadline) assert.fail(`the wizard did not show ${screen} (it shows “${said}”; notifications: ${(await visibleNotifications(page)).join(' | ')})`);
        await page.waitForTimeout(100);
      }
      if (text !== undefined) await input.fill(text);
      await input.press('Enter');
    };
    await answer(/Title of the tune/, 'Clay owl');
    await answer(/Class of the subject/, 'style');
    await answer(/Model to train/);
    await answer(/Branch/, 'fast');
    for (const screen of [/training preset/, /Token/, /Training options/, /Characteristics/, /First prompts/, /Callback URL/]) await answer(screen);
    await answer(/nothing is sent until you choose Create tune/);
    await toasts.getByText('Tune “Clay owl” created').first().waitFor({ state: 'visible', timeout: 30_000 });
    const uploaded = sandbox.uploads().filter((u) => u.tuneId !== null).map((u) => u.filename).sort();
    assert.deepEqual(uploaded, ['sample-1.jpg', 'sample-3.jpg', 'sample-4.jpg']);

    await runCommand(page, 'Tune Studio: Get Started');
    const deadline = Date.now() + 20_000;
    while (!(await isTicked(createStep))) {
      if (Date.now() > deadline) assert.fail('"Create a tune" did not tick after the tune was created');
      await page.waitForTimeout(200);
    }
  });
});
