// The gallery inside a real VS Code host against the sandbox: panels per subject, the real webview
// rendering (its images come straight from the CDN), the image actions driven through the same protocol
// messages the webview sends, live updates of a generating prompt, and restoring a panel after a reload.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import type { Prompt, Tune } from '../../src/api/astria/types';
import type { GalleryApi } from '../../src/webviews/galleries';
import type { GalleryPanel } from '../../src/webviews/galleryPanel';
import type { ExistingFileChoice } from '../../src/webviews/saveImage';
import { imageMarkdown } from '../../src/domain/savedImages';
import { PARAMETERS_KEYWORD, parametersOf, parametersText, withPngText } from '../../src/domain/imageMetadata';
import { GALLERY_VIEW_TYPE, type GalleryProtocol, type GallerySubject, type GalleryViewState } from '../../src/shared/gallery';
import { type RequestMethod, type RequestParams, type RequestResult, type ResponseMessage } from '../../src/shared/rpc';
import { assertSameImage } from '../pngStrict';
import { admin, astria, connectToSandbox, extensionApi, recordedRequests, renderedWithin, sandboxEnv, testFetch, waitFor, WEBVIEW_RENDER_MS } from './helpers';

type Method = RequestMethod<GalleryProtocol>;

let api: TuneStudioApi;
let gallery: GalleryApi;
let requestId = 1;

/** The gallery's test hooks, exported by activate() as `gallery` (see src/extension.ts). */
function galleryOf(extension: TuneStudioApi): GalleryApi {
  const hooks = (extension as TuneStudioApi & { gallery?: GalleryApi }).gallery;
  assert.ok(hooks, 'activate() must export registerGallery(...)’s return value as `gallery`');
  return hooks;
}

async function send(subject: GallerySubject, message: unknown): Promise<ResponseMessage | undefined> {
  return gallery.receive(subject, message);
}

/** Sends a request exactly as the webview would, and returns the host's answer (or throws its error). */
async function request<M extends Method>(subject: GallerySubject, method: M, params: RequestParams<GalleryProtocol, M>): Promise<RequestResult<GalleryProtocol, M>> {
  const response = await send(subject, { kind: 'request', id: requestId++, method, params });
  assert.ok(response, `${method} got an answer (the host refused the message otherwise)`);
  if (!response.ok) throw new Error(response.error);
  return response.result as RequestResult<GalleryProtocol, M>;
}

async function open(subject: GallerySubject, focus?: { promptId: number; imageIndex: number }): Promise<GalleryPanel> {
  await gallery.open(subject, focus); // the front door the tree, the editor and the agent tools use
  const panel = gallery.panelOf(subject);
  assert.ok(panel, 'the gallery panel is open');
  return panel;
}

function rendered(panel: GalleryPanel): Promise<{ prompts: number; images: number }> {
  return renderedWithin('the gallery webview', panel.whenRendered(), () => `webview ready: ${panel.host.isReady}, visible: ${panel.panel.visible}, active: ${panel.panel.active}`);
}

async function seedGallery(count: number, title: string): Promise<{ tune: Tune; prompts: Prompt[] }> {
  const tune = await admin<Tune>('POST', '/seed-gallery', { count, title });
  const prompts = await astria<Prompt[]>('GET', `/tunes/${tune.id}/prompts?limit=120`);
  return { tune, prompts };
}

function galleryTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(GALLERY_VIEW_TYPE));
}

