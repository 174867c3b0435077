// The gallery for daily work inside a real VS Code host against the sandbox: filters restored with a
// panel, the Favorites subject (and what it says when the server reports no likes), and the bulk actions
// driven through the same protocol messages the webview sends: saving 50 images with their metadata,
// a ZIP read back entry by entry, likes and deletes of several prompts, and refusal of what was not shown.
import * as assert from 'node:assert/strict';
import { open, readdir, readFile, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import ExifReader from 'exifreader';
import * as yauzl from 'yauzl';
import type { TuneStudioApi } from '../../src/extension';
import type { Prompt, Tune } from '../../src/api/astria/types';
import type { GalleryApi } from '../../src/webviews/galleries';
import { GALLERY_VIEW_TYPE, NO_FILTERS, type GalleryProtocol, type GallerySubject, type GalleryViewState, type ImageRef } from '../../src/shared/gallery';
import type { RequestMethod, RequestParams, RequestResult } from '../../src/shared/rpc';
import { writeMetadata } from '../../src/webviews/galleryBulk';
import { parametersOf, sidecarJson } from '../../src/domain/imageMetadata';
import { assertSameImage, readSidecarStrict } from '../pngStrict';
import { admin, astria, connectToSandbox, extensionApi, renderedWithin, sandboxEnv, testFetch, waitFor } from './helpers';

type Method = RequestMethod<GalleryProtocol>;

let api: TuneStudioApi;
let gallery: GalleryApi;
let requestId = 10_000;

async function request<M extends Method>(subject: GallerySubject, method: M, params: RequestParams<GalleryProtocol, M>): Promise<RequestResult<GalleryProtocol, M>> {
  const response = await gallery.receive(subject, { kind: 'request', id: requestId++, method, params });
  assert.ok(response, `${method} got an answer (the host refused the message otherwise)`);
  if (!response.ok) throw new Error(response.error);
  return response.result as RequestResult<GalleryProtocol, M>;
}

function rendered(subject: GallerySubject): Promise<{ prompts: number; images: number }> {
  const panel = gallery.panelOf(subject);
  assert.ok(panel, 'the panel is open');
  return renderedWithin('the gallery webview', panel.whenRendered());
}

function galleryTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(GALLERY_VIEW_TYPE));
}

/** `parameters` as ExifReader (independent of the extension's own PNG code) reads it. */
function parametersIn(png: Uint8Array): string | undefined {
  // A copy of exactly these bytes (a Buffer's .buffer may be a pool shared with other buffers).
  const copy = new Uint8Array(png).buffer;
  const tags = ExifReader.load(copy) as Record<string, { value?: unknown; description?: string }>;
  const tag = tags.parameters;
  return typeof tag?.value === 'string' ? tag.value : tag?.description;
}

async function cdnBytes(url: string): Promise<Buffer> {
  return Buffer.from(await (await testFetch(url)).arrayBuffer());
}

