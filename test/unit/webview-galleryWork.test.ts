// The gallery for daily work, in Chromium against the sandbox: the filter toolbar (text, liked only,
// chips, match count, the "no match" state, surviving a reload), multi-select with mouse and keyboard
// feeding the bulk actions, and the retry tile of an image the CDN failed to send.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { launchChromium, openGalleryHarness, type Harness } from '../../bench/harness';
import type { ImageRef } from '../../src/shared/gallery';
import type { Prompt } from '../../src/api/astria/types';

let browser: Browser;
let sandbox: Sandbox;
let tuneId: number;
let newest: Prompt[];

before(async () => {
  [browser, sandbox] = await Promise.all([launchChromium(), startSandbox({ seed: 'empty', quiet: true })]);
  const response = await fetch(`${sandbox.url}/__admin/seed-gallery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: 1000 }),
  });
  tuneId = ((await response.json()) as { id: number }).id;
  const list = await fetch(`${sandbox.url}/tunes/${tuneId}/prompts?limit=5`, { headers: { authorization: `Bearer ${sandbox.astriaKey}` } });
  newest = (await list.json()) as Prompt[];
});

after(async () => {
  await browser?.close();
  await sandbox?.close();
});

async function openRecent(textSearch: 'server' | 'ignored'): Promise<Harness> {
  const harness = await openGalleryHarness(browser, {
    viewport: { width: 1200, height: 800 },
    source: { kind: 'sandbox', url: sandbox.url, key: sandbox.astriaKey, subject: { kind: 'recent' } },
    textSearch,
  });
  await harness.open();
  await harness.page.waitForSelector('.tile.loaded');
  return harness;
}

async function openTune(answer?: (method: string, params: unknown) => unknown): Promise<Harness> {
  const harness = await openGalleryHarness(browser, {
    viewport: { width: 1200, height: 800 },
    source: { kind: 'sandbox', url: sandbox.url, key: sandbox.astriaKey, subject: { kind: 'tune', tuneId } },
    answer,
  });
  await harness.open();
  await harness.page.waitForSelector('.tile.loaded');
  return harness;
}

const text = async (page: Page, selector: string) => ((await page.textContent(selector)) ?? '').trim();

/** A tile by what it shows (rows are not in display order in the DOM). */
const tile = (page: Page, prompt: Prompt, index: number) => page.locator(`.tile-image[data-prompt-id="${prompt.id}"][data-image-index="${index}"] .tile-open`);

async function search(page: Page, words: string): Promise<void> {
  await page.locator('vscode-textfield[data-filter="text"] input').fill(words);
}

/** Prompt ids of the drawn group headers. */
function shownPrompts(page: Page): Promise<number[]> {
  return page.evaluate(() => [...document.querySelectorAll<HTMLElement>('.group-header')].map((h) => Number(h.dataset.promptId)));
}

describe('filters', () => {
  it('filters the loaded prompts by text, says it searched only those, and loads more only when asked', async () => {
    const harness = await openTune();
    const { page } = harness;
    try {
      await search(page, 'shot #100 ');
      await page.waitForSelector('.chip');
      assert.equal(await text(page, '.chip'), 'Text: “shot #100”');
      assert.equal(await text(page, '.summary'), '8 of 320+ images match');
      assert.match(await text(page, '.footer'), /Filtered the 40 loaded prompts; more are on the server\./);
      assert.equal((await shownPrompts(page)).length, 1);
      assert.match(await text(page, '.group-header .prompt-text'), /gallery shot #100 /);
      await page.waitForTimeout(300);
      assert.deepEqual(harness.pageCursors, [null], 'filtering asks the server for nothing');

      await page.locator('vscode-button[data-footer="more"]').click();
      await page.locator('.summary', { hasText: '8 of 640+ images match' }).waitFor();
      assert.equal(harness.pageCursors.length, 2);
      await page.waitForTimeout(300);
      assert.equal(harness.pageCursors.length, 2, 'no page is fetched by itself while filtering');
    } finally {
      await harness.close();
    }
  });

  it('says when nothing matches, and Clear Filters brings everything back', async () => {
    const harness = await openTune();
    const { page } = harness;
    try {
      await search(page, 'zebra');
      await page.locator('.footer .no-match').waitFor();
      assert.equal(await text(page, '.footer .no-match'), 'No image matches these filters.');
      assert.equal(await text(page, '.summary'), '0 of 320+ images match');
      assert.equal(await page.locator('.tile').count(), 0);
      await page.locator('vscode-button[data-footer="clear-filters"]').click();
      await page.locator('.summary', { hasText: '320+ images · 40+ prompts' }).waitFor();
      assert.equal(await page.locator('.filter-chips').isHidden(), true);
      assert.equal(await page.locator('vscode-textfield[data-filter="text"]').evaluate((f) => (f as HTMLInputElement).value), '');
      assert.ok((await page.locator('.tile').count()) > 8);
    } finally {
      await harness.close();
    }
  });

  it('combines liked-only with text, each filter a removable chip, and the filters survive a reload', async () => {
    // Like two of the newest prompts on the server, as the user did elsewhere.
    for (const p of newest.slice(0, 2)) {
      await fetch(`${sandbox.url}/prompts/${p.id}/likes`, { method: 'POST', headers: { authorization: `Bearer ${sandbox.astriaKey}` } });
    }
    const harness = await openTune();
    const { page } = harness;
    try {
      await page.locator('vscode-toolbar-button[data-filter="likedOnly"]').click();
      await page.locator('.chip', { hasText: 'Liked only' }).waitFor();
      assert.deepEqual(await shownPrompts(page), [newest[0].id, newest[1].id]);
      assert.equal(await text(page, '.summary'), '16 of 320+ images match');

      const number = /#(\d+) /.exec(newest[1].text)?.[1];
      await search(page, `shot #${number} `);
      await page.locator('.chip', { hasText: 'Text:' }).waitFor();
      assert.deepEqual(await shownPrompts(page), [newest[1].id]);

      // The state is saved shortly after a change; a reload (VS Code restoring the panel) keeps the filters.
      await page.waitForTimeout(400);
      await page.reload();
      await page.locator('.chip', { hasText: 'Liked only' }).waitFor();
      await page.waitForSelector('.group-header');
      assert.deepEqual(await shownPrompts(page), [newest[1].id]);
      assert.equal(await page.locator('vscode-textfield[data-filter="text"]').evaluate((f) => (f as HTMLInputElement).value), `shot #${number} `);

      // Removing the liked chip leaves the text filter.
      await page.locator('.chip', { hasText: 'Liked only' }).click();
      await page.locator('.chip', { hasText: 'Liked only' }).waitFor({ state: 'detached' });
      assert.deepEqual(await page.locator('.chip').allTextContents(), [`Text: “shot #${number}”`]);
      assert.deepEqual(await shownPrompts(page), [newest[1].id]);
    } finally {
      await harness.close();
      for (const p of newest.slice(0, 2)) {
        await fetch(`${sandbox.url}/prompts/${p.id}/likes`, { method: 'DELETE', headers: { authorization: `Bearer ${sandbox.astriaKey}` } });
      }
    }
  });
});

