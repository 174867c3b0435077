import * as vscode from 'vscode';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { numberedFileName } from '../domain/savedImages';

export type ExistingFileChoice = 'overwrite' | 'keepBoth' | 'cancel';
export type ExistingFilesChoice = 'skip' | 'overwrite' | 'cancel';

/**
 * The gallery's modal questions (the compare panel asks "file exists" through the same instance). One
 * instance is handed to both panels; the integration suite replaces its methods (a test cannot click a modal).
 */
export class GalleryDialogs {
  async existingFile(target: vscode.Uri): Promise<ExistingFileChoice> {
    const overwrite = 'Overwrite';
    const keepBoth = 'Keep Both';
    const choice = await vscode.window.showWarningMessage(
      `“${path.posix.basename(target.path)}” already exists.`,
      { modal: true, detail: `It is in ${vscode.workspace.asRelativePath(target.with({ path: path.posix.dirname(target.path) }))}.` },
      overwrite,
      keepBoth,
    );
    return choice === overwrite ? 'overwrite' : choice === keepBoth ? 'keepBoth' : 'cancel';
  }
  /** Bulk save: some of the files are already there. Skipping them is the default answer. */
  async existingFiles(existing: number, total: number): Promise<ExistingFilesChoice> {
    const skip = 'Skip Existing';
    const overwrite = 'Overwrite';
    const choice = await vscode.window.showWarningMessage(
      `${existing} of the ${total} images ${existing === 1 ? 'is' : 'are'} already in the workspace.`,
      { modal: true, detail: 'Skip them and save the others, or overwrite them?' },
      skip,
      overwrite,
    );
    return choice === skip ? 'skip' : choice === overwrite ? 'overwrite' : 'cancel';
  }
  /** Bulk delete: a modal that names how many prompts (and images) go. */
  async confirmDeletePrompts(prompts: number, images: number): Promise<boolean> {
    const label = prompts === 1 ? 'Delete 1 Prompt' : `Delete ${prompts} Prompts`;
    const choice = await vscode.window.showWarningMessage(
      `Delete ${prompts} prompt${prompts === 1 ? '' : 's'} and ${images} generated image${images === 1 ? '' : 's'}?`,
      { modal: true, detail: 'They are deleted on Astria. This cannot be undone.' },
      label,
    );
    return choice === label;
  }
  async zipLocation(defaultUri: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
    return vscode.window.showSaveDialog({ defaultUri, saveLabel: 'Export ZIP', title: 'Export Images as ZIP', filters: { 'ZIP archives': ['zip'] } });
  }
  async saveLocation(defaultUri: vscode.Uri | undefined, extension: string): Promise<vscode.Uri | undefined> {
    return vscode.window.showSaveDialog({
      defaultUri,
      saveLabel: 'Save Image',
      title: 'Save Image',
      filters: { Images: [extension] },
    });
  }
}

/** Whether a file or folder is there (any error reading it counts as not there). */
export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Where the image goes once the user settled any clash: the target, a free numbered name, or nothing. */
export async function resolveClash(target: vscode.Uri, dialogs: GalleryDialogs): Promise<vscode.Uri | undefined> {
  if (!(await exists(target))) return target;
  const choice = await dialogs.existingFile(target);
  if (choice === 'overwrite') return target;
  if (choice === 'cancel') return undefined;
  const dir = target.with({ path: path.posix.dirname(target.path) });
  const name = path.posix.basename(target.path);
  for (let n = 2; n < 10_000; n++) {
    const candidate = vscode.Uri.joinPath(dir, numberedFileName(name, n));
    if (!(await exists(candidate))) return candidate;
  }
  throw new Error(`No free file name next to ${name}.`);
}

/**
 * Writes `bytes` to `target` through a temporary file in the same folder, renamed over the target once
 * written: a program reading the file meanwhile sees the whole old file or the whole new one, and a
 * failed write (disk full, permission) leaves the old file as it was and no temporary file behind.
 */
export async function replaceFile(target: vscode.Uri, bytes: Uint8Array): Promise<void> {
  const temp = target.with({ path: `${target.path}.${randomBytes(6).toString('hex')}.part` });
  try {
    await vscode.workspace.fs.writeFile(temp, bytes);
    await vscode.workspace.fs.rename(temp, target, { overwrite: true });
  } catch (error) {
    await Promise.resolve(vscode.workspace.fs.delete(temp)).catch(() => undefined);
    throw error;
  }
}
