import * as vscode from 'vscode';
import type { Prompt, Tune } from '../api/astria/types';
import { isApiError } from '../api/errors';
import { errorMessage } from '../shared/errorMessage';
import type { PromptFiles } from '../api/astria/client';
import type { Services } from '../services';
import { recoveryNote, unknownOutcomeMessage } from '../domain/generation';
import {
  type DraftReplacedReason,
  type EditorSection,
  type ImageTarget,
  type PickedFile,
  type PromptEditorInit,
  type PromptEditorProtocol,
  type PromptEditorTune,
  type PromptHistoryEntry,
  type PromptRun,
  type ReferenceTune,
  type SubmitResult,
  type SweepListEntry,
  type SweepPlanSummary,
  type SweepRunResult,
} from '../shared/promptEditor';
import type { SweepAxis } from '../shared/sweep';
import type { SweepStore } from '../jobs/sweeps';
import type { SweepDialogs } from './sweepRun';
import { editorSweeps, planEditorSweep, startEditorSweep } from './promptEditorSweeps';
import { defaultDraft, sameDraft, type PromptDraft } from '../shared/prompt/draft';
import { hasErrors, issuesFromServerError, validateDraft, type DraftIssue } from '../shared/prompt/validation';
import { UserFacingError, WebviewPanelHost, type HostedPanel } from './panelHost';
import { HISTORY_SIZE, draftFromViewState, draftStorageKey, readStoredDraft, runFromPrompt, type StoredDraft } from './promptEditorModel';
import { PresetStore } from './presetStore';
import { ReferenceMenu, loadHistory } from './promptEditorLists';
import type { Open } from '../open';
import { promptEditorChecks } from '../shared/promptEditor';
import { ImageFileProblem, workspaceImage } from '../domain/workspaceImages';
import { PromptEditorDialogs, chooseImageFile, droppedImageFile, fileLabels, saveDraftAsPromptFile } from './promptEditorDialogs';

/** Typing is saved this long after the last change (and at once when the panel closes). */
const DRAFT_SAVE_DELAY_MS = 400;
/** A second submit of the very same draft within this window is taken for a double click. */
export const DUPLICATE_SUBMIT_WINDOW_MS = 5_000;
/** Upload progress is posted at most this often. */
const PROGRESS_INTERVAL_MS = 100;
const MAX_RUNS = 12;

/** Who the editor writes for: one panel per tune. `tune` spares a request when the caller has it. */
export interface PromptEditorSubject {
  tuneId: number;
  tune?: Tune;
}

export interface PromptEditorDeps {
  extensionUri: vscode.Uri;
  services: Services;
  /** Prompts created in this session, per tune (History shows them before the server lists them). */
  sessionPrompts: Map<number, Prompt[]>;
  presets: PresetStore;
  dialogs: PromptEditorDialogs;
  /** The sweep's question, the same instance as the compare panel's. */
  sweepDialogs: SweepDialogs;
  open: Open;
  sweeps: SweepStore;
}



