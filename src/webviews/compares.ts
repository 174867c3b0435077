// The compare panels' registry: one panel per sweep, its serializer, and the front door open.ts hands out.
// The panel's host (comparePanel.ts and what it uses) is imported when the first compare panel opens.
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { StatusPoller } from '../jobs/statusPoller';
import type { SweepStore } from '../jobs/sweeps';
import type { Open } from '../open';
import type { ResponseMessage } from '../shared/rpc';
import { COMPARE_VIEW_TYPE, sweepIdFromViewState } from '../shared/compare';
import { sweepTitle } from '../shared/sweep';
import { SingletonPanels } from './panelHost';
import type { GalleryDialogs } from './saveImage';
import type { SweepDialogs } from './sweepRun';
import type { ComparePanel, CompareDeps } from './comparePanel';

export interface CompareApi {
  /** The compare front door (see open.ts). */
  open(sweepId: string): Promise<void>;
  panelOf(sweepId: string): ComparePanel | undefined;
  /** Handles a message as if the sweep's webview had posted it, and returns the host's answer. */
  receive(sweepId: string, message: unknown): Promise<ResponseMessage | undefined>;
  /** The serializer's entry point. */
  revive(panel: vscode.WebviewPanel, state: unknown): Promise<ComparePanel | undefined>;
  sweeps: SweepStore;
  /** The sweep's modal question (asked by the prompt editor), replaceable (a test cannot click a modal). */
  dialogs: SweepDialogs;
}

/** Creates the compare panels and their serializer; they open through the front door `open.compare`. */
export function registerCompare(
  context: vscode.ExtensionContext,
  services: Services,
  poller: StatusPoller,
  sweeps: SweepStore,
  open: Open,
  dialogs: { sweep: SweepDialogs; gallery: GalleryDialogs },
): CompareApi {
  const deps: CompareDeps = { extensionUri: context.extensionUri, services, poller, sweeps, open, galleryDialogs: dialogs.gallery };
  const panels = new SingletonPanels<string, ComparePanel>({
    viewType: COMPARE_VIEW_TYPE,
    extensionUri: context.extensionUri,
    key: (sweepId) => `sweep:${sweepId}`,
    title: (sweepId) => {
      const record = sweeps.get(sweepId);
      return record ? `Compare: ${sweepTitle(record)}` : 'Compare';
    },
    load: async () => {
      const { ComparePanel } = await import('./comparePanel');
      return (panel, sweepId) => new ComparePanel(panel, sweepId, deps);
    },
    subjectFromState: sweepIdFromViewState,
    log: services.log,
  });
  context.subscriptions.push(panels, panels.registerSerializer());
  return {
    open: async (sweepId) => {
      await panels.show(sweepId);
    },
    panelOf: (sweepId) => panels.get(sweepId),
    receive: async (sweepId, message) => {
      const panel = panels.get(sweepId);
      if (!panel) throw new Error(`No compare panel is open for sweep ${sweepId}`);
      return panel.host.handle(message);
    },
    revive: (panel, state) => panels.revive(panel, state),
    sweeps,
    dialogs: dialogs.sweep,
  };
}
