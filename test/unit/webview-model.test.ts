// Pure parts of the webview foundation and the gallery host: CSP shell, message checks, what the webview
// is sent, names of saved files, Markdown, and the grid layout.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, isLoopbackUrl, jsonForScript, renderShell } from '../../src/webviews/html';
import { INITIAL_MESSAGE_ID } from '../../src/shared/rpc';
import { hostileCorpus } from '../hostileCorpus';
import { promptAspect, subjectFromViewState, toGalleryPrompt } from '../../src/webviews/galleryModel';
import { defaultSavePath, imageExtension, imageMarkdown, numberedFileName, sanitizeFolderName } from '../../src/domain/savedImages';
import { galleryChecks, gallerySubjectCheck } from '../../src/shared/gallery';
import type { Prompt } from '../../src/api/astria/types';
import { gallerySubjectKey, isDisplayableImageUrl } from '../../src/shared/gallery';
import { anchorAt, layoutGallery, rowOfTile, rowsBetween, scrollTopOf } from '../../webview-ui/gallery/layout';

function prompt(overrides: Partial<Prompt> = {}): Prompt {
  return {
    id: 10,
    tune_id: 1,
    text: 'a photo of ohwx woman',
    images: ['https://cdn.example.com/a.png'],
    created_at: '2025-01-01T00:00:00Z',
    trained_at: '2025-01-01T00:01:00Z',
    ...overrides,
  };
}

describe('shell HTML', () => {
  const options = { cspSource: 'https://webview.example', scriptUri: 'https://webview.example/gallery.js', styleUris: [], title: 'T', nonce: 'abc' };

  it('allows scripts only by nonce and nothing by default', () => {
    const csp = contentSecurityPolicy({ cspSource: 'https://w', allowLoopbackMedia: false }, 'n1');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-n1'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /img-src https:\/\/w https:(;|$)/);
    assert.doesNotMatch(csp, /127\.0\.0\.1/);
  });

  it('allows loopback media only when asked (the configured API is loopback)', () => {
    const csp = contentSecurityPolicy({ cspSource: 'https://w', allowLoopbackMedia: true }, 'n');
    assert.match(csp, /img-src https:\/\/w https: http:\/\/127\.0\.0\.1:\* http:\/\/localhost:\*/);
    assert.match(csp, /media-src https:\/\/w https: http:\/\/127\.0\.0\.1:\* http:\/\/localhost:\*/);
    assert.equal(isLoopbackUrl('http://127.0.0.1:4010'), true);
    assert.equal(isLoopbackUrl('http://localhost:1'), true);
    assert.equal(isLoopbackUrl('https://api.astria.ai'), false);
    assert.equal(isLoopbackUrl('http://127.0.0.1.evil.example'), false);
  });

  it('has a fresh nonce per render and no inline handlers', () => {
    const a = renderShell({ ...options, nonce: undefined, allowLoopbackMedia: false });
    const b = renderShell({ ...options, nonce: undefined, allowLoopbackMedia: false });
    const nonce = (html: string) => /<script type="module" nonce="([^"]+)"/.exec(html)?.[1];
    assert.ok(nonce(a) && nonce(a)!.length >= 16);
    assert.notEqual(nonce(a), nonce(b));
    assert.doesNotMatch(a, /\son\w+=/i);
    assert.equal((a.match(/<script/g) ?? []).length, 1);
  });

  it('carries the first message as JSON no string can break out of: the hostile corpus comes back unchanged and adds no element', () => {
    // Guards the data block of the shell: were `<`, `>` or `&` written as they are, `</script>` in a prompt
    // would end the block and the rest would be parsed as markup (`<!--` would change where it ends).
    const corpus = [...hostileCorpus('http://127.0.0.1:9'), '</script><script>x()</script>', '</SCRIPT >', '<!--<script>', '\u2028\u2029', ']]>'];
    const message = {
      kind: 'notification',
      method: 'init',
      params: { title: corpus.join(' '), prompts: corpus.map((text, id) => ({ id, text, negativePrompt: text, tuneTitle: text, images: [{ url: text }] })), [corpus[0]]: corpus[1] },
    };
    const html = renderShell({ ...options, allowLoopbackMedia: false, initialMessage: message });
    const open = `<script type="application/json" id="${INITIAL_MESSAGE_ID}">`;
    const start = html.indexOf(open) + open.length;
    assert.ok(start > open.length, 'the block is there');
    // An HTML parser ends a script element's text at the first `</script` (any case): what it would read.
    const end = html.toLowerCase().indexOf('</script', start);
    const block = html.slice(start, end);
    assert.doesNotMatch(block, /[<>&\u2028\u2029]/, 'no character of the block can start markup');
    assert.deepEqual(JSON.parse(block), message, 'JSON.parse gives back every string unchanged');
    assert.equal(html.slice(end), `</script>\n<script type="module" nonce="abc" src="https://webview.example/gallery.js"></script>\n</body>\n</html>\n`);
    assert.equal((html.match(/<script/g) ?? []).length, 2, 'the block and the bundle, nothing else');
    assert.equal(jsonForScript('</script>'), '"\\u003c/script\\u003e"');
    assert.equal(renderShell({ ...options, allowLoopbackMedia: false }).includes(INITIAL_MESSAGE_ID), false, 'no block without a message');
  });

  it('escapes what it puts in attributes and the title', () => {
    const html = renderShell({ ...options, title: '</title><script>x()</script>', scriptUri: '"><script>', allowLoopbackMedia: false });
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /&lt;\/title&gt;/);
  });
});

