// Prompt files in the editor: the diagnostics (our own validator, so they work without any YAML
// extension), the state of every entry (checked request, last run, its prompt as the one poller last
// saw it) that CodeLens, hovers and Generate read, and the 422s of the server kept on their entry.
import * as vscode from 'vscode';
import type { Prompt } from '../../api/astria/types';
import { isPromptInProgress } from '../../api/astria/state';
import type { StatusPoller } from '../../jobs/statusPoller';
import type { Services } from '../../services';
import { modelCapabilities } from '../../shared/prompt/capabilities';
import type { ValidationContext } from '../../shared/prompt/validation';
import type { DraftField } from '../../shared/prompt/draft';
import { errorMessage } from '../../shared/errorMessage';
import {
  checkEntry,
  paramsFingerprint,
  parsePromptFile,
  serverProblemRange,
  promptFileFormat,
  type CheckedEntry,
  type FileProblem,
  type ParsedPromptFile,
  type PromptFileEntry,
  type PromptFileFormat,
} from '../../shared/promptFile';
import type { TuneCatalog, TuneLookup } from '../../domain/tuneCatalog';
import { sameRequest } from '../../domain/generation';
import { isPromptFile } from './names';


/** Which prompt file entries ran, and with which request (for "unchanged: generate again?"). */
const RUNS_KEY = 'tuneStudio.promptFiles.runs';
const MAX_RECORDED_RUNS = 500;

export interface EntryState {
  entry: PromptFileEntry;
  checked: CheckedEntry;
}

export interface FileState {
  document: vscode.TextDocument;
  version: number;
  format: PromptFileFormat;
  /** The text that was parsed (ranges are offsets into it). */
  text: string;
  parsed: ParsedPromptFile;
  lookup?: TuneLookup;
  /** The rules the entries were checked with (the tune's model, or the limits every model shares). */
  context: ValidationContext;
  entries: EntryState[];
}

/** A server refusal (422), kept on its entry while the entry's text stays the same. */
interface ServerProblem {
  entryText: string;
  field: DraftField | null;
  message: string;
}

/** Until the tune is known: the limits every model shares, no model-specific warnings. */
const UNKNOWN_TUNE: ValidationContext = {
  capabilities: modelCapabilities({ id: 0, title: '', name: 'subject', branch: null }),
  characteristics: [],
};


