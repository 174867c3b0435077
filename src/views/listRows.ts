import * as vscode from 'vscode';
import { ApiError } from '../api/errors';
import { errorMessage } from '../shared/errorMessage';

/** Which tree a row belongs to: the Load more / Retry commands hand it back to that tree. */
export type ListView = 'tunes' | 'cartesia';

const SET_KEY_COMMAND: Record<ListView, string> = { tunes: 'tuneStudio.setAstriaKey', cartesia: 'tuneStudio.setCartesiaKey' };

/** The "Load more" row at the end of a paged list; `parent` undefined = the view's root list. */
export class LoadMoreNode<P extends object = object> {
  readonly kind = 'loadMore';
  loading = false;
  constructor(readonly view: ListView, readonly parent: P | undefined, readonly listKey: string) {}
}

/** A list that failed to load: the message, and Retry (or Set API Key when the key was refused). */
export class ErrorNode<P extends object = object> {
  readonly kind = 'error';
  constructor(readonly view: ListView, readonly error: unknown, readonly parent: P | undefined, readonly listKey: string) {}
}

/** How a message row looks and what clicking it does (default: an info icon, nothing). */
export interface MessageRowOptions {
  /** A codicon name, e.g. 'warning'. */
  icon?: string;
  tooltip?: string;
  command?: { command: string; title: string };
}

/** An informative row such as "No prompts yet." */
export class MessageNode<P extends object = object> {
  readonly kind = 'message';
  constructor(readonly message: string, readonly parent: P | undefined, readonly options: MessageRowOptions = {}) {}
}

export function loadMoreTreeItem(node: LoadMoreNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.loading ? 'Loading…' : 'Load more', vscode.TreeItemCollapsibleState.None);
  item.id = `loadMore:${node.view}:${node.listKey}`;
  item.iconPath = new vscode.ThemeIcon(node.loading ? 'loading~spin' : 'ellipsis');
  item.contextValue = 'loadMore';
  item.command = { command: 'tuneStudio.loadMore', title: 'Load More', arguments: [node] };
  return item;
}

export function errorTreeItem(node: ErrorNode): vscode.TreeItem {
  if (node.error instanceof ApiError && node.error.keyCheckedOn) return keyElsewhereTreeItem(node, node.error);
  const message = errorMessage(node.error);
  const isAuth = node.error instanceof ApiError && node.error.kind === 'auth';
  const item = new vscode.TreeItem(message, vscode.TreeItemCollapsibleState.None);
  item.id = `error:${node.view}:${node.listKey}`;
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
  item.id = `keyElsewhere:${node.view}:${node.listKey}`;
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

/** The row spins while its next page loads; then its list is redrawn. A second click meanwhile does nothing. */
export async function loadMoreInto<P extends object>(
  node: LoadMoreNode<P>,
  redraw: (node: LoadMoreNode<P> | P | undefined) => void,
  load: (parent: P | undefined) => Promise<void>,
): Promise<void> {
  if (node.loading) return;
  node.loading = true;
  redraw(node);
  try {
    await load(node.parent);
  } finally {
    node.loading = false;
  }
  redraw(node.parent);
}

/** The tree item of any list row, for the trees' getTreeItem. */
export function listRowTreeItem(node: LoadMoreNode | ErrorNode | MessageNode): vscode.TreeItem {
  switch (node.kind) {
    case 'loadMore':
      return loadMoreTreeItem(node);
    case 'error':
      return errorTreeItem(node);
    case 'message':
      return messageTreeItem(node);
  }
}
