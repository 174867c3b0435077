// The prompt editors' registry: one panel per tune, its serializer, and the front door open.ts hands out.
// The panel's host (promptEditorPanel.ts and what it uses) is imported when the first editor opens.
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { ResponseMessage } from '../shared/rpc';
import { PROMPT_EDITOR_VIEW_TYPE, type DraftReplacedReason, type EditorSection } from '../shared/promptEditor';
import type { PromptDraft } from '../shared/prompt/draft';
import type { SweepStore } from '../jobs/sweeps';
import type { Open, PromptEditorRequest } from '../open';
import type { SweepDialogs } from './sweepRun';
import { SingletonPanels } from './panelHost';
import { PresetStore } from './presetStore';
import { editorTarget, tuneIdFromViewState } from './promptEditorModel';
import { PromptEditorDialogs } from './promptEditorDialogs';
import type { PromptEditorPanel, PromptEditorDeps, PromptEditorSubject } from './promptEditorPanel';

/** What the extension exports for tests (`promptEditor`). */
export interface PromptEditorApi {
  /** The open editor of a tune, if any. */
  panelOf(tuneId: number): PromptEditorPanel | undefined;
  /** Opens (or reveals) a tune's editor; a draft replaces the form as "prefill" would. */
  open(subject: PromptEditorSubject, draft?: { draft: PromptDraft; reason: DraftReplacedReason }, section?: EditorSection): Promise<PromptEditorPanel>;
  /** The prompt editor's front door (see open.ts). */
  openRequest(request: PromptEditorRequest): Promise<void>;
  /** Handles a message as if the tune's webview had posted it, and returns the host's answer. */
  receive(tuneId: number, message: unknown): Promise<ResponseMessage | undefined>;
  /** The serializer's entry point: a panel VS Code restored, with the state its webview saved. */
  revive(panel: vscode.WebviewPanel, state: unknown): Promise<PromptEditorPanel | undefined>;
  /** Replaceable file dialog (a test cannot click it). */
  dialogs: PromptEditorDialogs;
}

/** Creates the editors' registry and serializer; the commands live in src/commands/promptEditor.ts. */
export function createPromptEditors(
  context: vscode.ExtensionContext,
  services: Services,
  doors: Open,
  sweeps: SweepStore,
  sweepDialogs: SweepDialogs,
): PromptEditorApi {
  const presets = new PresetStore(context.globalState);
  const dialogs = new PromptEditorDialogs();
  const deps: PromptEditorDeps = {
    extensionUri: context.extensionUri,
    services,
    sessionPrompts: new Map(),
    presets,
    dialogs,
    sweepDialogs,
    open: doors,
    sweeps,
  };
  const panels = new SingletonPanels<PromptEditorSubject, PromptEditorPanel>({
    viewType: PROMPT_EDITOR_VIEW_TYPE,
    extensionUri: context.extensionUri,
    key: (subject) => `tune:${subject.tuneId}`,
    title: (subject) => `Prompt: ${subject.tune?.title ?? `Tune ${subject.tuneId}`}`,
    load: async () => {
      const { PromptEditorPanel } = await import('./promptEditorPanel');
      return (panel, subject, restoredState) => new PromptEditorPanel(panel, subject.tuneId, deps, { tune: subject.tune, viewState: restoredState });
    },
    subjectFromState: (state) => {
      const tuneId = tuneIdFromViewState(state);
      return tuneId === undefined ? undefined : { tuneId };
    },
    log: services.log,
  });
  context.subscriptions.push(presets, panels, panels.registerSerializer());

  const open = async (subject: PromptEditorSubject, draft?: { draft: PromptDraft; reason: DraftReplacedReason }, section?: EditorSection): Promise<PromptEditorPanel> => {
    const { panel } = await panels.show(subject);
    if (draft) panel.replaceDraft(draft.draft, draft.reason);
    if (section) panel.revealSection(section);
    return panel;
  };
  return {
    panelOf: (tuneId) => panels.get({ tuneId }),
    open,
    openRequest: async (request) => {
      const target = editorTarget(request);
      await open({ tuneId: target.tuneId, tune: target.tune }, target.prefill, target.section);
    },
    receive: async (tuneId, message) => {
      const panel = panels.get({ tuneId });
      if (!panel) throw new Error(`No prompt editor is open for tune ${tuneId}`);
      return panel.host.handle(message);
    },
    revive: (panel, state) => panels.revive(panel, state),
    dialogs,
  };
}
