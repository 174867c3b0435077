import * as vscode from 'vscode';
import type { FineTune, FineTuneStatus, Voice } from '../api/cartesia/types';
import type { Services } from '../services';
import { TreeItemCache, pageTooltip, spinWhileLoading, withTooltip } from './listRows';
import { ErrorNode, LoadMoreNode, MessageNode, PageNode, PagedList, type Container } from './pagedList';

export type CartesiaNode =
  | FineTuneNode
  | VoiceNode
  | PageNode<FineTuneNode>
  | LoadMoreNode<FineTuneNode>
  | ErrorNode<FineTuneNode>
  | MessageNode<FineTuneNode>;

type FineTuneList = PagedList<FineTuneNode, FineTuneNode, FineTune>;
type VoiceList = PagedList<VoiceNode, FineTuneNode, Voice>;

export class FineTuneNode {
  readonly kind = 'fineTune';
  /** Its voices once opened; undefined = asked for again when next opened. */
  voices: VoiceList | undefined;
  constructor(
    readonly fineTune: FineTune,
    readonly parent: Container<FineTuneNode>,
  ) {}
}

export class VoiceNode {
  readonly kind = 'voice';
  constructor(
    readonly voice: Voice,
    readonly parent: Container<FineTuneNode>,
    readonly fineTune: FineTune,
  ) {}
}

