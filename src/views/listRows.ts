import * as vscode from 'vscode';
import { ApiError } from '../api/errors';
import { errorMessage } from '../shared/errorMessage';
import type { ErrorNode, ListView, LoadMoreNode, MessageNode, PageNode } from './pagedList';

const SET_KEY_COMMAND: Record<ListView, string> = { tunes: 'tuneStudio.setAstriaKey', cartesia: 'tuneStudio.setCartesiaKey' };

/** A group of older rows (a block of pages, or one page): open when it is the newest, folded otherwise. */
export function pageTreeItem(node: PageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, node.open ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  item.iconPath = new vscode.ThemeIcon(node.level === 'block' ? 'history' : 'list-unordered');
  item.contextValue = node.level === 'block' ? 'pageBlock' : 'page';
  return item;
}

/** The hover of a group (resolved on hover, like every tooltip of the trees). */
export function pageTooltip(node: PageNode): string {
  return node.level === 'block'
    ? `${node.label}: up to ten pages, each in its own group. Load more, at the end of the newest block, adds the next page.`
    : `${node.label}: one page, newest first, already loaded (opening it asks the server nothing).`;
}

export function loadMoreTreeItem(node: LoadMoreNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.loading ? 'Loading…' : 'Load more', vscode.TreeItemCollapsibleState.None);
  item.id = `loadMore:${node.view}:${node.listKey}`;
  item.iconPath = new vscode.ThemeIcon(node.loading ? 'loading~spin' : 'ellipsis');
  item.contextValue = 'loadMore';
  item.command = { command: 'tuneStudio.loadMore', title: 'Load More', arguments: [node] };
  return item;
}

/** Tree items kept per row and built again only when what they show changed (`deps`, compared by identity). */
export class TreeItemCache {
  private readonly items = new WeakMap<object, { deps: readonly unknown[]; item: vscode.TreeItem }>();

  get(node: object, deps: readonly unknown[], build: () => vscode.TreeItem): vscode.TreeItem {
    const cached = this.items.get(node);
    if (cached && cached.deps.length === deps.length && cached.deps.every((dep, i) => dep === deps[i])) return cached.item;
    const item = build();
    this.items.set(node, { deps, item });
    return item;
  }

  /** A list row (page group, Load more, error, message), rebuilt only when what it shows changed. */
  listRow(node: PageNode<object> | LoadMoreNode<object> | ErrorNode<object> | MessageNode<object>): vscode.TreeItem {
    const deps = node.kind === 'page' ? [node.label, node.generation, node.open] : node.kind === 'loadMore' ? [node.loading] : [];
    return this.get(node, deps, () => listRowTreeItem(node));
  }
}

/**
 * What resolveTreeItem answers: the row as it is, with its tooltip (VS Code takes the tooltip and the
 * command from it). The cached item is left as it was, so it stays small.
 */
export function withTooltip(item: vscode.TreeItem, tooltip: string | vscode.MarkdownString | undefined): vscode.TreeItem {
  const resolved = new vscode.TreeItem(item.label ?? '', item.collapsibleState);
  resolved.id = item.id;
  resolved.command = item.command;
  resolved.tooltip = tooltip;
  return resolved;
}

export function errorTreeItem(node: ErrorNode): vscode.TreeItem {
  if (node.error instanceof ApiError && node.error.keyCheckedOn) return keyElsewhereTreeItem(node, node.error);
  const message = errorMessage(node.error);
  const isAuth = node.error instanceof ApiError && node.error.kind === 'auth';
  const item = new vscode.TreeItem(message, vscode.TreeItemCollapsibleState.None);
  item.id = `error:${node.view}:${node.listKey}:${node.pageIndex}`;
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  item.tooltip = message;
  item.contextValue = 'error';
  item.description = isAuth ? 'click to set a key' : 'click to retry';
  item.command = isAuth
    ? { command: SET_KEY_COMMAND[node.view], title: 'Set API Key' }
    : { command: 'tuneStudio.retry', title: 'Retry', arguments: [node] };
  return item;
}

/** The stored key was checked on another server: nothing was sent; the user decides (inline buttons). */
function keyElsewhereTreeItem(node: ErrorNode, error: ApiError): vscode.TreeItem {
  const item = new vscode.TreeItem(error.message, vscode.TreeItemCollapsibleState.None);
  item.id = `keyElsewhere:${node.view}:${node.listKey}:${node.pageIndex}`;
  item.iconPath = new vscode.ThemeIcon('shield', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  item.tooltip = new vscode.MarkdownString(
    `${error.message}\n\nNothing was sent: a key goes only to the server it was checked on. ` +
      'Click to choose: send the key there (it is checked first), or set a different key for this server. ' +
      'To go back, change the base URL in your user settings.',
  );
  item.contextValue = 'keyElsewhere';
  item.description = 'click to choose';
  item.command = { command: 'tuneStudio.useKeyOnConfiguredServer', title: 'Use the Key There…', arguments: [node.view === 'cartesia' ? 'cartesia' : 'astria'] };
  return item;
}

export function messageTreeItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
  const { icon, tooltip, command } = node.options;
  item.iconPath = icon === 'warning' ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon(icon ?? 'info');
  item.tooltip = tooltip ?? node.message;
  if (command) item.command = command;
  return item;
}

/** How long a page may take before its Load more row spins: a faster page is drawn at once, with one redraw. */
export const SPIN_AFTER_MS = 300;

/**
 * Runs a Load more: a second click meanwhile does nothing, and the row shows "Loading…" only when the page
 * is slow (redrawing the row costs a redraw, and VS Code batches redraws 200 ms apart).
 */
export async function spinWhileLoading<N extends LoadMoreNode<object>, T>(node: N, redraw: (node: N) => void, load: () => Promise<T>): Promise<T> {
  node.loading = true;
  let shown = false;
  const spin = setTimeout(() => {
    shown = true;
    redraw(node);
  }, SPIN_AFTER_MS);
  try {
    return await load();
  } finally {
    clearTimeout(spin);
    node.loading = false;
    if (shown) redraw(node);
  }
}

/** The tree item of any list row, for the trees' getTreeItem. */
export function listRowTreeItem(node: PageNode<object> | LoadMoreNode<object> | ErrorNode<object> | MessageNode<object>): vscode.TreeItem {
  switch (node.kind) {
    case 'page':
      return pageTreeItem(node);
    case 'loadMore':
      return loadMoreTreeItem(node);
    case 'error':
      return errorTreeItem(node);
    case 'message':
      return messageTreeItem(node);
  }
}