/** The promise, or a failure naming what never happened once `ms` have passed (instead of a silent hang). */
function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function readZip(path: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
          const parts: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => parts.push(chunk));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(parts));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('Gallery for daily work', function () {
  this.timeout(120_000);
  let tune: Tune;
  let prompts: Prompt[];
  let subject: GallerySubject;
  const folderName = 'Daily work gallery';
  let workspace: vscode.Uri;

  /** Files in exports/ other than the archives and folders the tests made on purpose (a temporary file left behind). */
  const strayExports = async () =>
    (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(workspace, 'exports')))
      .map(([name]) => name)
      .filter((name) => !['selection.zip', 'cut-short.zip', 'kept.zip', 'metadata'].includes(name));

  const refs = (count: number): ImageRef[] =>
    prompts.flatMap((p) => p.images.map((url, imageIndex) => ({ promptId: p.id, imageIndex, url }))).slice(0, count);

  before(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    api = await extensionApi();
    gallery = api.gallery;
    await admin('POST', '/reset');
    await connectToSandbox(api);
    tune = await admin<Tune>('POST', '/seed-gallery', { count: 400, title: `${folderName} <b>` });
    prompts = await astria<Prompt[]>('GET', `/tunes/${tune.id}/prompts?limit=120`);
    subject = { kind: 'tune', tuneId: tune.id, title: tune.title };
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace has a folder');
    workspace = folder.uri;
  });

  after(async () => {
    await vscode.window.tabGroups.close(galleryTabs());
    for (const dir of [['generated', `${folderName} b`], ['exports']]) {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspace, ...dir), { recursive: true }).then(undefined, () => undefined);
    }
  });

  describe('filters', () => {
    it('restores a panel with the filters its webview saved, showing only the matches', async () => {
      const liked = prompts[2];
      await astria('POST', `/prompts/${liked.id}/likes`);
      try {
        const number = /#(\d+) /.exec(prompts[4].text)?.[1];
        const state: GalleryViewState = {
          version: 1,
          subject,
          anchor: null,
          scrollTop: 0,
          tileSize: 'medium',
          filters: { ...NO_FILTERS, text: `shot #${number} ` },
        };
        const panel = vscode.window.createWebviewPanel(GALLERY_VIEW_TYPE, 'restored', vscode.ViewColumn.Active, {});
        assert.ok(await gallery.revive(panel, state));
        assert.deepEqual(await rendered(subject), { prompts: 1, images: prompts[4].images.length }, 'only the prompt the text names is shown');
        panel.dispose();

        const likedState: GalleryViewState = { ...state, filters: { ...NO_FILTERS, likedOnly: true } };
        const again = vscode.window.createWebviewPanel(GALLERY_VIEW_TYPE, 'restored', vscode.ViewColumn.Active, {});
        assert.ok(await gallery.revive(again, likedState));
        assert.deepEqual(await rendered(subject), { prompts: 1, images: liked.images.length }, 'liked only');
        again.dispose();
      } finally {
        await astria('DELETE', `/prompts/${liked.id}/likes`);
      }
    });
  });

  describe('server text search', () => {
    it('searches the prompt text on the server for Recent Images, where the server honours GET /prompts?text=', async () => {
      const recent: GallerySubject = { kind: 'recent' };
      await gallery.open(recent);
      const oldest = prompts.at(-1);
      assert.ok(oldest);
      const words = /gallery shot #\d+ <lora/.exec(oldest.text)?.[0] ?? '';
      const plain = await request(recent, 'loadPage', { cursor: null, refresh: true });
      assert.ok(!plain.prompts.some((p) => p.id === oldest.id), 'not on the first plain page');
      assert.equal(plain.textSearch, undefined);
      const found = await request(recent, 'loadPage', { cursor: null, refresh: false, text: words });
      assert.equal(found.textSearch, 'server');
      assert.deepEqual(
        found.prompts.map((p) => p.id),
        [oldest.id],
      );
      // A tune's own list has no text filter: the tune gallery never sends one.
      await gallery.open(subject);
      const tunePage = await request(subject, 'loadPage', { cursor: null, refresh: false, text: words });
      assert.equal(tunePage.textSearch, undefined);
      assert.equal(tunePage.prompts.length, 40);
    });
  });

  describe('favorites', () => {
    it('opens Favorites from the command: liked prompts across tunes, newest first', async () => {
      const others = (await astria<Prompt[]>('GET', '/prompts?limit=120')).filter((p) => p.tune_id !== tune.id && p.images.length > 0);
      assert.ok(others.length > 0, 'the demo data has prompts of other tunes');
      const likedIds = [prompts[1].id, prompts[7].id, others[0].id];
      for (const id of likedIds) await astria('POST', `/prompts/${id}/likes`);
      try {
        await vscode.commands.executeCommand('tuneStudio.openFavorites');
        const favorites: GallerySubject = { kind: 'favorites' };
        const panel = gallery.panelOf(favorites);
        assert.ok(panel, 'tuneStudio.openFavorites opened the Favorites gallery');
        assert.equal(panel.panel.title, 'Favorites');
        assert.ok((await rendered(favorites)).prompts >= likedIds.length);
        const shown: number[] = [];
        let cursor: number | null = null;
        let page: RequestResult<GalleryProtocol, 'loadPage'>;
        do {
          page = await request(favorites, 'loadPage', { cursor, refresh: cursor === null });
          shown.push(...page.prompts.map((p) => p.id));
          assert.ok(page.prompts.every((p) => p.liked), 'only liked prompts');
          cursor = page.nextCursor;
        } while (cursor !== null);
        for (const id of likedIds) assert.ok(shown.includes(id), `prompt ${id} is a favorite`);
        assert.deepEqual(shown, [...shown].sort((a, b) => b - a), 'newest first');
        assert.ok(new Set(page.prompts.map((p) => p.tuneId)).size >= 1);
      } finally {
        for (const id of likedIds) await astria('DELETE', `/prompts/${id}/likes`);
      }
    });

    it('says that Favorites needs the server to report likes on the documented profile, instead of showing nothing as if none were liked', async () => {
      await admin('POST', '/profile', { profile: 'documented' });
      try {
        const favorites: GallerySubject = { kind: 'favorites' };
        await assert.rejects(request(favorites, 'loadPage', { cursor: null, refresh: true }), /This server does not support likes: it does not report which prompts are liked/);
        // Guards issue #24: the answer says Retry cannot help, so the gallery shows the reason without one.
        const response = await gallery.receive(favorites, { kind: 'request', id: requestId++, method: 'loadPage', params: { cursor: null, refresh: true } });
        assert.equal(response?.ok, false);
        assert.equal(response && !response.ok ? response.remedy : undefined, 'none', 'no Retry for what this server cannot do');
      } finally {
        await admin('POST', '/profile', { profile: 'rich' });
      }
    });

    it('answers a load without an API key with Set API Key as the remedy, and a failed load that may pass with none (guards issue #24: only Retry was offered)', async () => {
      const recent: GallerySubject = { kind: 'recent' };
      gallery.open(recent);
      await waitFor('the Recent Images panel', () => gallery.panelOf(recent));
      const key = await api.keys.get('astria');
      await api.keys.delete('astria');
      try {
        const response = await gallery.receive(recent, { kind: 'request', id: requestId++, method: 'loadPage', params: { cursor: null, refresh: true } });
        assert.ok(response && !response.ok, 'the load fails without a key');
        assert.match(response.error, /^No Astria API key is set/);
        assert.equal(response.remedy, 'setKey', 'the gallery offers Set API Key');
      } finally {
        await connectToSandbox(api);
      }
      assert.ok(key, 'the key was there before');
      await admin('POST', '/faults', { match: '^/prompts(\\?|$)', method: 'GET', kind: 'status500', count: 100 });
      try {
        const response = await gallery.receive(recent, { kind: 'request', id: requestId++, method: 'loadPage', params: { cursor: null, refresh: true } });
        assert.ok(response && !response.ok, 'the load fails on a server error');
        assert.equal(response.remedy, undefined, 'a server error: Retry alone');
      } finally {
        await admin('DELETE', '/faults');
      }
    });
  });

  describe('bulk actions', () => {
    before(async () => {
      await gallery.open(subject);
      await request(subject, 'loadPage', { cursor: null, refresh: true });
    });

    it('saves 50 selected images in one go, each PNG carrying its parameters; a file already there is skipped', async () => {
      const images = refs(50);
      const dir = vscode.Uri.joinPath(workspace, 'generated', `${folderName} b`);
      const existing = vscode.Uri.joinPath(dir, `${images[0].promptId}-1.png`);
      await vscode.workspace.fs.writeFile(existing, Buffer.from('kept as it was'));
      const original = gallery.dialogs.existingFiles;
      const asked: [number, number][] = [];
      gallery.dialogs.existingFiles = async (count, total) => {
        asked.push([count, total]);
        return 'skip';
      };
      try {
        const result = await request(subject, 'bulkAction', { action: 'save', images });
        assert.deepEqual(asked, [[1, 50]], 'asked once, naming how many exist');
        assert.match(result.message ?? '', /^Saved 49 of 50 images to generated\/Daily work gallery b · skipped 1 already there\.$/);
        assert.equal(Buffer.from(await vscode.workspace.fs.readFile(existing)).toString(), 'kept as it was');
        for (const ref of images.slice(1)) {
          const prompt = prompts.find((p) => p.id === ref.promptId);
          assert.ok(prompt);
          const name = `${ref.promptId}-${ref.imageIndex + 1}.png`;
          const saved = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, name));
          // Every chunk's CRC, the chunk order, and the image data byte for byte the CDN's.
          assertSameImage(saved, await cdnBytes(ref.url), name);
          const parameters = parametersIn(saved) ?? '';
          assert.ok(parameters.startsWith(`${prompt.text}\n`), `the prompt text leads the parameters of ${ref.promptId}-${ref.imageIndex + 1}`);
          assert.match(parameters, new RegExp(`Tune id: ${tune.id}, Tune: "?${folderName} <b>"?, Prompt id: ${ref.promptId}, Image: ${ref.imageIndex + 1}$`));
        }
      } finally {
        gallery.dialogs.existingFiles = original;
      }
    });

    it('remixes a saved image in the prompt editor from the parameters in the file (PNG chunk or JPEG sidecar)', async () => {
      const ref = refs(50)[9];
      const prompt = prompts.find((p) => p.id === ref.promptId);
      assert.ok(prompt);
      const saved = vscode.Uri.joinPath(workspace, 'generated', `${folderName} b`, `${ref.promptId}-${ref.imageIndex + 1}.png`);
      await vscode.commands.executeCommand('tuneStudio.remixFromImage', saved);
      const editor = await waitFor('the prompt editor of the tune', () => api.promptEditor.panelOf(tune.id));
      assert.equal(editor.currentDraft.text, prompt.text);
      assert.equal(editor.currentDraft.seed, String(prompt.seed));
      assert.equal(editor.currentDraft.aspect_ratio, prompt.aspect_ratio);

      // A JPEG carries its parameters in `<file>.json`.
      const jpeg = vscode.Uri.joinPath(workspace, 'generated', `${folderName} b`, 'edited.jpg');
      await vscode.workspace.fs.writeFile(jpeg, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
      const other = { ...prompt, text: 'a remix from a sidecar', seed: 99 };
      await vscode.workspace.fs.writeFile(jpeg.with({ path: `${jpeg.path}.json` }), Buffer.from(sidecarJson(parametersOf(other, 0, ref.url, tune.title))));
      await vscode.commands.executeCommand('tuneStudio.remixFromImage', jpeg);
      await waitFor('the sidecar text in the form', () => (editor.currentDraft.text === 'a remix from a sidecar' ? true : undefined));
      assert.equal(editor.currentDraft.seed, '99');
      editor.panel.dispose();
    });

    it('overwrites when asked, names a file it could not write and keeps the rest', async () => {
      const images = refs(4);
      const dir = vscode.Uri.joinPath(workspace, 'generated', `${folderName} b`);
      // A folder where a file should go: nothing can write that file (read-only folders act alike).
      const blocked = vscode.Uri.joinPath(dir, `${images[1].promptId}-2.png`);
      await vscode.workspace.fs.delete(blocked).then(undefined, () => undefined);
      await vscode.workspace.fs.createDirectory(blocked);
      const original = gallery.dialogs.existingFiles;
      gallery.dialogs.existingFiles = async () => 'overwrite';
      try {
        const result = await request(subject, 'bulkAction', { action: 'save', images });
        assert.match(result.message ?? '', /^Saved 3 of 4 images .*could not save 1: generated\/Daily work gallery b\/\d+-2\.png \(/);
        // The disk is named, not the connection (guards: "Could not reach <host>… check your connection").
        assert.match(result.message ?? '', /\(Could not write the downloaded file to disk \(E[A-Z]+\)\. Check that its folder can be written to and the disk has space\.\)/);
        const first = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, `${images[0].promptId}-1.png`));
        assert.ok(parametersIn(first), 'the file that was there before is now the image, with its metadata');
      } finally {
        gallery.dialogs.existingFiles = original;
        await vscode.workspace.fs.delete(blocked, { recursive: true });
      }
    });

    it('exports a ZIP streamed to disk: every selected image, with its metadata, read back entry by entry', async () => {
      const images = refs(20);
      const target = vscode.Uri.joinPath(workspace, 'exports', 'selection.zip');
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(workspace, 'exports'));
      const original = gallery.dialogs.zipLocation;
      gallery.dialogs.zipLocation = async () => target;
      try {
        const result = await request(subject, 'bulkAction', { action: 'exportZip', images });
        assert.equal(result.message, 'Exported 20 images to exports/selection.zip.');
        const entries = await readZip(target.fsPath);
        assert.deepEqual(
          [...entries.keys()].sort(),
          images.map((i) => `${folderName} b/${i.promptId}-${i.imageIndex + 1}.png`).sort(),
        );
        for (const image of images) {
          const name = `${folderName} b/${image.promptId}-${image.imageIndex + 1}.png`;
          const bytes = entries.get(name);
          assert.ok(bytes, name);
          // Every entry: each chunk's CRC, the chunk order, the image data byte for byte the CDN's, its parameters.
          const png = assertSameImage(bytes, await cdnBytes(image.url), name);
          assert.match(png.text.get('parameters') ?? '', new RegExp(`Prompt id: ${image.promptId}, Image: ${image.imageIndex + 1}$`), name);
          assert.equal(parametersIn(bytes), png.text.get('parameters'), 'ExifReader reads the same parameters');
        }
        const leftovers = (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(workspace, 'exports'))).map(([name]) => name);
        assert.deepEqual(leftovers, ['selection.zip'], 'no partial file left behind');
      } finally {
        gallery.dialogs.zipLocation = original;
      }
    });

    it('says where the ZIP went in a notification with Reveal in Explorer, as Save to Workspace does (guards issue #24: only the webview’s status line said it)', async () => {
      const images = refs(3);
      const target = vscode.Uri.joinPath(workspace, 'exports', 'announced.zip');
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(workspace, 'exports'));
      const window = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
      const original = { zipLocation: gallery.dialogs.zipLocation, info: window.showInformationMessage };
      const shown: { message: string; actions: string[] }[] = [];
      let revealed: unknown;
      const originalExecute = vscode.commands.executeCommand;
      gallery.dialogs.zipLocation = async () => target;
      // The notification is captured (a test cannot read it on screen) and answered with its first action.
      window.showInformationMessage = ((message: string, ...actions: string[]) => {
        shown.push({ message, actions });
        return Promise.resolve(actions[0]);
      }) as never;
      const commands = vscode.commands as { executeCommand: typeof vscode.commands.executeCommand };
      commands.executeCommand = (async (command: string, ...args: unknown[]) => {
        if (command === 'revealInExplorer') revealed = args[0];
        return originalExecute(command, ...args);
      }) as typeof vscode.commands.executeCommand;
      try {
        const result = await request(subject, 'bulkAction', { action: 'exportZip', images });
        assert.equal(result.message, 'Exported 3 images to exports/announced.zip.');
        const notice = shown.find((n) => n.message === result.message);
        assert.ok(notice, `a notification says it: ${JSON.stringify(shown)}`);
        assert.deepEqual(notice.actions.slice(0, 1), ['Reveal in Explorer'], 'with a way to the file');
        await waitFor('Reveal in Explorer to run', () => (revealed ? true : undefined));
        assert.equal((revealed as vscode.Uri).toString(), target.toString(), 'it reveals the ZIP itself');
      } finally {
        gallery.dialogs.zipLocation = original.zipLocation;
        window.showInformationMessage = original.info;
        commands.executeCommand = originalExecute;
        await vscode.workspace.fs.delete(target).then(undefined, () => undefined);
      }
    });

    it('ZIP export with an image the CDN cuts short: that entry fails by name, the others are exported whole, and the export ends (guards: a truncated download hung the export forever)', async () => {
      const images = refs(6);
      const cut = images[2];
      const cutName = `${folderName} b/${cut.promptId}-${cut.imageIndex + 1}.png`;
      const target = vscode.Uri.joinPath(workspace, 'exports', 'cut-short.zip');
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(workspace, 'exports'));
      // The headers promise the whole image; half arrives, then the connection drops (every time it is asked for).
      await admin('POST', '/faults', { match: new URL(cut.url).pathname, origin: 'cdn', kind: 'truncated', count: 1000 });
      const original = gallery.dialogs.zipLocation;
      gallery.dialogs.zipLocation = async () => target;
      try {
        const result = await withDeadline(request(subject, 'bulkAction', { action: 'exportZip', images }), 30_000, 'the ZIP export never finished');
        assert.equal(
          result.message?.replace(/\(.*\)\.$/, '(…).'),
          `Exported 5 of 6 images to exports/cut-short.zip · could not export 1: ${cutName} (…).`,
          result.message,
        );
        assert.match(result.message ?? '', /\(.*cut short.*\)\.$/, 'the reason says the download was cut short');
        const entries = await readZip(target.fsPath);
        const expected = images.filter((i) => i !== cut).map((i) => `${folderName} b/${i.promptId}-${i.imageIndex + 1}.png`);
        assert.deepEqual([...entries.keys()].sort(), expected.sort(), 'every other image is in the archive, the cut one is not');
        for (const image of images.filter((i) => i !== cut)) {
          const name = `${folderName} b/${image.promptId}-${image.imageIndex + 1}.png`;
          assertSameImage(entries.get(name)!, await cdnBytes(image.url), `${name}, next to the one cut short`);
        }
        assert.deepEqual(await strayExports(), [], 'no partial file left behind');
      } finally {
        gallery.dialogs.zipLocation = original;
        await admin('DELETE', '/faults');
      }
    });

    it('ZIP export where no image arrives whole: fails with the reason, and the file already under that name is untouched (guards: never a half-written archive under the final name)', async () => {
      const images = refs(2);
      const target = vscode.Uri.joinPath(workspace, 'exports', 'kept.zip');
      await vscode.workspace.fs.writeFile(target, Buffer.from('the archive that was here before'));
      for (const image of images) await admin('POST', '/faults', { match: new URL(image.url).pathname, origin: 'cdn', kind: 'truncated', count: 1000 });
      const original = gallery.dialogs.zipLocation;
      gallery.dialogs.zipLocation = async () => target;
      try {
        const failed = await withDeadline(
          request(subject, 'bulkAction', { action: 'exportZip', images }).then(
            () => undefined,
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          ),
          30_000,
          'the ZIP export never finished',
        );
        assert.ok(failed, 'the export fails when there is nothing to put in it');
        assert.match(failed.message, /^Could not export exports\/kept\.zip: none of the 2 images could be downloaded: .*cut short/);
        assert.equal(Buffer.from(await vscode.workspace.fs.readFile(target)).toString(), 'the archive that was here before');
        assert.deepEqual(await strayExports(), [], 'no partial file left behind');
      } finally {
        gallery.dialogs.zipLocation = original;
        await admin('DELETE', '/faults');
      }
    });

    it('writes the metadata into a saved image as a new file renamed over it, never into the file in place (guards: a failed or concurrent write left a broken image)', async () => {
      const [ref] = refs(1);
      const prompt = prompts.find((p) => p.id === ref.promptId)!;
      const dir = vscode.Uri.joinPath(workspace, 'exports', 'metadata');
      await vscode.workspace.fs.createDirectory(dir);
      const png = vscode.Uri.joinPath(dir, 'image.png');
      const jpeg = vscode.Uri.joinPath(dir, 'image.jpg');
      const cdn = await cdnBytes(ref.url);
      await writeFile(png.fsPath, cdn);
      await writeFile(jpeg.fsPath, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
      await writeFile(`${jpeg.fsPath}.json`, 'the sidecar that was here before');
      // A program that has the files open while the metadata is written (a viewer, a sync client).
      const pngReader = await open(png.fsPath, 'r');
      const sidecarReader = await open(`${jpeg.fsPath}.json`, 'r');
      try {
        const parameters = parametersOf(prompt, ref.imageIndex, ref.url, tune.title);
        assert.equal(await writeMetadata(png, parameters), 'png');
        assert.equal(await writeMetadata(jpeg, parameters), 'sidecar');
        assert.deepEqual(await pngReader.readFile(), cdn, 'the open PNG still reads as the whole old image: the new one was renamed over it');
        assert.equal((await sidecarReader.readFile()).toString(), 'the sidecar that was here before', 'the open sidecar was not rewritten in place');
      } finally {
        await pngReader.close();
        await sidecarReader.close();
      }
      const written = await readFile(png.fsPath);
      assert.match(parametersIn(written) ?? '', new RegExp(`Prompt id: ${ref.promptId}, Image: ${ref.imageIndex + 1}$`));
      assertSameImage(written, cdn, 'the PNG with its metadata written'); // every CRC, the order, the image data untouched
      readSidecarStrict(await readFile(`${jpeg.fsPath}.json`), { promptId: ref.promptId, imageIndex: ref.imageIndex, url: ref.url, tuneId: tune.id }, 'the JPEG’s sidecar');
      assert.deepEqual((await readdir(dir.fsPath)).sort(), ['image.jpg', 'image.jpg.json', 'image.png'], 'no temporary file left behind');
    });

    it('copies every selected image as Markdown', async () => {
      await request(subject, 'bulkAction', { action: 'copyMarkdown', images: refs(3) });
      const lines = (await vscode.env.clipboard.readText()).split('\n\n');
      assert.equal(lines.length, 3);
      refs(3).forEach((ref, i) => assert.ok(lines[i].startsWith('![') && lines[i].endsWith(`](${ref.url})`)));
    });

    it('likes and unlikes several prompts at once, and the Tunes view is told', async () => {
      const ids = [prompts[3].id, prompts[4].id, prompts[5].id];
      const edited: number[] = [];
      const watch = api.services.changes.on(['promptLiked'], ({ prompt: p }) => edited.push(p.id));
      try {
        const liked = await request(subject, 'setLikedMany', { promptIds: ids, liked: true });
        assert.deepEqual(
          liked.prompts.map((p) => [p.id, p.liked]),
          ids.map((id) => [id, true]),
        );
        for (const id of ids) assert.equal((await astria<Prompt>('GET', `/prompts/${id}`)).liked, true);
        assert.deepEqual(edited.sort(), [...ids].sort());
        await request(subject, 'setLikedMany', { promptIds: ids, liked: false });
        for (const id of ids) assert.equal((await astria<Prompt>('GET', `/prompts/${id}`)).liked, false);
      } finally {
        watch.dispose();
      }
    });

    it('deletes prompts only after a confirmation naming the count, and they leave the gallery and the tree', async () => {
      const victims = [prompts[10], prompts[11]];
      const original = gallery.dialogs.confirmDeletePrompts;
      const asked: [number, number][] = [];
      let answer = false;
      gallery.dialogs.confirmDeletePrompts = async (count, images) => {
        asked.push([count, images]);
        return answer;
      };
      const deletedEvents: number[] = [];
      const watch = api.services.changes.on(['promptDeleted'], ({ promptId }) => deletedEvents.push(promptId));
      try {
        const declined = await request(subject, 'deletePrompts', { promptIds: victims.map((p) => p.id) });
        assert.deepEqual(declined.deleted, []);
        assert.ok(await astria<Prompt>('GET', `/prompts/${victims[0].id}`), 'still there after No');
        answer = true;
        const result = await request(subject, 'deletePrompts', { promptIds: victims.map((p) => p.id) });
        const images = victims[0].images.length + victims[1].images.length;
        assert.deepEqual(asked, [
          [2, images],
          [2, images],
        ]);
        assert.deepEqual(result.deleted, victims.map((p) => p.id));
        assert.equal(result.message, 'Deleted 2 prompts.');
        assert.deepEqual(deletedEvents, victims.map((p) => p.id));
        const { url, astriaKey } = sandboxEnv();
        const gone = await testFetch(`${url}/tunes/${tune.id}/prompts/${victims[0].id}`, { headers: { authorization: `Bearer ${astriaKey}` } });
        assert.equal(gone.status, 404);
        const page = await request(subject, 'loadPage', { cursor: null, refresh: false });
        assert.ok(!page.prompts.some((p) => victims.some((v) => v.id === p.id)), 'a reload of the webview does not bring them back');
      } finally {
        gallery.dialogs.confirmDeletePrompts = original;
        watch.dispose();
      }
    });

    it('refuses a bulk request naming anything it did not show, and malformed ones', async () => {
      const good = refs(2);
      await assert.rejects(
        request(subject, 'bulkAction', { action: 'save', images: [...good, { promptId: good[0].promptId, imageIndex: 1, url: 'https://evil.example/x.png' }] }),
        /not in this gallery/,
      );
      await assert.rejects(request(subject, 'setLikedMany', { promptIds: [good[0].promptId, 999_999_999], liked: true }), /not in this gallery/);
      await assert.rejects(request(subject, 'deletePrompts', { promptIds: [999_999_998] }), /not in this gallery/);
      for (const params of [
        { action: 'save', images: [] },
        { action: 'rm', images: good },
        { action: 'save', images: 'all' },
        { action: 'save', images: [{ ...good[0], extra: 1 }] },
      ]) {
        assert.equal(await gallery.receive(subject, { kind: 'request', id: requestId++, method: 'bulkAction', params }), undefined, JSON.stringify(params));
      }
      await waitFor('nothing was liked', async () => ((await astria<Prompt>('GET', `/prompts/${good[0].promptId}`)).liked === false ? true : undefined));
    });
  });
});