describe('server text search (Recent Images)', () => {
  const oldest = async () => {
    const all = (await (await fetch(`${sandbox.url}/tunes/${tuneId}/prompts?limit=120&offset=120`, { headers: { authorization: `Bearer ${sandbox.astriaKey}` } })).json()) as Prompt[];
    return all.at(-1) as Prompt;
  };

  it('asks the server where it searches, finding prompts far beyond the loaded pages', async () => {
    const target = await oldest();
    const harness = await openRecent('server');
    const { page } = harness;
    try {
      const words = /gallery shot #\d+ <lora/.exec(target.text)?.[0] ?? '';
      await search(page, words);
      await page.locator('.footer', { hasText: `Searched the server for “${words}”.` }).waitFor();
      assert.deepEqual(await shownPrompts(page), [target.id], 'the oldest prompt, never loaded without the search');
      const sent = harness.requestParams.filter((r) => r.method === 'loadPage').map((r) => r.params);
      assert.deepEqual(sent.at(-1), { cursor: null, refresh: false, text: words });
      // Clearing the search brings back the plain pages.
      await page.locator('.chip', { hasText: 'Text:' }).click();
      await page.locator('.summary', { hasText: /^[\d,]+\+ images · 40\+ prompts$/ }).waitFor();
    } finally {
      await harness.close();
    }
  });

  it('says so when the server ignores the text filter, and filters the loaded prompts instead', async () => {
    const target = await oldest();
    const harness = await openRecent('ignored');
    const { page } = harness;
    try {
      await search(page, 'gallery shot');
      await page.locator('.footer', { hasText: 'This server does not search prompt text: filtered the 40 loaded prompts; more are on the server.' }).waitFor();
      assert.ok((await shownPrompts(page)).length > 0, 'the loaded prompts that match are shown');
      assert.ok(!(await shownPrompts(page)).includes(target.id));
      assert.match(await text(page, '.summary'), / of [\d,]+\+ images match$/);
    } finally {
      await harness.close();
    }
  });
});

