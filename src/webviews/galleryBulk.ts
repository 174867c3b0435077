// What the gallery does with many selected images at once: save them to the workspace (one progress
// notification, Cancel, existing files skipped unless the user says otherwise, each failure named) and
// export them as a ZIP streamed to disk with yazl (zipExport.ts). Every saved file carries its generation metadata.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { errorMessage } from '../shared/errorMessage';
import type { BulkImage } from './galleryModel';
import { defaultSavePath } from '../domain/savedImages';
import { PARAMETERS_KEYWORD, isPng, parametersOf, parametersText, sidecarJson, withPngText, type ImageParameters } from '../domain/imageMetadata';
import { downloadImage } from '../domain/imageDownload';
import { exists, replaceFile, type GalleryDialogs } from './saveImage';
import type { ZipExportOptions } from './zipExport';
import type { ZipExportResult } from './zipExportSummary';

export type { BulkImage } from './galleryModel';

/** Downloads at once: enough to hide latency, few enough to be gentle with the CDN. */
const CONCURRENCY = 4;

/**
 * Puts the generation metadata into a saved image: a `parameters` text chunk in a PNG (pixels untouched),
 * a sidecar `<file>.json` next to anything else. Returns which was done. Either file is written whole
 * under a temporary name and renamed over the old one (replaceFile), never rewritten in place.
 */
export async function writeMetadata(target: vscode.Uri, parameters: ImageParameters): Promise<'png' | 'sidecar'> {
  const bytes = await vscode.workspace.fs.readFile(target);
  if (isPng(bytes)) {
    await replaceFile(target, withPngText(bytes, PARAMETERS_KEYWORD, parametersText(parameters)));
    return 'png';
  }
  await replaceFile(target.with({ path: `${target.path}.json` }), Buffer.from(sidecarJson(parameters)));
  return 'sidecar';
}

export interface SaveManyResult {
  saved: vscode.Uri[];
  skipped: number;
  failed: { file: string; reason: string }[];
  cancelled: boolean;
}

/** Saves images under `generated/<tune>/<prompt>-<n>.<ext>` of the folder, in one progress notification. */
export async function saveMany(images: BulkImage[], folder: vscode.Uri, log: vscode.LogOutputChannel, dialogs: GalleryDialogs, timeoutMs?: number): Promise<SaveManyResult | undefined> {
  const targets = images.map((image) => ({
    image,
    uri: vscode.Uri.joinPath(folder, ...defaultSavePath(image.tuneTitle, image.prompt.tune_id, image.prompt.id, image.imageIndex, image.url)),
  }));
  const present = await Promise.all(targets.map((t) => exists(t.uri)));
  const existing = present.filter(Boolean).length;
  let overwrite = false;
  if (existing > 0) {
    const choice = await dialogs.existingFiles(existing, images.length);
    if (choice === 'cancel') return undefined;
    overwrite = choice === 'overwrite';
  }
  const todo = targets.filter((_, i) => overwrite || !present[i]);
  const result: SaveManyResult = { saved: [], skipped: images.length - todo.length, failed: [], cancelled: false };
  if (todo.length === 0) return result;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Saving ${todo.length} image${todo.length === 1 ? '' : 's'}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancel = token.onCancellationRequested(() => abort.abort());
      let next = 0;
      let done = 0;
      const worker = async () => {
        while (next < todo.length && !abort.signal.aborted) {
          const { image, uri } = todo[next++];
          try {
            await downloadImage(image.url, uri, abort.signal, timeoutMs);
            await writeMetadata(uri, parametersOf(image.prompt, image.imageIndex, image.url, image.tuneTitle));
            result.saved.push(uri);
          } catch (error) {
            if (abort.signal.aborted) break;
            const file = vscode.workspace.asRelativePath(uri);
            result.failed.push({ file, reason: errorMessage(error) });
            log.warn(`Gallery: could not save ${file}: ${errorMessage(error)}`);
          }
          done++;
          progress.report({ increment: 100 / todo.length, message: `${done} of ${todo.length}` });
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
      } finally {
        cancel.dispose();
        result.cancelled = abort.signal.aborted;
      }
    },
  );
  return result;
}

/** "Saved 48 images to generated/… · skipped 2 already there · could not save 1: a.png (reason)". */
export function describeSaveMany(result: SaveManyResult, total: number): string {
  const parts: string[] = [];
  const where = result.saved.length > 0 ? path.posix.dirname(vscode.workspace.asRelativePath(result.saved[0])) : undefined;
  parts.push(`Saved ${result.saved.length} of ${total} image${total === 1 ? '' : 's'}${where ? ` to ${where}` : ''}`);
  if (result.skipped) parts.push(`skipped ${result.skipped} already there`);
  if (result.cancelled) parts.push('cancelled');
  if (result.failed.length) {
    const named = result.failed.slice(0, 3).map((f) => `${f.file} (${f.reason})`);
    parts.push(`could not save ${result.failed.length}: ${named.join('; ')}${result.failed.length > 3 ? '; …' : ''}`);
  }
  return `${parts.join(' · ')}.`;
}

/**
 * Writes a ZIP of the images to `target`, downloading each image whole before it goes in (zipExport.ts):
 * an image the CDN cuts short or refuses is left out and named; nothing is held whole in memory.
 */
export async function exportZip(images: BulkImage[], target: vscode.Uri, options: ZipExportOptions): Promise<ZipExportResult> {
  if (target.scheme !== 'file') throw new Error('A ZIP can only be exported to a local file.');
  const { exportZipFile } = await import('./zipExport'); // the ZIP writer loads on first use
  return exportZipFile(images, target.fsPath, options);
}