describe('message checks', () => {
  const { requests, notifications } = galleryChecks;

  it('accepts well-formed requests', () => {
    assert.ok(requests.loadPage({ cursor: null, refresh: false }).ok);
    assert.ok(requests.loadPage({ cursor: 123, refresh: true }).ok);
    assert.ok(requests.imageAction({ action: 'save', promptId: 1, imageIndex: 0, url: 'https://x/y.png' }).ok);
    assert.ok(requests.setLiked({ promptId: 5, liked: true }).ok);
    assert.ok(requests.openPromptEditor({ promptId: 5, mode: 'img2img', image: { promptId: 5, imageIndex: 1, url: 'https://x' } }).ok);
    assert.ok(notifications.didRender({ prompts: 1, images: 4 }).ok);
  });

  it('refuses wrong types, unknown values and extra fields', () => {
    assert.equal(requests.loadPage({ cursor: '1', refresh: false }).ok, false);
    assert.equal(requests.loadPage({ cursor: -1, refresh: false }).ok, false);
    assert.equal(requests.loadPage({ cursor: 1.5, refresh: false }).ok, false);
    assert.equal(requests.loadPage({ cursor: null }).ok, false);
    assert.equal(requests.imageAction({ action: 'delete', promptId: 1, imageIndex: 0, url: 'https://x' }).ok, false);
    assert.equal(requests.imageAction({ action: 'save', promptId: 1, imageIndex: 0, url: 'https://x', extra: 1 }).ok, false);
    assert.equal(requests.imageAction({ action: 'save', promptId: 1, imageIndex: 999, url: 'https://x' }).ok, false);
    assert.equal(requests.imageAction({ action: 'save', promptId: 1, imageIndex: 0, url: 'x'.repeat(5000) }).ok, false);
    assert.equal(requests.setLiked({ promptId: 5, liked: 'yes' }).ok, false);
    assert.equal(requests.openPromptEditor({ promptId: 5, mode: 'edit', image: null }).ok, false);
    assert.equal(requests.loadPage(null).ok, false);
    assert.equal(requests.loadPage([1]).ok, false);
  });

  it('checks subjects (commands and restored state)', () => {
    assert.ok(gallerySubjectCheck({ kind: 'tune', tuneId: 3, title: 'x' }).ok);
    assert.ok(gallerySubjectCheck({ kind: 'prompt', tuneId: 3, promptId: 4 }).ok);
    assert.ok(gallerySubjectCheck({ kind: 'recent' }).ok);
    assert.equal(gallerySubjectCheck({ kind: 'tune' }).ok, false);
    assert.equal(gallerySubjectCheck({ kind: 'recent', tuneId: 1 }).ok, false);
    assert.equal(gallerySubjectCheck({ kind: 'all' }).ok, false);
    assert.deepEqual(subjectFromViewState({ version: 1, subject: { kind: 'prompt', tuneId: 3, promptId: 4 } }), { kind: 'prompt', tuneId: 3, promptId: 4 });
    assert.equal(subjectFromViewState(undefined), undefined);
    assert.equal(subjectFromViewState({ subject: { kind: 'tune', tuneId: 'x' } }), undefined);
  });

  it('keys subjects by identity, not title', () => {
    assert.equal(gallerySubjectKey({ kind: 'tune', tuneId: 1, title: 'a' }), gallerySubjectKey({ kind: 'tune', tuneId: 1 }));
    assert.notEqual(gallerySubjectKey({ kind: 'tune', tuneId: 1 }), gallerySubjectKey({ kind: 'prompt', tuneId: 1, promptId: 1 }));
    // One panel per subject: four kinds, four distinct keys, and two prompts of one tune apart.
    const keys = [
      gallerySubjectKey({ kind: 'tune', tuneId: 1 }),
      gallerySubjectKey({ kind: 'prompt', tuneId: 1, promptId: 2 }),
      gallerySubjectKey({ kind: 'prompt', tuneId: 1, promptId: 3 }),
      gallerySubjectKey({ kind: 'recent' }),
      gallerySubjectKey({ kind: 'favorites' }),
    ];
    assert.deepEqual(keys, ['tune:1', 'prompt:1:2', 'prompt:1:3', 'recent', 'favorites']);
  });

  it('guards bulk requests: 1 to 20,000 items, each checked, the bad one named by its index', () => {
    const ref = (promptId: number) => ({ promptId, imageIndex: 0, url: 'https://cdn.example/a.png' });
    assert.ok(requests.bulkAction({ action: 'exportZip', images: [ref(1), ref(2)] }).ok);
    assert.deepEqual(requests.bulkAction({ action: 'save', images: [] }), { ok: false, reason: 'images: expected 1 to 20000 items' });
    assert.deepEqual(requests.bulkAction({ action: 'save', images: [ref(1), ref(0)] }), { ok: false, reason: 'images: [1]: promptId: expected an integer in [1, 9007199254740991]' });
    assert.equal(requests.bulkAction({ action: 'delete', images: [ref(1)] }).ok, false, 'not a bulk action');
    assert.equal(requests.bulkAction({ action: 'save', images: { 0: ref(1), length: 1 } }).ok, false, 'an array-like is not an array');
    const many = Array.from({ length: 20_000 }, (_, i) => i + 1);
    assert.ok(requests.setLikedMany({ promptIds: many, liked: true }).ok, 'exactly the limit');
    assert.equal(requests.deletePrompts({ promptIds: [...many, 20_001] }).ok, false, 'one over the limit');
    assert.deepEqual(requests.deletePrompts({ promptIds: [3, 4] }), { ok: true, value: { promptIds: [3, 4] } });
    assert.equal(requests.setLikedMany({ promptIds: [3], liked: 1 }).ok, false);
  });

  it('guards the smaller requests and notifications: only known fields, in range', () => {
    assert.ok(requests.copyParameter({ promptId: 1, imageIndex: 63, field: 'all' }).ok);
    assert.equal(requests.copyParameter({ promptId: 1, imageIndex: 64, field: 'all' }).ok, false, 'a prompt has at most 64 images');
    assert.equal(requests.copyParameter({ promptId: 1, imageIndex: 0, field: 'apiKey' }).ok, false);
    assert.ok(requests.setApiKey({}).ok);
    assert.equal(requests.setApiKey({ key: 'sd_x' }).ok, false, 'a webview never hands the host a key');
    assert.ok(requests.loadPage({ cursor: null, refresh: false, text: 'castle' }).ok);
    assert.equal(requests.loadPage({ cursor: null, refresh: false, text: 'x'.repeat(501) }).ok, false);
    assert.ok(requests.openPromptEditor({ promptId: 5, mode: 'remix', image: null }).ok);
    assert.ok(notifications.error({ message: 'x'.repeat(4000) }).ok);
    assert.equal(notifications.error({ message: 'x'.repeat(4001) }).ok, false);
    assert.equal(notifications.didRender({ prompts: -1, images: 0 }).ok, false);
  });

  it('guards restored subjects: favorites, titles within bounds, ids positive', () => {
    assert.deepEqual(gallerySubjectCheck({ kind: 'favorites' }), { ok: true, value: { kind: 'favorites' } });
    assert.equal(gallerySubjectCheck({ kind: 'favorites', tuneId: 1 }).ok, false);
    assert.deepEqual(gallerySubjectCheck({ kind: 'prompt', tuneId: 3, promptId: 4, title: 'Jane' }), { ok: true, value: { kind: 'prompt', tuneId: 3, promptId: 4, title: 'Jane' } });
    assert.equal(gallerySubjectCheck({ kind: 'prompt', tuneId: 3, promptId: 0 }).ok, false);
    assert.equal(gallerySubjectCheck({ kind: 'tune', tuneId: 3, title: 'x'.repeat(1001) }).ok, false);
    assert.deepEqual(gallerySubjectCheck('tune'), { ok: false, reason: 'expected an object' });
    assert.deepEqual(gallerySubjectCheck({ kind: 'all' }), { ok: false, reason: 'unknown subject kind' });
  });

  it('renders only plain http(s) image URLs: no other scheme, no credentials, nothing over 4,096 characters', () => {
    assert.equal(isDisplayableImageUrl('https://cdn.example/a.png'), true);
    assert.equal(isDisplayableImageUrl('HTTPS://cdn.example/a.png'), true);
    for (const url of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'file:///etc/passwd', 'ftp://x/a.png', 'not a url']) {
      assert.equal(isDisplayableImageUrl(url), false, url);
    }
    assert.equal(isDisplayableImageUrl('https://user@cdn.example/a.png'), false, 'a user name in the URL');
    assert.equal(isDisplayableImageUrl('https://:secret@cdn.example/a.png'), false, 'a password in the URL');
    const base = 'https://cdn.example/';
    assert.equal(isDisplayableImageUrl(base + 'a'.repeat(4096 - base.length)), true, 'exactly 4,096 characters');
    assert.equal(isDisplayableImageUrl(base + 'a'.repeat(4097 - base.length)), false);
  });
});

