// The gallery webview under attack, in a real browser: the real bundle (built from webview-ui/ with the
// build's own esbuild options) in the real CSP shell (renderShell), in headless Chromium. Hostile prompt texts and titles
// must render as literal text, non-http(s) image URLs must never be rendered, and the CSP must stop
// injected inline scripts. A payload that ran would set window.__pwned.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openGalleryHarness, type Harness } from '../../bench/harness';
import type { Prompt } from '../../src/api/astria/types';
import type { GalleryPrompt } from '../../src/shared/gallery';

const LONG_WORD = 'A'.repeat(3000);
const HOSTILE: string[] = [
  '<script>window.__pwned = "script"</script>',
  `<img src=x onerror="window.__pwned='img'">`,
  `"><svg onload="window.__pwned='svg'">`,
  `'><iframe src="javascript:window.__pwned='iframe'"></iframe>`,
  'portrait of <faceid:123:1.0> woman, <lora:42:0.8> ohwx',
  '{{x}} ${window.__pwned=1} {{constructor.constructor("window.__pwned=1")()}}',
  `very long ${'lorem ipsum dolor sit amet '.repeat(300)} ${LONG_WORD}`,
  'مرحبا بالعالم — صورة شخصية \u202Eevil\u202C עברית',
  'emoji 🎨👩‍🎨🏳️‍🌈 and ZWJ 👨‍👩‍👧‍👦',
  '<style>body{display:none}</style></section></div><a href="javascript:window.__pwned=1">x</a>',
];

function hostilePrompt(id: number, text: string, images: string[]): Prompt {
  return {
    id,
    tune_id: 1000 + id,
    text,
    negative_prompt: text,
    images,
    num_images: images.length,
    created_at: '2025-01-02T03:04:05Z',
    trained_at: '2025-01-02T03:05:00Z',
    seed: 42,
    tune: { id: 1000 + id, title: text },
  };
}

async function pwned(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
}

let browser: Browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

