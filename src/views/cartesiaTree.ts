import * as vscode from 'vscode';
import type { FineTune, FineTuneStatus, Voice } from '../api/cartesia/types';
import type { Services } from '../services';
import { ErrorNode, LoadMoreNode, MessageNode, listRowTreeItem, loadMoreInto } from './listRows';

export type CartesiaNode = FineTuneNode | VoiceNode | LoadMoreNode<FineTuneNode> | ErrorNode<FineTuneNode> | MessageNode<FineTuneNode>;

export class FineTuneNode {
  readonly kind = 'fineTune';
  voices: { items: VoiceNode[]; hasMore: boolean; error?: unknown } | undefined;
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
  private root: { items: FineTuneNode[]; hasMore: boolean; error?: unknown } | undefined;
  private readonly rootLoadMore = new LoadMoreNode<FineTuneNode>('cartesia', undefined, 'root');
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
      if (!(await this.services.keys.get('cartesia'))) return [];
      // Keep a local reference: a refresh during the await replaces this.root and fires another change.
      let root = this.root;
      if (!root) {
        root = this.root = { items: [], hasMore: true };
        await this.loadRootPage();
      }
      const { items, hasMore, error } = root;
      const children: CartesiaNode[] = [...items];
      if (error) children.push(new ErrorNode<FineTuneNode>('cartesia', error, undefined, 'root'));
      else if (hasMore) children.push(this.rootLoadMore);
      else if (!items.length) children.push(new MessageNode<FineTuneNode>('No fine-tunes yet.', undefined));
      return children;
    }
    if (node.kind === 'fineTune') {
      let voices = node.voices;
      if (!voices) {
        voices = node.voices = { items: [], hasMore: true };
        await this.loadVoicesPage(node);
      }
      const { items, hasMore, error } = voices;
      const children: CartesiaNode[] = [...items];
      if (error) children.push(new ErrorNode('cartesia', error, node, `fineTune:${node.fineTune.id}`));
      else if (hasMore) children.push(new LoadMoreNode('cartesia', node, `fineTune:${node.fineTune.id}`));
      else if (!items.length) children.push(new MessageNode('No voices.', node));
      return children;
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

  private async loadRootPage(): Promise<void> {
    const root = this.root;
    if (!root) return;
    try {
      const page = await this.services.cartesia.listFineTunes({
        limit: Math.min(100, this.services.settings.pageSize),
        startingAfter: root.items.at(-1)?.fineTune.id,
      });
      if (this.root !== root) return; // refreshed meanwhile
      root.items.push(...page.data.map((f) => new FineTuneNode(f)));
      // Trust has_more, but an empty page also ends the list (some servers never set has_more).
      root.hasMore = page.has_more && page.data.length > 0;
      root.error = undefined;
    } catch (error) {
      root.error = error;
    }
  }

  private async loadVoicesPage(node: FineTuneNode): Promise<void> {
    const voices = node.voices;
    if (!voices) return;
    try {
      const page = await this.services.cartesia.listVoices(node.fineTune.id, {
        limit: 100,
        startingAfter: voices.items.at(-1)?.voice.id,
      });
      voices.items.push(...page.data.map((v) => new VoiceNode(v, node)));
      voices.hasMore = page.has_more && page.data.length > 0;
      voices.error = undefined;
    } catch (error) {
      voices.error = error;
    }
  }


  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