describe('what the webview is sent', () => {
  it('refuses javascript:, data: and other non-http(s) image URLs', () => {
    const view = toGalleryPrompt(
      prompt({
        images: ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'file:///etc/passwd', 'https://ok.example/a.png', 'http://user:pw@x/a.png', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)'],
      }),
    );
    assert.deepEqual(view.images, [
      { blocked: true },
      { blocked: true },
      { blocked: true },
      { url: 'https://ok.example/a.png' },
      { blocked: true },
      { blocked: true },
      { blocked: true },
    ]);
    assert.equal(isDisplayableImageUrl('http://127.0.0.1:4011/images/1-1.png'), true);
  });

  it('derives status, parameters and aspect', () => {
    const view = toGalleryPrompt(prompt({ seed: 42, steps: 30, cfg_scale: '3.0', w: 1024, h: 768, aspect_ratio: null, liked: true, prompt_likes_count: 2 }));
    assert.equal(view.status, 'done');
    assert.equal(view.seed, 42);
    assert.equal(view.cfgScale, '3.0');
    assert.equal(view.size, '1024×768');
    assert.equal(view.aspect, 1024 / 768);
    assert.equal(view.liked, true);
    const pending = toGalleryPrompt(prompt({ images: [], trained_at: null, num_images: 4 }));
    assert.equal(pending.status, 'pending');
    assert.equal(pending.expectedImages, 4);
    assert.equal(promptAspect({ aspect_ratio: '16:9' }), 16 / 9);
    assert.equal(promptAspect({ aspect_ratio: '1:100' }), 0.25);
    assert.equal(promptAspect({ aspect_ratio: 'wide' }), 1);
  });

  it('bounds hostile sizes', () => {
    const view = toGalleryPrompt(prompt({ text: 'x'.repeat(100_000), images: Array.from({ length: 500 }, (_, i) => `https://x/${i}.png`) }));
    assert.ok(view.text.length <= 10_000);
    assert.ok(view.images.length <= 64);
  });
});