describe('hostile prompt texts and titles', () => {
  let harness: Harness;
  const expected = HOSTILE.map((text, i) => ({ id: 500 - i, text }));

  before(async () => {
    harness = await openGalleryHarness(browser, {
      // Tall enough for every group to be in the DOM at once.
      viewport: { width: 1280, height: 6000 },
      title: HOSTILE[0],
      source: {
        kind: 'fixed',
        subject: { kind: 'recent' },
        prompts: (imageUrl) => expected.map(({ id, text }) => hostilePrompt(id, text, [imageUrl(`h${id}`)])),
      },
    });
    await harness.open();
    await harness.page.waitForSelector(`.group-header[data-prompt-id="${expected[expected.length - 1].id}"]`);
    await harness.page.waitForTimeout(300);
  });

  after(async () => {
    await harness?.close();
  });

  it('renders each one as literal text: prompt, negative prompt and tune title', async () => {
    for (const { id, text } of expected) {
      const shown = await harness.page.evaluate((promptId) => {
        const header = document.querySelector(`.group-header[data-prompt-id="${promptId}"]`);
        return {
          prompt: header?.querySelector('.prompt-text')?.textContent,
          negative: header?.querySelector('.negative')?.textContent,
          tune: header?.querySelector('.tune-title')?.textContent,
        };
      }, id);
      // The host caps texts at 10,000 characters and titles at 500 (boundless messages help nobody).
      const same = (actual: string | null | undefined, wanted: string, what: string) =>
        assert.ok(actual === wanted, `${what} of prompt ${id} differs: ${JSON.stringify(actual?.slice(0, 120))}…`);
      same(shown.prompt, text.slice(0, 10_000), 'prompt text');
      same(shown.negative, `Negative: ${text.slice(0, 10_000)}`, 'negative prompt');
      same(shown.tune, text.slice(0, 500), 'tune title');
    }
    assert.equal(await harness.page.textContent('.title'), HOSTILE[0]);
    // They came in the page's JSON data block (the first page is embedded in the shell), not by message.
    assert.deepEqual(harness.posted, [], 'the webview drew the init embedded in its page');
  });

  it('creates no elements from the payloads and runs none of them', async () => {
    // Hover and click around so any handler that had been created would fire.
    await harness.page.hover('.tile');
    await harness.page.mouse.move(5, 5);
    const counts = await harness.page.evaluate(() => ({
      scripts: document.querySelectorAll('script').length,
      svg: document.querySelectorAll('svg').length,
      iframes: document.querySelectorAll('iframe').length,
      styles: document.querySelectorAll('body style').length,
      links: document.querySelectorAll('a').length,
      badImages: [...document.querySelectorAll('img')].filter((img) => img.getAttribute('src') === 'x').length,
      handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
    }));
    assert.deepEqual(counts, { scripts: 1, svg: 0, iframes: 0, styles: 0, links: 0, badImages: 0, handlers: 0 });
    assert.equal(await pwned(harness.page), undefined);
    assert.deepEqual(harness.refused, [], 'every message the webview sent passed the host checks');
  });

  it('keeps very long strings inside the layout', async () => {
    const overflow = await harness.page.evaluate(() => {
      const scroller = document.querySelector('.scroller') as HTMLElement;
      return { page: document.documentElement.scrollWidth - window.innerWidth, grid: scroller.scrollWidth - scroller.clientWidth };
    });
    assert.ok(overflow.page <= 0, `page overflows by ${overflow.page}px`);
    assert.ok(overflow.grid <= 0, `grid overflows by ${overflow.grid}px`);
    const headerHeights = await harness.page.$$eval('.group-header', (headers) => headers.map((h) => h.getBoundingClientRect().height));
    assert.ok(headerHeights.every((h) => h <= 100), `headers stay their fixed height: ${headerHeights.join(', ')}`);
  });

  it('shows them as text in the lightbox too', async () => {
    const long = expected[6];
    await harness.page.click(`.tile[data-prompt-id="${long.id}"] .tile-open`);
    await harness.page.waitForSelector('.lightbox:not([hidden])');
    assert.ok((await harness.page.textContent('.lightbox-caption .prompt-text')) === long.text.slice(0, 10_000), 'long prompt text in the lightbox');
    await harness.page.keyboard.press('ArrowRight');
    assert.equal(await harness.page.textContent('.lightbox-caption .prompt-text'), expected[7].text);
    await harness.page.keyboard.press('Escape');
    assert.equal(await harness.page.isHidden('.lightbox'), true);
    assert.equal(await pwned(harness.page), undefined);
  });
});

describe('image URLs', () => {
  const refusedUrls = [
    'javascript:window.__pwned="js"',
    'JaVaScRiPt:window.__pwned="js2"',
    'data:image/png;base64,iVBORw0KGgo=',
    'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"/>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '//evil.example/a.png',
  ];

  async function imageSources(page: Page): Promise<string[]> {
    return page.$$eval('img', (images) => images.map((img) => img.getAttribute('src') ?? '').filter(Boolean));
  }

  it('refuses javascript:, data: and other non-http(s) URLs sent by the server (host check)', async () => {
    const harness = await openGalleryHarness(browser, {
      source: { kind: 'fixed', subject: { kind: 'tune', tuneId: 1 }, prompts: (imageUrl) => [hostilePrompt(7, 'urls', [...refusedUrls, imageUrl('fine')])] },
    });
    try {
      await harness.open();
      await harness.page.waitForSelector('.tile.loaded');
      assert.equal(await harness.page.locator('.tile-blocked').count(), refusedUrls.length);
      assert.equal(await harness.page.locator('.tile-blocked').first().textContent(), 'Blocked image');
      assert.deepEqual(await imageSources(harness.page), [harness.imageUrl('fine')]);
      assert.equal(await pwned(harness.page), undefined);
    } finally {
      await harness.close();
    }
  });

  it('refuses them in the webview as well, whatever a host sends', async () => {
    const raw = (imageUrl: (key: string) => string): GalleryPrompt[] => [
      {
        id: 9,
        tuneId: 1,
        text: 'raw',
        aspect: 1,
        status: 'done',
        expectedImages: refusedUrls.length + 1,
        images: [...refusedUrls.map((url) => ({ url })), { url: imageUrl('fine') }],
        liked: false,
        createdAt: '',
      },
    ];
    const harness = await openGalleryHarness(browser, { source: { kind: 'raw', subject: { kind: 'tune', tuneId: 1 }, prompts: raw } });
    try {
      await harness.open();
      await harness.page.waitForSelector('.tile.loaded');
      assert.equal(await harness.page.locator('.tile-blocked').count(), refusedUrls.length);
      assert.deepEqual(await imageSources(harness.page), [harness.imageUrl('fine')]);
      // The lightbox walks displayable images only.
      await harness.page.click('.tile-open');
      assert.equal(await harness.page.textContent('.lightbox-counter'), '1 / 1');
      assert.equal(await pwned(harness.page), undefined);
    } finally {
      await harness.close();
    }
  });
});