describe('filter panel', () => {
  it('offers the aspect ratios of the loaded prompts as toggles, takes a typed seed, and a chip removes each', async () => {
    const harness = await openTune();
    const { page } = harness;
    try {
      await page.locator('vscode-toolbar-button[data-toolbar="filters"]').click();
      const facets = await page.locator('.facets[data-filter="aspectRatio"] .facet').allTextContents();
      assert.deepEqual(facets, ['16:9', '1:1', '21:9', '2:3', '3:2', '4:5', '9:16']);
      await page.locator('.facet', { hasText: '21:9' }).click();
      await page.locator('.chip', { hasText: 'Aspect: 21:9' }).waitFor();
      // One prompt in eight is 21:9: 5 of the 40 loaded.
      assert.equal(await text(page, '.summary'), '40 of 320+ images match');
      assert.equal(await page.locator('.facet[aria-pressed="true"]').textContent(), '21:9');

      const seed = newest[0].seed;
      assert.equal(typeof seed, 'number');
      await page.locator('vscode-textfield[data-filter="seed"] input').fill(String(seed));
      await page.locator('.chip', { hasText: `Seed: ${seed}` }).waitFor();
      await page.locator('.chip', { hasText: 'Aspect:' }).click();
      await page.locator('.chip', { hasText: 'Aspect:' }).waitFor({ state: 'detached' });
      assert.deepEqual(await shownPrompts(page), [newest[0].id]);
      assert.equal(await page.locator('.facet[aria-pressed="true"]').count(), 0, 'the toggle follows the chip');
      await page.locator('.chip-clear').waitFor({ state: 'detached' });
    } finally {
      await harness.close();
    }
  });

  it('filters by a date range typed into the date fields', async () => {
    const harness = await openTune();
    const { page } = harness;
    try {
      const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      const created = new Date(newest[0].created_at);
      const after = new Date(created.getTime() + 2 * 24 * 60 * 60 * 1000);
      await page.locator('vscode-toolbar-button[data-toolbar="filters"]').click();
      await page.locator('vscode-textfield[data-filter="from"] input').fill(day(after));
      await page.locator('.chip', { hasText: `From: ${day(after)}` }).waitFor();
      await page.locator('.footer .no-match').waitFor();
      await page.locator('vscode-textfield[data-filter="from"] input').fill(day(created));
      await page.locator('vscode-textfield[data-filter="to"] input').fill(day(created));
      await page.locator('.chip', { hasText: `To: ${day(created)}` }).waitFor();
      await page.locator('.summary', { hasText: /^\d[\d,]* of 320\+ images match$/ }).waitFor();
      assert.ok((await shownPrompts(page)).includes(newest[0].id), 'the day the newest prompt was made');
    } finally {
      await harness.close();
    }
  });
});