describe('saved files and Markdown', () => {
  it('sanitizes tune titles into folder names', () => {
    assert.equal(sanitizeFolderName('My Tune', 'f'), 'My Tune');
    assert.equal(sanitizeFolderName('../../etc/passwd', 'f'), 'etc-passwd');
    assert.equal(sanitizeFolderName('<script>alert(1)</script>', 'f'), 'script-alert-1-script');
    assert.equal(sanitizeFolderName('..', 'f'), 'f');
    assert.equal(sanitizeFolderName('', 'f'), 'f');
    assert.equal(sanitizeFolderName('CON', 'f'), 'f');
    assert.equal(sanitizeFolderName('Ünïcödé 🎨 тест', 'f'), 'Ünïcödé тест');
    assert.equal(sanitizeFolderName('Gallery <faceid:1:1> "quoted"', 'f'), 'Gallery faceid-1-1 quoted');
    assert.ok(sanitizeFolderName('a'.repeat(300), 'f').length <= 80);
  });

  it('builds the default path and numbered names', () => {
    assert.deepEqual(defaultSavePath('Portraits', 7, 99, 0, 'https://cdn/x/99-1.jpeg?sig=1'), ['generated', 'Portraits', '99-1.jpg']);
    assert.deepEqual(defaultSavePath(undefined, 7, 99, 2, 'https://cdn/x/noext'), ['generated', 'tune-7', '99-3.png']);
    assert.equal(imageExtension('https://x/a.WEBP'), 'webp');
    assert.equal(numberedFileName('99-1.png', 2), '99-1 (2).png');
  });

  it('escapes prompt text in Markdown alt text and the URL', () => {
    assert.equal(imageMarkdown('a <faceid:1:1> [x](y)\n*b*', 'https://x/a (1).png'), '![a \\<faceid:1:1\\> \\[x\\]\\(y\\) \\*b\\*](https://x/a%20%281%29.png)');
  });
});

