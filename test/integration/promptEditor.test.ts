// The prompt editor inside a real VS Code host against the sandbox, driven through the same protocol
// messages its webview sends: every option on the wire (JSON and multipart), client-side rules, both 422
// shapes, double submits, drafts across close and reload, history, presets, references, results.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import type { Prompt, Tune } from '../../src/api/astria/types';
import type { PromptEditorPanel } from '../../src/webviews/promptEditorPanel';
import { draftStorageKey, PRESETS_STORAGE_KEY } from '../../src/webviews/promptEditorModel';
import { defaultDraft, type DraftField, type PresetOptions, type PromptDraft } from '../../src/shared/prompt/draft';
import {
  PROMPT_EDITOR_VIEW_TYPE,
  type PickedFile,
  type PromptEditorProtocol,
  type PromptHistoryEntry,
  type PromptPreset,
  type ReferenceTune,
  type SubmitResult,
} from '../../src/shared/promptEditor';
import type { RequestMethod, RequestParams, RequestResult } from '../../src/shared/rpc';
import { admin, astria, connectToSandbox, extensionApi, recordedRequests, renderedWithin, sandboxEnv, waitFor } from './helpers';

type Method = RequestMethod<PromptEditorProtocol>;

interface StoredUpload {
  field: string;
  filename: string;
  size: number;
  sha256: string;
  promptId: number | null;
}

const GEMINI_BASE = 3000001;
const SEEDREAM_BASE = 3000002;
const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

let api: TuneStudioApi;
let requestId = 1;

async function request<M extends Method>(tuneId: number, method: M, params: RequestParams<PromptEditorProtocol, M>): Promise<RequestResult<PromptEditorProtocol, M>> {
  const response = await api.promptEditor.receive(tuneId, { kind: 'request', id: requestId++, method, params });
  assert.ok(response, `${method} got an answer (the host refused the message otherwise)`);
  if (!response.ok) throw new Error(response.error);
  return response.result as RequestResult<PromptEditorProtocol, M>;
}

async function notifyDraft(tuneId: number, draft: PromptDraft): Promise<void> {
  const response = await api.promptEditor.receive(tuneId, { kind: 'notification', method: 'draftChanged', params: { draft } });
  assert.equal(response, undefined);
}

async function openEditor(arg: unknown): Promise<PromptEditorPanel> {
  await vscode.commands.executeCommand('tuneStudio.openPromptEditor', arg);
  const tuneId = typeof arg === 'object' && arg !== null && 'tuneId' in arg ? Number((arg as { tuneId: number }).tuneId) : Number((arg as { tune: Tune }).tune.id);
  const panel = api.promptEditor.panelOf(tuneId);
  assert.ok(panel, `an editor is open for tune ${tuneId}`);
  await waitFor(`the editor of tune ${tuneId} to load its tune`, () => panel.editorTune ?? undefined);
  return panel;
}

function closeAll(): void {
  for (const tuneId of openTuneIds) api.promptEditor.panelOf(tuneId)?.panel.dispose();
  openTuneIds.clear();
}
const openTuneIds = new Set<number>();

async function editorFor(tuneId: number): Promise<PromptEditorPanel> {
  openTuneIds.add(tuneId);
  return openEditor({ tuneId });
}

async function findTune(title: string): Promise<Tune> {
  const found = await astria<Tune[]>('GET', `/tunes?title=${encodeURIComponent(title)}`);
  assert.ok(found[0], `the sandbox has a tune titled like "${title}"`);
  return found[0];
}

async function prompt(tuneId: number, promptId: number): Promise<Prompt & Record<string, unknown>> {
  return astria<Prompt & Record<string, unknown>>('GET', `/tunes/${tuneId}/prompts/${promptId}`);
}

async function postsTo(tuneId: number): Promise<{ contentType: string }[]> {
  return (await recordedRequests())
    .filter((r) => r.method === 'POST' && r.path === `/tunes/${tuneId}/prompts`)
    .map((r) => ({ contentType: String(r.headers['content-type'] ?? '') }));
}