describe('multi-select', () => {
  const selectedCount = (page: Page) => page.locator('.tile.selected').count();

  it('Ctrl+click toggles, Shift+click selects a range, Ctrl+A selects all shown, Esc clears', async () => {
    const harness = await openTune();
    const { page } = harness;
    try {
      await tile(page, newest[0], 6).click({ modifiers: ['Control'] });
      assert.equal(await text(page, '.bulk-count'), '1 selected');
      // A range across two prompts, in display order: 6, 7 of the newest, then 0–3 of the next.
      await tile(page, newest[1], 3).click({ modifiers: ['Shift'] });
      assert.equal(await text(page, '.bulk-count'), '6 selected');
      assert.equal(await selectedCount(page), 6);
      assert.equal(await page.locator(`.tile.selected[data-prompt-id="${newest[1].id}"]`).count(), 4);
      // Once something is selected, a plain click toggles instead of opening the lightbox.
      await tile(page, newest[1], 0).click();
      assert.equal(await text(page, '.bulk-count'), '5 selected');
      assert.equal(await page.locator('.lightbox').isHidden(), true);

      await page.keyboard.press('Control+a');
      assert.equal(await text(page, '.bulk-count'), '320 selected');
      await page.keyboard.press('Escape');
      assert.equal(await page.locator('.bulk-bar').isHidden(), true);
      assert.equal(await selectedCount(page), 0);

      // With nothing selected, a click opens the image large as before.
      await tile(page, newest[0], 1).click();
      await page.locator('.lightbox').waitFor({ state: 'visible' });
    } finally {
      await harness.close();
    }
  });

  it('sends the selected images in display order to the host, and Select All takes only what the filter shows', async () => {
    const harness = await openTune((method) => (method === 'bulkAction' ? { message: 'Copied 2 images as Markdown.' } : {}));
    const { page } = harness;
    try {
      await tile(page, newest[1], 1).click({ modifiers: ['Control'] });
      await tile(page, newest[0], 3).click({ modifiers: ['Control'] });
      await page.locator('vscode-toolbar-button[data-bulk="copyMarkdown"]').click();
      await page.locator('.toast', { hasText: 'Copied 2 images as Markdown.' }).waitFor();
      const sent = harness.requestParams.find((r) => r.method === 'bulkAction')?.params as { action: string; images: ImageRef[] };
      assert.equal(sent.action, 'copyMarkdown');
      assert.deepEqual(
        sent.images.map((i) => [i.promptId, i.imageIndex]),
        [
          [newest[0].id, 3],
          [newest[1].id, 1],
        ],
      );
      assert.equal(sent.images[0].url, newest[0].images[3], 'the URL the host sent, for its check');

      await page.keyboard.press('Escape');
      await search(page, `shot #${/#(\d+) /.exec(newest[2].text)?.[1]} `);
      await page.locator('.summary', { hasText: '8 of 320+' }).waitFor();
      await page.locator('.scroller').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Control+a');
      assert.equal(await text(page, '.bulk-count'), '8 selected');
      assert.deepEqual(harness.refused, []);
    } finally {
      await harness.close();
    }
  });
});

describe('A/B compare', () => {
  it('compares two selected images side by side or with a slider, zoom and scrolling in step', async () => {
    const harness = await openTune();
    const { page } = harness;
    try {
      await tile(page, newest[0], 0).click({ modifiers: ['Control'] });
      assert.equal(await page.locator('vscode-toolbar-button[data-bulk="compare"]').isHidden(), true, 'Compare needs two');
      await tile(page, newest[1], 4).click({ modifiers: ['Control'] });
      await page.locator('vscode-toolbar-button[data-bulk="compare"]').click();
      const compare = page.locator('.compare');
      await compare.waitFor({ state: 'visible' });
      const sources = await compare.locator('.compare-image').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
      assert.deepEqual(sources, [newest[0].images[0], newest[1].images[4]]);
      assert.match(await text(page, '.compare-labels'), /^A .*image 1 · B .*image 5$/);
      assert.equal(await compare.locator('.compare-stage.side').count(), 1);
      assert.equal(await compare.locator('.compare-slider').isHidden(), true);

      // Slider: A shows from the left edge up to the handle.
      await page.keyboard.press('m');
      await compare.locator('.compare-stage.slider').waitFor();
      await compare.locator('.compare-slider').fill('30');
      assert.equal(await compare.locator('.compare-pane.a').evaluate((p) => (p as HTMLElement).style.clipPath), 'inset(0px 70% 0px 0px)');

      // Back to side by side at actual size: both zoom, and scrolling one scrolls the other
      // (a small window, so the sandbox's images overflow their panes).
      await page.setViewportSize({ width: 160, height: 110 });
      await page.keyboard.press('m');
      await page.keyboard.press('z');
      assert.equal(await compare.locator('.compare-stage.actual').count(), 1);
      await compare.locator('.compare-image').first().evaluate(
        (img) => new Promise<void>((resolve) => ((img as HTMLImageElement).complete ? resolve() : img.addEventListener('load', () => resolve()))),
      );
      await compare.locator('.compare-pane.a').evaluate((p) => p.scrollTo(0, 40));
      await page.waitForFunction(() => (document.querySelector('.compare-pane.b') as HTMLElement).scrollTop === (document.querySelector('.compare-pane.a') as HTMLElement).scrollTop);
      const scrolled = await compare.locator('.compare-pane.b').evaluate((p) => p.scrollTop);
      assert.ok(scrolled > 0, `B scrolled with A (${scrolled})`);

      await page.keyboard.press('Escape');
      await compare.waitFor({ state: 'hidden' });
      assert.equal(await text(page, '.bulk-count'), '2 selected', 'the selection stays');
    } finally {
      await harness.close();
    }
  });
});

