import * as vscode from 'vscode';

const SEARCH_DELAY_MS = 250;

export interface SearchQuickPickOptions<T extends vscode.QuickPickItem> {
  title: string;
  placeholder: string;
  /** Shown at once, before the first answer arrives. */
  initialItems?: T[];
  matchOnDescription?: boolean;
  /** Asked after each pause in typing (and once with ''); an older search is aborted by a newer one. */
  search: (query: string, signal: AbortSignal) => Promise<T[]>;
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
    try {
      const items = await options.search(query, current.signal);
      if (!current.signal.aborted) pick.items = items;
    } catch (error) {
      if (current.signal.aborted) return;
      pick.items = [];
      pick.placeholder = error instanceof Error ? error.message : String(error);
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
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  clearTimeout(timer);
  controller?.abort();
  pick.dispose();
  return chosen;
}
