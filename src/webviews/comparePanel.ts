import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Prompt, Tune } from '../api/astria/types';
import type { Services } from '../services';
import type { StatusPoller } from '../jobs/statusPoller';
import type { SweepStore } from '../jobs/sweeps';
import { readSweepSettings } from './sweepSettings';
import type { Open } from '../open';
import {
  compareChecks,
  pngSize,
  type CellAction,
  type CompareCell,
  type CompareInit,
  type CompareProtocol,
} from '../shared/compare';
import { cellDraft, gridCoords, missingCells, sweepTitle, type SweepRecord } from '../shared/sweep';
import { errorMessage } from '../shared/errorMessage';
import { UserFacingError, WebviewPanelHost, type HostedPanel } from './panelHost';
import { compareAxes, compareCell, contactSheetPath } from './compareModel';
import { defaultSavePath, imageExtension, imageMarkdown } from '../domain/savedImages';
import { downloadImage } from '../domain/imageDownload';
import { resolveClash, type GalleryDialogs } from './saveImage';
import { editorTune } from '../domain/tuneCatalog';
import { planOnHost, runCells } from './sweepRun';

/** Prompts asked for at once when a panel opens (the rest one by one, for ids not on that page). */
const PROMPT_PAGE = 120;
const FETCH_CONCURRENCY = 4;

export interface CompareDeps {
  extensionUri: vscode.Uri;
  services: Services;
  poller: StatusPoller;
  sweeps: SweepStore;
  open: Open;
  /** The gallery's: the same "file exists" question when a cell image or the contact sheet is saved. */
  galleryDialogs: GalleryDialogs;
}