describe('lightbox details', () => {
  it('lists every parameter as text with copy buttons, and Use These Settings asks for the prompt editor', async () => {
    const harness = await openTune((method) => (method === 'copyParameter' ? { message: 'Copied seed.' } : method === 'openPromptEditor' ? null : {}));
    const { page } = harness;
    try {
      await tile(page, newest[0], 2).click();
      await page.locator('.lightbox').waitFor({ state: 'visible' });
      await page.keyboard.press('i');
      const details = page.locator('.lightbox-details');
      await details.waitFor({ state: 'visible' });
      const rows = await details.locator('.detail').evaluateAll((els) => els.map((e) => [e.querySelector('dt')?.textContent, e.querySelector('dd')?.textContent]));
      const byLabel = new Map(rows.map(([k, v]) => [k, v]));
      assert.equal(byLabel.get('Prompt'), newest[0].text, 'the text as text, tokens included');
      assert.equal(byLabel.get('seed'), String(newest[0].seed));
      assert.equal(byLabel.get('num_images'), String(newest[0].num_images));
      assert.equal(byLabel.get('aspect_ratio'), newest[0].aspect_ratio);
      assert.equal(byLabel.get('Prompt id'), String(newest[0].id));
      assert.equal(byLabel.get('Image'), `3 of ${newest[0].images.length}`);

      await details.locator('[data-copy="seed"]').click();
      await page.locator('.toast', { hasText: 'Copied seed.' }).waitFor();
      assert.deepEqual(harness.requestParams.find((r) => r.method === 'copyParameter')?.params, { promptId: newest[0].id, imageIndex: 2, field: 'seed' });

      // Stepping to the next image keeps the pane open and follows it.
      await page.keyboard.press('ArrowRight');
      await details.locator('.detail', { hasText: '4 of' }).waitFor();

      await details.locator('vscode-button[data-action="remix"]').click();
      const remix = await waitForRequest(harness, 'openPromptEditor');
      assert.deepEqual(remix, { promptId: newest[0].id, mode: 'remix', image: null });
      assert.deepEqual(harness.refused, []);
    } finally {
      await harness.close();
    }
  });
});

async function waitForRequest(harness: Harness, method: string): Promise<unknown> {
  for (let i = 0; i < 100; i++) {
    const found = harness.requestParams.find((r) => r.method === method);
    if (found) return found.params;
    await harness.page.waitForTimeout(50);
  }
  throw new Error(`no ${method} request`);
}

describe('broken images', () => {
  it('shows a retry tile for an image the CDN failed to send, and Retry loads it', async () => {
    sandbox.addFault({ match: `/images/`, origin: 'cdn', kind: 'status500', count: 1 });
    const harness = await openTune();
    const { page } = harness;
    try {
      const broken = page.locator('.tile.broken');
      await broken.first().waitFor({ timeout: 10_000 });
      assert.match(await text(page, '.tile.broken .broken-note'), /Image unavailable\s+Retry/);
      const tile = await broken.first().evaluate((t) => ({ promptId: (t as HTMLElement).dataset.promptId, imageIndex: (t as HTMLElement).dataset.imageIndex }));
      const same = `.tile[data-prompt-id="${tile.promptId}"][data-image-index="${tile.imageIndex}"]`;
      assert.equal(await page.locator(`${same}.loaded`).count(), 0, 'the failed image never loaded');
      const before = sandbox.requests.filter((r) => r.origin === 'cdn').length;
      await broken.first().locator('.retry-image').click();
      // The same tile now shows its image: the load event came for the URL asked again.
      await page.locator(`${same}.loaded`).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator(`${same}.broken`).count(), 0);
      assert.ok(sandbox.requests.filter((r) => r.origin === 'cdn').length > before, 'Retry asked the CDN again');
    } finally {
      await harness.close();
    }
  });
});
