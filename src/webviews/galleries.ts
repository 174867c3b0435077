// The gallery panels' registry: one panel per subject, its serializer, and the front door open.ts hands out.
// The panel's host (galleryPanel.ts and what it uses) is imported when the first gallery opens.
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { StatusPoller } from '../jobs/statusPoller';
import type { Open } from '../open';
import { GALLERY_VIEW_TYPE, gallerySubjectKey, type GalleryFocus, type GallerySubject } from '../shared/gallery';
import type { ResponseMessage } from '../shared/rpc';
import { SingletonPanels } from './panelHost';
import { filtersFromViewState, panelTitle, subjectFromViewState } from './galleryModel';
import type { GalleryDialogs } from './saveImage';
import { LastTextEditor } from './lastTextEditor';
import type { GalleryPanel, GalleryDeps } from './galleryPanel';

/** What tests reach through the extension's exports (`gallery`). */
export interface GalleryApi {
  /** The gallery's front door (see open.ts): opens or reveals the panel of a subject, at an image. */
  open(subject: GallerySubject, focus?: GalleryFocus): Promise<void>;
  /** Subjects of the open gallery panels. */
  openSubjects(): GallerySubject[];
  /** The open panel of a subject, if any. */
  panelOf(subject: GallerySubject): GalleryPanel | undefined;
  /** Handles a message as if the subject's webview had posted it, and returns the host's answer. */
  receive(subject: GallerySubject, message: unknown): Promise<ResponseMessage | undefined>;
  /** The serializer's entry point: a panel VS Code restored, with the state its webview saved. */
  revive(panel: vscode.WebviewPanel, state: unknown): Promise<GalleryPanel | undefined>;
  /** Replaceable modal questions (a test cannot click a modal). */
  dialogs: GalleryDialogs;
}

/** Creates the gallery panels and their serializer; they are opened through the front door `open`. */
export function registerGallery(context: vscode.ExtensionContext, services: Services, poller: StatusPoller, open: Open, dialogs: GalleryDialogs): GalleryApi {
  const lastEditor = new LastTextEditor();
  const deps: GalleryDeps = { extensionUri: context.extensionUri, services, poller, lastEditor, open, dialogs };
  const panels = new SingletonPanels<GallerySubject, GalleryPanel>({
    viewType: GALLERY_VIEW_TYPE,
    extensionUri: context.extensionUri,
    key: gallerySubjectKey,
    title: panelTitle,
    load: async () => {
      const { GalleryPanel } = await import('./galleryPanel');
      return (panel, subject, restoredState) => new GalleryPanel(panel, subject, deps, filtersFromViewState(restoredState));
    },
    subjectFromState: subjectFromViewState,
    log: services.log,
  });
  context.subscriptions.push(lastEditor, panels, panels.registerSerializer());

  return {
    open: async (subject, focus) => {
      const { panel, created } = await panels.show(subject);
      if (!created) panel.retitle(subject);
      panel.focus(focus);
    },
    openSubjects: () => panels.all.map((p) => p.currentSubject),
    panelOf: (subject) => panels.get(subject),
    receive: async (subject, message) => {
      const panel = panels.get(subject);
      if (!panel) throw new Error(`No gallery is open for ${gallerySubjectKey(subject)}`);
      return panel.host.handle(message);
    },
    revive: (panel, state) => panels.revive(panel, state),
    dialogs,
  };
}
