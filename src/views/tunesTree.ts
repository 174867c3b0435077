import * as vscode from 'vscode';
import type { Prompt, Tune } from '../api/astria/types';
import type { Services } from '../services';
import type { StatusPoller } from '../jobs/statusPoller';
import {
  PromptNode,
  TuneNode,
  type TunesContainer,
  type TunesNode,
  imageTooltip,
  imageTreeItem,
  promptTooltip,
  promptTreeItem,
  tuneTooltip,
  tuneTreeItem,
} from './nodes';
import { TreeItemCache, pageTooltip, spinWhileLoading, withTooltip } from './listRows';
import { ErrorNode, LoadMoreNode, PageNode, PagedList } from './pagedList';

/** The Tunes view as commands and notifications use it: the provider and its tree view. */
export interface TunesView {
  provider: TunesTreeProvider;
  view: vscode.TreeView<TunesNode>;
}

type TuneList = PagedList<TuneNode, TuneNode, Tune>;
type PromptList = PagedList<PromptNode, TuneNode, Prompt>;

/**
 * The Tunes view: tunes → prompts → images, newest first, one request per page (the API's pagers pick
 * keyset or offset paging). The first page of a list is shown in its owner (the root, a tune); older pages
 * in groups, ten to a block, so Load more redraws one block, never the root or the rows already shown
 * (docs/ARCHITECTURE.md, "Trees that stay fast at 10,000 rows"). Nodes are kept by id so updates from the
 * change stream redraw their own row only; tree items are cached until their tune or prompt changes, and
 * tooltips are built on hover.
 */
