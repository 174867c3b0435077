import * as vscode from 'vscode';
import { ApiKeys } from './auth/apiKeys';
import { Services, baseUrlOf, ignoredWorkspaceDestinations, readSettings } from './services';
import { StatusPoller } from './jobs/statusPoller';
import { TunesTreeProvider } from './views/tunesTree';
import { CartesiaTreeProvider, type CartesiaNode } from './views/cartesiaTree';
import { InFlightStatusBar } from './views/statusBar';
import type { TunesNode } from './views/nodes';
import { registerGallery, type GalleryApi } from './webviews/galleries';
import { GalleryDialogs } from './webviews/saveImage';
import { SweepDialogs } from './webviews/sweepRun';
import { registerPromptEditorCommands } from './commands/promptEditor';
import { createPromptEditors, type PromptEditorApi } from './webviews/promptEditors';
import { registerTunesCommands } from './commands/registerTunesCommands';
import { setApiKey, useLocalSandbox } from './commands/apiKeys';
import { announceFinishedWork } from './commands/announcements';
import { FrontDoors } from './open';
import { Dialogs } from './commands/dialogs';
import { registerCreateTune, type CreateTuneDialogs } from './commands/createTune/register';
import { revealTune } from './commands/tuneActions';
import { registerAgentTools } from './agent/register';
import { SweepStore } from './jobs/sweeps';
import { registerCompare, type CompareApi } from './webviews/compares';
import { registerPromptFiles, type PromptFilesApi } from './commands/promptFiles/register';
import { errorMessage } from './shared/errorMessage';
import { WalkthroughProgress, openWalkthrough } from './commands/walkthrough';

/**
 * What the integration tests reach after activation. Only a test run (ExtensionMode.Test, which the
 * host sets from its launch arguments and no other extension can change) gets it: everywhere else
 * `activate()` returns nothing, since these objects can read the API keys.
 */
export interface TuneStudioApi {
  keys: ApiKeys;
  services: Services;
  poller: StatusPoller;
  tunes: { provider: TunesTreeProvider; view: vscode.TreeView<TunesNode>; dropController: vscode.TreeDragAndDropController<TunesNode> };
  cartesia: { provider: CartesiaTreeProvider; view: vscode.TreeView<CartesiaNode> };
  statusBar: InFlightStatusBar;
  /** The commands' modal questions (delete, auto-extend, sending a key to another server). */
  dialogs: Dialogs;
  /** The create-tune flow's questions after a failed upload. */
  createTune: { dialogs: CreateTuneDialogs };
  gallery: GalleryApi;
  promptEditor: PromptEditorApi;
  /** The Language Model tools, as registered (tests invoke them directly as well as through vscode.lm). */
  agentTools: ReturnType<typeof registerAgentTools>;
  /** Sweeps and their compare panels. */
  compare: CompareApi;
  /** Prompt files (*.astria.yaml / *.astria.json): their checks, CodeLenses and Generate. */
  promptFiles: PromptFilesApi;
  /** What the Get Started walkthrough has seen happen (its steps tick on it). */
  walkthrough: WalkthroughProgress;
}

