// Workspace files as input and mask images: only regular image files inside an open workspace folder
// (after following symlinks), of a format Astria takes and a sane size, are ever read and uploaded.
import * as vscode from 'vscode';
import { open, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { UploadFile } from '../api/astria/types';
import { DEFAULT_MAX_IMAGE_MB, IMAGE_FORMATS, SNIFF_BYTES, SUPPORTED_FORMATS_TEXT, sniffImageFormat } from '../shared/imageFormats';

export const MAX_INPUT_IMAGE_BYTES = DEFAULT_MAX_IMAGE_MB * 1024 * 1024;

/** Why a file cannot be used, in words for the form. */
export class ImageFileProblem extends Error {}

/** Schemes whose `fsPath` this extension host can read. */
const READABLE_SCHEMES = new Set(['file', 'vscode-remote']);

function parseUri(value: string): vscode.Uri {
  try {
    return vscode.Uri.parse(value, true);
  } catch {
    throw new ImageFileProblem('That is not a file address.');
  }
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Checks a URI from the webview and returns the file to stream; throws ImageFileProblem. */
export async function workspaceImage(value: string): Promise<UploadFile & { uri: vscode.Uri; label: string }> {
  const parsed = parseUri(value);
  // A drop from a browser workbench may name the file with another scheme; its path is what counts.
  const candidates = parsed.scheme === 'file' ? [parsed] : [parsed, parsed.with({ scheme: 'file', authority: '' })];
  const uri = candidates.find((candidate) => READABLE_SCHEMES.has(candidate.scheme) && vscode.workspace.getWorkspaceFolder(candidate));
  const folder = uri && vscode.workspace.getWorkspaceFolder(uri);
  if (!uri || !folder) throw new ImageFileProblem(`${path.posix.basename(parsed.path) || value} is not inside the open workspace.`);
  let real: string;
  let folderReal: string;
  try {
    [real, folderReal] = await Promise.all([realpath(uri.fsPath), realpath(folder.uri.fsPath)]);
  } catch {
    throw new ImageFileProblem(`${vscode.workspace.asRelativePath(uri)} does not exist any more.`);
  }
  // A symlink inside the workspace must not smuggle out a file from elsewhere.
  if (!isInside(real, folderReal)) throw new ImageFileProblem(`${vscode.workspace.asRelativePath(uri)} points outside the workspace.`);
  const info = await stat(real);
  if (!info.isFile()) throw new ImageFileProblem(`${vscode.workspace.asRelativePath(uri)} is not a file.`);
  if (info.size === 0) throw new ImageFileProblem(`${vscode.workspace.asRelativePath(uri)} is empty.`);
  if (info.size > MAX_INPUT_IMAGE_BYTES) {
    throw new ImageFileProblem(`${vscode.workspace.asRelativePath(uri)} is larger than ${DEFAULT_MAX_IMAGE_MB} MB.`);
  }
  const head = new Uint8Array(SNIFF_BYTES);
  const handle = await open(real, 'r');
  try {
    await handle.read(head, 0, SNIFF_BYTES, 0);
  } finally {
    await handle.close();
  }
  const format = sniffImageFormat(head);
  if (!format || !IMAGE_FORMATS[format].supported) {
    const found = format ? `${IMAGE_FORMATS[format].label}, ` : '';
    throw new ImageFileProblem(`${vscode.workspace.asRelativePath(uri)} is not a usable image (${found}use ${SUPPORTED_FORMATS_TEXT}).`);
  }
  return { uri, path: real, name: path.basename(uri.fsPath), type: IMAGE_FORMATS[format].mime, label: vscode.workspace.asRelativePath(uri) };
}