describe('grid layout', () => {
  const metrics = { width: 1000, minTileWidth: 200, gap: 10, groupSpacing: 20 };
  const groups = Array.from({ length: 1000 }, (_, i) => ({ tiles: 1 + (i % 8), aspect: i % 2 ? 1 : 1.5, headerHeight: 80 }));
  const layout = layoutGallery(groups, metrics);

  it('fits columns and rows', () => {
    assert.equal(layout.columns, 4);
    assert.equal(layout.tileWidth, 242);
    const first = layout.rows.slice(0, 2);
    assert.deepEqual(first.map((r) => r.kind), ['header', 'tiles']);
    assert.equal(first[1].height, Math.round(242 / 1.5));
    const last = layout.rows[layout.rows.length - 1];
    assert.ok(layout.height >= last.top + last.height);
  });

  it('finds the rows in a window by binary search', () => {
    const { start, end } = rowsBetween(layout, 5000, 6000);
    assert.ok(end > start);
    for (let i = start; i < end; i++) assert.ok(layout.rows[i].top < 6000 && layout.rows[i].top + layout.rows[i].height > 5000);
    if (start > 0) assert.ok(layout.rows[start - 1].top + layout.rows[start - 1].height <= 5000);
    if (end < layout.rows.length) assert.ok(layout.rows[end].top >= 6000);
  });

  it('keeps a scroll anchor across a relayout', () => {
    const anchor = anchorAt(layout, 12_345);
    assert.ok(anchor);
    assert.equal(scrollTopOf(layout, anchor), 12_345);
    const narrow = layoutGallery(groups, { ...metrics, width: 500 });
    const top = scrollTopOf(narrow, anchor);
    assert.equal(anchorAt(narrow, top)?.group, anchor.group);
  });

  it('finds the row of a tile', () => {
    const row = rowOfTile(layout, 7, 5);
    assert.equal(row?.kind, 'tiles');
    assert.equal(row?.group, 7);
    assert.ok(row && row.kind === 'tiles' && row.first <= 5 && 5 < row.first + row.count);
  });
});