export async function activate(context: vscode.ExtensionContext): Promise<TuneStudioApi | undefined> {
  const log = vscode.window.createOutputChannel('Tune Studio', { log: true });
  const keys = new ApiKeys(context.secrets, (provider) => baseUrlOf(readSettings(), provider));
  const services = new Services(context, keys, log);
  const maxInterval = vscode.workspace.getConfiguration('tuneStudio').get<number>('poll.maxIntervalSeconds', 60);
  const poller = new StatusPoller(services, { baseIntervalMs: 3_000, maxIntervalMs: maxInterval * 1000 });

  // Modal questions, one instance each, handed to the features that ask them; the tests answer them through the API.
  const dialogs = new Dialogs();
  const galleryDialogs = new GalleryDialogs(); // the gallery's, and the compare panel's "file exists"
  const sweepDialogs = new SweepDialogs(); // asked by the prompt editor, exposed with the compare panel

  const tunesProvider = new TunesTreeProvider(services, poller);
  const createTune = registerCreateTune(context, services, { revealTune: (tune) => revealTune(tunes, tune) });
  const dragAndDropController = createTune.dropController;
  const tunesView = vscode.window.createTreeView('tuneStudio.tunes', {
    treeDataProvider: tunesProvider,
    showCollapseAll: true,
    dragAndDropController,
    canSelectMany: false,
  });
  const cartesiaProvider = new CartesiaTreeProvider(services);
  const cartesiaView = vscode.window.createTreeView('tuneStudio.cartesia', { treeDataProvider: cartesiaProvider, showCollapseAll: true });
  const statusBar = new InFlightStatusBar(poller);
  const tunes = { provider: tunesProvider, view: tunesView, dropController: dragAndDropController };
  const cartesia = { provider: cartesiaProvider, view: cartesiaView };

  context.subscriptions.push(log, keys, services, poller, tunesProvider, tunesView, cartesiaProvider, cartesiaView, statusBar);
  // The front doors between features: the panels open each other, so they are bound once both exist.
  const open = new FrontDoors();
  const gallery = registerGallery(context, services, poller, open, galleryDialogs);
  const sweeps = new SweepStore(services, context.workspaceState, (message) => void vscode.window.showInformationMessage(message));
  context.subscriptions.push(sweeps);
  const promptEditor = createPromptEditors(context, services, open, sweeps, sweepDialogs);
  const compare = registerCompare(context, services, poller, sweeps, open, { sweep: sweepDialogs, gallery: galleryDialogs });
  // A panel's host loads on first use: a failure to open is said, not left as an unhandled rejection.
  const opening =
    <A extends unknown[]>(what: string, openIt: (...args: A) => Promise<unknown>) =>
    async (...args: A): Promise<void> => {
      try {
        await openIt(...args);
      } catch (error) {
        log.error(`Could not open the ${what}: ${errorMessage(error)}`);
        void vscode.window.showErrorMessage(`Tune Studio could not open the ${what}: ${errorMessage(error)}`);
      }
    };
  // The walkthrough's steps tick on what happened (a tune or prompt created, a gallery opened, a prompt file saved, a tool used).
  const walkthrough = new WalkthroughProgress(services);
  context.subscriptions.push(walkthrough, vscode.commands.registerCommand('tuneStudio.getStarted', () => openWalkthrough(context)));
  const openGalleryPanel: typeof gallery.open = async (...args) => {
    const opened = await gallery.open(...args);
    walkthrough.reach('galleryOpened');
    return opened;
  };
  open.bind({ gallery: opening('gallery', openGalleryPanel), promptEditor: opening('prompt editor', promptEditor.openRequest), compare: opening('compare panel', compare.open), apiKey: (provider) => setApiKey(services, provider) });

  context.subscriptions.push(services.onDidChangeConnection(() => poller.clear()));
  context.subscriptions.push(announceFinishedWork(services.changes, tunes, open));
  registerTunesCommands(context, services, tunes, cartesia, open, dialogs);
  registerPromptEditorCommands(context, services, open);
  const agentTools = registerAgentTools(context, services, poller, open, () => walkthrough.reach('agentAsked'));
  const promptFiles = registerPromptFiles(context, services, poller, open);

  // The views' welcome content follows whether a key is stored. Reading SecretStorage is a round trip to
  // the window, the slowest part of activation, so activation does not wait for it.
  void (async () => {
    await Promise.all([keys.updateContext('astria'), keys.updateContext('cartesia')]);
    // `npm start` asks for the sandbox to be used right away, so nobody has to type a key.
    if (process.env.TUNE_STUDIO_AUTOCONNECT === '1' && !(await keys.get('astria'))) {
      await useLocalSandbox(services, { silent: true });
    }
  })().catch((error: unknown) => log.error(`Could not read the stored API keys: ${errorMessage(error)}`));

  for (const name of ignoredWorkspaceDestinations()) {
    log.warn(`This workspace sets tuneStudio.${name}; it is ignored. Only your user settings decide where your API keys are sent.`);
  }

  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return { keys, services, poller, tunes, cartesia, statusBar, dialogs, createTune: { dialogs: createTune.dialogs }, gallery, promptEditor, agentTools, compare, promptFiles, walkthrough };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