/** One prompt editor: the form's host side, the submit with its guards, and the results of this tune. */
export class PromptEditorPanel implements HostedPanel {
  readonly host: WebviewPanelHost<PromptEditorProtocol>;
  private tune: PromptEditorTune | null = null;
  /** The tune as the server sent it (its state decides whether a sweep may run). */
  private serverTune: Tune | undefined;
  private loadError: string | null = null;
  private loading: Promise<void> | undefined;
  /** The reference menu's pages of tunes, by number. */
  private readonly references = new ReferenceMenu(() => this.deps.services.astria);
  private draft: PromptDraft;
  private serverIssues: DraftIssue[] = [];
  private runs: PromptRun[] = [];
  private busy = false;
  private lastSubmit: { draft: PromptDraft; at: number; promptId: number } | undefined;
  /** A submit whose answer never arrived (timeout, 504, dropped connection): the server may have created it. */
  /** A replacement made before the webview was ready: it gets the old draft first, so Undo works. */
  private pendingReplacement: { previous: PromptDraft; reason: DraftReplacedReason } | undefined;
  /** A section to open once the webview has its form (sent after `init` until the webview says it did). */
  private pendingReveal: EditorSection | undefined;
  /** What the webview said the last time it opened a section it was asked to (tests read it). */
  lastRevealed: { section: EditorSection; open: boolean } | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private localRunNumber = 0;
  private rendered: number | undefined;
  private disposed = false;
  /** Errors the webview reported (also logged): tests assert there are none. */
  readonly webviewErrors: string[] = [];
  private readonly renderWaiters: ((fields: number) => void)[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly tuneId: number,
    private readonly deps: PromptEditorDeps,
    restored: { tune?: Tune; viewState?: unknown },
  ) {
    // The webview's own saved state is the newest copy after a reload; workspaceState covers a closed panel.
    this.draft = draftFromViewState(restored.viewState) ?? this.storedDraft() ?? defaultDraft();
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.svg');
    this.host = new WebviewPanelHost<PromptEditorProtocol>(panel, {
      extensionUri: deps.extensionUri,
      bundle: 'promptEditor',
      log: deps.services.log,
      apiBaseUrl: () => deps.services.settings.astriaBaseUrl,
      checks: promptEditorChecks,
      onReady: () => void this.sendInit(),
      requests: {
        submit: ({ draft }) => this.submit(draft),
        chooseFile: ({ target }) => this.chooseFile(target),
        dropFile: ({ target, uriList }) => this.dropFile(target, uriList),
        listReferences: ({ cursor }) => this.listReferences(cursor),
        loadHistory: () => this.loadHistory(),
        savePreset: ({ name, options }) => deps.presets.save(name, options),
        deletePreset: ({ name }) => deps.presets.delete(name),
        openResult: ({ promptId, imageIndex }) => this.openResult(promptId, imageIndex),
        openOnBaseTune: () => this.openOnBaseTune(),
        planSweep: ({ draft, axes }) => this.planSweep(draft, axes),
        runSweep: ({ draft, axes }) => this.runSweep(draft, axes),
        listSweeps: async () => this.listSweeps(),
        openSweep: async ({ sweepId }) => {
          if (!deps.sweeps.get(sweepId)) throw new UserFacingError('That sweep is not remembered in this workspace any more.');
          await deps.open.compare(sweepId);
          return null;
        },
        saveAsPromptFile: ({ draft }) => this.saveAsPromptFile(draft),
        retryLoad: async () => {
          this.loading = undefined;
          await this.sendInit();
          return null;
        },
      },
      notifications: {
        draftChanged: ({ draft }) => this.draftChanged(draft),
        didRender: ({ fields }) => {
          this.rendered = fields;
          for (const resolve of this.renderWaiters.splice(0)) resolve(fields);
        },
        revealed: (revealed) => {
          if (revealed.section === this.pendingReveal) this.pendingReveal = undefined;
          this.lastRevealed = revealed;
        },
        error: ({ message }) => {
          this.webviewErrors.push(message);
          deps.services.log.warn(`Prompt editor webview: ${message}`);
        },
      },
    });
    this.loading = this.loadTune(restored.tune);
    this.disposables.push(
      this.host,
      deps.services.changes.on(['promptProgressed', 'promptFinished', 'promptLiked'], ({ prompt }) => this.promptChanged(prompt)),
      deps.presets.onDidChange((presets) => this.host.notify('presets', { presets })),
      deps.services.onDidChangeConnection(() => {
        // Another account or server: the tune may differ, and the CSP's allowed image origins too.
        this.loading = undefined;
        this.host.render();
      }),
    );
  }

  // ─── For tests and the commands ────────────────────────────────────────────────────────────────

  get currentDraft(): PromptDraft {
    return this.draft;
  }

  get currentRuns(): readonly PromptRun[] {
    return this.runs;
  }

  get currentServerIssues(): readonly DraftIssue[] {
    return this.serverIssues;
  }

  get editorTune(): PromptEditorTune | null {
    return this.tune;
  }

  get isBusy(): boolean {
    return this.busy;
  }

  /** Resolves once the webview rendered the form (after the latest `init`). */
  whenRendered(): Promise<number> {
    if (this.rendered !== undefined) return Promise.resolve(this.rendered);
    return new Promise((resolve) => this.renderWaiters.push(resolve));
  }

