import * as vscode from 'vscode';
import type { TuneSearchProgress } from '../api/astria/client';
import { errorMessage } from '../shared/errorMessage';

const SEARCH_DELAY_MS = 250;

export interface SearchQuickPickOptions<T extends vscode.QuickPickItem> {
  title: string;
  placeholder: string;
  /** Shown at once, before the first answer arrives. */
  initialItems?: T[];
  matchOnDescription?: boolean;
  /**
   * Asked after each pause in typing (and once with ''); an older search is aborted by a newer one and
   * by hiding the QuickPick. `progress` shows how far a long (client-side) search got.
   */
  search: (query: string, signal: AbortSignal, progress: (note: string) => void) => Promise<T[]>;
}

/** Progress of a tune search for the QuickPick's title ("searched 60 tunes"). */
export function tuneSearchNote(progress: TuneSearchProgress): string {
  return progress.serverFiltered ? '' : `searched ${progress.searched} tune${progress.searched === 1 ? '' : 's'}`;
}

/** A QuickPick whose items come from the server as you type; resolves with the accepted item. */
export async function searchQuickPick<T extends vscode.QuickPickItem>(options: SearchQuickPickOptions<T>): Promise<T | undefined> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.matchOnDescription = options.matchOnDescription ?? false;
  pick.matchOnDetail = true;
  if (options.initialItems) pick.items = options.initialItems;
  let timer: NodeJS.Timeout | undefined;
  let controller: AbortController | undefined;
  const search = async (query: string): Promise<void> => {
    controller?.abort();
    const current = (controller = new AbortController());
    pick.busy = true;
    const progress = (note: string): void => {
      if (!current.signal.aborted) pick.title = note ? `${options.title} (${note}…)` : options.title;
    };
    try {
      const items = await options.search(query, current.signal, progress);
      if (!current.signal.aborted) {
        pick.items = items;
        pick.title = options.title;
      }
    } catch (error) {
      if (current.signal.aborted) return;
      pick.items = [];
      pick.placeholder = errorMessage(error);
    } finally {
      if (!current.signal.aborted) pick.busy = false;
    }
  };
  pick.onDidChangeValue((value) => {
    clearTimeout(timer);
    timer = setTimeout(() => void search(value.trim()), SEARCH_DELAY_MS);
  });
  void search('');
  const chosen = await new Promise<T | undefined>((resolve) => {
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]);
      pick.hide();
    });
    pick.onDidHide(() => {
      controller?.abort(); // stop a long search at once
      resolve(undefined);
    });
    pick.show();
  });
  clearTimeout(timer);
  controller?.abort();
  pick.dispose();
  return chosen;
}
