// What the gallery does on the host with an image or a selection: copy a parameter, insert Markdown, save the
// images into the workspace, export them as a ZIP, like or delete their prompts; each says what happened.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Prompt } from '../api/astria/types';
import { errorMessage } from '../shared/errorMessage';
import { UserFacingError } from './panelHost';
import { describeSaveMany, exportZip, saveMany, type BulkImage } from './galleryBulk';
import { describeZipExport, type ZipExportResult } from './zipExportSummary';
import type { GalleryDeps } from './galleryPanel';
import type { LastTextEditor } from './lastTextEditor';
import type { CopyableField } from '../shared/gallery';
import { draftFromPrompt } from '../shared/prompt/draft';
import { parametersOf, parametersText } from '../domain/imageMetadata';

type Deps = Pick<GalleryDeps, 'services' | 'dialogs'>;

export async function saveSelection(images: BulkImage[], deps: Deps): Promise<{ message?: string }> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new UserFacingError('Open a folder first: images are saved into the workspace.');
  const result = await saveMany(images, folder.uri, deps.services.log, deps.dialogs, deps.services.downloadTimeoutMs);
  if (!result) return {};
  const message = describeSaveMany(result, images.length);
  deps.services.log.info(`Gallery: ${message}`);
  if (result.failed.length > 0) void vscode.window.showWarningMessage(message);
  else if (result.saved.length > 0) announceFile(message, result.saved[0], 'info');
  return { message };
}

const REVEAL_IN_EXPLORER = 'Reveal in Explorer';
const REVEAL_IN_OS = 'Reveal in File Explorer';

/**
 * A notification saying where a file was written, with a way to it: Reveal in Explorer (VS Code's, for a
 * file inside the workspace) and, on the desktop, Reveal in File Explorer (the system's, for any local file).
 */
export function announceFile(message: string, file: vscode.Uri, severity: 'info' | 'warning'): void {
  const inWorkspace = vscode.workspace.getWorkspaceFolder(file) !== undefined;
  const localDesktop = file.scheme === 'file' && vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined;
  const actions = [...(inWorkspace ? [REVEAL_IN_EXPLORER] : []), ...(localDesktop ? [REVEAL_IN_OS] : [])];
  const show = severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(message, ...actions).then((choice) => {
    if (choice === REVEAL_IN_EXPLORER) void vscode.commands.executeCommand('revealInExplorer', file);
    else if (choice === REVEAL_IN_OS) void vscode.commands.executeCommand('revealFileInOS', file);
  });
}

/** Export as ZIP…: named after the panel, streamed image by image, with Cancel. */
export async function exportSelection(images: BulkImage[], panelTitle: string, deps: Deps): Promise<{ message?: string }> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const name = `${panelTitle.replace(/[^\p{L}\p{N}._ -]+/gu, ' ').replace(/\s+/g, ' ').trim() || 'images'}.zip`;
  const target = await deps.dialogs.zipLocation(folder ? vscode.Uri.joinPath(folder.uri, name) : undefined);
  if (!target) return {};
  const shown = target.scheme === 'file' ? vscode.workspace.asRelativePath(target) : target.toString(true);
  let result: ZipExportResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Exporting ${images.length} images to ${path.posix.basename(target.path)}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          return await exportZip(images, target, {
            signal: abort.signal,
            timeoutMs: deps.services.downloadTimeoutMs,
            onEntry: (done) => progress.report({ increment: 100 / images.length, message: `${done} of ${images.length}` }),
          });
        } finally {
          cancel.dispose();
        }
      },
    );
  } catch (error) {
    throw new UserFacingError(`Could not export ${shown}: ${errorMessage(error)}`);
  }
  const message = describeZipExport(result, shown);
  deps.services.log.info(`Gallery: ${message}`);
  // As Save to Workspace does: a notification that stays in the notification center, with a way to the file.
  if (result.entries > 0) announceFile(message, target, result.failed.length > 0 ? 'warning' : 'info');
  else void vscode.window.showWarningMessage(message);
  return { message };
}

/** Deletes the prompts after one modal naming the count; every view hears of each (the change stream). */
export async function deleteSelection(prompts: Prompt[], deps: Deps): Promise<{ deleted: number[]; message?: string }> {
  const images = prompts.reduce((n, p) => n + p.images.length, 0);
  if (!(await deps.dialogs.confirmDeletePrompts(prompts.length, images))) return { deleted: [] };
  const deleted: number[] = [];
  const failures: string[] = [];
  for (const prompt of prompts) {
    try {
      await deps.services.astria.deletePrompt(prompt.tune_id, prompt.id);
      deleted.push(prompt.id);
      deps.services.changes.publish({ kind: 'promptDeleted', tuneId: prompt.tune_id, promptId: prompt.id });
    } catch (error) {
      failures.push(`prompt ${prompt.id}: ${errorMessage(error)}`);
    }
  }
  const message = failures.length
    ? `Deleted ${deleted.length} of ${prompts.length} prompts; ${failures.slice(0, 3).join('; ')}`
    : `Deleted ${deleted.length} prompt${deleted.length === 1 ? '' : 's'}.`;
  deps.services.log.info(`Gallery: ${message}`);
  return { deleted, message };
}

/** Likes or unlikes each prompt (one request each, as the API has no bulk like); failures are named. */
export async function likeSelection(
  prompts: Prompt[],
  liked: boolean,
  setLiked: (promptId: number) => Promise<{ liked: boolean; likes?: number }>,
): Promise<{ prompts: { id: number; liked: boolean; likes?: number }[]; message?: string }> {
  const answers: { id: number; liked: boolean; likes?: number }[] = [];
  const failures: string[] = [];
  for (const prompt of prompts) {
    try {
      answers.push({ id: prompt.id, ...(await setLiked(prompt.id)) });
    } catch (error) {
      failures.push(`prompt ${prompt.id}: ${errorMessage(error)}`);
    }
  }
  const verb = liked ? 'Liked' : 'Unliked';
  const message = failures.length
    ? `${verb} ${answers.length} of ${prompts.length} prompts; ${failures.slice(0, 3).join('; ')}`
    : `${verb} ${answers.length} prompt${answers.length === 1 ? '' : 's'}.`;
  return { prompts: answers, message };
}

/** Copy a parameter (or all of them, as image tools read them) of one image's prompt. */
export async function copyPromptParameter(prompt: Prompt, imageIndex: number, field: CopyableField, tuneTitle: string | undefined): Promise<{ message?: string }> {
  if (field === 'all') {
    const url = prompt.images[imageIndex] ?? '';
    await vscode.env.clipboard.writeText(parametersText(parametersOf(prompt, imageIndex, url, tuneTitle)));
    return { message: 'Copied every parameter (the text image tools read).' };
  }
  const value = draftFromPrompt(prompt)[field];
  if (value === '' || value === false) throw new UserFacingError(`The prompt has no ${field}.`);
  await vscode.env.clipboard.writeText(String(value));
  return { message: `Copied ${field}.` };
}

/** Markdown at the cursor(s) of the last text editor the user was in. */
export async function insertAtCursor(lastEditor: LastTextEditor, markdown: string): Promise<{ message?: string }> {
  const editor = await lastEditor.editor();
  if (!editor) throw new UserFacingError('Open a text editor first: the Markdown goes where its cursor is.');
  const done = await editor.edit((edit) => {
    for (const selection of editor.selections) edit.replace(selection, markdown);
  });
  if (!done) throw new UserFacingError(`Could not edit ${path.posix.basename(editor.document.uri.path)}.`);
  return { message: `Inserted into ${path.posix.basename(editor.document.uri.path)}.` };
}
