// "Remix in Prompt Editor" on a workspace image Tune Studio saved: its generation parameters (the PNG's
// `parameters` text chunk, or the `<file>.json` sidecar of a JPEG/WebP) open the prompt editor of the
// tune they name, prefilled, with Undo. Reads the file, never the network.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Open } from '../open';
import { errorMessage } from '../shared/errorMessage';
import { PARAMETERS_KEYWORD, isPng, parseParametersText, promptFromParameters, readPngText, type ParsedParameters } from '../domain/imageMetadata';

/** The image the command is for: the Explorer's file it was run on, else the image open in the active tab. */
function targetImage(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) return input.uri;
  return undefined;
}

/** The parameters a saved image carries, if any. */
export async function readImageParameters(uri: vscode.Uri): Promise<ParsedParameters | undefined> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (isPng(bytes)) {
    const text = readPngText(bytes).get(PARAMETERS_KEYWORD);
    return text === undefined ? undefined : parseParametersText(text);
  }
  let sidecar: Uint8Array;
  try {
    sidecar = await vscode.workspace.fs.readFile(uri.with({ path: `${uri.path}.json` }));
  } catch {
    return undefined;
  }
  const json = JSON.parse(Buffer.from(sidecar).toString('utf8')) as { parameters?: unknown };
  return typeof json.parameters === 'string' ? parseParametersText(json.parameters) : undefined;
}

export async function remixFromImage(arg: unknown, open: Open): Promise<void> {
  const uri = targetImage(arg);
  if (!uri) {
    void vscode.window.showWarningMessage('Select an image in the Explorer (or open one) to remix it.');
    return;
  }
  const name = path.posix.basename(uri.path);
  let parsed: ParsedParameters | undefined;
  try {
    parsed = await readImageParameters(uri);
  } catch (error) {
    void vscode.window.showErrorMessage(`Could not read the parameters of ${name}: ${errorMessage(error)}`);
    return;
  }
  if (!parsed) {
    void vscode.window.showWarningMessage(`${name} carries no generation parameters. Images saved from the Tune Studio gallery do.`);
    return;
  }
  const prompt = promptFromParameters(parsed);
  if (!prompt) {
    void vscode.window.showWarningMessage(`${name} does not say which tune made it (no "Tune id" in its parameters), so there is no prompt editor to open.`);
    return;
  }
  await open.promptEditor({ kind: 'remix', prompt });
}
