// A generated image downloaded into the workspace (the gallery, the compare panel, the agent's save tool).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { downloadToFile } from '../api/download';

/**
 * Streams the image to `target` without holding it in memory: straight to the file when the target is
 * local (downloadToFile writes a temp file and renames it), else through a temp file and `workspace.fs.copy`.
 */
export async function downloadImage(url: string, target: vscode.Uri, signal: AbortSignal, timeoutMs?: number): Promise<void> {
  await vscode.workspace.fs.createDirectory(target.with({ path: path.posix.dirname(target.path) }));
  if (target.scheme === 'file') {
    await downloadToFile(url, target.fsPath, { signal, timeoutMs });
    return;
  }
  const temp = path.join(tmpdir(), `tune-studio-${randomBytes(6).toString('hex')}.download`);
  try {
    await downloadToFile(url, temp, { signal, timeoutMs });
    await vscode.workspace.fs.copy(vscode.Uri.file(temp), target, { overwrite: true });
  } finally {
    await rm(temp, { force: true });
  }
}
