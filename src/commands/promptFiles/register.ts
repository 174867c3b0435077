// Prompt files (`*.astria.yaml`, `*.astria.json`): diagnostics (with quick fixes), CodeLens, hovers, completions and the
// Generate commands. Commands read their `unknown` arguments once, here, and reach the panels only
// through the typed front doors.
import * as vscode from 'vscode';
import type { StatusPoller } from '../../jobs/statusPoller';
import type { Open } from '../../open';
import type { Services } from '../../services';
import type { EditorSection } from '../../shared/promptEditor';
import { PROMPT_FILE_SELECTOR, PromptFilesController, isPromptFile } from './controller';
import { PromptFileDialogs, PromptFileRunner, type RunSummary } from './generate';
import { COMMANDS, PromptFileCodeLenses, PromptFileCompletions, PromptFileHovers, PromptFileQuickFixes, ReferenceHovers } from './providers';

export interface PromptFilesApi {
  controller: PromptFilesController;
  runner: PromptFileRunner;
  /** Generate one entry (index) or every entry of a file; what was created and what was not. */
  generate(uri: vscode.Uri, index?: number, signal?: AbortSignal): Promise<RunSummary | undefined>;
}

/** The arguments of the prompt file commands: `[uri: string | Uri, index?: number]`, else the active editor. */
export function promptFileArgs(args: readonly unknown[]): { uri: vscode.Uri; index?: number } | undefined {
  const [first, second] = args;
  let uri: vscode.Uri | undefined;
  if (typeof first === 'string') {
    try {
      uri = vscode.Uri.parse(first, true);
    } catch {
      uri = undefined;
    }
  } else if (first instanceof vscode.Uri) {
    uri = first;
  } else {
    uri = vscode.window.activeTextEditor?.document.uri;
  }
  if (!uri) return undefined;
  const index = typeof second === 'number' && Number.isInteger(second) && second >= 0 ? second : undefined;
  return { uri, index };
}

export function registerPromptFiles(context: vscode.ExtensionContext, services: Services, poller: StatusPoller, open: Open): PromptFilesApi {
  const controller = new PromptFilesController(services, poller);
  const runner = new PromptFileRunner(services, controller, new PromptFileDialogs());

  const documentFor = async (uri: vscode.Uri): Promise<vscode.TextDocument | undefined> => {
    const document = await vscode.workspace.openTextDocument(uri);
    if (!isPromptFile(document)) {
      void vscode.window.showErrorMessage('This is not a prompt file: prompt files are named *.astria.yaml or *.astria.json.');
      return undefined;
    }
    return document;
  };

  const generate = async (uri: vscode.Uri, index?: number, signal?: AbortSignal): Promise<RunSummary | undefined> => {
    const document = await documentFor(uri);
    return document ? runner.run(document, index, signal) : undefined;
  };

  /** The entry a command names, with its file's state; says why when there is none. */
  const entryOf = async (args: unknown[]) => {
    const parsed = promptFileArgs(args);
    if (!parsed || parsed.index === undefined) return undefined;
    const document = await documentFor(parsed.uri);
    const state = document ? await controller.stateOf(document) : undefined;
    const entryState = state?.entries[parsed.index];
    if (!state || !entryState) return undefined;
    return { state, entryState };
  };

  /** An entry's draft in its tune's prompt editor ("Open in Prompt Editor"), maybe with a section open ("Sweep…"). */
  const openEntry = async (args: unknown[], section?: EditorSection): Promise<void> => {
    const found = await entryOf(args);
    if (!found) return;
    const tune = found.state.lookup?.tune;
    if (!tune) {
      void vscode.window.showErrorMessage(found.state.lookup?.problem ?? 'The file does not say which tune to use (tune: id or title).');
      return;
    }
    open.promptEditor({ kind: 'draft', tuneId: tune.id, draft: found.entryState.checked.draft, ...(section ? { section } : {}) });
  };

  context.subscriptions.push(
    controller,
    vscode.languages.registerCodeLensProvider(PROMPT_FILE_SELECTOR, new PromptFileCodeLenses(controller)),
    vscode.languages.registerHoverProvider(PROMPT_FILE_SELECTOR, new PromptFileHovers(controller)),
    vscode.languages.registerCodeActionsProvider(PROMPT_FILE_SELECTOR, new PromptFileQuickFixes(controller), PromptFileQuickFixes.metadata),
    vscode.languages.registerCompletionItemProvider([{ pattern: '**/*.astria.{yaml,yml}' }], new PromptFileCompletions(), ':', ' ', '-'),
    vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], new ReferenceHovers((id) => controller.tunes.lookup(id), (url) => controller.isKnownImage(url))),
    vscode.commands.registerCommand(COMMANDS.generate, async (...args: unknown[]) => {
      const parsed = promptFileArgs(args);
      if (parsed?.index === undefined) return;
      await generate(parsed.uri, parsed.index);
    }),
    vscode.commands.registerCommand(COMMANDS.generateAll, async (...args: unknown[]) => {
      const parsed = promptFileArgs(args);
      if (!parsed) {
        void vscode.window.showInformationMessage('Open a prompt file (*.astria.yaml or *.astria.json) first.');
        return;
      }
      await generate(parsed.uri);
    }),
    vscode.commands.registerCommand(COMMANDS.openInPromptEditor, (...args: unknown[]) => openEntry(args)),
    vscode.commands.registerCommand(COMMANDS.sweep, (...args: unknown[]) => openEntry(args, 'sweep')),
    vscode.commands.registerCommand(COMMANDS.openGallery, async (...args: unknown[]) => {
      const found = await entryOf(args);
      const id = found?.entryState.entry.id?.value;
      const tune = found?.state.lookup?.tune;
      if (!found || id === undefined || !tune) return;
      open.gallery({ kind: 'prompt', tuneId: tune.id, promptId: id, title: found.entryState.entry.name });
    }),
  );
  return { controller, runner, generate };
}
