// The domain core (src/domain) from the outside, on both sandbox profiles, through every entry point that
// creates something: the prompt editor's submit, a prompt file's Generate and Generate All, a sweep, the
// agent's generate tool, the create-tune wizard and the agent's create-tune tool.
//
// A. A prompt made anywhere appears in an already expanded Tunes tree and an open gallery of its tune without
//    Refresh, and shows done there (and in the prompt file's CodeLens) within 5 s of the sandbox finishing it,
//    while another tune is training and the poller has backed off.
// B. A create that fails after the work was done (504, dropped connection, garbled 200, created after the
//    gateway gave up) ends with exactly one prompt or tune and says what happened; one that got no answer and
//    is not found (500) is never sent again before the user is asked.
import * as assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import type { Prompt, Tune } from '../../src/api/astria/types';
import { promptState } from '../../src/api/astria/state';
import type { CreateTuneOutcome } from '../../src/commands/createTune/register';
import { ScriptedWizardUi } from '../../src/commands/createTune/scriptedUi';
import type { GalleryPage, GallerySubject } from '../../src/shared/gallery';
import { defaultDraft, type PromptDraft } from '../../src/shared/prompt/draft';
import type { SubmitResult } from '../../src/shared/promptEditor';
import type { SweepAxis } from '../../src/shared/sweep';
import { admin, astria, connectToSandbox, extensionApi, sleep, waitFor, type RecordedRequest } from './helpers';

type TreeNode = Awaited<ReturnType<TuneStudioApi['tunes']['provider']['getChildren']>>[number];
type TuneRow = Extract<TreeNode, { kind: 'tune' }>;
type Profile = 'rich' | 'documented';

/** The runner's speed (scripts/test-integration.ts); the suite leaves the sandbox at it. */
const SUITE_SPEED = 20;
/** Part A: 1/100 of real time, so nothing finishes unless the test finishes it (a prompt would take 400 s). */
const SLOW_SPEED = 0.01;
/** The promise of part A: done everywhere within this long after the sandbox finished the prompt. */
const DONE_WITHIN_MS = 5_000;

const FOLDER = 'domain-core';

let api: TuneStudioApi;
let requestId = 1;
const shown: { severity: 'error' | 'warning' | 'info'; message: string }[] = [];
/** The questions the dialog stubs were asked, and how many create requests had gone out by then. */
const asked: { message: string; postsSoFar: number }[] = [];
/** What the stubbed create-tune / prompt-file "Send Again?" question answers. */
let sendAgain = false;
/** Counts create requests as the stubs are asked (set per case). */
let countPosts: () => Promise<number> = async () => 0;

function workspaceFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration workspace has a folder');
  return folder.uri;
}

function unique(what: string): string {
  return `${what} ${randomUUID().slice(0, 8)}`;
}

// ─── The server's side ───────────────────────────────────────────────────────────────────────────

/** Every prompt of a tune, by offset pages of 20 (both profiles honour offset). */
async function promptsOf(tuneId: number): Promise<Prompt[]> {
  const all: Prompt[] = [];
  for (let offset = 0; offset < 2_000; offset += 20) {
    const page = await astria<Prompt[]>('GET', `/tunes/${tuneId}/prompts?limit=20&offset=${offset}`);
    all.push(...page);
    if (page.length < 20) break;
  }
  return all;
}

async function promptsWithText(tuneId: number, text: string): Promise<Prompt[]> {
  return (await promptsOf(tuneId)).filter((p) => p.text === text);
}

/** Every tune whose title starts with `prefix`, by offset pages of 20 (no title filter on the documented profile). */
async function tunesTitledLike(prefix: string): Promise<Tune[]> {
  const found: Tune[] = [];
  for (let offset = 0; offset < 5_000; offset += 20) {
    const page = await astria<Tune[]>('GET', `/tunes?limit=20&offset=${offset}`);
    found.push(...page.filter((t) => typeof t.title === 'string' && t.title.startsWith(prefix)));
    if (page.length < 20) break;
  }
  return found;
}

async function postsSince(mark: number, path: RegExp): Promise<number> {
  const all = await admin<RecordedRequest[]>('GET', `/requests?origin=api&since=${mark}`);
  return all.filter((r) => r.method === 'POST' && path.test(r.path)).length;
}

// ─── What the user sees ──────────────────────────────────────────────────────────────────────────

function notificationsSince(since: number, severity?: 'error' | 'warning' | 'info'): string[] {
  return shown.slice(since).filter((n) => !severity || n.severity === severity).map((n) => n.message);
}

async function lensTitles(document: vscode.TextDocument): Promise<{ line: number; title: string }[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri, 100);
  return lenses.filter((l) => l.command?.title).map((l) => ({ line: l.range.start.line, title: l.command!.title }));
}

