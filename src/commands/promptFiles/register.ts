// Prompt files (`*.astria.yaml`, `*.astria.json`): diagnostics (with quick fixes), CodeLens, hovers, completions and the
// Generate commands. Commands read their `unknown` arguments once, here, and reach the panels only
// through the typed front doors. What is registered here is light; the machinery (feature.ts, with the
// YAML parser) is imported when the first prompt file is opened, a provider is asked, or a command runs.
import * as vscode from 'vscode';
import type { StatusPoller } from '../../jobs/statusPoller';
import type { Open } from '../../open';
import type { Services } from '../../services';
import type { PromptFilesFeature } from './feature';
import type { RunSummary } from './generate';
import { COMMANDS, PROMPT_FILE_SELECTOR, PromptFileDialogs, isPromptFile } from './names';

export interface PromptFilesApi {
  /** The machinery, imported on first use (a prompt file opened, a provider asked, a command run). */
  loaded(): Promise<PromptFilesFeature>;
  /** Generate's questions (replaceable: a test cannot click a modal). */
  dialogs: PromptFileDialogs;
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
  const dialogs = new PromptFileDialogs();
  let feature: Promise<PromptFilesFeature> | undefined;
  const loaded = (): Promise<PromptFilesFeature> =>
    (feature ??= import('./feature').then(({ createPromptFilesFeature }) => {
      const created = createPromptFilesFeature(services, poller, open, dialogs);
      context.subscriptions.push(created);
      return created;
    }));
  const loadFor = (document: vscode.TextDocument) => {
    if (isPromptFile(document)) void loaded();
  };
  vscode.workspace.textDocuments.forEach(loadFor);

  // The CodeLenses change when the file's state does: forwarded once the machinery is there.
  const codeLensesChanged = new vscode.EventEmitter<void>();
  const withFeature = async <T>(use: (f: PromptFilesFeature) => T | Promise<T>): Promise<T> => use(await loaded());
  let forwarding = false;
  const codeLenses = async (f: PromptFilesFeature) => {
    if (!forwarding) {
      forwarding = true;
      context.subscriptions.push(f.codeLenses.onDidChangeCodeLenses(() => codeLensesChanged.fire()));
    }
    return f.codeLenses;
  };

  context.subscriptions.push(
    codeLensesChanged,
    vscode.workspace.onDidOpenTextDocument(loadFor),
    vscode.languages.registerCodeLensProvider(PROMPT_FILE_SELECTOR, {
      onDidChangeCodeLenses: codeLensesChanged.event,
      provideCodeLenses: async (document) => (await codeLenses(await loaded())).provideCodeLenses(document),
    }),
    vscode.languages.registerHoverProvider(PROMPT_FILE_SELECTOR, {
      provideHover: (document, position) => withFeature((f) => f.hovers.provideHover(document, position)),
    }),
    // "Did you mean …?" problems: replace the misspelt key with the guess.
    vscode.languages.registerCodeActionsProvider(
      PROMPT_FILE_SELECTOR,
      { provideCodeActions: (document, range, codeActionContext) => withFeature((f) => f.quickFixes.provideCodeActions(document, range, codeActionContext)) },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
    vscode.languages.registerCompletionItemProvider(
      [{ pattern: '**/*.astria.{yaml,yml}' }],
      { provideCompletionItems: (document, position) => withFeature((f) => f.completions.provideCompletionItems(document, position)) },
      ':', ' ', '-',
    ),
    // `<lora:ID:w>`, `<faceid:ID:w>` and image URLs in any file: the machinery loads only over one of them.
    vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], {
      provideHover: (document, position) =>
        document.getWordRangeAtPosition(position, REFERENCE_PATTERN)
          ? withFeature((f) => f.referenceHovers.provideHover(document, position))
          : undefined,
    }),
    vscode.commands.registerCommand(COMMANDS.generate, async (...args: unknown[]) => {
      const parsed = promptFileArgs(args);
      if (parsed?.index === undefined) return;
      await (await loaded()).generate(parsed.uri, parsed.index);
    }),
    vscode.commands.registerCommand(COMMANDS.generateAll, async (...args: unknown[]) => {
      const parsed = promptFileArgs(args);
      if (!parsed) {
        void vscode.window.showInformationMessage('Open a prompt file (*.astria.yaml or *.astria.json) first.');
        return;
      }
      await (await loaded()).generate(parsed.uri);
    }),
    vscode.commands.registerCommand(COMMANDS.openInPromptEditor, (...args: unknown[]) => withEntry(args, (f, uri, index) => f.openEntry(uri, index))),
    vscode.commands.registerCommand(COMMANDS.sweep, (...args: unknown[]) => withEntry(args, (f, uri, index) => f.openEntry(uri, index, 'sweep'))),
    vscode.commands.registerCommand(COMMANDS.openGallery, (...args: unknown[]) => withEntry(args, (f, uri, index) => f.openGallery(uri, index))),
  );

  /** A command about one entry: `[uri, index]`. */
  async function withEntry(args: unknown[], use: (f: PromptFilesFeature, uri: vscode.Uri, index: number) => Promise<void>): Promise<void> {
    const parsed = promptFileArgs(args);
    if (!parsed || parsed.index === undefined) return;
    await use(await loaded(), parsed.uri, parsed.index);
  }

  return { loaded, dialogs, generate: async (uri, index, signal) => (await loaded()).generate(uri, index, signal) };
}

/** What a reference hover is about: an image URL, or a `<lora:ID:w>` / `<faceid:ID:w>` token (see ReferenceHovers). */
const REFERENCE_PATTERN = /https?:\/\/[^\s()<>"'`\]]+|<(lora|faceid):\d+:[\d.]+>/i;