export class TunesTreeProvider implements vscode.TreeDataProvider<TunesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TunesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private root: TuneList | undefined;
  private readonly tuneNodes = new Map<number, TuneNode>();
  private readonly promptLists = new Map<number, PromptList>();
  private readonly promptNodes = new Map<number, PromptNode>();
  private readonly items = new TreeItemCache();
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

  /** Drop everything and load the first page again (the groups get new ids: VS Code shows them folded). */
  refresh(): void {
    this.root = undefined;
    this.tuneNodes.clear();
    this.promptLists.clear();
    this.promptNodes.clear();
    this.changed.fire(undefined);
  }

  getTreeItem(node: TunesNode): vscode.TreeItem {
    switch (node.kind) {
      case 'tune':
        return this.items.get(node, [node.tune, node.busy], () => tuneTreeItem(node));
      case 'prompt':
        return this.items.get(node, [node.prompt, node.busy], () => promptTreeItem(node));
      case 'image':
        return this.items.get(node, [], () => imageTreeItem(node));
      default:
        return this.items.listRow(node);
    }
  }

  /** The hover, built only when a row is hovered (plain-http images inlined: the workbench refuses them in a tooltip). */
  async resolveTreeItem(item: vscode.TreeItem, node: TunesNode): Promise<vscode.TreeItem> {
    switch (node.kind) {
      case 'tune':
        return withTooltip(item, await tuneTooltip(node.tune));
      case 'prompt':
        return withTooltip(item, await promptTooltip(node.prompt));
      case 'image':
        return withTooltip(item, await imageTooltip(node));
      case 'page':
        return withTooltip(item, pageTooltip(node));
      default:
        return item;
    }
  }

  getParent(node: TunesNode): TunesNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TunesNode): Promise<TunesNode[]> {
    if (!node) return this.rootChildren();
    switch (node.kind) {
      case 'tune':
        return this.promptChildren(node);
      case 'prompt':
        return node.images;
      case 'page':
        return this.listOfRow(node)?.rows(node) ?? [];
      default:
        return [];
    }
  }

  private async rootChildren(): Promise<TunesNode[]> {
    if (!(await this.services.keys.has('astria'))) return []; // the welcome view takes over
    // Keep a local reference: a refresh during the await replaces this.root and fires another change.
    const list = (this.root ??= this.newRootList());
    const rows = await list.rowsOf(undefined);
    // Replaced meanwhile (a refresh, a settings change): its page was dropped, so answer with the new list.
    if (this.root !== list) return this.rootChildren();
    return rows;
  }

  /** The list a row of paging (a group, Load more, an error) belongs to, if it is still the one shown. */
  private listOfRow(node: PageNode<TuneNode> | LoadMoreNode<TuneNode> | ErrorNode<TuneNode>): TuneList | PromptList | undefined {
    const container = node.parent;
    const owner = container instanceof PageNode ? container.owner : node instanceof PageNode ? node.owner : container;
    const list = owner ? this.promptLists.get(owner.tune.id) : this.root;
    return list?.owns(node) ? list : undefined;
  }

  private newRootList(): TuneList {
    const list: TuneList = new PagedList<TuneNode, TuneNode, Tune>({
      pager: this.services.astria.tunePager({ limit: this.services.settings.pageSize }),
      isCurrent: () => this.root === list,
      view: 'tunes',
      owner: undefined,
      listKey: 'root',
      emptyMessage: 'No tunes yet. Create one from images in your workspace.',
      noun: 'tunes',
      incompleteRow: (shown) => ({
        message: `The server ignored paging: only the first ${shown} ${shown === 1 ? 'tune is' : 'tunes are'} shown. Use Find Tune… to reach the others.`,
        tooltip: 'The server answered every "next page" with the first page again (it ignores before_id, limit and offset), so the list may be incomplete. Click to find a tune by its title.',
        command: { command: 'tuneStudio.findTune', title: 'Find Tune…' },
      }),
      toItem: (tune, container) => {
        if (this.tuneNodes.has(tune.id)) return undefined;
        const node = new TuneNode(tune, container);
        this.tuneNodes.set(tune.id, node);
        this.poller.watchTune(tune);
        return node;
      },
    });
    return list;
  }

  private async promptChildren(tuneNode: TuneNode): Promise<TunesNode[]> {
    return this.promptListOf(tuneNode).rowsOf(tuneNode);
  }

  private promptListOf(tuneNode: TuneNode): PromptList {
    const tuneId = tuneNode.tune.id;
    let list = this.promptLists.get(tuneId);
    if (!list) this.promptLists.set(tuneId, (list = this.newPromptList(tuneNode)));
    return list;
  }

  private newPromptList(tuneNode: TuneNode): PromptList {
    const tuneId = tuneNode.tune.id;
    const list: PromptList = new PagedList<PromptNode, TuneNode, Prompt>({
      pager: this.services.astria.promptPager(tuneId, { limit: this.services.settings.pageSize }),
      isCurrent: () => this.promptLists.get(tuneId) === list,
      view: 'tunes',
      owner: tuneNode,
      listKey: `tune:${tuneId}`,
      emptyMessage: 'No prompts yet.',
      noun: 'prompts',
      incompleteRow: (shown) => ({
        message: `The server ignored paging: only the first ${shown} ${shown === 1 ? 'prompt is' : 'prompts are'} shown.`,
        tooltip: 'The server answered every "next page" with the first page again (it ignores before_id, limit and offset), so older prompts of this tune may be missing here.',
      }),
      toItem: (prompt, container) => {
        if (this.promptNodes.get(prompt.id)?.tuneNode === tuneNode) return undefined; // added by addPrompt meanwhile
        this.poller.watchPrompt(prompt);
        const node = new PromptNode(prompt, container, tuneNode);
        this.promptNodes.set(prompt.id, node);
        return node;
      },
    });
    return list;
  }

  /** The "Load more" row: it spins while the next page loads, then the block it ends is redrawn (a new block: its list's owner). */
  async loadMore(node: LoadMoreNode<TuneNode>): Promise<void> {
    const list = this.listOfRow(node);
    if (!list || node.loading) return;
    const loaded = await spinWhileLoading(node, (n) => this.changed.fire(n), () => list.loadNext());
    if (loaded) this.redraw(loaded.redraw);
  }

  /** The retry action of an error row: a failed older page is asked for again; a failed first page starts its list again. */
  retry(node: ErrorNode<TuneNode>): Promise<void> | void {
    const list = this.listOfRow(node);
    if (node.pageIndex > 0) {
      if (!list) return; // a row of a list a refresh replaced
      list.clearError();
      return list.loadNext().then((loaded) => loaded && this.redraw(loaded.redraw));
    }
    const container = node.parent;
    if (container instanceof TuneNode) {
      this.forgetPrompts(container.tune.id);
      this.changed.fire(container);
    } else {
      this.refresh();
    }
  }

  /**
   * A container's rows changed: redraw it, with the groups it shows folded but the newest (a new id), so
   * VS Code does not ask again for every row they hold (they stay loaded).
   */
  private redraw(container: TunesContainer): void {
    if (container instanceof PageNode) this.listOfRow(container)?.fold(container);
    else if (container) this.promptLists.get(container.tune.id)?.fold(container);
    else this.root?.fold(undefined);
    this.changed.fire(container);
  }

  /** Load tune pages until the tune is in the tree (for reveal after Find Tune or create). */
  async nodeForTune(tune: Tune): Promise<TuneNode> {
    const known = this.tuneNodes.get(tune.id);
    if (known) return known;
    if (!this.root) await this.rootChildren();
    const root = this.root;
    // A tune newer than the first page (just created) goes on top; an older one is loaded page by page.
    const newest = root?.find(() => true)?.tune.id ?? 0;
    if (root && tune.id > newest) return this.addOnTop(root, tune);
    const loadedBefore = root?.loadedPages ?? 0;
    for (let guard = 0; root && root.hasMore && !this.tuneNodes.has(tune.id) && guard < 50; guard++) {
      await root.loadNext();
      if (root.error) break;
    }
    // New blocks, a new trailing row: the root shows them (folded, but the newest block and page).
    if (root && root.loadedPages > loadedBefore) this.redraw(undefined);
    const node = this.tuneNodes.get(tune.id);
    if (node) return node;
    // Not in the listing (another workspace, say): show it anyway, on top, so it can be revealed.
    if (root) return this.addOnTop(root, tune);
    const extra = new TuneNode(tune, undefined);
    this.tuneNodes.set(tune.id, extra);
    return extra;
  }

  private addOnTop(root: TuneList, tune: Tune): TuneNode {
    const node = new TuneNode(tune, undefined);
    this.tuneNodes.set(tune.id, node);
    root.unshift(node);
    this.poller.watchTune(tune);
    this.redraw(undefined);
    return node;
  }

  tuneNode(id: number): TuneNode | undefined {
    return this.tuneNodes.get(id);
  }

  promptNode(tuneId: number, promptId: number): PromptNode | undefined {
    const node = this.promptNodes.get(promptId);
    return node?.prompt.tune_id === tuneId ? node : undefined;
  }

  /** A new prompt, made anywhere: shown on top of its tune's loaded prompts (an unexpanded tune loads it when opened). */
  private addPrompt(prompt: Prompt): void {
    const list = this.promptLists.get(prompt.tune_id);
    const tuneNode = this.tuneNodes.get(prompt.tune_id);
    if (!list || !tuneNode || this.promptNodes.get(prompt.id)?.tuneNode === tuneNode) return;
    const node = new PromptNode(prompt, tuneNode, tuneNode);
    this.promptNodes.set(prompt.id, node);
    list.unshift(node);
    this.redraw(tuneNode);
  }

  /** A new tune, made anywhere: on top of the loaded tunes (nodeForTune does the same when revealing it). */
  private addTune(tune: Tune): void {
    const root = this.root;
    if (!root || this.tuneNodes.has(tune.id) || root.size === 0) return;
    if (tune.id < (root.find(() => true)?.tune.id ?? 0)) return; // older than the newest shown: its page brings it
    this.addOnTop(root, tune);
  }

  /** A tune changed: its own row is redrawn (its older prompts fold). */
  private updateTune(tune: Tune): void {
    const node = this.tuneNodes.get(tune.id);
    if (!node) return;
    node.tune = { ...node.tune, ...tune };
    this.redraw(node);
  }

  private updatePrompt(prompt: Prompt): void {
    const node = this.promptNode(prompt.tune_id, prompt.id);
    if (!node) return;
    node.prompt = prompt;
    this.changed.fire(node);
  }

  setBusy(node: TuneNode | PromptNode, busy: string | undefined): void {
    node.busy = busy;
    if (node instanceof TuneNode) this.redraw(node);
    else this.changed.fire(node);
  }

  private removeTune(tuneId: number): void {
    const node = this.tuneNodes.get(tuneId);
    if (!node || !this.root) return;
    this.tuneNodes.delete(tuneId);
    this.forgetPrompts(tuneId);
    for (const container of this.root.removeDeleted((n) => n === node)) this.redraw(container);
  }

  private forgetPrompts(tuneId: number): void {
    const list = this.promptLists.get(tuneId);
    if (!list) return;
    for (const prompt of list.items()) this.promptNodes.delete(prompt.prompt.id);
    this.promptLists.delete(tuneId);
  }

  private removePrompt(tuneId: number, promptId: number): void {
    const list = this.promptLists.get(tuneId);
    if (!list) return;
    this.promptNodes.delete(promptId);
    for (const container of list.removeDeleted((p) => p.prompt.id === promptId)) this.redraw(container);
  }

  /** Tunes loaded so far, in tree order (for Find Tune's first items and the tests). */
  get loadedTunes(): Tune[] {
    return this.root ? [...this.root.items()].map((n) => n.tune) : [];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
