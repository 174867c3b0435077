// Dropping image files or folders on the Tunes view starts "Create Tune from Images…" with them.
import * as vscode from 'vscode';
import type { TunesNode } from '../../views/nodes';

/** Explorer drags arrive as text/uri-list (also in code-server); files from the OS as 'files'. */
export const URI_LIST_MIME = 'text/uri-list';
export const FILES_MIME = 'files';

export class TunesDropController implements vscode.TreeDragAndDropController<TunesNode> {
  readonly dropMimeTypes = [URI_LIST_MIME, FILES_MIME];
  readonly dragMimeTypes: readonly string[] = [];

  constructor(private readonly createFromUris: (uris: vscode.Uri[]) => Thenable<unknown>) {}

  async handleDrop(_target: TunesNode | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const uris = await droppedUris(dataTransfer);
    if (token.isCancellationRequested) return;
    if (uris.length === 0) {
      void vscode.window.showWarningMessage('Drop image files, or a folder of images, on the Tunes view to create a tune from them.');
      return;
    }
    // Not awaited: the wizard waits for the user, and a drop must not stay pending meanwhile.
    void this.createFromUris(uris);
  }
}

/** The dropped resources: the uri-list first, then any OS files not already in it. */
export async function droppedUris(dataTransfer: vscode.DataTransfer): Promise<vscode.Uri[]> {
  const uris: vscode.Uri[] = [];
  const seen = new Set<string>();
  const add = (uri: vscode.Uri): void => {
    const key = uri.toString();
    if (seen.has(key)) return;
    seen.add(key);
    uris.push(uri);
  };
  const list = dataTransfer.get(URI_LIST_MIME);
  if (list) for (const uri of parseUriList(await list.asString())) add(uri);
  dataTransfer.forEach((item) => {
    const uri = item.asFile()?.uri;
    if (uri) add(uri);
  });
  return uris;
}

/** RFC 2483: one URI per line, `#` lines are comments. */
export function parseUriList(text: string): vscode.Uri[] {
  const uris: vscode.Uri[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    try {
      uris.push(vscode.Uri.parse(trimmed, true));
    } catch {
      // Not a URI (plain text dragged in): ignore the line.
    }
  }
  return uris;
}