  /** Replaces the form (Remix, Use as Input Image, a prefilled open); the webview offers Undo. */
  replaceDraft(draft: PromptDraft, reason: DraftReplacedReason): void {
    const previous = this.pendingReplacement?.previous ?? this.draft;
    this.draft = draft;
    this.serverIssues = [];
    void this.saveDraftNow();
    // A webview that is ready but not yet initialized ignores this: its `init` carries the new draft.
    if (this.host.isReady) this.postDraft(reason);
    else this.pendingReplacement = { previous, reason };
  }

  /** Opens and focuses a section of the form (the webview keeps the request until its form is built). */
  revealSection(section: EditorSection): void {
    this.lastRevealed = undefined;
    // Kept until the webview says it opened it: a webview torn down meanwhile (hidden) is asked again after its `init`.
    this.pendingReveal = section;
    if (this.host.isReady) this.host.notify('reveal', { section });
  }

  private postDraft(reason: DraftReplacedReason): void {
    this.host.notify('draft', { draft: this.draft, fileLabels: fileLabels(this.draft), reason });
  }

  /** Writes the draft to workspaceState now instead of after the typing pause. */
  saveDraftNow(): Thenable<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const stored: StoredDraft = { version: 1, draft: this.draft, savedAt: Date.now() };
    return this.deps.services.context.workspaceState.update(draftStorageKey(this.tuneId), stored);
  }

  // ─── Loading ───────────────────────────────────────────────────────────────────────────────────

  private storedDraft(): PromptDraft | undefined {
    return readStoredDraft(this.deps.services.context.workspaceState.get<unknown>(draftStorageKey(this.tuneId)));
  }

  private async loadTune(known?: Tune): Promise<void> {
    const { log } = this.deps.services;
    try {
      // The one tune catalog: the tune, its base tune when the model family needs it, and what the form offers.
      const { tune, editor } = await this.deps.services.tunes.get(this.tuneId, known);
      this.tune = editor;
      this.serverTune = tune;
      this.loadError = null;
      if (!this.disposed) this.panel.title = `Prompt: ${this.tune.title}`;
    } catch (error) {
      this.loadError = errorMessage(error);
      log.warn(`Prompt editor: could not load tune ${this.tuneId}: ${this.loadError}`);
    }
  }

  private async sendInit(): Promise<void> {
    this.rendered = undefined;
    this.loading ??= this.loadTune();
    await this.loading;
    if (this.disposed) return;
    const replacement = this.pendingReplacement;
    this.pendingReplacement = undefined;
    const shownFirst = replacement?.previous ?? this.draft;
    const init: PromptEditorInit = {
      tune: this.tune,
      loadError: this.tune ? null : this.loadError,
      draft: shownFirst,
      fileLabels: fileLabels(shownFirst),
      serverIssues: this.serverIssues,
      runs: this.runs,
      presets: this.deps.presets.all,
      busy: this.busy,
    };
    this.host.notify('init', init);
    if (replacement) this.postDraft(replacement.reason);
    if (this.pendingReveal) this.host.notify('reveal', { section: this.pendingReveal });
  }

  // ─── Drafts ────────────────────────────────────────────────────────────────────────────────────

  private draftChanged(draft: PromptDraft): void {
    this.draft = draft;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.saveDraftNow(), DRAFT_SAVE_DELAY_MS);
  }

  // ─── Submit ────────────────────────────────────────────────────────────────────────────────────

  private async submit(draft: PromptDraft): Promise<SubmitResult> {
    this.draft = draft;
    void this.saveDraftNow();
    const tune = this.tune;
    if (!tune) throw new UserFacingError(this.loadError ?? 'The tune is still loading.');
    if (this.busy) return { status: 'busy' };
    const last = this.lastSubmit;
    if (last && sameDraft(last.draft, draft) && Date.now() - last.at < DUPLICATE_SUBMIT_WINDOW_MS) {
      this.deps.services.log.info(`Prompt editor: ignored a second submit of the same draft (prompt ${last.promptId} was just created)`);
      return { status: 'duplicate', promptId: last.promptId };
    }
    // The webview checked already; the host checks again because it must never trust the webview.
    const checked = validateDraft(draft, { capabilities: tune.capabilities, characteristics: Object.keys(tune.characteristics) });
    if (hasErrors(checked.issues) || !checked.params) return { status: 'invalid', issues: checked.issues };

    this.setBusy(true);
    const localKey = `local:${++this.localRunNumber}`;
    const sending: PromptRun = {
      key: localKey,
      phase: 'sending',
      promptId: null,
      uploaded: null,
      images: [],
      expectedImages: checked.params.num_images ?? 1,
      text: draft.text.slice(0, 500),
      error: null,
    };
    try {
      const files: PromptFiles = {};
      const fileIssues: DraftIssue[] = [];
      for (const [target, value] of Object.entries(checked.files) as [ImageTarget, string][]) {
        try {
          const image = await workspaceImage(value);
          files[target] = { path: image.path, name: image.name, type: image.type };
        } catch (error) {
          if (!(error instanceof ImageFileProblem)) throw error;
          fileIssues.push({ field: target === 'input_image' ? 'input_image_file' : 'mask_image_file', message: error.message, severity: 'error' });
        }
      }
      if (fileIssues.length > 0) return { status: 'invalid', issues: fileIssues };
      const uploading = Object.keys(files).length > 0;
      if (uploading) sending.uploaded = 0;
      this.upsertRun(sending, null);
      let lastProgressAt = 0;
      // The one way to create a prompt: after an unanswered request it looks (and looks again) before giving up,
      // and a draft sent again after one is first looked for: the earlier attempt may have created it.
      const outcome = await this.deps.services.generation.createPrompt(tune.id, checked.params, files, {
        onProgress: ({ sentBytes, totalBytes }) => {
          const now = Date.now();
          if (now - lastProgressAt < PROGRESS_INTERVAL_MS && sentBytes < totalBytes) return;
          lastProgressAt = now;
          this.upsertRun({ ...sending, uploaded: totalBytes > 0 ? sentBytes / totalBytes : 0 }, localKey);
        },
      });
      if (outcome.status === 'unknown') {
        this.dropRun(localKey);
        this.deps.services.log.warn(`Prompt editor: no answer creating a prompt on tune ${tune.id}, and it is not on the server: ${errorMessage(outcome.error)}`);
        return { status: 'failed', message: `${unknownOutcomeMessage('prompt', outcome.error, this.deps.services.generation.waitedMs)} Press Generate again to send it again.` };
      }
      if (outcome.status === 'failed') throw outcome.error;
      const prompt = outcome.value;
      this.adopt(draft, prompt, localKey);
      this.deps.services.log.info(
        `Prompt editor: created prompt ${prompt.id} on tune ${tune.id}${uploading ? ' (with an uploaded image)' : ''}${outcome.earlierAttempt ? ' (by the earlier unanswered submit: not sent again)' : outcome.recovered ? ' (found on the server after a failed request)' : ''}`,
      );
      const note = recoveryNote(outcome, 'prompt').trim();
      return note ? { status: 'created', promptId: prompt.id, note } : { status: 'created', promptId: prompt.id };
    } catch (error) {
      this.dropRun(localKey);
      if (isApiError(error) && (error.kind === 'validation' || (error.kind === 'bad_request' && error.fields))) {
        // The server's words, next to the field they name; the form keeps everything typed.
        this.serverIssues = issuesFromServerError({ message: error.message, fields: error.fields });
        return { status: 'invalid', issues: this.serverIssues };
      }
      this.deps.services.log.warn(`Prompt editor: creating a prompt on tune ${tune.id} failed: ${errorMessage(error)}`);
      return { status: 'failed', message: errorMessage(error) };
    } finally {
      this.setBusy(false);
    }
  }

  /** A prompt this draft created: the results strip, History, the tree and the poller take it. */
  private adopt(draft: PromptDraft, prompt: Prompt, localKey: string): void {
    this.lastSubmit = { draft, at: Date.now(), promptId: prompt.id };
    this.serverIssues = [];
    this.remember(prompt);
    this.upsertRun(runFromPrompt(prompt), localKey);
    // The tree, the galleries and the poller follow the change stream (generation published it).
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.host.notify('busy', { busy });
  }

  private remember(prompt: Prompt): void {
    const list = this.deps.sessionPrompts.get(prompt.tune_id) ?? [];
    this.deps.sessionPrompts.set(prompt.tune_id, [prompt, ...list.filter((p) => p.id !== prompt.id)].slice(0, HISTORY_SIZE));
  }

  private upsertRun(run: PromptRun, replacesKey: string | null): void {
    const index = this.runs.findIndex((r) => r.key === (replacesKey ?? run.key) || r.key === run.key);
    if (index >= 0) this.runs[index] = run;
    else this.runs = [run, ...this.runs].slice(0, MAX_RUNS);
    this.host.notify('run', { run, replacesKey });
  }

  private dropRun(key: string): void {
    const had = this.runs.some((r) => r.key === key);
    this.runs = this.runs.filter((r) => r.key !== key);
    if (had) this.host.notify('removeRun', { key });
  }

  /** The poller saw one of our prompts progress. */
  private promptChanged(prompt: Prompt): void {
    const key = `prompt:${prompt.id}`;
    const before = this.runs.find((r) => r.key === key);
    if (!before) return;
    const run = runFromPrompt(prompt);
    if (JSON.stringify(run) === JSON.stringify(before)) return;
    const index = this.runs.indexOf(before);
    this.runs[index] = run;
    this.host.notify('run', { run, replacesKey: null });
    const list = this.deps.sessionPrompts.get(prompt.tune_id);
    if (list) this.deps.sessionPrompts.set(prompt.tune_id, list.map((p) => (p.id === prompt.id ? prompt : p)));
  }

  private sweepTune(): { tune: PromptEditorTune; server: Tune } {
    if (!this.tune || !this.serverTune) throw new UserFacingError(this.loadError ?? 'The tune is still loading.');
    return { tune: this.tune, server: this.serverTune };
  }

  private planSweep(draft: PromptDraft, axes: SweepAxis[]): Promise<SweepPlanSummary> {
    const { tune, server } = this.sweepTune();
    return planEditorSweep(this.deps.services, server, tune, draft, axes);
  }

  private runSweep(draft: PromptDraft, axes: SweepAxis[]): Promise<SweepRunResult> {
    this.draft = draft;
    void this.saveDraftNow();
    const { tune, server } = this.sweepTune();
    return startEditorSweep(this.deps, server, tune, draft, axes);
  }

  private listSweeps(): SweepListEntry[] {
    return editorSweeps(this.deps.sweeps, this.tuneId);
  }

  private async chooseFile(target: ImageTarget): Promise<PickedFile | null> {
    try {
      return await chooseImageFile(this.deps.dialogs, target);
    } catch (error) {
      if (error instanceof ImageFileProblem) throw new UserFacingError(error.message);
      throw error;
    }
  }

  private dropFile(_target: ImageTarget, uriList: string): Promise<PickedFile | { error: string }> {
    return droppedImageFile(uriList);
  }

  private listReferences(cursor: number | null): Promise<{ tunes: ReferenceTune[]; nextCursor: number | null }> {
    return this.references.page(cursor);
  }

  private loadHistory(): Promise<PromptHistoryEntry[]> {
    return loadHistory(this.deps.services, this.tuneId, this.deps.sessionPrompts.get(this.tuneId) ?? []);
  }

  private async openResult(promptId: number, imageIndex: number): Promise<null> {
    const run = this.runs.find((r) => r.promptId === promptId);
    if (!run || imageIndex >= run.images.length) throw new UserFacingError('That image is not in this editor.');
    await this.deps.open.gallery({ kind: 'prompt', tuneId: this.tuneId, promptId, title: this.tune?.title }, { promptId, imageIndex });
    return null;
  }

  /** Save as Prompt File…: the form as a `*.astria.yaml` with this tune and one entry, opened next to the panel. */
  private saveAsPromptFile(draft: PromptDraft): Promise<{ saved: string } | null> {
    return saveDraftAsPromptFile(this.deps.dialogs, this.tuneId, this.tune?.title ?? `Tune ${this.tuneId}`, draft);
  }

  private async openOnBaseTune(): Promise<null> {
    const tune = this.tune;
    const kind = tune?.capabilities.referenceKind;
    if (!tune || !tune.baseTune || !kind) throw new UserFacingError('This tune is not referenced from a base tune.');
    const subject = [tune.token, tune.className].filter(Boolean).join(' ');
    const text = `<${kind}:${tune.id}:1>${subject ? ` ${subject}` : ''} `;
    await this.deps.open.promptEditor({ kind: 'prefill', tuneId: tune.baseTune.id, text });
    return null;
  }

  dispose(): void {
    this.disposed = true;
    if (this.saveTimer) void this.saveDraftNow();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