function created(result: SubmitResult): number {
  assert.equal(result.status, 'created', `submit answered ${JSON.stringify(result)}`);
  return (result as { promptId: number }).promptId;
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** Every option the form offers, set to a valid non-default value. */
function everyOption(text: string): PromptDraft {
  return {
    ...defaultDraft(),
    text,
    negative_prompt: 'blurry, watermark',
    num_images: '2',
    aspect_ratio: '3:2',
    w: '768',
    h: '512',
    seed: '4294967296',
    steps: '30',
    cfg_scale: '7.5',
    scheduler: 'dpm++2m_karras',
    style: 'Cinematic',
    color_grading: 'Film Portra',
    film_grain: true,
    super_resolution: true,
    inpaint_faces: true,
    hires_fix: true,
    face_correct: true,
    face_swap: true,
    prompt_expansion: true,
    backend_version: '1',
    input_image_source: 'url',
    input_image_url: 'https://example.com/input.png',
    mask_image_source: 'url',
    mask_image_url: 'https://example.com/mask.png',
    denoising_strength: '0.6',
    controlnet: 'pose',
    controlnet_conditioning_scale: '0.9',
    controlnet_txt2img: true,
  };
}

/** What the server must have stored for `everyOption` (cfg_scale comes back as "7.5", as Astria does). */
const EXPECTED_OPTIONS: Record<string, unknown> = {
  negative_prompt: 'blurry, watermark',
  num_images: 2,
  aspect_ratio: '3:2',
  w: 768,
  h: 512,
  seed: 4294967296,
  steps: 30,
  cfg_scale: '7.5',
  scheduler: 'dpm++2m_karras',
  style: 'Cinematic',
  color_grading: 'Film Portra',
  film_grain: true,
  super_resolution: true,
  inpaint_faces: true,
  hires_fix: true,
  face_correct: true,
  face_swap: true,
  prompt_expansion: true,
  backend_version: 1,
  denoising_strength: 0.6,
  controlnet: 'pose',
  controlnet_conditioning_scale: 0.9,
  controlnet_txt2img: true,
};

describe('Prompt editor', function () {
  this.timeout(90_000);
  let flux: Tune;
  let expired: Tune;
  let workspaceDir: string;

  before(async () => {
    api = await extensionApi();
    await admin('POST', '/reset');
    await connectToSandbox(api);
    flux = await findTune('Priya Sharma');
    expired = await findTune('Ada Lovelace');
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration runner opens a workspace folder');
    workspaceDir = join(folder.uri.fsPath, 'prompt-editor-test');
    await mkdir(workspaceDir, { recursive: true });
  });

  afterEach(() => closeAll());

  after(async () => {
    await rm(workspaceDir, { recursive: true, force: true });
  });

  async function workspaceImage(name: string, size = 48 * 1024, dir = workspaceDir): Promise<string> {
    const body = randomBytes(size);
    Buffer.from(PNG_HEAD).copy(body);
    const path = join(dir, name);
    await writeFile(path, body);
    return path;
  }

  describe('opening', () => {
    it('opens one editor per tune from the tree, the gallery and by id, and reveals it again', async () => {
      await vscode.commands.executeCommand('tuneStudio.generate', { kind: 'tune', tune: flux });
      openTuneIds.add(flux.id);
      const first = api.promptEditor.panelOf(flux.id);
      assert.ok(first);
      await vscode.commands.executeCommand('tuneStudio.openPromptEditor', { tuneId: flux.id });
      assert.equal(api.promptEditor.panelOf(flux.id), first, 'the same panel, revealed');
      await waitFor('the tune to load', () => first.editorTune ?? undefined);
      assert.equal(first.editorTune?.capabilities.family, 'flux');
      assert.deepEqual(first.editorTune?.characteristics, { eye_color: 'hazel eyes' });
      assert.equal(first.panel.title, `Prompt: ${flux.title}`);
    });

    it('renders the form in the webview', async () => {
      const panel = await editorFor(flux.id);
      const fields = await renderedWithin('the prompt editor webview', panel.whenRendered());
      assert.ok(fields > 25, `the form has its fields (${fields})`);
      assert.deepEqual(panel.webviewErrors, [], 'the webview reported no errors');
    });

    it('fills the form for Remix and for Use as Input Image, as the gallery asks', async () => {
      const existing = (await astria<Prompt[]>('GET', `/tunes/${flux.id}/prompts?limit=1`))[0];
      await openEditor({ tuneId: flux.id, prefill: existing, mode: 'remix' });
      openTuneIds.add(flux.id);
      const panel = api.promptEditor.panelOf(flux.id);
      assert.equal(panel?.currentDraft.text, existing.text);
      assert.equal(panel?.currentDraft.num_images, String(existing.num_images));
      const image = 'https://cdn.example/some/image.png';
      await openEditor({ tuneId: flux.id, prefill: existing, mode: 'img2img', inputImageUrl: image });
      assert.deepEqual([panel?.currentDraft.input_image_source, panel?.currentDraft.input_image_url], ['url', image]);
    });

    it('knows what Gemini and Seedream take', async () => {
      const gemini = await editorFor(GEMINI_BASE);
      assert.deepEqual([gemini.editorTune?.capabilities.family, gemini.editorTune?.capabilities.resolution], ['gemini', true]);
      const seedream = await editorFor(SEEDREAM_BASE);
      assert.deepEqual([seedream.editorTune?.capabilities.family, seedream.editorTune?.capabilities.maxImages], ['seedream', 4]);
    });
  });

  describe('what reaches the server', () => {
    it('sends every option with its Astria name and value as JSON', async () => {
      await editorFor(flux.id);
      await admin('DELETE', '/requests');
      const promptId = created(await request(flux.id, 'submit', { draft: everyOption('<1> portrait, {{eye_color}}, <lora:4100200:0.8>') }));
      const stored = await prompt(flux.id, promptId);
      for (const [field, value] of Object.entries(EXPECTED_OPTIONS)) assert.deepEqual(stored[field], value, field);
      assert.equal(stored.text, '<1> portrait, hazel eyes, <lora:4100200:0.8>', 'the server replaced {{eye_color}}');
      assert.equal(stored.input_image_url, 'https://example.com/input.png');
      assert.equal(stored.mask_image_url, 'https://example.com/mask.png');
      const posts = await postsTo(flux.id);
      assert.equal(posts.length, 1);
      assert.match(posts[0].contentType, /application\/json/);
    });

    it('sends a resolution to Gemini and up to 4 images to Seedream', async () => {
      await editorFor(GEMINI_BASE);
      const onGemini = created(await request(GEMINI_BASE, 'submit', { draft: { ...defaultDraft(), text: 'a satin brown dress on a hanger', resolution: '4K', num_images: '1' } }));
      assert.equal((await prompt(GEMINI_BASE, onGemini)).resolution, '4K');
      await editorFor(SEEDREAM_BASE);
      const onSeedream = created(await request(SEEDREAM_BASE, 'submit', { draft: { ...defaultDraft(), text: 'wireless headphones on marble', num_images: '4' } }));
      assert.equal((await prompt(SEEDREAM_BASE, onSeedream)).num_images, 4);
    });

    it('streams workspace files as multipart, every option alongside, byte-identical', async () => {
      await editorFor(flux.id);
      const input = await workspaceImage('input.png', 300 * 1024);
      const mask = await workspaceImage('mask.png', 20 * 1024);
      await admin('DELETE', '/requests');
      const draft: PromptDraft = {
        ...everyOption('<1> on a beach'),
        input_image_source: 'file',
        input_image_file: vscode.Uri.file(input).toString(),
        mask_image_source: 'file',
        mask_image_file: vscode.Uri.file(mask).toString(),
      };
      const promptId = created(await request(flux.id, 'submit', { draft }));
      const stored = await prompt(flux.id, promptId);
      for (const [field, value] of Object.entries(EXPECTED_OPTIONS)) assert.deepEqual(stored[field], value, field);
      const posts = await postsTo(flux.id);
      assert.equal(posts.length, 1);
      assert.match(posts[0].contentType, /multipart\/form-data/);
      const uploads = await admin<StoredUpload[]>('GET', `/uploads?prompt_id=${promptId}`);
      const byField = new Map(uploads.filter((u) => u.promptId === promptId).map((u) => [u.field, u]));
      assert.equal(byField.get('prompt[input_image]')?.sha256, await sha256(input), 'the input image arrived byte for byte');
      assert.equal(byField.get('prompt[input_image]')?.filename, 'input.png');
      assert.equal(byField.get('prompt[mask_image]')?.sha256, await sha256(mask), 'the mask arrived byte for byte');
    });

    it('refuses files outside the workspace, missing files and non-images, inline', async () => {
      await editorFor(flux.id);
      const outsideDir = await mkdtemp(join(tmpdir(), 'ts-outside-'));
      try {
        const outside = await workspaceImage('outside.png', 1024, outsideDir);
        const notImage = join(workspaceDir, 'notes.png');
        await writeFile(notImage, 'not an image at all');
        const cases: [string, RegExp][] = [
          [vscode.Uri.file(outside).toString(), /not inside the open workspace/],
          [vscode.Uri.file(join(workspaceDir, 'missing.png')).toString(), /does not exist/],
          [vscode.Uri.file(notImage).toString(), /not a usable image/],
        ];
        await admin('DELETE', '/requests');
        for (const [uri, message] of cases) {
          const result = await request(flux.id, 'submit', { draft: { ...defaultDraft(), text: '<1>', input_image_source: 'file', input_image_file: uri } });
          assert.equal(result.status, 'invalid');
          const issues = (result as { issues: { field: DraftField | null; message: string }[] }).issues;
          assert.equal(issues[0].field, 'input_image_file');
          assert.match(issues[0].message, message);
        }
        assert.equal((await postsTo(flux.id)).length, 0, 'nothing was sent');
      } finally {
        await rm(outsideDir, { recursive: true, force: true });
      }
    });
  });

  describe('client-side validation', () => {
    const rules: [string, Partial<PromptDraft>, DraftField, RegExp, number?][] = [
      ['empty text', { text: '  ' }, 'text', /Write what to generate/],
      ['malformed reference', { text: '<lora:abc:1> <1>' }, 'text', /not a valid reference/],
      ['<1> on Seedream', { text: 'photo of <1>' }, 'text', /plain text/, SEEDREAM_BASE],
      ['too many images', { num_images: '9' }, 'num_images', /between 1 and 8/],
      ['too many images on Seedream', { text: 'a bottle', num_images: '5' }, 'num_images', /between 1 and 4/, SEEDREAM_BASE],
      ['unknown aspect ratio', { aspect_ratio: '7:5' }, 'aspect_ratio', /not one of/],
      ['unknown resolution', { text: 'a dress', resolution: '8K' }, 'resolution', /not one of/, GEMINI_BASE],
      ['width not a multiple of 8', { w: '1001', h: '512' }, 'w', /multiple of 8/],
      ['height not a multiple of 8', { w: '512', h: '500' }, 'h', /multiple of 8/],
      ['seed out of range', { seed: '4294967297' }, 'seed', /between 0 and 4294967296/],
      ['steps out of range', { steps: '51' }, 'steps', /between 0 and 50/],
      ['cfg scale out of range', { cfg_scale: '16' }, 'cfg_scale', /between 0 and 15/],
      ['unknown scheduler', { scheduler: 'ddim' }, 'scheduler', /not one of/],
      ['unknown style', { style: 'Vaporwave' }, 'style', /not one of/],
      ['unknown color grading', { color_grading: 'Kodachrome' }, 'color_grading', /not one of/],
      ['bad backend version', { backend_version: '2' }, 'backend_version', /not one of/],
      ['inpaint faces without super resolution', { inpaint_faces: true }, 'inpaint_faces', /needs super resolution/],
      ['hires fix without super resolution', { hires_fix: true }, 'hires_fix', /needs super resolution/],
      ['input URL missing', { input_image_source: 'url' }, 'input_image_url', /Paste the URL/],
      ['input URL not http', { input_image_source: 'url', input_image_url: 'file:///etc/passwd' }, 'input_image_url', /must start with https/],
      ['input file not chosen', { input_image_source: 'file' }, 'input_image_file', /Choose a workspace file/],
      ['denoising out of range', { input_image_source: 'url', input_image_url: 'https://x.example/a.png', denoising_strength: '2' }, 'denoising_strength', /between 0 and 1/],
      ['ControlNet without input', { controlnet: 'canny' }, 'controlnet', /needs an input image/],
      ['unknown ControlNet', { input_image_source: 'url', input_image_url: 'https://x.example/a.png', controlnet: 'sketch' }, 'controlnet', /not one of/],
      ['negative conditioning scale', { input_image_source: 'url', input_image_url: 'https://x.example/a.png', controlnet: 'depth', controlnet_conditioning_scale: '-1' }, 'controlnet_conditioning_scale', /0 or more/],
      ['mask without input', { mask_image_source: 'url', mask_image_url: 'https://x.example/m.png' }, 'mask_image_source', /only applies to an input image/],
    ];

    it('refuses each rule next to its field and sends nothing', async () => {
      for (const tuneId of new Set(rules.map((rule) => rule[4] ?? flux.id))) await editorFor(tuneId);
      await admin('DELETE', '/requests');
      for (const [name, overrides, field, message, tuneId = flux.id] of rules) {
        const result = await request(tuneId, 'submit', { draft: { ...defaultDraft(), text: '<1> portrait', ...overrides } });
        assert.equal(result.status, 'invalid', name);
        const issues = (result as { issues: { field: DraftField | null; message: string; severity: string }[] }).issues;
        assert.ok(issues.some((i) => i.field === field && i.severity === 'error' && message.test(i.message)), `${name}: ${JSON.stringify(issues)}`);
      }
      const posts = (await recordedRequests()).filter((r) => r.method === 'POST');
      assert.equal(posts.length, 0, 'no invalid draft reached the server');
    });

    it('refuses messages that are not a complete draft', async () => {
      await editorFor(flux.id);
      const broken = await api.promptEditor.receive(flux.id, { kind: 'request', id: requestId++, method: 'submit', params: { draft: { text: 'x' } } });
      assert.equal(broken, undefined, 'ignored, not answered');
      const extra = await api.promptEditor.receive(flux.id, { kind: 'request', id: requestId++, method: 'submit', params: { draft: { ...defaultDraft(), text: 'x', evil: 1 } } });
      assert.equal(extra, undefined);
    });
  });

  describe('server errors', () => {
    it('shows a {"error"} 422 next to the field it names, and keeps the draft', async () => {
      // A fine-tune of Seedream whose base cannot be looked up: the editor falls back to "Flux", allows 6 images,
      // and the server says no in its own words.
      const bottle = await astria<Tune>('POST', '/tunes', { tune: { title: `Bottle ${Date.now()}`, name: 'product', base_tune_id: SEEDREAM_BASE, image_urls: ['https://x.example/1.png'] } });
      await admin('POST', '/faults', { match: `/tunes/${SEEDREAM_BASE}`, method: 'GET', kind: 'status500', count: 10 });
      try {
        const panel = await editorFor(bottle.id);
        assert.equal(panel.editorTune?.capabilities.maxImages, 8, 'the heuristic could not know');
        const draft: PromptDraft = { ...defaultDraft(), text: 'a green glass bottle on sand', num_images: '6', seed: '7' };
        const result = await request(bottle.id, 'submit', { draft });
        assert.equal(result.status, 'invalid');
        assert.deepEqual((result as { issues: unknown[] }).issues, [{ field: 'num_images', message: 'Seedream accepts num_images between 1 and 4', severity: 'error' }]);
        assert.deepEqual(panel.currentDraft, draft, 'everything typed is kept');
        assert.deepEqual(api.services.context.workspaceState.get<{ draft: PromptDraft }>(draftStorageKey(bottle.id))?.draft, draft, 'and saved');
      } finally {
        await admin('DELETE', '/faults');
      }
    });

    it('shows a 422 that names no field at the top', async () => {
      await editorFor(expired.id);
      const result = await request(expired.id, 'submit', { draft: { ...defaultDraft(), text: '<1> in the rain' } });
      assert.equal(result.status, 'invalid');
      assert.deepEqual((result as { issues: unknown[] }).issues, [{ field: null, message: 'This tune has expired; extend it to generate images', severity: 'error' }]);
      assert.equal(api.promptEditor.panelOf(expired.id)?.currentDraft.text, '<1> in the rain');
    });

    it('shows a field-keyed 422 inline, in the server’s words', async () => {
      // The sandbox answers prompt errors as {"error"}; this tiny server answers in the other documented shape.
      const env = sandboxEnv();
      const server: Server = createServer((req, res) => {
        const send = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        req.resume();
        req.on('end', () => {
          if (req.method === 'GET' && req.url?.startsWith('/tunes/777')) return send(200, { ...flux, id: 777, title: 'Field errors' });
          if (req.method === 'POST' && req.url === '/tunes/777/prompts') {
            return send(422, { num_images: ['must be less than or equal to 8'], prompt: ['is too long'], base: ['Out of credits'] });
          }
          send(200, []);
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const config = vscode.workspace.getConfiguration('tuneStudio');
      try {
        const fieldServer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        // The key is bound to the server it was checked on: this test's server gets it by the user's explicit yes.
        await api.keys.set('astria', env.astriaKey, fieldServer);
        await config.update('astria.baseUrl', fieldServer, vscode.ConfigurationTarget.Global);
        const panel = await editorFor(777);
        const draft: PromptDraft = { ...defaultDraft(), text: '<1> with a long story', num_images: '8' };
        const result = await request(777, 'submit', { draft });
        assert.equal(result.status, 'invalid');
        assert.deepEqual((result as { issues: unknown[] }).issues, [
          { field: 'num_images', message: 'must be less than or equal to 8', severity: 'error' },
          { field: 'text', message: 'is too long', severity: 'error' },
          { field: null, message: 'Out of credits', severity: 'error' },
        ]);
        assert.deepEqual(panel.currentDraft, draft);
        assert.deepEqual(panel.currentServerIssues.length, 3, 'kept for the webview after a reload');
      } finally {
        await config.update('astria.baseUrl', env.url, vscode.ConfigurationTarget.Global);
        server.close();
      }
    });
  });

  describe('submitting', () => {
    it('creates one prompt for a double click and for a repeat of the same draft', async () => {
      await editorFor(flux.id);
      await admin('DELETE', '/requests');
      const draft: PromptDraft = { ...defaultDraft(), text: `<1> double click ${Date.now()}`, num_images: '1' };
      const [first, second] = await Promise.all([request(flux.id, 'submit', { draft }), request(flux.id, 'submit', { draft })]);
      const promptId = created(first);
      assert.equal(second.status, 'busy');
      assert.deepEqual(await request(flux.id, 'submit', { draft }), { status: 'duplicate', promptId });
      assert.equal((await postsTo(flux.id)).length, 1, 'one POST');
    });

    it('shows progress to done in the results strip, tells the tree, and opens images in the gallery', async () => {
      const provider = api.tunes.provider;
      const rows = await provider.getChildren();
      const tuneNode = rows.find((n) => n.kind === 'tune' && n.tune.id === flux.id) ?? (await provider.nodeForTune(flux));
      await provider.getChildren(tuneNode);
      const panel = await editorFor(flux.id);
      const promptId = created(await request(flux.id, 'submit', { draft: { ...defaultDraft(), text: `<1> results ${Date.now()}`, num_images: '3' } }));
      assert.ok(provider.promptNode(flux.id, promptId), 'the Tunes view shows the new prompt at once');
      const run = panel.currentRuns.find((r) => r.promptId === promptId);
      assert.ok(run && ['queued', 'generating', 'done'].includes(run.phase));
      const done = await waitFor('the prompt to finish', () => panel.currentRuns.find((r) => r.promptId === promptId && r.phase === 'done'), 30_000);
      assert.equal(done.images.length, 3);
      assert.ok(done.images.every((url) => url.startsWith(sandboxEnv().cdnUrl)));
      await request(flux.id, 'openResult', { promptId, imageIndex: 1 });
      await waitFor('the gallery to open', () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('tuneStudio.gallery') && t.label.includes(String(promptId))),
      );
      await assert.rejects(request(flux.id, 'openResult', { promptId: 1, imageIndex: 0 }), /not in this editor/);
    });
  });

  describe('drafts, history, presets, references', () => {
    it('keeps the draft when the panel closes and reopens', async () => {
      const panel = await editorFor(flux.id);
      const draft: PromptDraft = { ...defaultDraft(), text: '<1> kept across close', steps: '22', super_resolution: true };
      await notifyDraft(flux.id, draft);
      panel.panel.dispose();
      await waitFor('the draft to be saved', () => api.services.context.workspaceState.get<{ draft: PromptDraft }>(draftStorageKey(flux.id))?.draft.text === draft.text || undefined);
      const reopened = await editorFor(flux.id);
      assert.notEqual(reopened, panel);
      assert.deepEqual(reopened.currentDraft, draft);
    });

    it('restores the draft after a window reload through the serializer', async () => {
      const saved: PromptDraft = { ...defaultDraft(), text: '<1> saved by the webview', seed: '99' };
      const stored: PromptDraft = { ...defaultDraft(), text: '<1> saved in workspaceState' };
      await api.services.context.workspaceState.update(draftStorageKey(flux.id), { version: 1, draft: stored, savedAt: Date.now() });
      const restoredPanel = () => vscode.window.createWebviewPanel(PROMPT_EDITOR_VIEW_TYPE, 'Prompt', vscode.ViewColumn.Active, { enableScripts: true });
      const fromWebview = await api.promptEditor.revive(restoredPanel(), { version: 1, tuneId: flux.id, draft: saved, advancedOpen: true });
      openTuneIds.add(flux.id);
      assert.ok(fromWebview);
      assert.deepEqual(fromWebview.currentDraft, saved, "the webview's own state is the newest copy");
      fromWebview.panel.dispose();
      await api.services.context.workspaceState.update(draftStorageKey(flux.id), { version: 1, draft: stored, savedAt: Date.now() });
      const fromStorage = await api.promptEditor.revive(restoredPanel(), { version: 1, tuneId: flux.id });
      assert.ok(fromStorage);
      assert.deepEqual(fromStorage.currentDraft, stored, 'workspaceState covers a state without a draft');
      await waitFor('the restored editor to load', () => fromStorage.editorTune ?? undefined);
      const garbage = restoredPanel();
      assert.equal(await api.promptEditor.revive(garbage, { version: 7 }), undefined, 'a state that is not ours is refused');
    });

    it('lists the last 20 prompts of the tune, newest first, with those of this session', async () => {
      await editorFor(flux.id);
      const mine = created(await request(flux.id, 'submit', { draft: { ...defaultDraft(), text: `<1> history ${Date.now()}`, num_images: '1', seed: '5' } }));
      const history: PromptHistoryEntry[] = await request(flux.id, 'loadHistory', {});
      assert.equal(history.length, 20);
      assert.equal(history[0].promptId, mine);
      assert.equal(history[0].draft.seed, '5');
      const ids = history.map((h) => h.promptId);
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    });

    it('saves, lists and deletes named presets of the options (not the text) in globalState', async () => {
      await editorFor(flux.id);
      const options = { ...everyOption('ignored') } as Record<string, unknown>;
      for (const key of ['text', 'input_image_source', 'input_image_url', 'input_image_file', 'mask_image_source', 'mask_image_url', 'mask_image_file']) delete options[key];
      const saved: PromptPreset[] = await request(flux.id, 'savePreset', { name: 'Cinematic portrait', options: options as unknown as PresetOptions });
      assert.ok(saved.some((p) => p.name === 'Cinematic portrait' && p.options.steps === '30'));
      const stored = api.services.context.globalState.get<PromptPreset[]>(PRESETS_STORAGE_KEY) ?? [];
      assert.ok(stored.some((p) => p.name === 'Cinematic portrait' && !('text' in p.options)));
      const withText = await api.promptEditor.receive(flux.id, { kind: 'request', id: requestId++, method: 'savePreset', params: { name: 'x', options: { ...options, text: 'secret' } } });
      assert.equal(withText, undefined, 'a preset with text is refused');
      const left = await request(flux.id, 'deletePreset', { name: 'Cinematic portrait' });
      assert.ok(!left.some((p) => p.name === 'Cinematic portrait'));
    });

    it('lists trained LoRA and FaceID tunes to reference, one request per page', async () => {
      await editorFor(flux.id);
      await admin('DELETE', '/requests');
      const page: { tunes: ReferenceTune[]; nextCursor: number | null } = await request(flux.id, 'listReferences', { cursor: null });
      assert.ok(page.tunes.some((t) => t.id === flux.id && t.kind === 'lora'));
      assert.ok(page.tunes.some((t) => t.kind === 'faceid'));
      assert.ok(!page.tunes.some((t) => t.id === expired.id), 'expired tunes cannot be referenced');
      const lists = (await recordedRequests()).filter((r) => r.method === 'GET' && r.path === '/tunes');
      assert.equal(lists.length, 1);
    });

    it('takes an input image from the file dialog or a drop, only from the workspace', async () => {
      await editorFor(flux.id);
      const image = await workspaceImage('picked.png');
      const original = api.promptEditor.dialogs.openImage;
      api.promptEditor.dialogs.openImage = async () => vscode.Uri.file(image);
      try {
        const picked = (await request(flux.id, 'chooseFile', { target: 'input_image' })) as PickedFile;
        assert.equal(picked.uri, vscode.Uri.file(image).toString());
        assert.equal(picked.label, vscode.workspace.asRelativePath(vscode.Uri.file(image)));
      } finally {
        api.promptEditor.dialogs.openImage = original;
      }
      const dropped = await request(flux.id, 'dropFile', { target: 'input_image', uriList: `# from the Explorer\r\n${vscode.Uri.file(image).toString()}\r\n` });
      assert.ok('uri' in dropped);
      const refused = await request(flux.id, 'dropFile', { target: 'input_image', uriList: vscode.Uri.file(join(tmpdir(), 'elsewhere.png')).toString() });
      assert.ok('error' in refused && /not inside the open workspace/.test(refused.error));
    });
  });
});
