import * as vscode from 'vscode';
import type { Services } from '../services';
import type { StatusPoller } from '../jobs/statusPoller';

/** What the gallery shows: a tune's prompts, one prompt, or recent images across all tunes. */
export type GallerySubject =
  | { kind: 'tune'; tuneId: number; title?: string }
  | { kind: 'prompt'; tuneId: number; promptId: number; title?: string }
  | { kind: 'recent' };

export interface GalleryFocus {
  promptId: number;
  imageIndex: number;
}

/** Placeholder until the gallery panel exists: opens the image itself. */
export function registerGallery(context: vscode.ExtensionContext, _services: Services, _poller: StatusPoller): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('tuneStudio.showGallery', async (_subject: GallerySubject, _focus?: GalleryFocus, imageUrl?: string) => {
      if (imageUrl) await vscode.env.openExternal(vscode.Uri.parse(imageUrl));
    }),
  );
}
