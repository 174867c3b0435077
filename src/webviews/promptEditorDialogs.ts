// The prompt editor's file dialogs and picked files, replaceable by the integration suite (a test cannot click a dialog).
import * as vscode from 'vscode';
import { IMAGE_EXTENSIONS } from '../shared/imageFormats';
import type { PickedFile } from '../shared/promptEditor';
import { workspaceImage } from '../domain/workspaceImages';

export async function pickedFile(value: string): Promise<PickedFile> {
  const image = await workspaceImage(value);
  return { uri: image.uri.toString(), label: image.label };
}

/** The prompt editor's file dialog, replaceable by the integration suite (a test cannot click it). */
export class PromptEditorDialogs {
  /** Where Save as Prompt File… writes (a `.astria.yaml` or `.astria.json` name is kept as typed). */
  async savePromptFile(defaultName: string): Promise<vscode.Uri | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showSaveDialog({
      title: 'Save as Prompt File',
      saveLabel: 'Save Prompt File',
      defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined,
      filters: { 'Prompt files': ['astria.yaml', 'astria.json'] },
    });
    if (!picked) return undefined;
    // A name without the double extension would not be recognised as a prompt file.
    return /\.astria\.(ya?ml|json)$/i.test(picked.path) ? picked : picked.with({ path: `${picked.path.replace(/\.(ya?ml|json)$/i, '')}.astria.yaml` });
  }
  async openImage(title: string): Promise<vscode.Uri | undefined> {
    const picked = await vscode.window.showOpenDialog({
      title,
      openLabel: 'Use Image',
      canSelectMany: false,
      canSelectFolders: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      filters: { Images: IMAGE_EXTENSIONS },
    });
    return picked?.[0];
  }
}