describe('grid layout, to the pixel', () => {
  // Three columns of 100 px tiles with 8 px gaps; prompt 0 fills exactly one row, prompt 1 has no tiles, prompt 2 has 4.
  const layout = layoutGallery(
    [3, 0, 4].map((tiles) => ({ tiles, aspect: 1, headerHeight: 40 })),
    { width: 3 * 100 + 2 * 8, minTileWidth: 100, gap: 8, groupSpacing: 12 },
  );

  it('stacks rows a tile height plus a gap apart, with no empty row after a prompt that fills its last row exactly', () => {
    assert.deepEqual(layout.rows, [
      { kind: 'header', group: 0, top: 0, height: 40 },
      { kind: 'tiles', group: 0, first: 0, count: 3, top: 40, height: 100 },
      { kind: 'header', group: 1, top: 160, height: 40 },
      { kind: 'header', group: 2, top: 212, height: 40 },
      { kind: 'tiles', group: 2, first: 0, count: 3, top: 252, height: 100 },
      { kind: 'tiles', group: 2, first: 3, count: 1, top: 360, height: 100 },
    ]);
    assert.deepEqual(layout.groupStart, [0, 2, 3]);
    assert.equal(layout.height, 480);
  });

  it('draws only the rows that overlap the viewport: a row ending at its top edge or starting at its bottom edge is left out', () => {
    assert.deepEqual(rowsBetween(layout, 0, 40), { start: 0, end: 1 }, 'the first tile row starts where the viewport ends');
    assert.deepEqual(rowsBetween(layout, 40, 41), { start: 1, end: 2 }, 'the header ends where the viewport starts');
  });

  it('has no scroll anchor past the last row, and a position inside a prompt round-trips', () => {
    assert.equal(anchorAt(layout, layout.height), undefined);
    assert.equal(anchorAt(layoutGallery([], { width: 316, minTileWidth: 100, gap: 8, groupSpacing: 12 }), 0), undefined, 'an empty gallery');
    assert.deepEqual(anchorAt(layout, 190), { group: 1, offset: 30 });
    assert.equal(scrollTopOf(layout, { group: 1, offset: 30 }), 190);
  });

  it('restores a saved scroll offset no deeper than its prompt (after a relayout it may be shorter), and a vanished prompt to the top', () => {
    assert.equal(scrollTopOf(layout, { group: 0, offset: 1000 }), 159, 'the last pixel of prompt 0, not a later prompt');
    assert.equal(scrollTopOf(layout, { group: 2, offset: 1000 }), 479, 'the last prompt ends with the gallery');
    assert.equal(scrollTopOf(layout, { group: 3, offset: 10 }), 0, 'a prompt that is no longer in the gallery');
  });
});