export class PromptFilesController implements vscode.Disposable {
  /** The one tune catalog (src/domain): each tune a file names is looked up once. */
  readonly tunes: TuneCatalog;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('tuneStudio.promptFiles');
  private readonly states = new Map<string, FileState>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly serverProblems = new Map<string, Map<number, ServerProblem>>();
  /** Entries being sent right now, by `${uri}#${index}`. */
  private readonly sending = new Set<string>();
  private readonly prompts = new Map<number, Prompt>();
  private readonly promptRequests = new Map<number, Promise<Prompt | undefined>>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Something CodeLenses show changed (a check, a run, a prompt's state). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly services: Services,
    private readonly poller: StatusPoller,
  ) {
    this.tunes = services.tunes;
    const track = (prompt: Prompt) => {
      if (!this.prompts.has(prompt.id)) return;
      this.prompts.set(prompt.id, prompt);
      this.changed.fire();
    };
    this.disposables.push(
      this.diagnostics,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document, 250)),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      // The change stream: prompts made anywhere, and the one poller's news (no second polling loop).
      services.changes.on(['promptProgressed', 'promptFinished', 'promptLiked'], ({ prompt }) => track(prompt)),
      services.changes.on(['promptCreated'], ({ prompt }) => this.rememberPrompt(prompt)),
      services.onDidChangeConnection(() => {
        this.prompts.clear();
        this.promptRequests.clear();
        for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
      }),
    );
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isPromptFile(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        void this.check(document);
      }, delayMs),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    this.states.delete(key);
    this.serverProblems.delete(key);
    this.diagnostics.delete(uri);
  }

  /** The file's state for its current text: parsed, the tune looked up (cached), every entry checked. */
  async check(document: vscode.TextDocument): Promise<FileState | undefined> {
    const format = promptFileFormat(document.fileName);
    if (!format || document.isClosed) return undefined;
    const key = document.uri.toString();
    const version = document.version;
    const text = document.getText();
    const parsed = parsePromptFile(text, format);
    const lookup = parsed.tune ? await this.tunes.lookup(parsed.tune.value) : undefined;
    if (document.isClosed || document.version !== version) return this.states.get(key);
    const context: ValidationContext = lookup?.editor
      ? { capabilities: lookup.editor.capabilities, characteristics: Object.keys(lookup.editor.characteristics) }
      : UNKNOWN_TUNE;
    const server = this.serverProblems.get(key);
    const entries = parsed.entries.map((entry) => {
      const checked = checkEntry(parsed, entry, context);
      const refused = server?.get(entry.index);
      if (refused && refused.entryText === text.slice(...entry.range)) {
        checked.problems.push({ range: serverProblemRange(parsed, entry, refused.field), message: refused.message, severity: 'error', entry: entry.index });
        checked.params = undefined;
      } else if (refused) {
        server!.delete(entry.index);
      }
      return { entry, checked };
    });
    const state: FileState = { document, version, format, text, parsed, lookup, context, entries };
    this.states.set(key, state);
    this.publish(state);
    this.changed.fire();
    return state;
  }

  /** The state of the current text, checked now if the last check is older. */
  async stateOf(document: vscode.TextDocument): Promise<FileState | undefined> {
    const state = this.states.get(document.uri.toString());
    if (state && state.version === document.version) return state;
    return this.check(document);
  }

  /** The last state, whatever its version (CodeLens and hovers must answer at once). */
  peek(document: vscode.TextDocument): FileState | undefined {
    return this.states.get(document.uri.toString());
  }

  private publish(state: FileState): void {
    const { document, parsed, lookup } = state;
    const problems: FileProblem[] = parsed.problems.filter((p) => p.entry === undefined);
    for (const { checked } of state.entries) problems.push(...checked.problems);
    if (lookup?.problem && parsed.tune) {
      problems.push({ range: parsed.tune.range, message: lookup.problem, severity: lookup.transient ? 'warning' : 'error' });
    }
    const seen = new Set<string>();
    const diagnostics: vscode.Diagnostic[] = [];
    for (const problem of problems) {
      // A problem of defaults is found once per entry: shown once.
      const id = `${problem.range[0]}:${problem.range[1]}:${problem.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const range = new vscode.Range(document.positionAt(problem.range[0]), document.positionAt(Math.max(problem.range[1], problem.range[0] + 1)));
      const diagnostic = new vscode.Diagnostic(range, problem.message, problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      diagnostic.source = 'Tune Studio';
      diagnostics.push(diagnostic);
    }
    this.diagnostics.set(document.uri, diagnostics);
  }

  /** The diagnostics published for a file (tests and the e2e read them through the API too). */
  diagnosticsOf(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.diagnostics.get(uri) ?? [];
  }

  /** A 422 on an entry (of the state it was sent from): shown on the option it names, or the entry's first line, until the entry is edited. */
  addServerProblem(state: FileState, entry: PromptFileEntry, field: DraftField | null, message: string): void {
    const key = state.document.uri.toString();
    let problems = this.serverProblems.get(key);
    if (!problems) this.serverProblems.set(key, (problems = new Map()));
    problems.set(entry.index, { entryText: state.text.slice(...entry.range), field, message });
  }

  clearServerProblem(document: vscode.TextDocument, index: number): void {
    this.serverProblems.get(document.uri.toString())?.delete(index);
  }

  // ─── Runs ────────────────────────────────────────────────────────────────────────────────────

  setSending(document: vscode.TextDocument, index: number, sending: boolean): void {
    const key = `${document.uri.toString()}#${index}`;
    if (sending) this.sending.add(key);
    else this.sending.delete(key);
    this.changed.fire();
  }

  isSending(document: vscode.TextDocument, index: number): boolean {
    return this.sending.has(`${document.uri.toString()}#${index}`);
  }

  /** The fingerprint of the request that created `promptId` from a prompt file, if it was recorded here. */
  recordedRun(promptId: number): string | undefined {
    const runs = this.services.context.workspaceState.get<Record<string, string>>(RUNS_KEY, {});
    const value = runs[String(promptId)];
    return typeof value === 'string' ? value : undefined;
  }

  async recordRun(prompt: Prompt, fingerprint: string): Promise<void> {
    const runs = { ...this.services.context.workspaceState.get<Record<string, string>>(RUNS_KEY, {}) };
    runs[String(prompt.id)] = fingerprint;
    const ids = Object.keys(runs);
    for (const id of ids.slice(0, Math.max(0, ids.length - MAX_RECORDED_RUNS))) delete runs[id];
    await this.services.context.workspaceState.update(RUNS_KEY, runs);
    this.rememberPrompt(prompt);
  }

  /**
   * Whether the entry already ran with exactly this request (so running it again makes a duplicate):
   * Generate All leaves such entries out, and its CodeLens counts without them. Not recorded here
   * (another machine, a pasted entry): compared with the prompt the server has; if that cannot be
   * loaded, the id still says it ran.
   */
  async ranUnchanged(entryState: EntryState, tuneId: number): Promise<boolean> {
    const id = entryState.entry.id?.value;
    const params = entryState.checked.params;
    if (id === undefined || !params) return false;
    const recorded = this.recordedRun(id);
    if (recorded !== undefined) return recorded === paramsFingerprint(params);
    const prompt = await this.prompt(tuneId, id);
    return prompt ? sameRequest(prompt, params) : true;
  }

  /** A prompt this extension knows the state of (from a run, a fetch, or the poller's events). */
  knownPrompt(id: number): Prompt | undefined {
    return this.prompts.get(id);
  }

  /** Whether a URL is an image of a prompt this window has seen (hovers show such URLs as images). */
  isKnownImage(url: string): boolean {
    for (const prompt of this.prompts.values()) if (prompt.images.includes(url)) return true;
    return false;
  }

  /** A prompt made anywhere (the change stream): a file entry that records its id shows its state. */
  private rememberPrompt(prompt: Prompt): void {
    this.prompts.set(prompt.id, prompt);
    this.changed.fire();
  }

  /** The prompt an entry's `id:` names: fetched once, then kept up to date by the poller's events. */
  prompt(tuneId: number, id: number): Promise<Prompt | undefined> {
    const known = this.prompts.get(id);
    if (known) return Promise.resolve(known);
    let request = this.promptRequests.get(id);
    if (!request) {
      request = this.services.astria
        .getPrompt(tuneId, id)
        .then((prompt) => {
          this.prompts.set(prompt.id, prompt);
          if (isPromptInProgress(prompt)) this.poller.watchPrompt(prompt);
          this.changed.fire();
          return prompt;
        })
        .catch((error: unknown) => {
          this.services.log.warn(`Prompt file: prompt ${id} of tune ${tuneId} could not be loaded (${errorMessage(error)}).`);
          setTimeout(() => this.promptRequests.delete(id), 15_000);
          return undefined;
        });
      this.promptRequests.set(id, request);
    }
    return request;
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    for (const d of this.disposables) d.dispose();
  }
}
