import * as vscode from 'vscode';
import type { FineTune, FineTuneStatus, Voice } from '../api/cartesia/types';
import type { Services } from '../services';
import { ErrorNode, LoadMoreNode, MessageNode, listRowTreeItem, loadMoreInto } from './listRows';
import { PagedList } from './pagedList';

export type CartesiaNode = FineTuneNode | VoiceNode | LoadMoreNode<FineTuneNode> | ErrorNode<FineTuneNode> | MessageNode<FineTuneNode>;

export class FineTuneNode {
  readonly kind = 'fineTune';
  voices: PagedList<VoiceNode, FineTuneNode, Voice> | undefined;
  constructor(readonly fineTune: FineTune) {}
  readonly parent = undefined;
}

export class VoiceNode {
  readonly kind = 'voice';
  constructor(readonly voice: Voice, readonly parent: FineTuneNode) {}
}

const STATUS_ICON: Record<FineTuneStatus, vscode.ThemeIcon> = {
  created: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.yellow')),
  training: new vscode.ThemeIcon('loading~spin'),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

/** The Cartesia Fine-tunes view: cursor-paged fine-tunes; a completed one lists its voices. */
export class CartesiaTreeProvider implements vscode.TreeDataProvider<CartesiaNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CartesiaNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private root: PagedList<FineTuneNode, FineTuneNode, FineTune> | undefined;
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
      case 'fineTune': {
        const { fineTune } = node;
        const item = new vscode.TreeItem(
          fineTune.name || fineTune.id,
          fineTune.status === 'completed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `fineTune:${fineTune.id}`;
        item.description = [fineTune.status, fineTune.language, fineTune.model_id].filter(Boolean).join(' · ');
        item.iconPath = STATUS_ICON[fineTune.status] ?? new vscode.ThemeIcon('question');
        item.contextValue = `fineTune.${fineTune.status}`;
        const tooltip = new vscode.MarkdownString();
        tooltip.appendText(`${fineTune.name}\n\n${fineTune.description}\n\nID ${fineTune.id} · dataset ${fineTune.dataset}`);
        item.tooltip = tooltip;
        return item;
      }
      case 'voice': {
        const { voice } = node;
        const item = new vscode.TreeItem(voice.name || voice.id, vscode.TreeItemCollapsibleState.None);
        item.id = `voice:${node.parent.fineTune.id}:${voice.id}`;
        item.description = [voice.language, voice.gender].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon('unmute');
        item.contextValue = voice.preview_file_url ? 'voice.preview' : 'voice.noPreview';
        item.tooltip = voice.description || voice.name;
        if (voice.preview_file_url) {
          item.command = { command: 'tuneStudio.playVoice', title: 'Play Voice Preview', arguments: [node] };
        }
        return item;
      }
      default:
        return listRowTreeItem(node);
    }
  }

  async getChildren(node?: CartesiaNode): Promise<CartesiaNode[]> {
    if (!node) {
      if (!(await this.services.keys.has('cartesia'))) return [];
      // Keep a local reference: a refresh during the await replaces this.root and fires another change.
      const root = (this.root ??= this.newRootList());
      await root.ensureLoaded();
      // Replaced meanwhile (a refresh, a settings change): its page was dropped, so answer with the new list.
      if (this.root !== root) return this.getChildren();
      return root.rows();
    }
    if (node.kind === 'fineTune') {
      const voices = (node.voices ??= this.newVoiceList(node));
      await voices.ensureLoaded();
      return voices.rows();
    }
    return [];
  }

  loadMore(node: LoadMoreNode<FineTuneNode>): Promise<void> {
    return loadMoreInto(node, (n) => this.changed.fire(n), (parent) => (parent ? this.loadVoicesPage(parent) : this.loadRootPage()));
  }

  retry(node: ErrorNode<FineTuneNode>): void {
    if (node.parent) {
      node.parent.voices = undefined;
      this.changed.fire(node.parent);
    } else {
      this.refresh();
    }
  }

  private newRootList(): PagedList<FineTuneNode, FineTuneNode, FineTune> {
    const list: PagedList<FineTuneNode, FineTuneNode, FineTune> = new PagedList<FineTuneNode, FineTuneNode, FineTune>({
      pager: this.services.cartesia.fineTunePager(Math.min(100, this.services.settings.pageSize)),
      isCurrent: () => this.root === list,
      toItem: (fineTune) => new FineTuneNode(fineTune),
      view: 'cartesia',
      parent: undefined,
      listKey: 'root',
      emptyMessage: 'No fine-tunes yet.',
    });
    return list;
  }

  private newVoiceList(node: FineTuneNode): PagedList<VoiceNode, FineTuneNode, Voice> {
    const list: PagedList<VoiceNode, FineTuneNode, Voice> = new PagedList<VoiceNode, FineTuneNode, Voice>({
      pager: this.services.cartesia.voicePager(node.fineTune.id, 100),
      isCurrent: () => node.voices === list && this.root?.items.includes(node) === true,
      toItem: (voice) => new VoiceNode(voice, node),
      view: 'cartesia',
      parent: node,
      listKey: `fineTune:${node.fineTune.id}`,
      emptyMessage: 'No voices.',
    });
    return list;
  }

  private loadRootPage(): Promise<void> {
    return this.root?.loadNext() ?? Promise.resolve();
  }

  private loadVoicesPage(node: FineTuneNode): Promise<void> {
    return node.voices?.loadNext() ?? Promise.resolve();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