describe('content security policy', () => {
  let harness: Harness;

  before(async () => {
    harness = await openGalleryHarness(browser, {
      allowLoopbackMedia: false,
      source: { kind: 'fixed', subject: { kind: 'tune', tuneId: 1 }, prompts: (imageUrl) => [hostilePrompt(1, 'csp', [imageUrl('a')])] },
    });
    await harness.open();
    await harness.page.waitForSelector('.tile.loaded');
    await harness.page.evaluate(() => {
      const w = window as unknown as { __violations: string[] };
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (event) => w.__violations.push(event.effectiveDirective));
    });
  });

  after(async () => {
    await harness?.close();
  });

  async function violations(): Promise<string[]> {
    await harness.page.waitForTimeout(200);
    return harness.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations.splice(0));
  }

  it('blocks an injected inline script (it would set a global and post a message)', async () => {
    const before = harness.notifications.length;
    await harness.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__pwned = "inline"; acquireVsCodeApi().postMessage({ kind: "notification", method: "error", params: { message: "pwned" } });';
      document.body.append(script);
    });
    assert.equal(await pwned(harness.page), undefined);
    assert.deepEqual(await violations(), ['script-src-elem']);
    assert.equal(harness.notifications.length, before, 'no message was posted');
  });

  it('blocks inline event handlers and markup injected with innerHTML', async () => {
    await harness.page.evaluate(() => {
      const div = document.createElement('div');
      div.innerHTML = `<img src="${location.origin}/img/zz.png" onload="window.__pwned='onload'" onerror="window.__pwned='onerror'">`;
      document.body.append(div);
      const button = document.createElement('button');
      button.setAttribute('onclick', 'window.__pwned = "onclick"');
      document.body.append(button);
      button.click();
    });
    assert.equal(await pwned(harness.page), undefined);
    assert.ok((await violations()).includes('script-src-attr'));
  });

  it('blocks scripts without the nonce, even from its own origin, and from data: and other origins', async () => {
    await harness.page.evaluate(() => {
      for (const src of [`${location.origin}/dist/webview/gallery.js`, 'data:text/javascript,window.__pwned="data"', 'https://evil.example/x.js']) {
        const script = document.createElement('script');
        script.src = src;
        document.body.append(script);
      }
    });
    assert.equal(await pwned(harness.page), undefined);
    assert.deepEqual(await violations(), ['script-src-elem', 'script-src-elem', 'script-src-elem']);
  });

  it('blocks loopback http images when the API is not loopback, and connections of any kind', async () => {
    await harness.page.evaluate(() => {
      const img = document.createElement('img');
      img.src = 'http://localhost:9/x.png';
      document.body.append(img);
      void fetch('https://evil.example/').catch(() => undefined);
    });
    const seen = await violations();
    assert.ok(seen.includes('img-src'), seen.join());
    assert.ok(seen.includes('connect-src'), seen.join());
  });
});
