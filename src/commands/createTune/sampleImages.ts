// "Add Sample Images to the Workspace" (the walkthrough's create-tune step): copies the few small photos
// bundled in media/samples/ into a `tune-studio-samples` folder of the workspace, for someone who has no
// photos at hand, and offers to create a tune from them. A file already there is never overwritten.
import * as vscode from 'vscode';
import { plural } from '../../shared/plural';

export const SAMPLE_FOLDER = 'tune-studio-samples';
export const CREATE_FROM_SAMPLES = 'Create Tune from These Images';

export interface SampleImagesResult {
  /** The workspace folder that holds the samples, when they were copied (or were there already). */
  folder?: vscode.Uri;
  copied: string[];
  /** Files of the same name that were already there, left as they were. */
  kept: string[];
}

export async function addSampleImages(
  extensionUri: vscode.Uri,
  createTune: (folder: vscode.Uri) => Promise<unknown>,
): Promise<SampleImagesResult> {
  const root = await pickFolder();
  if (!root) return { copied: [], kept: [] };
  const source = vscode.Uri.joinPath(extensionUri, 'media', 'samples');
  const names = (await vscode.workspace.fs.readDirectory(source)).filter(([name, type]) => type === vscode.FileType.File && /\.(jpe?g|png)$/i.test(name)).map(([name]) => name).sort();
  const folder = vscode.Uri.joinPath(root.uri, SAMPLE_FOLDER);
  await vscode.workspace.fs.createDirectory(folder);
  const copied: string[] = [];
  const kept: string[] = [];
  for (const name of names) {
    const target = vscode.Uri.joinPath(folder, name);
    if (await exists(target)) {
      kept.push(name);
      continue;
    }
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(source, name), target, { overwrite: false });
    copied.push(name);
  }
  await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.joinPath(folder, names[0] ?? ''));
  const where = vscode.workspace.asRelativePath(folder, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  const said = copied.length > 0
    ? `Copied ${plural(copied.length, 'sample image')} of a clay owl to ${where}${kept.length ? ` (${kept.length} already there, left as they were)` : ''}.`
    : `The sample images are already in ${where}.`;
  void vscode.window.showInformationMessage(said, CREATE_FROM_SAMPLES).then((choice) => {
    if (choice === CREATE_FROM_SAMPLES) void createTune(folder);
  });
  return { folder, copied, kept };
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    const choice = await vscode.window.showErrorMessage('Open a folder first: Tune Studio copies the sample images into your workspace.', 'Open Folder…');
    if (choice) await vscode.commands.executeCommand('workbench.action.files.openFolder');
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Copy the sample images into which folder?' });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
