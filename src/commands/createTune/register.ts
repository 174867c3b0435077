import * as vscode from 'vscode';
import type { Services } from '../../services';
import type { TunesNode } from '../../views/nodes';
import type { CreateTuneFlow, CreateTuneOptions, CreateTuneOutcome, CreateTuneWiring } from './createTuneFlow';
import { CreateTuneDialogs } from './dialogs';
import { TunesDropController } from './dropController';
import { addSampleImages } from './sampleImages';

export type { CreateTuneDialogs, CreateTuneOptions, CreateTuneOutcome, CreateTuneWiring };

/** What the extension keeps of the feature: the Tunes view's drop controller, and the questions tests answer. */
export interface CreateTuneApi {
  dropController: vscode.TreeDragAndDropController<TunesNode>;
  /** Replaceable questions after a failed upload (a test cannot click them). */
  dialogs: CreateTuneDialogs;
}

/**
 * "Create Tune from Images…" (Explorer files and folders, palette, Tunes view button) and "Create Tune
 * from Pack…". Returns the Tunes view's drop controller (images dropped there start the same flow) and the flow's dialogs.
 */
export function registerCreateTune(
  context: vscode.ExtensionContext,
  services: Services,
  wiring: CreateTuneWiring,
): CreateTuneApi {
  const dialogs = new CreateTuneDialogs();
  // The wizard (image checks, options, upload) is imported the first time it runs.
  let created: Promise<CreateTuneFlow> | undefined;
  const loaded = () => (created ??= import('./createTuneFlow').then(({ CreateTuneFlow }) => new CreateTuneFlow(services, wiring, dialogs)));
  const flow = { run: async (...args: Parameters<CreateTuneFlow['run']>) => (await loaded()).run(...args) };
  context.subscriptions.push(
    // The Explorer passes (clicked uri, all selected uris); tests add an options object.
    vscode.commands.registerCommand('tuneStudio.createTuneFromImages', (uri?: unknown, uris?: unknown, options?: unknown) =>
      flow.run(urisFromArgs(uri, uris), 'images', optionsFromArg(options)),
    ),
    vscode.commands.registerCommand('tuneStudio.createTuneFromPack', (uri?: unknown, uris?: unknown, options?: unknown) =>
      flow.run(urisFromArgs(uri, uris), 'pack', optionsFromArg(options)),
    ),
    // The walkthrough's sample photos, for someone without photos at hand; then the same flow on their folder.
    vscode.commands.registerCommand('tuneStudio.addSampleImages', () => addSampleImages(context.extensionUri, (folder) => flow.run([folder], 'images'))),
  );
  return { dropController: new TunesDropController((uris) => flow.run(uris, 'images')), dialogs };
}

function urisFromArgs(uri: unknown, uris: unknown): vscode.Uri[] {
  if (Array.isArray(uris) && uris.length > 0 && uris.every((u) => u instanceof vscode.Uri)) return uris;
  return uri instanceof vscode.Uri ? [uri] : [];
}

function optionsFromArg(options: unknown): CreateTuneOptions {
  return typeof options === 'object' && options !== null ? (options as CreateTuneOptions) : {};
}
