// What the gallery does on the host with one image it showed: save it (with its parameters written into the
// file), copy its URL, Markdown or prompt-file entry, insert Markdown at the cursor, open it in the browser.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Prompt } from '../api/astria/types';
import type { ImageAction } from '../shared/gallery';
import { defaultSavePath, imageExtension, imageMarkdown } from '../domain/savedImages';
import { downloadImage } from '../domain/imageDownload';
import { parametersOf } from '../domain/imageMetadata';
import { resolveClash } from './saveImage';
import { writeMetadata } from './galleryBulk';
import { insertAtCursor } from './gallerySelection';
import type { GalleryDeps } from './galleryPanel';

type Deps = Pick<GalleryDeps, 'services' | 'dialogs' | 'lastEditor'>;

/** The image (already checked to be one the panel showed), and the title of its tune when known. */
export interface ShownImage {
  prompt: Prompt;
  imageIndex: number;
  url: string;
  tuneTitle: () => Promise<string | undefined>;
}

export async function runImageAction(action: ImageAction, image: ShownImage, deps: Deps): Promise<{ message?: string }> {
  const { prompt, url } = image;
  switch (action) {
    case 'save':
    case 'saveAs':
      return saveImage(image, action === 'saveAs', deps);
    case 'copyUrl':
      await vscode.env.clipboard.writeText(url);
      return { message: 'Copied the image URL.' };
    case 'copyMarkdown':
      await vscode.env.clipboard.writeText(imageMarkdown(prompt.text, url));
      return { message: 'Copied as Markdown.' };
    case 'insertMarkdown':
      return insertAtCursor(deps.lastEditor, imageMarkdown(prompt.text, url));
    case 'openExternal':
      await vscode.env.openExternal(vscode.Uri.parse(url, true));
      return {};
    case 'copyPromptFileEntry': {
      const { promptFileEntryText } = await import('../shared/promptFile'); // with the YAML library: on first use
      await vscode.env.clipboard.writeText(promptFileEntryText(prompt));
      return { message: 'Copied as a prompt file entry: paste it under prompts: in a *.astria.yaml file of this tune.' };
    }
  }
}

/** Save (into the workspace under the tune's folder, never over a file unasked) or Save As…, with Cancel. */
async function saveImage(image: ShownImage, askForLocation: boolean, deps: Deps): Promise<{ message?: string }> {
  const { prompt, imageIndex, url } = image;
  const folder = vscode.workspace.workspaceFolders?.[0];
  const tuneTitle = await image.tuneTitle();
  const relative = defaultSavePath(tuneTitle, prompt.tune_id, prompt.id, imageIndex, url);
  let target: vscode.Uri | undefined;
  if (askForLocation || !folder) {
    const suggested = folder ? vscode.Uri.joinPath(folder.uri, ...relative) : undefined;
    // The save dialog asks before replacing a file itself.
    target = await deps.dialogs.saveLocation(suggested, imageExtension(url));
  } else {
    target = await resolveClash(vscode.Uri.joinPath(folder.uri, ...relative), deps.dialogs);
  }
  if (!target) return {};
  const saved = target;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Saving ${path.posix.basename(saved.path)}…`, cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      try {
        await downloadImage(url, saved, abort.signal, deps.services.downloadTimeoutMs);
        await writeMetadata(saved, parametersOf(prompt, imageIndex, url, tuneTitle));
      } finally {
        cancel.dispose();
      }
    },
  );
  const shownPath = vscode.workspace.asRelativePath(saved);
  deps.services.log.info(`Gallery: saved prompt ${prompt.id} image ${imageIndex + 1} to ${shownPath}`);
  void vscode.window.showInformationMessage(`Saved ${shownPath}`, 'Open', 'Reveal in Explorer').then((choice) => {
    if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', saved);
    if (choice === 'Reveal in Explorer') void vscode.commands.executeCommand('revealInExplorer', saved);
  });
  return { message: `Saved ${shownPath}` };
}