/** The run lens of the entry on `line` ("⟳ generating", "✓ Gallery (1 image)"…). */
async function runLens(document: vscode.TextDocument, line: number): Promise<string | undefined> {
  const titles = await lensTitles(document);
  return titles.find((l) => l.line === line && /^(⟳|✓|✗|Gallery)/.test(l.title))?.title;
}

/** The gallery's first page as the host keeps it (what its webview is given when it (re)loads, without a request). */
async function galleryPrompts(subject: GallerySubject): Promise<GalleryPage['prompts']> {
  const response = await api.gallery.receive(subject, { kind: 'request', id: requestId++, method: 'loadPage', params: { cursor: null, refresh: false } });
  assert.ok(response?.ok, `the gallery answered: ${response && !response.ok ? response.error : 'nothing'}`);
  return (response.result as GalleryPage).prompts;
}

function promptRows(rows: readonly TreeNode[]): Extract<TreeNode, { kind: 'prompt' }>[] {
  return rows.filter((r): r is Extract<TreeNode, { kind: 'prompt' }> => r.kind === 'prompt');
}

/** The poller's private schedule, read (never written) to show it was backed off. */
interface PollerSchedule {
  intervalMs: number;
  dueAt: number;
  ticking: boolean;
}
function schedule(): PollerSchedule {
  return api.poller as unknown as PollerSchedule;
}

// ─── Entry points ────────────────────────────────────────────────────────────────────────────────

async function submit(tuneId: number, draft: PromptDraft): Promise<SubmitResult> {
  await api.promptEditor.receive(tuneId, { kind: 'notification', method: 'draftChanged', params: { draft } });
  const response = await api.promptEditor.receive(tuneId, { kind: 'request', id: requestId++, method: 'submit', params: { draft } });
  assert.ok(response, 'submit got an answer');
  if (!response.ok) return { status: 'failed', message: response.error };
  return response.result as SubmitResult;
}

async function promptFile(name: string, tuneId: number, entries: { name: string; text: string }[]): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(workspaceFolder(), FOLDER, `${name}.astria.yaml`);
  const body = [`tune: ${tuneId}`, 'defaults:', '  num_images: 1', 'prompts:', ...entries.flatMap((e) => [`  - name: ${e.name}`, `    text: ${e.text}`]), ''].join('\n');
  await writeFile(uri.fsPath, body);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  const state = await (await api.promptFiles.loaded()).controller.stateOf(document);
  assert.equal(state?.lookup?.tune?.id, tuneId, `the file’s tune is found: ${state?.lookup?.problem ?? ''}`);
  return document;
}

/** The line of an entry's `- name:` (where its lenses are). */
function entryLine(document: vscode.TextDocument, name: string): number {
  const line = document.getText().split('\n').findIndex((l) => l === `  - name: ${name}`);
  assert.ok(line >= 0, `entry ${name} is in the file`);
  return line;
}

async function runSweep(tuneId: number, draft: PromptDraft, axes: SweepAxis[]): Promise<string> {
  const response = await api.promptEditor.receive(tuneId, { kind: 'request', id: requestId++, method: 'runSweep', params: { draft, axes } });
  assert.ok(response?.ok, `runSweep answered: ${response && !response.ok ? response.error : 'nothing'}`);
  const result = response.result as { status: string; sweepId?: string };
  assert.equal(result.status, 'started', JSON.stringify(result));
  const sweepId = result.sweepId!;
  await waitFor('the sweep to finish creating its prompts', () => !api.compare.sweeps.isRunning(sweepId) || undefined, 60_000);
  return sweepId;
}

async function invokeTool(name: string, input: Record<string, unknown>): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

function wizard(title: string): ScriptedWizardUi {
  return new ScriptedWizardUi([
    { screen: 'title', answer: { type: title } },
    ...['class', 'model', 'branch', 'preset', 'token', 'options', 'characteristics', 'prompts', 'callback', 'summary'].map((screen) => ({ screen, answer: 'enter' as const })),
  ]);
}

// ─── The suite ───────────────────────────────────────────────────────────────────────────────────

/** Words for what happened after each fault that comes after (or during) the work. */
const RECOVERED: Record<string, string> = {
  status504: 'The server timed out',
  lateCreate: 'The server timed out',
  reset: 'The connection failed',
  malformedAfterWork: 'The server sent an answer that could not be read',
};
const AFTER_WORK_FAULTS = ['status504', 'reset', 'malformedAfterWork', 'lateCreate'] as const;

function toldRecovered(fault: string, what: 'prompt' | 'tune'): RegExp {
  return new RegExp(`${RECOVERED[fault]}, but the ${what} was created \\(found on the server\\); it was not sent again\\.`);
}
const NOT_FOUND = (what: 'prompt' | 'tune') => new RegExp(`server error \\(500\\).*The ${what} was not found on the server, also \\d+ s later, so it was not sent again`);

