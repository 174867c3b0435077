// Hostile server strings in every place the extension shows them, and hostile text typed into every
// field a person can type in: tune titles in the Tunes view (rows and tooltips), prompt text and negative
// prompts in the tree, the gallery, its lightbox and the prompt editor, and the Find Tune quick pick.
// Each string of test/hostileCorpus.ts would, if treated as markup, a URL or a style, run script, add an
// element with id `ts-injected` or call a loopback "beacon" this test owns. None may happen.
// The compare panel and the prompt editor's results and History: hostilePanels.e2e.ts.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hostileCorpus } from '../hostileCorpus';
import { assertNothingInjected, startBeacon, type Beacon } from './hostileChecks';
import { patternPng } from '../sandbox/png';
import { closeAll, openView, openWorkbench, runCommand, screenshot, treeRows, viewPane, visibleNotifications, webviewFrame, type Workbench, useLocalSandbox } from './workbench';

const PROMPTS_TUNE = 'Hostile prompts';

describe('Hostile strings (packaged extension in code-server)', { timeout: 300_000 }, () => {
  let wb: Workbench;
  let beacon: Beacon;
  let beaconUrl = '';
  let beaconHits: string[] = [];
  const browserHits: string[] = [];
  let corpus: string[] = [];
  let createdPrompts = 0;

  before(async () => {
    beacon = await startBeacon();
    beaconUrl = beacon.url;
    beaconHits = beacon.hits;
    corpus = hostileCorpus(beaconUrl);
    assert.ok(corpus.length >= 40, `${corpus.length} hostile strings`);

    // Photos for "Create Tune from Pack…", whose first screen lists the (hostile) pack titles.
    const files: Record<string, Buffer> = {};
    for (let i = 1; i <= 5; i++) files[`pack/photo-${i}.png`] = patternPng(`pack-${i}`, 512, 512);
    wb = await openWorkbench({ files });
    wb.page.context().on('request', (request) => {
      if (request.url().startsWith(beaconUrl)) browserHits.push(request.url());
    });
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${wb.sandbox.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${wb.sandbox.astriaKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json().catch(() => null)) as { id: number } | null };
    };
    const images = [1, 2, 3, 4].map((n) => `${wb.sandbox.cdnUrl}/training/1-${n}.png`);
    // Every hostile string as a tune title (the newest page of the Tunes view shows them).
    for (const title of corpus) {
      const created = await api('POST', '/tunes', { tune: { title, name: 'man', branch: 'fast', image_urls: images } });
      assert.ok(created.status < 300, `tune with title ${JSON.stringify(title.slice(0, 40))} answered ${created.status}`);
    }
    // And as prompt text and negative prompt, on one trained tune created last (top of the view).
    const tune = await api('POST', '/tunes', { tune: { title: PROMPTS_TUNE, name: 'man', branch: 'fast', image_urls: images } });
    assert.ok(tune.json);
    await fetch(`${wb.sandbox.url}/__admin/tunes/${tune.json.id}/finish`, { method: 'POST' });
    for (const text of corpus) {
      const created = await api('POST', `/tunes/${tune.json.id}/prompts`, { prompt: { text, negative_prompt: text, num_images: 1 } });
      if (created.status < 300) createdPrompts++;
    }
    assert.ok(createdPrompts >= 35, `${createdPrompts} hostile prompts created (the server refuses a few as invalid)`);
    // And as every pack title and every Cartesia fine-tune and voice name and description.
    const seeded = await fetch(`${wb.sandbox.url}/__admin/hostile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ strings: corpus }),
    });
    assert.equal(seeded.status, 200);
  });
  after(async () => {
    await wb?.close();
    await closeAll();
    await beacon?.close();
  });

  it('shows every hostile string as text: tree, tooltips, gallery, lightbox, prompt editor, quick pick', async () => {
    const { page } = wb;
    await useLocalSandbox(page);
    await openView(page, 'Tunes');
    const tunes = viewPane(page, 'Tunes');

    // Tree rows and their Markdown tooltips.
    const promptsRow = tunes.locator('.monaco-list-row', { hasText: PROMPTS_TUNE }).first();
    await promptsRow.waitFor({ state: 'visible', timeout: 30_000 });
    const rows = tunes.locator('.monaco-list-row');
    for (let i = 1; i < Math.min(6, await rows.count()); i++) {
      await rows.nth(i).hover();
      await page.waitForTimeout(700); // the hover appears after a delay
    }
    // Expand the tune: its prompts show hostile text; hover one for its tooltip.
    await promptsRow.click();
    await page.keyboard.press('ArrowRight');
    await tunes.locator('.monaco-list-row[aria-level="2"]').nth(2).waitFor({ state: 'visible', timeout: 20_000 });
    await tunes.locator('.monaco-list-row[aria-level="2"]').nth(2).hover();
    await page.waitForTimeout(700);

    // The gallery of the hostile prompts, scrolled through, and its lightbox.
    await promptsRow.hover();
    await promptsRow.locator('.action-label[aria-label="Open Gallery"]').click();
    const gallery = webviewFrame(page);
    await gallery.locator('.tile.loaded').first().waitFor({ state: 'visible', timeout: 60_000 });
    const headerTexts = await gallery.locator('.prompt-text').allTextContents();
    assert.ok(headerTexts.some((t) => /<[a-z]+ [a-z]+=/i.test(t)), 'prompt text is shown literally, tags and all');
    await screenshot(page, 'hostile-gallery.png', { forReadme: false });
    for (let i = 0; i < 8; i++) await gallery.locator('.scroller').evaluate((el) => el.scrollBy(0, el.clientHeight));
    await gallery.locator('.scroller').evaluate((el) => el.scrollTo(0, 0));
    await gallery.locator('.tile.loaded .tile-open').first().click();
    await gallery.locator('.lightbox').waitFor({ state: 'visible' });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Escape');
    await assertNothingInjected(page, 'the gallery');

    // Remix a hostile prompt into the prompt editor, and type hostile text into its fields.
    await gallery.locator('.group-header .icon-button[data-action="remix"]').first().click();
    await page.locator('.tabs-container .tab', { hasText: `Prompt: ${PROMPTS_TUNE}` }).waitFor({ state: 'visible', timeout: 30_000 });
    const form = webviewFrame(page);
    const text = form.locator('vscode-textarea[data-field="text"] textarea');
    await text.waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok(corpus.includes(await text.inputValue()), 'the remixed hostile text is in the text field, unchanged');
    await text.fill(corpus[1]);
    const negative = form.locator('vscode-textarea[data-field="negative_prompt"] textarea');
    if (await negative.count()) await negative.fill(corpus[17]);
    await page.waitForTimeout(500);

    // The Find Tune quick pick, typed into and showing hostile titles.
    // A quick pick closes when focus moves; the webview typed into just before can take focus back
    // while the pick opens, so the command is run again when its input is gone (at most three times).
    const quick = page.locator('.quick-input-widget');
    const search = quick.locator('.quick-input-box input[placeholder^="Type part of a title"]');
    for (let attempt = 1; ; attempt++) {
      await runCommand(page, 'Tune Studio: Find Tune…');
      try {
        await search.fill('<img', { timeout: 5_000 });
        await quick.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 15_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    await page.waitForTimeout(500);
    await page.keyboard.press('Escape');

    await page.waitForTimeout(1000); // anything a payload started has had time to call the beacon
    await assertNothingInjected(page, 'the prompt editor');
    assert.deepEqual(browserHits, [], 'the browser never requested the beacon');
    assert.deepEqual(beaconHits, [], 'the beacon received no request');
  });

  it('shows hostile Cartesia names and descriptions, pack titles and server error messages as text, and no notification link', async () => {
    const { page } = wb;
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${wb.sandbox.url}/__admin${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const shownLiterally = (texts: string[]) => texts.some((t) => corpus.some((c) => c.length > 12 && c.length < 200 && t.includes(c)));

    // Cartesia: fine-tune rows (name, description tooltip) and, expanded, their voices.
    await openView(page, 'Cartesia Fine-tunes');
    const cartesia = viewPane(page, 'Cartesia Fine-tunes');
    const rowLabels = await treeRows(page, 'Cartesia Fine-tunes', { atLeast: 3, timeout: 20_000 });
    assert.ok(shownLiterally(rowLabels), `fine-tune names are shown as they are: ${rowLabels.slice(0, 3).join(' | ')}`);
    const rows = cartesia.locator('.monaco-list-row');
    for (let i = 0; i < 3; i++) {
      await rows.nth(i).hover();
      await page.waitForTimeout(700); // the tooltip (name and description) appears after a delay
    }
    // Expand fine-tunes until one shows its voices (only completed ones have any).
    const voiceRows = cartesia.locator('.monaco-list-row[aria-level="2"]');
    for (let i = 0; i < 8 && (await voiceRows.count()) === 0; i++) {
      await cartesia.locator('.monaco-list-row[aria-level="1"]').nth(i).click();
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(400);
    }
    await voiceRows.first().waitFor({ state: 'visible', timeout: 15_000 });
    await voiceRows.first().hover();
    await page.waitForTimeout(700);
    const voiceLabels = await voiceRows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
    assert.ok(shownLiterally(voiceLabels), `voice names are shown as they are: ${voiceLabels.slice(0, 2).join(' | ')}`);

    // A server error message made of hostile strings, inline in the prompt editor, in both 422 shapes.
    const editorTab = page.locator('.tabs-container .tab', { hasText: `Prompt: ${PROMPTS_TUNE}` });
    await editorTab.click();
    const form = webviewFrame(page);
    const text = form.locator('vscode-textarea[data-field="text"] textarea');
    await text.waitFor({ state: 'visible', timeout: 30_000 });
    await text.fill('<1> portrait in soft light');
    const errorText = corpus[1];
    const fieldText = corpus[3];
    assert.equal((await admin('POST', '/faults', { match: '^/tunes/\\d+/prompts$', method: 'POST', kind: 'status422', body: { error: errorText } })).status, 201);
    await form.locator('vscode-button[data-action="generate"]').click();
    await form.locator('li.issue.error', { hasText: errorText }).first().waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal((await admin('POST', '/faults', { match: '^/tunes/\\d+/prompts$', method: 'POST', kind: 'status422', body: { text: [fieldText] } })).status, 201);
    await form.locator('vscode-button[data-action="generate"]').click();
    await form.locator('li.issue.error', { hasText: fieldText }).first().waitFor({ state: 'visible', timeout: 15_000 });

    // A pack title made of hostile strings, on the first screen of Create Tune from Pack…
    await runCommand(page, 'View: Show Explorer');
    const explorer = page.locator('.explorer-folders-view');
    const folder = explorer.getByRole('treeitem', { name: 'pack', exact: true });
    await folder.click();
    await folder.click({ button: 'right' });
    const menuItem = page.getByRole('menuitem', { name: 'Create Tune from Pack…' });
    await menuItem.hover();
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    const quickRows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await quickRows.first().waitFor({ state: 'visible', timeout: 20_000 });
    const packLabels = await quickRows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
    assert.ok(shownLiterally(packLabels), `pack titles are shown as they are: ${packLabels.slice(0, 3).join(' | ')}`);
    await page.keyboard.press('Escape');

    // A server error message carrying a Markdown command link, in a notification: text, not a link.
    const commandLink = corpus.find((c) => c.startsWith('[command](command:'));
    assert.ok(commandLink);
    const message = `${commandLink} ${corpus[0]}`;
    assert.equal((await admin('POST', '/faults', { match: 'limit=1', method: 'GET', kind: 'status422', body: { error: message } })).status, 201);
    await runCommand(page, 'Tune Studio: Set Astria API Key');
    const keyInput = page.locator('.quick-input-widget .quick-input-box input');
    await keyInput.waitFor({ state: 'visible' });
    await keyInput.fill(wb.sandbox.astriaKey);
    await keyInput.press('Enter');
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'could not be checked' }).first();
    await toast.waitFor({ state: 'visible', timeout: 15_000 }).catch(async (e: Error) => {
      throw new Error(`no notification about the key (${(await visibleNotifications(page)).join(' | ')}): ${e.message}`);
    });
    const toastText = ((await toast.locator('.notification-list-item-message').textContent()) ?? '').replace(/\u200b/g, '');
    assert.ok(toastText.includes('[command]') && toastText.includes('<script>'), `the server's words are shown as text: ${toastText}`);
    const links = await toast.locator('.notification-list-item-message a').evaluateAll((els) =>
      els.map((a) => `${a.getAttribute('href') ?? ''} ${a.getAttribute('data-href') ?? ''} ${a.getAttribute('title') ?? ''}`.trim()),
    );
    assert.deepEqual(links, [], 'the message has no link in it');
    await screenshot(page, 'hostile-notification.png', { forReadme: false });
    await admin('DELETE', '/faults');
    await runCommand(page, 'Notifications: Clear All Notifications');

    await page.waitForTimeout(1000);
    await assertNothingInjected(page, 'the prompt editor');
    assert.deepEqual(browserHits, [], 'the browser never requested the beacon');
    assert.deepEqual(beaconHits, [], 'the beacon received no request');
  });
});
