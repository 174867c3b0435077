// The prompt files' machinery, loaded when the first prompt file is opened or a prompt file command
// runs (register.ts): the parser (with the YAML library), the checks and diagnostics, the CodeLenses,
// hovers and completions, and the Generate runner.
import * as vscode from 'vscode';
import type { StatusPoller } from '../../jobs/statusPoller';
import type { Open } from '../../open';
import type { Services } from '../../services';
import type { EditorSection } from '../../shared/promptEditor';
import { PromptFilesController } from './controller';
import { PromptFileRunner, type RunSummary } from './generate';
import { isPromptFile, type PromptFileDialogs } from './names';
import { PromptFileCodeLenses, PromptFileCompletions, PromptFileHovers, PromptFileQuickFixes, ReferenceHovers } from './providers';

export interface PromptFilesFeature extends vscode.Disposable {
  controller: PromptFilesController;
  runner: PromptFileRunner;
  codeLenses: PromptFileCodeLenses;
  hovers: PromptFileHovers;
  /** Quick fixes of the "Did you mean …?" problems. */
  quickFixes: PromptFileQuickFixes;
  completions: PromptFileCompletions;
  referenceHovers: ReferenceHovers;
  /** Generate one entry (index) or every entry of a file; what was created and what was not. */
  generate(uri: vscode.Uri, index?: number, signal?: AbortSignal): Promise<RunSummary | undefined>;
  /** An entry's draft in its tune's prompt editor ("Open in Prompt Editor"), maybe with a section open ("Sweep…"). */
  openEntry(uri: vscode.Uri, index: number, section?: EditorSection): Promise<void>;
  /** The gallery of the prompt an entry made. */
  openGallery(uri: vscode.Uri, index: number): Promise<void>;
}

export function createPromptFilesFeature(services: Services, poller: StatusPoller, open: Open, dialogs: PromptFileDialogs): PromptFilesFeature {
  const controller = new PromptFilesController(services, poller);
  const runner = new PromptFileRunner(services, controller, dialogs);

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
  const entryOf = async (uri: vscode.Uri, index: number) => {
    const document = await documentFor(uri);
    const state = document ? await controller.stateOf(document) : undefined;
    const entryState = state?.entries[index];
    if (!state || !entryState) return undefined;
    return { state, entryState };
  };

  return {
    controller,
    runner,
    codeLenses: new PromptFileCodeLenses(controller),
    hovers: new PromptFileHovers(controller),
    quickFixes: new PromptFileQuickFixes(controller),
    completions: new PromptFileCompletions(),
    referenceHovers: new ReferenceHovers((id) => controller.tunes.lookup(id), (url) => controller.isKnownImage(url)),
    generate,
    openEntry: async (uri, index, section) => {
      const found = await entryOf(uri, index);
      if (!found) return;
      const tune = found.state.lookup?.tune;
      if (!tune) {
        void vscode.window.showErrorMessage(found.state.lookup?.problem ?? 'The file does not say which tune to use (tune: id or title).');
        return;
      }
      await open.promptEditor({ kind: 'draft', tuneId: tune.id, draft: found.entryState.checked.draft, ...(section ? { section } : {}) });
    },
    openGallery: async (uri, index) => {
      const found = await entryOf(uri, index);
      const id = found?.entryState.entry.id?.value;
      const tune = found?.state.lookup?.tune;
      if (!found || id === undefined || !tune) return;
      await open.gallery({ kind: 'prompt', tuneId: tune.id, promptId: id, title: found.entryState.entry.name });
    },
    dispose: () => controller.dispose(),
  };
}
