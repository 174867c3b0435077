import * as vscode from 'vscode';
import type { Prompt, Tune } from '../api/astria/types';
import type { Services } from '../services';
import type { StatusPoller } from '../jobs/statusPoller';
import { ImageNode, PromptNode, TuneNode, type TunesNode, imageTreeItem, promptTreeItem, tuneTreeItem } from './nodes';
import { ErrorNode, LoadMoreNode, listRowTreeItem, loadMoreInto } from './listRows';
import { PagedList } from './pagedList';

/** The Tunes view as commands and notifications use it: the provider and its tree view. */
export interface TunesView {
  provider: TunesTreeProvider;
  view: vscode.TreeView<TunesNode>;
}

/**
 * The Tunes view: tunes → prompts → images, newest first, one request per page (the API's pagers pick
 * keyset or offset paging). Nodes are kept by id so updates from the poller change rows in place.
 */
export class TunesTreeProvider implements vscode.TreeDataProvider<TunesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TunesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private root: PagedList<TuneNode, TuneNode, Tune> | undefined;
  private readonly tuneNodes = new Map<number, TuneNode>();
  private readonly promptLists = new Map<number, PagedList<PromptNode, TuneNode, Prompt>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly services: Services,
    private readonly poller: StatusPoller,
  ) {
    this.disposables.push(
      this.changed,
      services.onDidChangeConnection(() => this.refresh()),
      // The tree follows the change stream, whoever made the change (a panel, a prompt file, a sweep, an agent tool, the poller).
      services.changes.subscribe((change) => {
        switch (change.kind) {
          case 'promptCreated':
            return this.addPrompt(change.prompt);
          case 'promptProgressed':
          case 'promptFinished':
          case 'promptLiked':
            return this.updatePrompt(change.prompt);
          case 'promptDeleted':
            return this.removePrompt(change.tuneId, change.promptId);
          case 'tuneCreated':
            return this.addTune(change.tune);
          case 'tuneProgressed':
          case 'tuneFinished':
            return this.updateTune(change.tune);
          case 'tuneDeleted':
            return this.removeTune(change.tuneId);
        }
      }),
    );
  }

  /** Drop everything and load the first page again. */
  refresh(): void {
    this.root = undefined;
    this.tuneNodes.clear();
    this.promptLists.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: TunesNode): vscode.TreeItem {
    switch (node.kind) {
      case 'tune':
        return tuneTreeItem(node);
      case 'prompt':
        return promptTreeItem(node);
      case 'image':
        return imageTreeItem(node);
      default:
        return listRowTreeItem(node);
    }
  }

  getParent(node: TunesNode): TunesNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TunesNode): Promise<TunesNode[]> {
    if (!node) return this.rootChildren();
    if (node.kind === 'tune') return this.promptChildren(node);
    if (node.kind === 'prompt') {
      return node.prompt.images.map((url, index) => new ImageNode(url, index, node));
    }
    return [];
  }

  private async rootChildren(): Promise<TunesNode[]> {
    if (!(await this.services.keys.has('astria'))) return []; // the welcome view takes over
    // Keep a local reference: a refresh during the await replaces this.root and fires another change.
    const list = (this.root ??= this.newRootList());
    await list.ensureLoaded();
    // Replaced meanwhile (a refresh, a settings change): its page was dropped, so answer with the new list.
    if (this.root !== list) return this.rootChildren();
    return list.rows();
  }

  private newRootList(): PagedList<TuneNode, TuneNode, Tune> {
    const list: PagedList<TuneNode, TuneNode, Tune> = new PagedList<TuneNode, TuneNode, Tune>({
      pager: this.services.astria.tunePager({ limit: this.services.settings.pageSize }),
      isCurrent: () => this.root === list,
      view: 'tunes',
      parent: undefined,
      listKey: 'root',
      emptyMessage: 'No tunes yet. Create one from images in your workspace.',
      incompleteRow: (shown) => ({
        message: `The server ignored paging: only the first ${shown} ${shown === 1 ? 'tune is' : 'tunes are'} shown. Use Find Tune… to reach the others.`,
        tooltip: 'The server answered every "next page" with the first page again (it ignores before_id, limit and offset), so the list may be incomplete. Click to find a tune by its title.',
        command: { command: 'tuneStudio.findTune', title: 'Find Tune…' },
      }),
      toItem: (tune) => {
        if (this.tuneNodes.has(tune.id)) return undefined;
        const node = new TuneNode(tune);
        this.tuneNodes.set(tune.id, node);
        this.poller.watchTune(tune);
        return node;
      },
    });
    return list;
  }

  private async promptChildren(tuneNode: TuneNode): Promise<TunesNode[]> {
    const tuneId = tuneNode.tune.id;
    let list = this.promptLists.get(tuneId);
    if (!list) this.promptLists.set(tuneId, (list = this.newPromptList(tuneNode)));
    await list.ensureLoaded();
    return list.rows();
  }

  private newPromptList(tuneNode: TuneNode): PagedList<PromptNode, TuneNode, Prompt> {
    const tuneId = tuneNode.tune.id;
    const list: PagedList<PromptNode, TuneNode, Prompt> = new PagedList<PromptNode, TuneNode, Prompt>({
      pager: this.services.astria.promptPager(tuneId, { limit: this.services.settings.pageSize }),
      isCurrent: () => this.promptLists.get(tuneId) === list,
      view: 'tunes',
      parent: tuneNode,
      listKey: `tune:${tuneId}`,
      emptyMessage: 'No prompts yet.',
      incompleteRow: (shown) => ({
        message: `The server ignored paging: only the first ${shown} ${shown === 1 ? 'prompt is' : 'prompts are'} shown.`,
        tooltip: 'The server answered every "next page" with the first page again (it ignores before_id, limit and offset), so older prompts of this tune may be missing here.',
      }),
      toItem: (prompt) => {
        if (list.items.some((p) => p.prompt.id === prompt.id)) return undefined; // added by addPrompt meanwhile
        this.poller.watchPrompt(prompt);
        return new PromptNode(prompt, tuneNode);
      },
    });
    return list;
  }

  /** The "Load more" row: fetch the next page of its list. */
  loadMore(node: LoadMoreNode<TuneNode>): Promise<void> {
    return loadMoreInto(node, (n) => this.changed.fire(n), (parent) => (parent ? this.loadPromptPage(parent) : this.loadRootPage()));
  }

  /** The retry action of an error row. */
  retry(node: ErrorNode<TuneNode>): void {
    if (node.parent) {
      this.promptLists.delete(node.parent.tune.id);
      this.changed.fire(node.parent);
    } else {
      this.refresh();
    }
  }

  private loadRootPage(): Promise<void> {
    return this.root?.loadNext() ?? Promise.resolve();
  }

  private loadPromptPage(tuneNode: TuneNode): Promise<void> {
    return this.promptLists.get(tuneNode.tune.id)?.loadNext() ?? Promise.resolve();
  }

  /** Load tune pages until the tune is in the tree (for reveal after Find Tune or create). */
  async nodeForTune(tune: Tune): Promise<TuneNode> {
    const known = this.tuneNodes.get(tune.id);
    if (known) return known;
    if (!this.root) await this.rootChildren();
    const root = this.root;
    // A tune newer than the first page (just created) goes on top; an older one is loaded page by page.
    const newest = root?.items[0]?.tune.id ?? 0;
    if (root && tune.id > newest) {
      const node = new TuneNode(tune);
      this.tuneNodes.set(tune.id, node);
      root.items.unshift(node);
      this.poller.watchTune(tune);
      this.changed.fire(undefined);
      return node;
    }
    for (let guard = 0; root && root.hasMore && !this.tuneNodes.has(tune.id) && guard < 50; guard++) {
      await this.loadRootPage();
      if (root.error) break;
    }
    this.changed.fire(undefined);
    const node = this.tuneNodes.get(tune.id);
    if (node) return node;
    // Not in the listing (another workspace, say): show it anyway so it can be revealed.
    const extra = new TuneNode(tune);
    this.tuneNodes.set(tune.id, extra);
    root?.items.push(extra);
    this.changed.fire(undefined);
    return extra;
  }

  tuneNode(id: number): TuneNode | undefined {
    return this.tuneNodes.get(id);
  }

  promptNode(tuneId: number, promptId: number): PromptNode | undefined {
    return this.promptLists.get(tuneId)?.items.find((p) => p.prompt.id === promptId);
  }

  /** A new prompt, made anywhere: shown on top of its tune's loaded prompts (an unexpanded tune loads it when opened). */
  private addPrompt(prompt: Prompt): void {
    const list = this.promptLists.get(prompt.tune_id);
    const tuneNode = this.tuneNodes.get(prompt.tune_id);
    if (list && tuneNode && !list.items.some((p) => p.prompt.id === prompt.id)) {
      list.items.unshift(new PromptNode(prompt, tuneNode));
      this.changed.fire(tuneNode);
    }
  }

  /** A new tune, made anywhere: on top of the loaded tunes (nodeForTune does the same when revealing it). */
  private addTune(tune: Tune): void {
    const root = this.root;
    if (!root || this.tuneNodes.has(tune.id) || !root.items.length) return;
    if (tune.id < (root.items[0]?.tune.id ?? 0)) return; // older than the newest shown: its page brings it
    const node = new TuneNode(tune);
    this.tuneNodes.set(tune.id, node);
    root.items.unshift(node);
    this.changed.fire(undefined);
  }

  private updateTune(tune: Tune): void {
    const node = this.tuneNodes.get(tune.id);
    if (!node) return;
    node.tune = { ...node.tune, ...tune };
    this.changed.fire(node);
  }

  private updatePrompt(prompt: Prompt): void {
    const node = this.promptNode(prompt.tune_id, prompt.id);
    if (!node) return;
    node.prompt = prompt;
    this.changed.fire(node);
  }

  setBusy(node: TuneNode | PromptNode, busy: string | undefined): void {
    node.busy = busy;
    this.changed.fire(node);
  }

  private removeTune(tuneId: number): void {
    const node = this.tuneNodes.get(tuneId);
    if (!node || !this.root) return;
    this.tuneNodes.delete(tuneId);
    this.promptLists.delete(tuneId);
    this.root.removeDeleted((n) => n === node);
    this.changed.fire(undefined);
  }

  private removePrompt(tuneId: number, promptId: number): void {
    const list = this.promptLists.get(tuneId);
    if (!list) return;
    list.removeDeleted((p) => p.prompt.id === promptId);
    this.changed.fire(this.tuneNodes.get(tuneId));
  }

  /** Tunes loaded so far, in tree order (for tests and the status bar). */
  get loadedTunes(): Tune[] {
    return this.root?.items.map((n) => n.tune) ?? [];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