const STATUS_ICON: Record<FineTuneStatus, vscode.ThemeIcon> = {
  created: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.yellow')),
  training: new vscode.ThemeIcon('loading~spin'),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

/**
 * The Cartesia Fine-tunes view: cursor-paged fine-tunes; a completed one lists its voices. Paged like the
 * Tunes view: the first page in place, older pages in groups, ten to a block, Load more at the end of the newest.
 */
export class CartesiaTreeProvider implements vscode.TreeDataProvider<CartesiaNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CartesiaNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private root: FineTuneList | undefined;
  private readonly items = new TreeItemCache();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: Services) {
    this.disposables.push(this.changed, services.onDidChangeConnection(() => this.refresh()));
  }

  refresh(): void {
    this.root = undefined;
    this.changed.fire(undefined);
  }

  getParent(node: CartesiaNode): CartesiaNode | undefined {
    return node.parent;
  }

  getTreeItem(node: CartesiaNode): vscode.TreeItem {
    switch (node.kind) {
      case 'fineTune':
        return this.items.get(node, [], () => fineTuneTreeItem(node));
      case 'voice':
        return this.items.get(node, [], () => voiceTreeItem(node));
      default:
        return this.items.listRow(node);
    }
  }

  /** The hover, built only when a row is hovered. */
  resolveTreeItem(item: vscode.TreeItem, node: CartesiaNode): vscode.TreeItem {
    switch (node.kind) {
      case 'fineTune': {
        const { fineTune } = node;
        const tooltip = new vscode.MarkdownString();
        tooltip.appendText(`${fineTune.name}\n\n${fineTune.description}\n\nID ${fineTune.id} · dataset ${fineTune.dataset}`);
        return withTooltip(item, tooltip);
      }
      case 'voice':
        return withTooltip(item, node.voice.description || node.voice.name);
      case 'page':
        return withTooltip(item, pageTooltip(node));
      default:
        return item;
    }
  }

  async getChildren(node?: CartesiaNode): Promise<CartesiaNode[]> {
    if (!node) {
      if (!(await this.services.keys.has('cartesia'))) return [];
      // Keep a local reference: a refresh during the await replaces this.root and fires another change.
      const root = (this.root ??= this.newRootList());
      const rows = await root.rowsOf(undefined);
      // Replaced meanwhile (a refresh, a settings change): its page was dropped, so answer with the new list.
      if (this.root !== root) return this.getChildren();
      return rows;
    }
    if (node.kind === 'fineTune') return (node.voices ??= this.newVoiceList(node)).rowsOf(node);
    if (node.kind === 'page') return this.listOfRow(node)?.rows(node) ?? [];
    return [];
  }

  /** The list a row of paging (a group, Load more, an error) belongs to, if it is still the one shown. */
  private listOfRow(node: PageNode<FineTuneNode> | LoadMoreNode<FineTuneNode> | ErrorNode<FineTuneNode>): FineTuneList | VoiceList | undefined {
    const container = node.parent;
    const owner = container instanceof PageNode ? container.owner : node instanceof PageNode ? node.owner : container;
    const list = owner ? owner.voices : this.root;
    return list?.owns(node) ? list : undefined;
  }

  /** The "Load more" row: it spins while the next page loads, then the block it ends is redrawn (a new block: its list's owner). */
  async loadMore(node: LoadMoreNode<FineTuneNode>): Promise<void> {
    const list = this.listOfRow(node);
    if (!list || node.loading) return;
    const loaded = await spinWhileLoading(node, (n) => this.changed.fire(n), () => list.loadNext());
    if (loaded) this.redraw(list, loaded.redraw);
  }

  /** Retry: a failed older page is asked for again; a failed first page starts its list again. */
  retry(node: ErrorNode<FineTuneNode>): Promise<void> | void {
    const list = this.listOfRow(node);
    if (node.pageIndex > 0) {
      if (!list) return; // a row of a list a refresh replaced
      list.clearError();
      return list.loadNext().then((loaded) => loaded && this.redraw(list, loaded.redraw));
    }
    const container = node.parent;
    if (container instanceof FineTuneNode) {
      container.voices = undefined;
      this.changed.fire(container);
    } else {
      this.refresh();
    }
  }

  /** Redraws a container, with the groups it shows folded but the newest (they stay loaded). */
  private redraw(list: FineTuneList | VoiceList, container: Container<FineTuneNode>): void {
    list.fold(container);
    this.changed.fire(container);
  }

  private newRootList(): FineTuneList {
    const list: FineTuneList = new PagedList<FineTuneNode, FineTuneNode, FineTune>({
      pager: this.services.cartesia.fineTunePager(Math.min(100, this.services.settings.pageSize)),
      isCurrent: () => this.root === list,
      toItem: (fineTune, container) => new FineTuneNode(fineTune, container),
      view: 'cartesia',
      owner: undefined,
      listKey: 'root',
      emptyMessage: 'No fine-tunes yet.',
      noun: 'fine-tunes',
    });
    return list;
  }

  private newVoiceList(node: FineTuneNode): VoiceList {
    const list: VoiceList = new PagedList<VoiceNode, FineTuneNode, Voice>({
      pager: this.services.cartesia.voicePager(node.fineTune.id, 100),
      isCurrent: () => node.voices === list && this.root?.find((n) => n === node) !== undefined,
      toItem: (voice, container) => new VoiceNode(voice, container, node.fineTune),
      view: 'cartesia',
      owner: node,
      listKey: `fineTune:${node.fineTune.id}`,
      emptyMessage: 'No voices.',
      noun: 'voices',
      blockLabel: (range) => `More voices ${range}`,
    });
    return list;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function fineTuneTreeItem(node: FineTuneNode): vscode.TreeItem {
  const { fineTune } = node;
  const item = new vscode.TreeItem(
    fineTune.name || fineTune.id,
    fineTune.status === 'completed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `fineTune:${fineTune.id}`;
  item.description = [fineTune.status, fineTune.language, fineTune.model_id].filter(Boolean).join(' · ');
  item.iconPath = STATUS_ICON[fineTune.status] ?? new vscode.ThemeIcon('question');
  item.contextValue = `fineTune.${fineTune.status}`;
  return item;
}

function voiceTreeItem(node: VoiceNode): vscode.TreeItem {
  const { voice } = node;
  const item = new vscode.TreeItem(voice.name || voice.id, vscode.TreeItemCollapsibleState.None);
  item.id = `voice:${node.fineTune.id}:${voice.id}`;
  item.description = [voice.language, voice.gender].filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon('unmute');
  item.contextValue = voice.preview_file_url ? 'voice.preview' : 'voice.noPreview';
  if (voice.preview_file_url) {
    item.command = { command: 'tuneStudio.playVoice', title: 'Play Voice Preview', arguments: [node] };
  }
  return item;
}