describe('Gallery', function () {
  // Room for two webview stalls (helpers.ts, WEBVIEW_RENDER_MS): several tests open one panel after another.
  this.timeout(2 * WEBVIEW_RENDER_MS + 20_000);
  let tune: Tune;
  let prompts: Prompt[];
  let tuneSubject: GallerySubject;

  before(async () => {
    // Webviews left open by earlier suites would compete with ours for a slow machine.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    api = await extensionApi();
    gallery = galleryOf(api);
    // A fresh sandbox: no faults or odd speed left behind by earlier suites.
    await admin('POST', '/reset');
    await connectToSandbox(api);
    ({ tune, prompts } = await seedGallery(96, 'Gallery test <faceid:1:1> "quoted"'));
    tuneSubject = { kind: 'tune', tuneId: tune.id, title: tune.title };
  });

  after(async () => {
    await vscode.window.tabGroups.close(galleryTabs());
  });

  describe('panels', () => {
    it('opens a tune gallery whose webview renders the first page and loads images from the CDN itself', async () => {
      await admin('DELETE', '/requests');
      const panel = await open(tuneSubject);
      assert.equal(panel.panel.viewType, GALLERY_VIEW_TYPE);
      assert.equal(panel.panel.title, `Gallery: ${tune.title}`);
      const stats = await rendered(panel);
      assert.equal(stats.prompts, prompts.length > 40 ? 40 : prompts.length);
      // The webview asks the CDN for the images near its viewport, as a browser, never through the host.
      const cdn = await waitFor('image requests from the webview', async () => {
        const seen = (await recordedRequests('cdn')).filter((r) => r.path.startsWith('/images/'));
        return seen.length > 0 ? seen : undefined;
      });
      assert.ok(cdn.length < stats.images, `only some images were requested (${cdn.length} of ${stats.images})`);
      for (const r of cdn) {
        assert.equal(r.headers.authorization, undefined, 'no key goes to the CDN');
        assert.match(String(r.headers['user-agent']), /Chrome|Mozilla/, 'the browser asked, not the extension host');
      }
      const listCalls = (await recordedRequests('api')).filter((r) => r.path === `/tunes/${tune.id}/prompts`);
      assert.equal(listCalls.length, 1, 'one request for the first page');
    });

    it('keeps the API key out of the HTML and uses a strict CSP with a nonce', async () => {
      const panel = gallery.panelOf(tuneSubject);
      assert.ok(panel);
      const html = panel.panel.webview.html.replace(/&#39;/g, "'");
      assert.ok(!html.includes(sandboxEnv().astriaKey), 'no key in the HTML');
      const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'nonce-[\w-]{16,}'(;|$)/);
      assert.doesNotMatch(csp, /unsafe/);
      // The sandbox is on loopback, so its CDN's loopback origin may serve images.
      assert.match(csp, /img-src [^;]* http:\/\/127\.0\.0\.1:\*/);
      const roots = panel.panel.webview.options.localResourceRoots?.map((u) => u.path) ?? [];
      assert.equal(roots.length, 1);
      assert.match(roots[0], /\/dist\/webview$/);
    });

    it('reveals the same panel when the same subject is opened again', async () => {
      const before = gallery.openSubjects().length;
      const first = gallery.panelOf(tuneSubject);
      const again = await open({ kind: 'tune', tuneId: tune.id });
      assert.equal(again, first);
      assert.equal(gallery.openSubjects().length, before);
      assert.equal(galleryTabs().filter((t) => t.label === `Gallery: ${tune.title}`).length, 1);
    });

    it('opens one prompt, and Recent Images across all tunes', async () => {
      const promptSubject: GallerySubject = { kind: 'prompt', tuneId: tune.id, promptId: prompts[3].id, title: tune.title };
      const promptPanel = await open(promptSubject, { promptId: prompts[3].id, imageIndex: 1 });
      assert.equal(promptPanel.panel.title, `Prompt ${prompts[3].id}: ${tune.title}`);
      assert.deepEqual(await rendered(promptPanel), { prompts: 1, images: prompts[3].images.length });

      await vscode.commands.executeCommand('tuneStudio.openRecentImages');
      const recent = gallery.panelOf({ kind: 'recent' });
      assert.ok(recent, 'tuneStudio.openRecentImages opened the recent gallery');
      assert.equal(recent.panel.title, 'Recent Images');
      assert.ok((await rendered(recent)).prompts > 0);
      const subjects = gallery.openSubjects().map((s) => s.kind).sort();
      assert.deepEqual(subjects, ['prompt', 'recent', 'tune']);
    });

    it('ignores an argument that is not a tree row', async () => {
      const before = gallery.openSubjects().length;
      await vscode.commands.executeCommand('tuneStudio.openGallery', { kind: 'tune', tuneId: 'nope' });
      await vscode.commands.executeCommand('tuneStudio.openGallery', { kind: 'everything' });
      assert.equal(gallery.openSubjects().length, before);
    });
  });

  describe('image actions', () => {
    const image = () => ({ promptId: prompts[0].id, imageIndex: 0, url: prompts[0].images[0] });

    before(async () => {
      await open(tuneSubject);
      // The host knows the images it sent to the webview: load the page it would have asked for.
      await request(tuneSubject, 'loadPage', { cursor: null, refresh: false });
    });

    it('saves to generated/<tune title>/<prompt id>-<n>.png with the CDN bytes plus its parameters, and asks before overwriting', async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'the test workspace has a folder');
      const cdn = Buffer.from(await (await testFetch(image().url)).arrayBuffer());
      // The CDN's bytes, with one `parameters` text chunk spliced in after IHDR: nothing else changed.
      const parameters = parametersText(parametersOf(prompts[0], 0, image().url, tune.title));
      const expected = withPngText(cdn, PARAMETERS_KEYWORD, parameters);
      assert.equal(expected.length, cdn.length + 12 + PARAMETERS_KEYWORD.length + 1 + Buffer.byteLength(parameters, 'latin1'));
      const bytesOf = async (uri: vscode.Uri) => Buffer.from(await vscode.workspace.fs.readFile(uri));
      const result = await request(tuneSubject, 'imageAction', { action: 'save', ...image() });
      const dir = vscode.Uri.joinPath(folder.uri, 'generated', 'Gallery test faceid-1-1 quoted');
      const saved = vscode.Uri.joinPath(dir, `${prompts[0].id}-1.png`);
      assert.match(result.message ?? '', /^Saved generated\/Gallery test faceid-1-1 quoted\//);
      assert.ok((await bytesOf(saved)).equals(expected), 'the saved file has the bytes of the CDN image and its parameters');
      // Read strictly, independently of the extension's PNG code: every chunk's CRC, the order, the image data.
      const png = assertSameImage(await bytesOf(saved), cdn, 'the saved image');
      assert.equal(png.text.get(PARAMETERS_KEYWORD), parameters);

      const original = gallery.dialogs.existingFile;
      const asked: string[] = [];
      const answer = (choice: ExistingFileChoice) => async (target: vscode.Uri) => {
        asked.push(target.path);
        return choice;
      };
      try {
        gallery.dialogs.existingFile = answer('keepBoth');
        await request(tuneSubject, 'imageAction', { action: 'save', ...image() });
        const copy = await bytesOf(vscode.Uri.joinPath(dir, `${prompts[0].id}-1 (2).png`));
        assert.ok(copy.equals(expected), 'Keep Both saved a second copy');
        assertSameImage(copy, cdn, 'the second copy');
        gallery.dialogs.existingFile = answer('cancel');
        const cancelled = await request(tuneSubject, 'imageAction', { action: 'save', ...image() });
        assert.equal(cancelled.message, undefined);
        assert.equal(asked.length, 2, 'asked each time the file existed');
        const files = (await vscode.workspace.fs.readDirectory(dir)).map(([name]) => name).sort();
        assert.deepEqual(files, [`${prompts[0].id}-1 (2).png`, `${prompts[0].id}-1.png`]);
      } finally {
        gallery.dialogs.existingFile = original;
      }
    });

    it('copies the URL and Markdown with the prompt text escaped', async () => {
      await request(tuneSubject, 'imageAction', { action: 'copyUrl', ...image() });
      assert.equal(await vscode.env.clipboard.readText(), image().url);
      await request(tuneSubject, 'imageAction', { action: 'copyMarkdown', ...image() });
      const markdown = await vscode.env.clipboard.readText();
      assert.equal(markdown, imageMarkdown(prompts[0].text, image().url));
      assert.match(markdown, /^!\[.*\\<lora:\d+:0\.8\\>\]\(http:\/\/127\.0\.0\.1:\d+\/images\/\d+-1\.png\)$/);
    });

    it('inserts Markdown at the cursor of the last active text editor while the gallery has focus', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: 'Before\n\nAfter\n' });
      const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
      editor.selection = new vscode.Selection(1, 0, 1, 0);
      gallery.panelOf(tuneSubject)?.panel.reveal(undefined, false);
      await waitFor('the gallery to take the focus', () => (vscode.window.activeTextEditor === undefined ? true : undefined));
      const result = await request(tuneSubject, 'imageAction', { action: 'insertMarkdown', ...image() });
      assert.match(result.message ?? '', /^Inserted into /);
      assert.equal(doc.getText(), `Before\n${imageMarkdown(prompts[0].text, image().url)}\nAfter\n`);
      await vscode.commands.executeCommand('workbench.action.files.revert', doc.uri).then(undefined, () => undefined);
    });

    it('likes and unlikes the prompt on the server', async () => {
      const edited: Prompt[] = [];
      const watch = api.services.changes.on(['promptLiked'], ({ prompt: p }) => edited.push(p));
      const liked = await request(tuneSubject, 'setLiked', { promptId: prompts[1].id, liked: true });
      watch.dispose();
      assert.equal(liked.liked, true);
      assert.equal((await astria<Prompt>('GET', `/prompts/${prompts[1].id}`)).liked, true);
      assert.ok(edited.some((p) => p.id === prompts[1].id && p.liked === true), 'the Tunes view is told about the like');
      await request(tuneSubject, 'setLiked', { promptId: prompts[1].id, liked: false });
      assert.equal((await astria<Prompt>('GET', `/prompts/${prompts[1].id}`)).liked, false);
    });

    it('refuses images it did not show and ignores malformed messages', async () => {
      await assert.rejects(
        request(tuneSubject, 'imageAction', { action: 'copyUrl', promptId: prompts[0].id, imageIndex: 0, url: 'https://evil.example/x.png' }),
        /not in this gallery/,
      );
      await assert.rejects(request(tuneSubject, 'imageAction', { action: 'save', promptId: 999_999_999, imageIndex: 0, url: image().url }), /not in this gallery/);
      for (const bad of [
        null,
        'ready',
        { kind: 'request', id: 1, method: 'imageAction', params: { action: 'rm -rf', promptId: 1, imageIndex: 0, url: image().url } },
        { kind: 'request', id: 'x', method: 'loadPage', params: { cursor: null, refresh: false } },
        { kind: 'request', id: 2, method: 'evaluate', params: {} },
        { kind: 'request', id: 3, method: 'loadPage', params: { cursor: null, refresh: false, extra: true } },
        { kind: 'notification', method: 'error', params: { message: 42 } },
      ]) {
        assert.equal(await send(tuneSubject, bad), undefined, `ignored: ${JSON.stringify(bad)}`);
      }
    });

    it('hands Remix and Use as Input Image to the prompt editor', async () => {
      await request(tuneSubject, 'openPromptEditor', { promptId: prompts[0].id, mode: 'img2img', image: image() });
      await waitFor('the prompt editor to open', () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && /promptEditor/i.test(t.input.viewType)),
      );
      const editor = api.promptEditor.panelOf(tune.id);
      assert.ok(editor, "the prompt's tune has its editor open");
      assert.equal(editor.currentDraft.input_image_url, image().url, 'the image is the input image');
      assert.equal(editor.currentDraft.text, prompts[0].text, "the prompt's text is in the form");
    });
  });

  describe('live updates', () => {
    it('watches a generating prompt and takes its images when the poller reports them', async () => {
      // Slow generation right down (40 s) so the prompt is still generating when the gallery shows it.
      await admin('POST', '/speed', { speed: 0.1 });
      try {
        const created = await astria<Prompt>('POST', `/tunes/${tune.id}/prompts`, { prompt: { text: 'live update test', num_images: 2 } });
        assert.deepEqual(created.images, []);
        const subject: GallerySubject = { kind: 'prompt', tuneId: tune.id, promptId: created.id };
        const panel = await open(subject);
        await rendered(panel);
        assert.deepEqual(panel.shownImageUrls, [], 'the prompt is still generating');
        await waitFor('the poller to watch the prompt', () => (api.poller.generatingCount > 0 ? true : undefined));
        // Now let it finish: the poller's next look finds the images and the panel takes them.
        await admin('POST', '/speed', { speed: 20 });
        const urls = await waitFor('the images to arrive', () => (panel.shownImageUrls.length === 2 ? panel.shownImageUrls : undefined), 45_000);
        assert.ok(urls.every((u) => u.startsWith(sandboxEnv().cdnUrl)));
      } finally {
        await admin('POST', '/speed', { speed: 20 });
      }
    });
  });

  describe('restore after reload', () => {
    it('revives a panel from the state its webview saved, showing the same subject', async () => {
      const subject: GallerySubject = { kind: 'prompt', tuneId: tune.id, promptId: prompts[5].id };
      const state: GalleryViewState = { version: 1, subject, anchor: { promptId: prompts[5].id, offset: 0 }, scrollTop: 0, tileSize: 'large' };
      const panel = vscode.window.createWebviewPanel(GALLERY_VIEW_TYPE, 'restored', vscode.ViewColumn.Active, {});
      const revived = await gallery.revive(panel, state);
      assert.ok(revived, 'revived');
      assert.equal(gallery.panelOf(subject), revived);
      assert.equal(revived.panel.title, 'restored', 'VS Code restores the title itself');
      assert.equal(revived.panel.webview.options.enableScripts, true);
      assert.deepEqual(await rendered(revived), { prompts: 1, images: prompts[5].images.length });
      // Opening the subject now reveals the restored panel.
      assert.equal(await open(subject), revived);
    });

    it('closes a restored panel whose state is not a gallery state', async () => {
      const panel = vscode.window.createWebviewPanel(GALLERY_VIEW_TYPE, 'broken', vscode.ViewColumn.Active, {});
      let disposed = false;
      panel.onDidDispose(() => (disposed = true));
      assert.equal(await gallery.revive(panel, { version: 1, subject: { kind: 'tune', tuneId: -1 } }), undefined);
      assert.equal(disposed, true);
    });
  });
});
