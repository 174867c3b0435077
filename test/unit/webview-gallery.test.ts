// The gallery webview's behaviour in Chromium against the sandbox: lazy images, one request per page,
// a bounded DOM, live updates of pending prompts, the lightbox's keys, and restoring the scroll position.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { launchChromium, openGalleryHarness, type Harness } from '../../bench/harness';
import type { GalleryPrompt, GalleryViewState } from '../../src/shared/gallery';

let browser: Browser;
let sandbox: Sandbox;
let tuneId: number;

before(async () => {
  [browser, sandbox] = await Promise.all([launchChromium(), startSandbox({ seed: 'empty', quiet: true })]);
  const response = await fetch(`${sandbox.url}/__admin/seed-gallery`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: 1000 }),
  });
  tuneId = ((await response.json()) as { id: number }).id;
});

after(async () => {
  await browser?.close();
  await sandbox?.close();
});

async function openTune(options: { height?: number } = {}): Promise<Harness> {
  const harness = await openGalleryHarness(browser, {
    viewport: { width: 1200, height: options.height ?? 800 },
    source: { kind: 'sandbox', url: sandbox.url, key: sandbox.astriaKey, subject: { kind: 'tune', tuneId } },
  });
  await harness.open();
  await harness.page.waitForSelector('.tile.loaded');
  return harness;
}

/**
 * A fling to the end: two viewports a frame, driven by the page's own animation frames (a loop of
 * page.evaluate calls would scroll at the speed of the test's round trips, which on a busy machine is
 * slower than a fling and loads every image it passes).
 */
async function scrollToEnd(page: Page): Promise<void> {
  // A string, so the transpiler adds no helpers the page does not have.
  const reached = await page.evaluate<boolean>(`new Promise((resolve) => {
    const scroller = document.querySelector('.scroller');
    const started = performance.now();
    function step() {
      scroller.scrollTop += scroller.clientHeight * 2;
      const atEnd = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1 && document.querySelector('.footer')?.textContent === 'End of gallery';
      if (atEnd) resolve(true);
      else if (performance.now() - started > 30000) resolve(false);
      else requestAnimationFrame(step);
    }
    step();
  })`);
  if (!reached) throw new Error('never reached the end');
}

function domSize(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelectorAll('*').length);
}

