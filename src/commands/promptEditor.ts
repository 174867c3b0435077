// Opening the prompt editor: from the command palette (pick a tune), the tree ("Generate…") and the
// gallery (Remix, Use as Input Image). The editor itself lives in src/webviews/promptEditorPanel.ts.
import * as vscode from 'vscode';
import type { Tune } from '../api/astria/types';
import { tuneState } from '../api/astria/state';
import type { Services } from '../services';
import type { StatusPoller } from '../jobs/statusPoller';
import { modelLabel } from '../views/nodes';
import { KNOWN_BASE_TUNES } from '../shared/prompt/capabilities';
import { createPromptEditors, OPEN_PROMPT_EDITOR_COMMAND, type NewPromptSink, type PromptEditorApi, type PromptEditorSubject } from '../webviews/promptEditorPanel';
import { openRequest } from '../webviews/promptEditorModel';
import { searchQuickPick, tuneSearchNote } from './searchQuickPick';

/** Tunes per search: one request answers each keystroke pause. */
const PICK_PAGE_SIZE = 50;

type TuneItem = vscode.QuickPickItem & { tuneId?: number; tune?: Tune };

function tuneItem(tune: Tune): TuneItem {
  const base = KNOWN_BASE_TUNES[tune.id] !== undefined || (!tune.name && tune.base_tune_id == null);
  const kind = base ? 'base model' : modelLabel(tune);
  return {
    label: tune.title || `Tune ${tune.id}`,
    description: [tune.name, kind, tune.branch, base ? undefined : tuneState(tune)].filter(Boolean).join(' · '),
    detail: `ID ${tune.id}`,
    iconPath: new vscode.ThemeIcon(base ? 'library' : 'sparkle'),
    tuneId: tune.id,
    tune,
  };
}

/** The tune picker of "New Prompt…", replaceable by the integration suite (a test cannot type into it). */
export const promptEditorPicker = {
  /** Searches titles on the server as you type; well-known base models are always offered; an id finds its tune. */
  async pickTune(services: Services): Promise<{ tuneId: number; tune?: Tune } | undefined> {
    const chosen = await searchQuickPick<TuneItem>({
      title: 'Tune Studio: New Prompt',
      placeholder: 'Search tunes by title (or type an id), including base models such as Flux1.dev',
      matchOnDescription: true,
      search: async (query, signal, progress) => {
        const byId = /^\d{1,12}$/.test(query) ? services.astria.getTune(Number(query), { signal }).catch(() => undefined) : undefined;
        const found = await services.astria.searchTunes(query, { limit: PICK_PAGE_SIZE, signal, onProgress: (p) => progress(tuneSearchNote(p)) });
        const exact = byId ? await byId : undefined;
        const tunes = exact && !found.some((t) => t.id === exact.id) ? [exact, ...found] : found;
        const listed = new Set(tunes.map((t) => t.id));
        // Base models are public: not every account's listing has them, so the well-known ones are added.
        const lower = query.toLowerCase();
        const extraBases: TuneItem[] = Object.entries(KNOWN_BASE_TUNES)
          .filter(([id, info]) => !listed.has(Number(id)) && (lower === '' || info.title.toLowerCase().includes(lower) || id === query))
          .map(([id, info]) => ({ label: info.title, description: 'base model', detail: `ID ${id}`, iconPath: new vscode.ThemeIcon('library'), tuneId: Number(id) }));
        const items: TuneItem[] = tunes.map(tuneItem);
        if (extraBases.length > 0) items.push({ label: 'Base models', kind: vscode.QuickPickItemKind.Separator }, ...extraBases);
        return items;
      },
    });
    return chosen?.tuneId === undefined ? undefined : { tuneId: chosen.tuneId, tune: chosen.tune };
  },
};

/**
 * Registers the prompt editor: its panels and serializer, and the commands
 * `tuneStudio.openPromptEditor(arg?)`, `tuneStudio.newPrompt` and `tuneStudio.generate(node)`.
 */
export function registerPromptEditor(
  context: vscode.ExtensionContext,
  services: Services,
  poller: StatusPoller,
  tunes: NewPromptSink,
): PromptEditorApi {
  const editors = createPromptEditors(context, services, poller, tunes);

  const openFrom = async (arg: unknown): Promise<void> => {
    const request = openRequest(arg);
    let target: PromptEditorSubject | undefined = request.tuneId === undefined ? undefined : { tuneId: request.tuneId, tune: request.tune };
    target ??= await promptEditorPicker.pickTune(services);
    if (!target) return;
    editors.open(target, request.prefill);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_PROMPT_EDITOR_COMMAND, openFrom),
    vscode.commands.registerCommand('tuneStudio.newPrompt', () => openFrom(undefined)),
    vscode.commands.registerCommand('tuneStudio.generate', (node?: unknown) => openFrom(node)),
  );
  return editors;
}