describe('Domain core: every entry point, both profiles', function () {
  this.timeout(120_000);
  const window = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
  const originals = { error: window.showErrorMessage, warning: window.showWarningMessage, info: window.showInformationMessage };
  let restore: (() => void)[] = [];
  let photos: vscode.Uri[] = [];

  before(async function () {
    this.timeout(120_000);
    api = await extensionApi();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // No reset: the key-leak check after this suite searches every request the suites made.
    await admin('DELETE', '/faults');
    await admin('POST', '/speed', { speed: SUITE_SPEED });
    await connectToSandbox(api);
    api.services.tuneHttp({});
    // Notifications are captured: a test cannot read them on screen.
    const capture = (severity: 'error' | 'warning' | 'info') => ((message: string) => {
      shown.push({ severity, message });
      return Promise.resolve(undefined);
    }) as never;
    window.showErrorMessage = capture('error');
    window.showWarningMessage = capture('warning');
    window.showInformationMessage = capture('info');
    // Every question is answered here, and noted with the number of create requests sent before it.
    const stub = (answer: (message: string) => boolean) => async (message: string) => {
      asked.push({ message, postsSoFar: await countPosts() });
      return answer(message);
    };
    const fileConfirm = api.promptFiles.dialogs.confirm;
    const sweepConfirm = api.compare.dialogs.confirm;
    const confirm = api.dialogs.confirm;
    const tuneConfirm = api.createTune.dialogs.confirm;
    // Generate All's and the sweep's own "Create N?" questions are answered yes; "Send Again?" as the case says.
    api.promptFiles.dialogs.confirm = stub((message) => sendAgain || !/Send (it|them) again\?/.test(message));
    api.compare.dialogs.confirm = stub(() => true);
    api.dialogs.confirm = stub(() => sendAgain);
    api.createTune.dialogs.confirm = stub(() => sendAgain);
    restore = [
      () => (api.promptFiles.dialogs.confirm = fileConfirm),
      () => (api.compare.dialogs.confirm = sweepConfirm),
      () => (api.dialogs.confirm = confirm),
      () => (api.createTune.dialogs.confirm = tuneConfirm),
    ];
    const dir = vscode.Uri.joinPath(workspaceFolder(), FOLDER, 'photos');
    await mkdir(dir.fsPath, { recursive: true });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    photos = [];
    for (let n = 1; n <= 4; n++) {
      const body = randomBytes(16 * 1024);
      png.copy(body);
      const uri = vscode.Uri.joinPath(dir, `${n}.png`);
      await writeFile(uri.fsPath, body);
      photos.push(uri);
    }
  });

  after(async () => {
    window.showErrorMessage = originals.error;
    window.showWarningMessage = originals.warning;
    window.showInformationMessage = originals.info;
    for (const undo of restore) undo();
    api?.services.tuneHttp({});
    await admin('DELETE', '/faults');
    await admin('POST', '/speed', { speed: SUITE_SPEED });
    await admin('POST', '/profile', { profile: 'rich' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await rm(vscode.Uri.joinPath(workspaceFolder(), FOLDER).fsPath, { recursive: true, force: true });
  });

  for (const profile of ['rich', 'documented'] as const satisfies readonly Profile[]) {
    describe(`${profile} profile`, () => {
      /** The trained tune every prompt of this profile is made on. */
      let tune: Tune;
      let tuneNode: TuneRow;
      let subject: GallerySubject;
      const file = (what: string) => `${profile}-${what}-${randomUUID().slice(0, 6)}`;

      before(async function () {
        this.timeout(60_000);
        await admin('POST', '/profile', { profile });
        await admin('DELETE', '/faults');
        tune = await admin<Tune>('POST', '/seed-gallery', { count: 1, title: `Domain core — ${profile}` });
        // The Tunes tree with the tune expanded, its gallery open, its prompt editor open: before anything is made.
        await api.tunes.provider.getChildren();
        tuneNode = (await api.tunes.provider.nodeForTune(tune)) as TuneRow;
        assert.ok(promptRows(await api.tunes.provider.getChildren(tuneNode)).length > 0, 'the tune is expanded with its seeded prompt');
        subject = { kind: 'tune', tuneId: tune.id };
        await api.gallery.open(subject);
        assert.ok(api.gallery.panelOf(subject), 'the gallery is open');
        assert.ok((await galleryPrompts(subject)).length > 0, 'the gallery shows its first page');
        await api.promptEditor.open({ tuneId: tune.id });
        await waitFor('the prompt editor to load its tune', () => api.promptEditor.panelOf(tune.id)?.editorTune ?? undefined, 45_000);
      });

      afterEach(async () => {
        // The prompt files and compare panels of the test (the tree, the gallery and the prompt editor stay open).
        const tabs = vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .filter((t) => (t.input instanceof vscode.TabInputText && t.input.uri.path.includes(`/${FOLDER}/`)) || (t.input instanceof vscode.TabInputWebview && /compare/i.test(t.input.viewType)));
        await vscode.window.tabGroups.close(tabs);
      });

      after(async () => {
        await admin('DELETE', '/faults');
        await admin('POST', '/speed', { speed: SUITE_SPEED });
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      });

      describe('A. a new prompt shows everywhere, and done within 5 s, while another tune trains', () => {
        let training: Tune;
        /** Prompts created by the entry point under test, with when the poller was told (published on the change stream). */
        let created: { prompt: Prompt; dueInMs: number }[] = [];
        let listener: { dispose(): void } | undefined;

        before(async function () {
          this.timeout(60_000);
          // Whatever earlier suites left generating finishes first (at the suite's speed): the poller then watches only
          // the training tune, and backs off.
          await waitFor('nothing generating', async () => {
            if (api.poller.generatingCount > 0 && !schedule().ticking) await api.poller.tick();
            return api.poller.generatingCount === 0 ? true : undefined;
          }, 30_000);
          training = await astria<Tune>('POST', '/tunes', { tune: { title: unique(`Domain core — training (${profile})`), name: 'man', branch: 'flux1', image_urls: ['https://example.com/1.jpg'] } });
          await waitFor('the other tune to start training', async () => ((await astria<Tune>('GET', `/tunes/${training.id}`)).started_training_at ? true : undefined), 10_000);
          // Slowed right down now: it trains for the rest of the suite, and no prompt finishes unless the test says so.
          await admin('POST', '/speed', { speed: SLOW_SPEED });
          api.poller.watchTune(await astria<Tune>('GET', `/tunes/${training.id}`));
          listener = api.services.changes.on(['promptCreated'], ({ prompt }) => {
            // The poller heard first (it subscribed at activation): when is its next check?
            created.push({ prompt, dueInMs: schedule().dueAt - Date.now() });
          });
        });

        beforeEach(() => {
          created = [];
        });

        afterEach(async () => {
          // A test that failed half way leaves nothing generating for the next one.
          for (const { prompt } of created) await admin('POST', `/prompts/${prompt.id}/finish`).catch(() => undefined);
          await waitFor('nothing generating', async () => {
            if (api.poller.generatingCount > 0 && !schedule().ticking) await api.poller.tick();
            return api.poller.generatingCount === 0 ? true : undefined;
          }, 15_000);
        });

        after(async () => {
          listener?.dispose();
          await admin('POST', '/speed', { speed: SUITE_SPEED });
          if (training) await admin('POST', `/tunes/${training.id}/finish`);
        });

        /** Checks that find nothing new, as time passing would make them: the poller backs off (3 s × 1.6 each). */
        async function pollerLooksAgain(times: number): Promise<void> {
          for (let n = 0; n < times; n++) {
            await waitFor('the poller to be between checks', () => (schedule().ticking ? undefined : true));
            await api.poller.tick();
          }
        }

        /** The poller watches the training tune and has backed off: its next check is more than 5 s away. */
        async function backedOff(): Promise<void> {
          for (let n = 0; n < 8 && schedule().intervalMs < 12_000; n++) await pollerLooksAgain(1);
          const { intervalMs, dueAt } = schedule();
          assert.ok(api.poller.trainingCount >= 1, 'the poller watches the training tune');
          assert.equal(api.poller.generatingCount, 0, 'no prompt is generating yet');
          assert.ok(intervalMs >= 12_000 && dueAt - Date.now() > DONE_WITHIN_MS, `the poller is backed off (interval ${intervalMs} ms, next check in ${dueAt - Date.now()} ms)`);
        }

        /**
         * The prompts were just made: they are in the expanded tree and the open gallery already, the poller checks
         * them within its base interval, they stay generating while it looks again and again (backing off), and once
         * the sandbox finishes them the tree, the gallery (and the lens) show them done within 5 s.
         */
        async function followsEverywhere(ids: number[], lens?: { document: vscode.TextDocument; lines: number[] }): Promise<void> {
          assert.equal(ids.length, created.length, `every prompt was published as created (${created.map((c) => c.prompt.id).join(', ')})`);
          assert.deepEqual(created.map((c) => c.prompt.id).sort(), [...ids].sort());
          for (const { prompt, dueInMs } of created) assert.ok(dueInMs <= 3_000, `prompt ${prompt.id} is checked within the base interval although backed off (next check in ${dueInMs} ms)`);
          const rows = promptRows(await api.tunes.provider.getChildren(tuneNode));
          const gallery = await galleryPrompts(subject);
          for (const id of ids) {
            const row = rows.find((r) => r.prompt.id === id);
            assert.ok(row, `prompt ${id} is in the expanded tree without Refresh`);
            assert.notEqual(promptState(row.prompt), 'done', 'still generating in the tree');
            const tile = gallery.find((p) => p.id === id);
            assert.ok(tile, `prompt ${id} is in the open gallery without Refresh`);
            assert.notEqual(tile.status, 'done');
          }
          if (lens) for (const line of lens.lines) assert.match((await waitFor('the run lens', () => runLens(lens.document, line))) ?? '', /^⟳ (queued|generating)$/);
          // A prompt takes a while: the poller looks again and again and finds it still generating.
          await pollerLooksAgain(4);
          for (const id of ids) assert.deepEqual((await astria<Prompt>('GET', `/tunes/${tune.id}/prompts/${id}`)).images, [], 'still generating on the server');

          const finishedAt = Date.now();
          for (const id of ids) assert.equal((await admin<Prompt>('POST', `/prompts/${id}/finish`)).images.length, 1, 'the sandbox finished it');
          const seen = new Map<string, number>();
          const pending = new Set<string>(ids.flatMap((id) => [`tree ${id}`, `gallery ${id}`]));
          if (lens) for (const line of lens.lines) pending.add(`lens ${line}`);
          while (pending.size > 0 && Date.now() - finishedAt < DONE_WITHIN_MS + 5_000) {
            const page = await galleryPrompts(subject);
            const titles = lens ? await lensTitles(lens.document) : [];
            for (const what of [...pending]) {
              const [where, key] = what.split(' ');
              const n = Number(key);
              const done =
                where === 'tree'
                  ? (() => {
                      const node = api.tunes.provider.promptNode(tune.id, n);
                      return node !== undefined && promptState(node.prompt) === 'done' && api.tunes.provider.getTreeItem(node).description === '1 image';
                    })()
                  : where === 'gallery'
                    ? page.some((p) => p.id === n && p.status === 'done' && p.images.length === 1)
                    : titles.some((l) => l.line === n && l.title === '✓ Gallery (1 image)');
              if (done) {
                seen.set(what, Date.now() - finishedAt);
                pending.delete(what);
              }
            }
            await sleep(50);
          }
          const late = [...pending].map((what) => `${what} not done after ${Date.now() - finishedAt} ms`);
          for (const [what, ms] of seen) if (ms > DONE_WITHIN_MS) late.push(`${what} done after ${ms} ms`);
          assert.deepEqual(late, [], `done everywhere within ${DONE_WITHIN_MS} ms of the sandbox finishing (${[...seen].map(([w, ms]) => `${w}: ${ms} ms`).join(', ')})`);
          assert.equal(api.poller.generatingCount, 0, 'the poller no longer watches them');
        }

        it('prompt editor: submit', async () => {
          await backedOff();
          const result = await submit(tune.id, { ...defaultDraft(), text: unique('ohwx woman, editor'), num_images: '1' });
          assert.equal(result.status, 'created', JSON.stringify(result));
          await followsEverywhere([result.status === 'created' ? result.promptId : 0]);
        });

        it('prompt file: Generate', async () => {
          const document = await promptFile(file('a-generate'), tune.id, [{ name: 'one', text: unique('ohwx woman, file') }]);
          await backedOff();
          const summary = await api.promptFiles.generate(document.uri, 0);
          assert.equal(summary?.created.length, 1, JSON.stringify(summary));
          await followsEverywhere(summary!.created.map((c) => c.promptId), { document, lines: [entryLine(document, 'one')] });
        });

        it('prompt file: Generate All', async () => {
          const document = await promptFile(file('a-all'), tune.id, [
            { name: 'first', text: unique('ohwx woman, all 1') },
            { name: 'second', text: unique('ohwx woman, all 2') },
          ]);
          await backedOff();
          const summary = await api.promptFiles.generate(document.uri);
          assert.equal(summary?.created.length, 2, JSON.stringify(summary));
          await followsEverywhere(summary!.created.map((c) => c.promptId), { document, lines: [entryLine(document, 'first'), entryLine(document, 'second')] });
        });

        it('a sweep', async () => {
          await backedOff();
          const sweepId = await runSweep(tune.id, { ...defaultDraft(), text: unique('ohwx woman, sweep'), num_images: '1' }, [{ kind: 'seed', values: ['1', '2'] }]);
          const ids = api.compare.sweeps.get(sweepId)?.cells.map((c) => c.promptId) ?? [];
          assert.ok(ids.length === 2 && ids.every((id): id is number => typeof id === 'number'), `every cell has its prompt: ${JSON.stringify(ids)}`);
          await followsEverywhere(ids as number[]);
          const panel = api.compare.panelOf(sweepId);
          assert.ok(panel, 'the compare panel is open');
          assert.deepEqual(panel.cells().map((c) => c.status), ['done', 'done'], 'the compare panel shows them done too');
        });

        it('agent tool: tuneStudio_generateImages', async () => {
          await backedOff();
          const text = await invokeTool('tuneStudio_generateImages', { tuneId: tune.id, text: unique('ohwx woman, agent'), num_images: 1 });
          const id = Number(/^Created prompt (\d+) on tune/.exec(text)?.[1]);
          assert.ok(id, text);
          await followsEverywhere([id]);
        });
      });

      describe('B. faults: one prompt or tune, told what happened; no answer: asked before sending again', () => {
        const promptPath = () => new RegExp(`^/tunes/${tune.id}/prompts$`);
        const tunePath = /^\/tunes$/;
        const promptFault = (kind: string, count: number) => admin('POST', '/faults', { match: `^/tunes/${tune.id}/prompts$`, method: 'POST', count, kind });
        const tuneFault = (kind: string) => admin('POST', '/faults', { match: '^/tunes$', method: 'POST', count: 1, kind });

        beforeEach(async () => {
          await admin('DELETE', '/faults');
          asked.length = 0;
          sendAgain = false;
        });

        afterEach(async () => {
          await admin('DELETE', '/faults');
          api.services.tuneHttp({});
        });

        /**
         * A 500 costs the product's 2 s + 4 s of looking again: the rich profile pays it for each entry point; the
         * documented profile and the Send Again cases look again after 0.2 s and 0.3 s (the same path, shorter waits).
         */
        function looksAgainQuickly(fault: string): void {
          if (fault === 'status500' && profile === 'documented') api.services.tuneHttp({ lookAgainMs: [200, 300] });
        }

        /** Exactly one prompt per text on the server, one POST each, and the ids are the ones the entry point named. */
        async function onePromptEach(texts: string[], mark: number, ids: number[]): Promise<void> {
          const found: number[] = [];
          for (const text of texts) {
            const prompts = await promptsWithText(tune.id, text);
            assert.equal(prompts.length, 1, `exactly one prompt “${text}” on the server`);
            found.push(prompts[0].id);
          }
          assert.deepEqual([...found].sort(), [...ids].sort(), 'the prompts the entry point reports are those on the server');
          assert.equal(await postsSince(mark, promptPath()), texts.length, 'one POST per prompt: never sent again');
        }

        async function noPrompt(texts: string[], mark: number): Promise<void> {
          for (const text of texts) assert.deepEqual(await promptsWithText(tune.id, text), [], `no prompt “${text}” on the server`);
          assert.equal(await postsSince(mark, promptPath()), texts.length, 'one POST per prompt: not sent again');
        }

        function questionBeforeSecondSend(pattern: RegExp, posts: number): void {
          const question = asked.find((q) => pattern.test(q.message));
          assert.ok(question, `the user was asked (${asked.map((q) => q.message).join(' | ') || 'no question'})`);
          assert.equal(question.postsSoFar, posts, 'asked before anything was sent again');
        }

        for (const fault of [...AFTER_WORK_FAULTS, 'status500'] as const) {
          const recovered = fault !== 'status500';

          it(`prompt editor × ${fault}`, async () => {
            const text = unique(`ohwx woman, editor ${fault}`);
            const mark = Date.now();
            looksAgainQuickly(fault);
            await promptFault(fault, 1);
            const result = await submit(tune.id, { ...defaultDraft(), text, num_images: '1' });
            if (recovered) {
              assert.equal(result.status, 'created', JSON.stringify(result));
              assert.match(result.status === 'created' ? (result.note ?? '') : '', toldRecovered(fault, 'prompt'), 'the editor says what happened');
              await onePromptEach([text], mark, [result.status === 'created' ? result.promptId : 0]);
            } else {
              assert.equal(result.status, 'failed', JSON.stringify(result));
              const message = result.status === 'failed' ? result.message : '';
              assert.match(message, NOT_FOUND('prompt'));
              assert.match(message, /Press Generate again to send it again\.$/, 'sending it again is the user’s choice');
              await noPrompt([text], mark);
            }
          });

          it(`prompt file Generate × ${fault}`, async () => {
            const text = unique(`ohwx woman, file ${fault}`);
            const document = await promptFile(file(`b-generate-${fault}`), tune.id, [{ name: 'one', text }]);
            const since = shown.length;
            const mark = Date.now();
            countPosts = () => postsSince(mark, promptPath());
            looksAgainQuickly(fault);
            await promptFault(fault, 1);
            const summary = await api.promptFiles.generate(document.uri, 0);
            await sleep(20);
            const told = notificationsSince(since).join('\n');
            if (recovered) {
              assert.equal(summary?.created.length, 1, JSON.stringify(summary));
              assert.match(told, toldRecovered(fault, 'prompt'), `the notification says what happened: ${told}`);
              assert.match(told, new RegExp(`Created prompt ${summary!.created[0].promptId} for “one”`));
              assert.equal(asked.length, 0, 'nothing to ask');
              await onePromptEach([text], mark, [summary!.created[0].promptId]);
            } else {
              questionBeforeSecondSend(/got no answer from Astria\. Send it again\?/, 1);
              assert.deepEqual(summary?.created, [], 'answered no: nothing created');
              assert.match(notificationsSince(since, 'error').join('\n'), NOT_FOUND('prompt'), `the summary says why: ${told}`);
              await noPrompt([text], mark);
            }
          });

          it(`prompt file Generate All × ${fault}`, async () => {
            const texts = [unique(`ohwx woman, all ${fault} 1`), unique(`ohwx woman, all ${fault} 2`)];
            const document = await promptFile(file(`b-all-${fault}`), tune.id, texts.map((text, i) => ({ name: `p${i + 1}`, text })));
            const since = shown.length;
            const mark = Date.now();
            countPosts = () => postsSince(mark, promptPath());
            looksAgainQuickly(fault);
            await promptFault(fault, 2);
            const summary = await api.promptFiles.generate(document.uri);
            await sleep(20);
            const told = notificationsSince(since).join('\n');
            assert.match(asked[0]?.message ?? '', /^Generate 2 prompts with 2 images from /, 'Generate All asks once first');
            if (recovered) {
              assert.equal(summary?.created.length, 2, JSON.stringify(summary));
              assert.match(told, toldRecovered(fault, 'prompt'), `the notification says what happened: ${told}`);
              assert.match(told, /Created 2 prompts from /);
              await onePromptEach(texts, mark, summary!.created.map((c) => c.promptId));
            } else {
              questionBeforeSecondSend(/^2 prompts of .* got no answer from Astria\. Send them again\?/, 2);
              assert.deepEqual(summary?.created, []);
              assert.match(notificationsSince(since, 'error').join('\n'), NOT_FOUND('prompt'), `the summary says why: ${told}`);
              await noPrompt(texts, mark);
            }
          });

          it(`sweep × ${fault}`, async () => {
            const text = unique(`ohwx woman, sweep ${fault}`);
            const since = shown.length;
            const mark = Date.now();
            looksAgainQuickly(fault);
            await promptFault(fault, 2);
            const sweepId = await runSweep(tune.id, { ...defaultDraft(), text, num_images: '1' }, [{ kind: 'seed', values: ['7', '8'] }]);
            const record = api.compare.sweeps.get(sweepId);
            assert.ok(record);
            const onServer = await promptsWithText(tune.id, text);
            assert.equal(await postsSince(mark, promptPath()), 2, 'one POST per cell: never sent again');
            if (recovered) {
              assert.equal(onServer.length, 2, 'exactly one prompt per cell');
              assert.deepEqual(onServer.map((p) => p.id).sort(), record.cells.map((c) => c.promptId).sort(), 'each cell has its own prompt');
              const told = notificationsSince(since, 'info').join('\n');
              const sweepTold = new RegExp(`Sweep “[^”]+”: ${RECOVERED[fault]} on cells 1 and 2, but the prompts were created \\(found on the server\\); they were not sent again\\.`);
              assert.match(told, sweepTold, `the user is told what happened: ${told}`);
            } else {
              assert.deepEqual(onServer, [], 'no prompt created');
              const panel = await waitFor('the compare panel', () => api.compare.panelOf(sweepId));
              for (const cell of panel.cells()) {
                assert.equal(cell.status, 'failed');
                assert.match(cell.error ?? '', NOT_FOUND('prompt'));
                assert.match(cell.error ?? '', /Run missing sends it again\.$/, 'sending it again is the user’s choice (Run missing)');
              }
            }
          });

          it(`agent tuneStudio_generateImages × ${fault}`, async () => {
            const text = unique(`ohwx woman, agent ${fault}`);
            const mark = Date.now();
            looksAgainQuickly(fault);
            await promptFault(fault, 1);
            const said = await invokeTool('tuneStudio_generateImages', { tuneId: tune.id, text, num_images: 1 });
            if (recovered) {
              assert.match(said, toldRecovered(fault, 'prompt'), `the tool says what happened: ${said}`);
              const id = Number(/Created prompt (\d+) on tune/.exec(said)?.[1]);
              await onePromptEach([text], mark, [id]);
            } else {
              assert.match(said, NOT_FOUND('prompt'));
              assert.match(said, /Ask the user before calling this tool again with the same input\.$/);
              await noPrompt([text], mark);
            }
          });

          it(`create-tune wizard × ${fault}`, async () => {
            const title = unique(`dc-wizard-${profile}-${fault}`).replace(' ', '-');
            const since = shown.length;
            const mark = Date.now();
            countPosts = () => postsSince(mark, tunePath);
            looksAgainQuickly(fault);
            await tuneFault(fault);
            const outcome = await vscode.commands.executeCommand<CreateTuneOutcome>('tuneStudio.createTuneFromImages', photos[0], photos, { ui: wizard(title) });
            await sleep(20);
            const tunes = await tunesTitledLike(title);
            assert.equal(await postsSince(mark, tunePath), 1, 'one POST: never sent again unasked');
            if (recovered) {
              assert.equal(outcome.status, 'created', outcome.message);
              assert.match(outcome.message ?? '', toldRecovered(fault, 'tune'));
              assert.ok(notificationsSince(since, 'info').some((m) => toldRecovered(fault, 'tune').test(m)), 'the notification says what happened');
              assert.deepEqual(tunes.map((t) => t.id), [outcome.tune?.id], 'exactly one tune');
            } else {
              questionBeforeSecondSend(/did not answer whether .* was created\. Send it again\?/, 1);
              assert.equal(outcome.status, 'failed', outcome.message);
              assert.match(outcome.message ?? '', NOT_FOUND('tune'));
              assert.ok(notificationsSince(since, 'warning').some((m) => NOT_FOUND('tune').test(m)), 'the warning says why');
              assert.deepEqual(tunes, [], 'no tune');
            }
          });

          it(`agent tuneStudio_createTune × ${fault}`, async () => {
            const prefix = `dc-agent-${profile}-${fault}-${randomUUID().slice(0, 6)}`;
            const mark = Date.now();
            looksAgainQuickly(fault);
            await tuneFault(fault);
            const said = await invokeTool('tuneStudio_createTune', { paths: [`${FOLDER}/photos`], className: 'man', branch: 'fast', title: prefix });
            const tunes = await tunesTitledLike(prefix);
            assert.equal(await postsSince(mark, tunePath), 1, 'one POST: never sent again unasked');
            if (recovered) {
              assert.match(said, toldRecovered(fault, 'tune'), `the tool says what happened: ${said}`);
              const id = Number(/Created tune (\d+) /.exec(said)?.[1]);
              assert.deepEqual(tunes.map((t) => t.id), [id], 'exactly one tune');
            } else {
              assert.match(said, NOT_FOUND('tune'));
              assert.match(said, /Ask the user before calling this tool again with the same input\.$/);
              assert.deepEqual(tunes, [], 'no tune');
            }
          });
        }

        it('status500 then “Send Again” in a prompt file: exactly one prompt, sent twice in all', async () => {
          const text = unique('ohwx woman, send again');
          const document = await promptFile(file('b-send-again'), tune.id, [{ name: 'one', text }]);
          const mark = Date.now();
          countPosts = () => postsSince(mark, promptPath());
          api.services.tuneHttp({ lookAgainMs: [200, 300] });
          await promptFault('status500', 1);
          sendAgain = true;
          const summary = await api.promptFiles.generate(document.uri, 0);
          questionBeforeSecondSend(/got no answer from Astria\. Send it again\?/, 1);
          assert.equal(summary?.created.length, 1, JSON.stringify(summary));
          const prompts = await promptsWithText(tune.id, text);
          assert.deepEqual(prompts.map((p) => p.id), [summary!.created[0].promptId], 'exactly one prompt');
          assert.equal(await postsSince(mark, promptPath()), 2, 'the first send and the one the user asked for');
          assert.match(document.getText(), new RegExp(`\\n    id: ${summary!.created[0].promptId}\\n`), 'its id is in the file');
        });

        it('no answer in the prompt editor, the prompt made late, Generate pressed again: that prompt is taken, one POST in all (guards the look before a second send)', async () => {
          const text = unique('ohwx woman, editor again');
          const mark = Date.now();
          api.services.tuneHttp({ lookAgainMs: [200, 300] });
          // The server gives up at once and makes the prompt 2.5 s later: after the editor's looks ended.
          await admin('POST', '/faults', { match: `^/tunes/${tune.id}/prompts$`, method: 'POST', count: 1, kind: 'lateCreate', delayMs: 2_500 });
          const draft = { ...defaultDraft(), text, num_images: '1' };
          const first = await submit(tune.id, draft);
          assert.equal(first.status, 'failed', JSON.stringify(first));
          assert.match(first.status === 'failed' ? first.message : '', /Press Generate again to send it again\.$/);
          const [late] = await waitFor('the late prompt on the server', async () => {
            const found = await promptsWithText(tune.id, text);
            return found.length > 0 ? found : undefined;
          }, 15_000);
          const again = await submit(tune.id, draft);
          assert.equal(again.status, 'created', JSON.stringify(again));
          assert.equal(again.status === 'created' && again.promptId, late.id, 'the earlier attempt’s prompt');
          assert.equal(again.status === 'created' ? again.note : '', 'The earlier attempt did create the prompt; it was not sent again.', 'the editor says so');
          assert.equal(await postsSince(mark, promptPath()), 1, 'sent once in all: not billed twice');
          assert.deepEqual((await promptsWithText(tune.id, text)).map((p) => p.id), [late.id], 'exactly one prompt');
        });

        it('status500 then “Send Again” in the create-tune wizard: exactly one tune', async () => {
          const title = unique(`dc-wizard-${profile}-again`).replace(' ', '-');
          const mark = Date.now();
          countPosts = () => postsSince(mark, tunePath);
          api.services.tuneHttp({ lookAgainMs: [200, 300] });
          await tuneFault('status500');
          sendAgain = true;
          const outcome = await vscode.commands.executeCommand<CreateTuneOutcome>('tuneStudio.createTuneFromImages', photos[0], photos, { ui: wizard(title) });
          questionBeforeSecondSend(/Send it again\?/, 1);
          assert.equal(outcome.status, 'created', outcome.message);
          assert.deepEqual((await tunesTitledLike(title)).map((t) => t.id), [outcome.tune?.id], 'exactly one tune');
          assert.equal(await postsSince(mark, tunePath), 2);
        });
      });
    });
  }

});