describe('grid', () => {
  it('requests only the images near the viewport, and one page', async () => {
    sandbox.clearRequests();
    const harness = await openTune();
    try {
      await harness.page.waitForTimeout(300);
      assert.deepEqual(harness.pageCursors, [null]);
      const images = await harness.page.evaluate(() => {
        const viewport = (document.querySelector('.scroller') as HTMLElement).getBoundingClientRect();
        return [...document.querySelectorAll('img')].map((img) => ({ src: img.getAttribute('src'), top: img.getBoundingClientRect().top - viewport.top }));
      });
      const requested = images.filter((i) => i.src);
      assert.ok(requested.length > 0 && requested.length < 40, `${requested.length} images requested`);
      assert.ok(images.length > requested.length, 'rows beyond the margin exist but wait for their URL');
      assert.ok(requested.every((i) => i.top < 800 * 1.3), 'every requested image is within a quarter viewport below');
      const cdn = sandbox.requests.filter((r) => r.origin === 'cdn' && r.path.startsWith('/images/'));
      assert.equal(cdn.length, requested.length, 'the CDN saw exactly those requests');
    } finally {
      await harness.close();
    }
  });

  it('keeps the DOM bounded to the end, one request per page, and skips the images a fling passes', async () => {
    const harness = await openTune();
    try {
      const atStart = await domSize(harness.page);
      const before = sandbox.requests.length;
      await scrollToEnd(harness.page);
      // Once the fling stops, the images where it stopped load.
      await harness.page.waitForSelector('.tile.loaded >> nth=3');
      const flung = sandbox.requests.slice(before).filter((r) => r.origin === 'cdn' && r.path.startsWith('/images/')).length;
      // Without the fling check every image the fling passes near loads: about 300 on a busy 2-core
      // machine (fewer frames) and more on an idle one. With it, 30–160 depending on the machine's load.
      assert.ok(flung < 200, `${flung} image requests while flinging through 1,000 images`);
      const atEnd = await domSize(harness.page);
      // 1,000 images in 125 prompts of 8, 40 prompts per page.
      assert.equal(harness.pageCursors.length, 4);
      assert.equal(new Set(harness.pageCursors).size, 4, 'no page asked twice');
      assert.ok(atEnd < atStart * 2 && atEnd < 1500, `DOM nodes: ${atStart} at the start, ${atEnd} at the end`);
      assert.match((await harness.page.textContent('.summary')) ?? '', /^1,000 images · 125 prompts$/);
      assert.deepEqual(harness.refused, []);
    } finally {
      await harness.close();
    }
  });

  it('loads images while a person reads slowly down the page', async () => {
    const harness = await openTune();
    try {
      const loadedBelow = () =>
        harness.page.evaluate(() => {
          const scroller = document.querySelector('.scroller') as HTMLElement;
          const box = scroller.getBoundingClientRect();
          return [...document.querySelectorAll('.tile.loaded')].filter((t) => {
            const r = t.getBoundingClientRect();
            return r.bottom > box.top && r.top < box.bottom;
          }).length;
        });
      // A fifth of a viewport every 100 ms: two viewports a second, reading speed.
      for (let i = 0; i < 30; i++) {
        await harness.page.evaluate(() => {
          const scroller = document.querySelector('.scroller') as HTMLElement;
          scroller.scrollTop += scroller.clientHeight / 5;
        });
        await harness.page.waitForTimeout(100);
      }
      assert.ok((await harness.page.evaluate(() => (document.querySelector('.scroller') as HTMLElement).scrollTop)) > 3000);
      assert.ok((await loadedBelow()) > 0, 'images in the viewport loaded without waiting for the scrolling to stop');
    } finally {
      await harness.close();
    }
  });

  it('restores the scroll position after a reload', async () => {
    const harness = await openTune();
    try {
      await harness.page.evaluate(() => {
        (document.querySelector('.scroller') as HTMLElement).scrollTop = 5000;
      });
      await harness.page.waitForTimeout(600);
      const state = (await harness.state()) as GalleryViewState;
      assert.deepEqual(state.subject, { kind: 'tune', tuneId });
      assert.ok(state.anchor, 'an anchor was saved');
      const topPrompt = () =>
        harness.page.evaluate(() => {
          const scroller = document.querySelector('.scroller') as HTMLElement;
          const top = scroller.getBoundingClientRect().top;
          const headers = [...document.querySelectorAll<HTMLElement>('.group-header')].filter((h) => h.getBoundingClientRect().bottom > top);
          headers.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
          return { id: Number(headers[0]?.dataset.promptId), scrollTop: scroller.scrollTop };
        });
      const before = await topPrompt();
      await harness.page.reload();
      await harness.page.waitForFunction(() => (document.querySelector('.scroller') as HTMLElement).scrollTop > 0);
      const after = await topPrompt();
      assert.equal(after.id, before.id);
      assert.ok(Math.abs(after.scrollTop - before.scrollTop) < 2, `${before.scrollTop} → ${after.scrollTop}`);
    } finally {
      await harness.close();
    }
  });

  it('opens a focused image from a later page in the lightbox; ← → Esc and zoom work', async () => {
    const prompts = (await (
      await fetch(`${sandbox.url}/tunes/${tuneId}/prompts?limit=100`, { headers: { authorization: `Bearer ${sandbox.astriaKey}` } })
    ).json()) as { id: number }[];
    const target = prompts[90].id;
    const harness = await openGalleryHarness(browser, {
      focus: { promptId: target, imageIndex: 2 },
      source: { kind: 'sandbox', url: sandbox.url, key: sandbox.astriaKey, subject: { kind: 'tune', tuneId } },
    });
    try {
      await harness.open();
      await harness.page.waitForSelector('.lightbox:not([hidden])');
      assert.equal(harness.pageCursors.length, 3, 'loaded pages until the prompt was there');
      const caption = () => harness.page.textContent('.lightbox-caption .meta');
      assert.match((await caption()) ?? '', new RegExp(`^Prompt ${target} · image 3 `));
      await harness.page.keyboard.press('ArrowRight');
      assert.match((await caption()) ?? '', new RegExp(`^Prompt ${target} · image 4 `));
      await harness.page.keyboard.press('ArrowLeft');
      await harness.page.keyboard.press('ArrowLeft');
      assert.match((await caption()) ?? '', new RegExp(`^Prompt ${target} · image 2 `));
      await harness.page.keyboard.press('z');
      assert.equal(await harness.page.getAttribute('.lightbox-stage', 'class'), 'lightbox-stage actual');
      await harness.page.keyboard.press('z');
      assert.equal(await harness.page.getAttribute('.lightbox-stage', 'class'), 'lightbox-stage fit');
      await harness.page.keyboard.press('Escape');
      assert.equal(await harness.page.isHidden('.lightbox'), true);
      const focused = await harness.page.evaluate(() => (document.activeElement?.closest('.tile') as HTMLElement | null)?.dataset.promptId);
      assert.equal(Number(focused), target, 'focus went back to the tile');
    } finally {
      await harness.close();
    }
  });
});

describe('pending prompts', () => {
  it('shows placeholders and fills them in from a notification, without reloading', async () => {
    const pending: GalleryPrompt = {
      id: 50,
      tuneId: 1,
      text: 'pending prompt',
      aspect: 1,
      status: 'generating',
      expectedImages: 3,
      images: [],
      liked: false,
      createdAt: '',
    };
    const harness = await openGalleryHarness(browser, { source: { kind: 'raw', subject: { kind: 'tune', tuneId: 1 }, prompts: () => [pending] } });
    try {
      await harness.open();
      await harness.page.waitForSelector('.tile-pending');
      assert.equal(await harness.page.locator('.tile-pending').count(), 3);
      assert.match((await harness.page.textContent('.group-header .status')) ?? '', /Generating/);
      await harness.notify('promptUpdated', {
        prompt: { ...pending, status: 'done', expectedImages: 3, images: ['a', 'b', 'c'].map((k) => ({ url: harness.imageUrl(k) })) },
      });
      await harness.page.waitForFunction(() => document.querySelectorAll('.tile.loaded').length === 3);
      assert.equal(await harness.page.locator('.tile-pending').count(), 0);
      assert.equal(await harness.page.locator('.group-header .status').count(), 0);
      // A prompt newer than everything shown appears on top.
      await harness.notify('promptUpdated', { prompt: { ...pending, id: 51, text: 'newer prompt', status: 'pending', expectedImages: 2 } });
      await harness.page.waitForSelector('.group-header[data-prompt-id="51"]');
      assert.deepEqual(harness.pageCursors, [null], 'no page was loaded again');
      // Refresh asks the host for the first page again, bypassing its cache.
      await harness.page.click('vscode-toolbar-button[data-toolbar="refresh"]');
      await harness.page.waitForFunction(() => !document.querySelector('.group-header[data-prompt-id="51"]'));
      await harness.page.waitForSelector('.group-header[data-prompt-id="50"] .status');
      assert.deepEqual(harness.requests, ['loadPage']);
    } finally {
      await harness.close();
    }
  });
});
