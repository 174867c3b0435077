// The prompt editor's file dialogs and picked files, replaceable by the integration suite (a test cannot click a dialog).
import * as vscode from 'vscode';
import { IMAGE_EXTENSIONS } from '../shared/imageFormats';
import type { PickedFile } from '../shared/promptEditor';
import { ImageFileProblem, workspaceImage } from '../domain/workspaceImages';
import type { ImageTarget } from '../shared/promptEditor';
import type { PromptDraft } from '../shared/prompt/draft';
import { parseUriList } from './promptEditorModel';

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

/** The file dialog's image, checked like any workspace image (an ImageFileProblem says why not). */
export async function chooseImageFile(dialogs: PromptEditorDialogs, target: ImageTarget): Promise<PickedFile | null> {
  const uri = await dialogs.openImage(target === 'input_image' ? 'Choose the Input Image' : 'Choose the Mask Image');
  return uri ? pickedFile(uri.toString()) : null;
}

/** A `text/uri-list` dropped on the form: its first file, or why it cannot be used. */
export async function droppedImageFile(uriList: string): Promise<PickedFile | { error: string }> {
  const uris = parseUriList(uriList);
  if (uris.length === 0) return { error: 'Drop an image file from the Explorer.' };
  try {
    return await pickedFile(uris[0]!);
  } catch (error) {
    if (error instanceof ImageFileProblem) return { error: error.message };
    throw error;
  }
}

/** Save as Prompt File…: the form as a `*.astria.yaml` with this tune and one entry, opened next to the panel. */
export async function saveDraftAsPromptFile(dialogs: PromptEditorDialogs, tuneId: number, title: string, draft: PromptDraft): Promise<{ saved: string } | null> {
  // The prompt file writer (and its YAML library) loads on first use.
  const { entryFromDraft, entryName, promptFileFormat, promptFileName, promptFileText } = await import('../shared/promptFile');
  const uri = await dialogs.savePromptFile(promptFileName(title));
  if (!uri) return null;
  const format = promptFileFormat(uri.path) ?? 'yaml';
  const text = promptFileText(tuneId, [entryFromDraft(entryName(draft.text), draft)], format);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(format === 'yaml' ? `# ${title.replace(/\s+/g, ' ')}\n${text}` : text));
  await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  return { saved: vscode.workspace.asRelativePath(uri) };
}

/** How the form names the workspace files a draft uses (relative paths). */
export function fileLabels(draft: PromptDraft): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of [draft.input_image_file, draft.mask_image_file]) {
    if (!value) continue;
    try {
      labels[value] = vscode.workspace.asRelativePath(vscode.Uri.parse(value, true));
    } catch {
      // Not a URI: the webview shows it as is, and submitting reports the problem.
    }
  }
  return labels;
}