/** One compare panel: the grid of one sweep, filled in live from the poller, and the cell actions. */
export class ComparePanel implements HostedPanel {
  readonly host: WebviewPanelHost<CompareProtocol>;
  /** Freshest copy of each cell's prompt, by prompt id: the only prompts actions may touch. */
  private readonly prompts = new Map<number, Prompt>();
  /** Why a cell's prompt could not be loaded (deleted on the server, another account…), by prompt id. */
  private readonly promptErrors = new Map<number, string>();
  private loading: Promise<void> | undefined;
  private loadError: string | null = null;
  private rendered: { cells: number; images: number } | undefined;
  private readonly renderWaiters: ((stats: { cells: number; images: number }) => void)[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /** Errors the webview reported (also logged): tests assert there are none. */
  readonly webviewErrors: string[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly sweepId: string,
    private readonly deps: CompareDeps,
  ) {
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.svg');
    const record = deps.sweeps.get(sweepId);
    if (record) panel.title = `Compare: ${sweepTitle(record)}`;
    this.host = new WebviewPanelHost<CompareProtocol>(panel, {
      extensionUri: deps.extensionUri,
      bundle: 'compare',
      log: deps.services.log,
      apiBaseUrl: () => deps.services.settings.astriaBaseUrl,
      checks: compareChecks,
      onReady: () => void this.sendInit(),
      initialMessage: async () => ({ method: 'init', params: await this.init() }),
      requests: {
        cellAction: ({ index, imageIndex, action }) => this.cellAction(index, imageIndex, action),
        setLiked: ({ index, liked }) => this.setLiked(index, liked),
        runMissing: () => this.runMissing(),
        cancel: async () => {
          deps.sweeps.cancel(sweepId);
          return null;
        },
        exportSheet: ({ png, width, height }) => this.exportSheet(png, width, height),
      },
      notifications: {
        didRender: (stats) => {
          this.rendered = stats;
          for (const resolve of this.renderWaiters.splice(0)) resolve(stats);
        },
        error: ({ message }) => {
          this.webviewErrors.push(message);
          deps.services.log.warn(`Compare webview: ${message}`);
        },
      },
    });
    this.disposables.push(
      this.host,
      deps.services.changes.on(['promptCreated', 'promptProgressed', 'promptFinished', 'promptLiked'], ({ prompt }) => this.promptChanged(prompt)),
      deps.sweeps.onDidChange(({ sweepId: id, index }) => {
        if (id !== this.sweepId) return;
        if (index === null) this.host.notify('running', { running: deps.sweeps.isRunning(id) });
        else this.cellChanged(index);
      }),
    );
    this.loading = this.loadPrompts();
  }

  get record(): SweepRecord | undefined {
    return this.deps.sweeps.get(this.sweepId);
  }

  whenRendered(): Promise<{ cells: number; images: number }> {
    if (this.rendered) return Promise.resolve(this.rendered);
    return new Promise((resolve) => this.renderWaiters.push(resolve));
  }

  /** The cells as the webview was last told, for tests. */
  cells(): CompareCell[] {
    const record = this.record;
    return record ? record.cells.map((_, index) => this.view(record, index)) : [];
  }

  // ─── Loading ───────────────────────────────────────────────────────────────────────────────────

  /** The prompts of the cells that have one: one page of the tune, then one by one for the rest. */
  private async loadPrompts(): Promise<void> {
    const record = this.record;
    if (!record) {
      this.loadError = 'This sweep is not remembered in this workspace any more.';
      return;
    }
    const wanted = new Set(record.cells.flatMap((c) => (c.promptId !== null ? [c.promptId] : [])));
    for (const id of wanted) {
      const known = this.deps.sweeps.prompts.get(id);
      if (known) this.prompts.set(id, known);
    }
    const { astria, log } = this.deps.services;
    try {
      if ([...wanted].some((id) => !this.prompts.has(id))) {
        for (const prompt of await astria.listPrompts(record.tuneId, { limit: PROMPT_PAGE })) {
          if (wanted.has(prompt.id)) this.prompts.set(prompt.id, prompt);
        }
      }
      const rest = [...wanted].filter((id) => !this.prompts.has(id));
      for (let i = 0; i < rest.length; i += FETCH_CONCURRENCY) {
        await Promise.all(
          rest.slice(i, i + FETCH_CONCURRENCY).map(async (id) => {
            try {
              this.prompts.set(id, await astria.getPrompt(record.tuneId, id));
            } catch (error) {
              this.promptErrors.set(id, `Could not load prompt #${id}: ${errorMessage(error)}`);
              log.warn(`Compare: could not load prompt ${id}: ${errorMessage(error)}`);
            }
          }),
        );
      }
      this.loadError = null;
    } catch (error) {
      this.loadError = `Could not load the sweep's prompts: ${errorMessage(error)}`;
      log.warn(`Compare: ${this.loadError}`);
    }
    for (const prompt of this.prompts.values()) this.deps.poller.watchPrompt(prompt);
  }

  private async sendInit(): Promise<void> {
    this.rendered = undefined;
    const init = await this.init();
    if (!this.host.drewInitial('init', init)) this.host.notify('init', init);
  }

  /** What the webview is told first, also put into its page (once the cells' prompts are loaded, or without it). */
  private async init(): Promise<CompareInit> {
    await this.loading;
    const record = this.record;
    return record
      ? {
          sweepId: record.id,
          title: sweepTitle(record),
          tuneTitle: record.tuneTitle,
          axes: compareAxes(record),
          cells: record.cells.map((_, index) => this.view(record, index)),
          running: this.deps.sweeps.isRunning(record.id),
          loadError: this.loadError,
        }
      : { sweepId: this.sweepId, title: 'Sweep', tuneTitle: '', axes: [], cells: [], running: false, loadError: this.loadError ?? 'This sweep is not remembered in this workspace any more.' };
  }

  private view(record: SweepRecord, index: number): CompareCell {
    const promptId = record.cells[index]?.promptId;
    const prompt = promptId != null ? this.prompts.get(promptId) : undefined;
    const cell = compareCell(record, index, prompt, this.deps.sweeps.activityOf(record.id, index), this.deps.sweeps.isRunning(record.id));
    const loadError = promptId != null && !prompt ? this.promptErrors.get(promptId) : undefined;
    return loadError ? { ...cell, status: 'failed', error: loadError } : cell;
  }

  // ─── Live updates ──────────────────────────────────────────────────────────────────────────────

  private cellChanged(index: number): void {
    const record = this.record;
    if (!record || !record.cells[index]) return;
    const promptId = record.cells[index].promptId;
    if (promptId !== null && !this.prompts.has(promptId)) {
      const created = this.deps.sweeps.prompts.get(promptId);
      if (created) this.prompts.set(promptId, created);
    }
    this.host.notify('cell', { cell: this.view(record, index) });
  }

  private promptChanged(prompt: Prompt): void {
    const record = this.record;
    if (!record || prompt.tune_id !== record.tuneId) return;
    const index = record.cells.findIndex((cell) => cell.promptId === prompt.id);
    if (index < 0) return;
    const before = this.prompts.get(prompt.id);
    const fresh = { ...prompt, liked: prompt.liked ?? before?.liked };
    const viewBefore = JSON.stringify(this.view(record, index));
    this.prompts.set(prompt.id, fresh);
    const view = this.view(record, index);
    if (JSON.stringify(view) !== viewBefore) this.host.notify('cell', { cell: view });
  }

  // ─── Requests ──────────────────────────────────────────────────────────────────────────────────

  /** The cell's prompt (and image), if this panel really has it. */
  private cellPrompt(index: number): { record: SweepRecord; prompt: Prompt } {
    const record = this.record;
    const promptId = record?.cells[index]?.promptId;
    const prompt = promptId != null ? this.prompts.get(promptId) : undefined;
    if (!record || !prompt) throw new UserFacingError('That cell has no prompt yet.');
    return { record, prompt };
  }

  private cellImage(index: number, imageIndex: number): { record: SweepRecord; prompt: Prompt; url: string } {
    const { record, prompt } = this.cellPrompt(index);
    const url = this.view(record, index).images[imageIndex];
    if (!url) throw new UserFacingError('That image is not in this cell.');
    return { record, prompt, url };
  }

  private async cellAction(index: number, imageIndex: number, action: CellAction): Promise<{ message?: string }> {
    switch (action) {
      case 'useSettings':
        return this.useSettings(index);
      case 'copyMarkdown': {
        const { prompt, url } = this.cellImage(index, imageIndex);
        await vscode.env.clipboard.writeText(imageMarkdown(prompt.text, url));
        return { message: 'Copied as Markdown.' };
      }
      case 'save':
        return this.save(index, imageIndex);
    }
  }

  private async useSettings(index: number): Promise<{ message?: string }> {
    const record = this.record;
    if (!record || !record.cells[index]) throw new UserFacingError('That cell is not in this sweep.');
    const coords = gridCoords(record.axes.map((a) => a.values.length))[index];
    await this.deps.open.promptEditor({ kind: 'draft', tuneId: record.tuneId, draft: cellDraft(record.base, record.axes, coords) });
    return {};
  }

  /** Saves like the gallery does (same names, same clash question, streamed), without asking where. */
  private async save(index: number, imageIndex: number): Promise<{ message?: string }> {
    const { record, prompt, url } = this.cellImage(index, imageIndex);
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new UserFacingError('Open a folder first: images are saved into the workspace.');
    const target = await resolveClash(vscode.Uri.joinPath(folder.uri, ...defaultSavePath(record.tuneTitle, record.tuneId, prompt.id, imageIndex, url)), this.deps.galleryDialogs);
    if (!target) return {};
    const abort = new AbortController();
    await downloadImage(url, target, abort.signal);
    const shown = vscode.workspace.asRelativePath(target);
    this.deps.services.log.info(`Compare: saved prompt ${prompt.id} image ${imageIndex + 1} (${imageExtension(url)}) to ${shown}`);
    return { message: `Saved ${shown}` };
  }

  private async setLiked(index: number, liked: boolean): Promise<{ liked: boolean }> {
    const { prompt } = this.cellPrompt(index);
    const { astria } = this.deps.services;
    await (liked ? astria.likePrompt(prompt.id) : astria.unlikePrompt(prompt.id));
    const updated = { ...prompt, liked };
    this.prompts.set(prompt.id, updated);
    this.deps.services.changes.publish({ kind: 'promptLiked', prompt: updated }); // the tree and the gallery follow
    return { liked };
  }

  /** Creates the prompts of the cells that have none, checked again against the tune as it is now. */
  private async runMissing(): Promise<{ started: number }> {
    const record = this.record;
    if (!record) throw new UserFacingError('This sweep is not remembered in this workspace any more.');
    if (this.deps.sweeps.isRunning(record.id)) throw new UserFacingError('This sweep is creating its prompts already.');
    const missing = new Set(missingCells(record));
    if (missing.size === 0) return { started: 0 };
    const { services } = this.deps;
    const tune: Tune = await services.astria.getTune(record.tuneId);
    const base = tune.base_tune_id != null ? await services.astria.getTune(tune.base_tune_id).catch(() => undefined) : undefined;
    const settings = readSweepSettings();
    const planned = await planOnHost(services, tune, editorTune(tune, base), record.base, record.axes, Math.max(settings.maxPrompts, record.cells.length));
    if (!planned.ok) throw new UserFacingError(planned.problems.join(' '));
    const cells = await runCells(planned.plan.cells.filter((cell) => missing.has(cell.index)));
    void this.deps.sweeps.run(record.id, cells, settings.concurrency).catch((error: unknown) => {
      services.log.warn(`Compare: Run missing failed: ${errorMessage(error)}`);
    });
    return { started: cells.length };
  }

  /** Writes the contact sheet the webview drew, after checking it is a PNG of the size it claims. */
  private async exportSheet(base64: string, width: number, height: number): Promise<{ message: string; path: string }> {
    const record = this.record;
    if (!record) throw new UserFacingError('This sweep is not remembered in this workspace any more.');
    const bytes = Buffer.from(base64, 'base64');
    const size = pngSize(bytes);
    if (!size) throw new UserFacingError('The contact sheet is not a PNG image.');
    if (size.width !== width || size.height !== height) throw new UserFacingError(`The contact sheet is ${size.width}×${size.height}, not ${width}×${height}.`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) throw new UserFacingError('Open a folder first: the contact sheet is written into the workspace.');
    const target = await resolveClash(vscode.Uri.joinPath(folder.uri, ...contactSheetPath(record)), this.deps.galleryDialogs);
    if (!target) return { message: 'Not exported.', path: '' };
    await vscode.workspace.fs.createDirectory(target.with({ path: path.posix.dirname(target.path) }));
    await vscode.workspace.fs.writeFile(target, bytes);
    const shown = vscode.workspace.asRelativePath(target);
    this.deps.services.log.info(`Compare: wrote the contact sheet of sweep ${record.id} (${width}×${height}) to ${shown}`);
    void vscode.window.showInformationMessage(`Exported the contact sheet to ${shown}`, 'Open').then((choice) => {
      if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', target);
    });
    return { message: `Exported ${shown}`, path: shown };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

/** What tests reach through the extension's exports (`compare`). */
