// The prompt editor's commands: from the command palette (pick a tune), the tree ("Generate…", a prompt's
// Remix) and `tuneStudio.openPromptEditor` for other extensions. Each reads its argument once, here, and
// goes through the front door (open.ts); the editor itself lives in src/webviews/promptEditorPanel.ts.
import * as vscode from 'vscode';
import type { Tune } from '../api/astria/types';
import { tuneState } from '../api/astria/state';
import type { Services } from '../services';
import type { Open } from '../open';
import { modelLabel } from '../views/nodes';
import { KNOWN_BASE_TUNES, isBaseModel } from '../shared/prompt/capabilities';
import { parseOpenArgument } from './promptEditorArgs';
import { searchQuickPick, tuneSearchNote } from './searchQuickPick';

/** Tunes per search: one request answers each keystroke pause. */
const PICK_PAGE_SIZE = 50;

type TuneItem = vscode.QuickPickItem & { tuneId?: number; tune?: Tune };

function tuneItem(tune: Tune): TuneItem {
  const base = isBaseModel(tune);
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

/** Registers `tuneStudio.openPromptEditor(arg?)`, `tuneStudio.newPrompt` and `tuneStudio.generate(node)`. */
export function registerPromptEditorCommands(context: vscode.ExtensionContext, services: Services, open: Open): void {
  const openFrom = async (arg: unknown): Promise<void> => {
    let request = parseOpenArgument(arg);
    if (!request) {
      const picked = await promptEditorPicker.pickTune(services);
      if (!picked) return;
      request = { kind: 'tune', tuneId: picked.tuneId, tune: picked.tune };
    }
    await open.promptEditor(request);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('tuneStudio.openPromptEditor', openFrom),
    vscode.commands.registerCommand('tuneStudio.newPrompt', () => openFrom(undefined)),
    vscode.commands.registerCommand('tuneStudio.generate', (node?: unknown) => openFrom(node)),
  );
}
