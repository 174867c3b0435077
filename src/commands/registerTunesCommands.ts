import * as vscode from 'vscode';
import type { Services } from '../services';
import type { CartesiaNode, CartesiaTreeProvider } from '../views/cartesiaTree';
import type { FineTuneNode, VoiceNode } from '../views/cartesiaTree';
import { PromptNode, TuneNode } from '../views/nodes';
import { LoadMoreNode, type ErrorNode } from '../views/pagedList';
import { selectWorkspace, setApiKey, signOut, stopUsingLocalSandbox, useKeyOnConfiguredServer, useLocalSandbox } from './apiKeys';
import {
  copyId,
  deletePrompt,
  deleteTune,
  findTune,
  openGallery,
  openOnAstria,
  renameTune,
  setLiked,
  toggleAutoExtend,
} from './tuneActions';
import type { TunesView } from '../views/tunesTree';
import type { Open } from '../open';
import type { Dialogs } from './dialogs';
import { playVoicePreview } from './voicePreview';
import { remixFromImage } from './remixFromImage';

/** Commands of the two tree views and of the API keys. Each handler is a line: the work lives elsewhere. */
export function registerTunesCommands(
  context: vscode.ExtensionContext,
  services: Services,
  tunes: TunesView,
  cartesia: { provider: CartesiaTreeProvider; view: vscode.TreeView<CartesiaNode> },
  open: Open,
  dialogs: Dialogs,
): void {
  const selectedTune = (node?: TuneNode): TuneNode | undefined =>
    node ?? (tunes.view.selection[0] instanceof TuneNode ? tunes.view.selection[0] : undefined);
  const selectedPrompt = (node?: PromptNode): PromptNode | undefined =>
    node ?? (tunes.view.selection[0] instanceof PromptNode ? tunes.view.selection[0] : undefined);
  const register = (id: string, handler: (...args: never[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  };

  // A key may be passed by another extension or a test; from the UI the input box asks for it.
  const keyArg = (arg: unknown): string | undefined => (typeof arg === 'string' ? arg : undefined);
  register('tuneStudio.setAstriaKey', (key?: string) => setApiKey(services, 'astria', keyArg(key)));
  register('tuneStudio.setKeyForConfiguredServer', (node?: unknown) => setApiKey(services, providerArg(node)));
  register('tuneStudio.setCartesiaKey', (key?: string) => setApiKey(services, 'cartesia', keyArg(key)));
  register('tuneStudio.signOutAstria', () => signOut(services, 'astria'));
  register('tuneStudio.signOutCartesia', () => signOut(services, 'cartesia'));
  register('tuneStudio.useLocalSandbox', () => useLocalSandbox(services));
  register('tuneStudio.stopUsingLocalSandbox', () => stopUsingLocalSandbox(services));
  // From the row: 'astria' | 'cartesia'; from its inline button: the row's ErrorNode.
  const providerArg = (arg: unknown): 'astria' | 'cartesia' => (arg === 'cartesia' || (arg as { view?: unknown } | undefined)?.view === 'cartesia' ? 'cartesia' : 'astria');
  register('tuneStudio.useKeyOnConfiguredServer', (provider?: string) => useKeyOnConfiguredServer(services, providerArg(provider), dialogs));
  register('tuneStudio.selectWorkspace', () => selectWorkspace());
  register('tuneStudio.showLog', () => services.log.show());

  register('tuneStudio.refresh', () => tunes.provider.refresh());
  register('tuneStudio.refreshCartesia', () => cartesia.provider.refresh());
  register('tuneStudio.findTune', () => findTune(services, tunes));
  register('tuneStudio.copyId', (node: TuneNode | PromptNode | FineTuneNode | VoiceNode) => copyId(node ?? tunes.view.selection[0]));
  register('tuneStudio.openOnAstria', (node?: TuneNode) => withNode(selectedTune(node), openOnAstria));
  register('tuneStudio.renameTune', (node?: TuneNode) => withNode(selectedTune(node), (n) => renameTune(services, tunes, n)));
  register('tuneStudio.toggleAutoExtend', (node?: TuneNode) => withNode(selectedTune(node), (n) => toggleAutoExtend(services, tunes, n, dialogs)));
  register('tuneStudio.deleteTune', (node?: TuneNode) => withNode(selectedTune(node), (n) => deleteTune(services, tunes, n, dialogs)));
  register('tuneStudio.deletePrompt', (node?: PromptNode) => withNode(selectedPrompt(node), (n) => deletePrompt(services, tunes, n, dialogs)));
  register('tuneStudio.likePrompt', (node?: PromptNode) => withNode(selectedPrompt(node), (n) => setLiked(services, tunes, n, true)));
  register('tuneStudio.unlikePrompt', (node?: PromptNode) => withNode(selectedPrompt(node), (n) => setLiked(services, tunes, n, false)));
  register('tuneStudio.openGallery', (node?: unknown) => openGallery(node, tunes, open));
  register('tuneStudio.openRecentImages', () => open.gallery({ kind: 'recent' }));
  register('tuneStudio.openFavorites', () => open.gallery({ kind: 'favorites' }));
  register('tuneStudio.remixFromImage', (uri?: unknown) => remixFromImage(uri, open));
  register('tuneStudio.playVoice', (node: VoiceNode) => withNode(node, (n) => playVoicePreview(context, services, n.voice)));

  // "Load more" and "Retry" rows exist in both views.
  register('tuneStudio.loadMore', (node: unknown) => {
    if (!(node instanceof LoadMoreNode)) return undefined;
    return node.view === 'tunes' ? tunes.provider.loadMore(node as LoadMoreNode<TuneNode>) : cartesia.provider.loadMore(node as LoadMoreNode<FineTuneNode>);
  });
  register('tuneStudio.retry', (node: ErrorNode<TuneNode> | ErrorNode<FineTuneNode>) =>
    node.view === 'tunes' ? tunes.provider.retry(node as ErrorNode<TuneNode>) : cartesia.provider.retry(node as ErrorNode<FineTuneNode>),
  );
}

function withNode<T>(node: T | undefined, action: (node: T) => unknown): unknown {
  return node ? action(node) : undefined;
}
