// What the gallery does with many selected images at once: save them to the workspace (one progress
// notification, Cancel, existing files skipped unless the user says otherwise, each failure named) and
// export them as a ZIP streamed to disk with yazl. Every saved file carries its generation metadata.
import * as vscode from 'vscode';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { ZipFile } from 'yazl';
import type { Prompt } from '../api/astria/types';
import { parseDownloadUrl } from '../api/download';
import { errorMessage } from '../shared/errorMessage';
import { defaultSavePath, imageExtension } from '../domain/savedImages';
import { PARAMETERS_KEYWORD, isPng, parametersOf, parametersText, sidecarJson, textChunk, withPngText, type ImageParameters } from '../domain/imageMetadata';
import { downloadImage } from '../domain/imageDownload';
import { exists, type GalleryDialogs } from './saveImage';

export interface BulkImage {
  prompt: Prompt;
  imageIndex: number;
  url: string;
  tuneTitle?: string;
}

/** Downloads at once: enough to hide latency, few enough to be gentle with the CDN. */
const CONCURRENCY = 4;

/**
 * Puts the generation metadata into a saved image: a `parameters` text chunk in a PNG (pixels untouched),
 * a sidecar `<file>.json` next to anything else. Returns which was done.
 */
export async function writeMetadata(target: vscode.Uri, parameters: ImageParameters): Promise<'png' | 'sidecar'> {
  const bytes = await vscode.workspace.fs.readFile(target);
  if (isPng(bytes)) {
    await vscode.workspace.fs.writeFile(target, withPngText(bytes, PARAMETERS_KEYWORD, parametersText(parameters)));
    return 'png';
  }
  await vscode.workspace.fs.writeFile(target.with({ path: `${target.path}.json` }), Buffer.from(sidecarJson(parameters)));
  return 'sidecar';
}

export interface SaveManyResult {
  saved: vscode.Uri[];
  skipped: number;
  failed: { file: string; reason: string }[];
  cancelled: boolean;
}

/** Saves images under `generated/<tune>/<prompt>-<n>.<ext>` of the folder, in one progress notification. */
export async function saveMany(images: BulkImage[], folder: vscode.Uri, log: vscode.LogOutputChannel, dialogs: GalleryDialogs): Promise<SaveManyResult | undefined> {
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
            await downloadImage(image.url, uri, abort.signal);
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
 * Inserts a `parameters` text chunk right after a PNG's IHDR while the bytes stream through (IHDR is
 * always the first chunk, 25 bytes after the 8-byte signature). Anything that is not a PNG passes as is.
 */
export class PngTextInserter extends Transform {
  private head: Buffer | undefined = Buffer.alloc(0);

  constructor(private readonly text: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.head) return callback(null, chunk);
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < 33) return callback();
    const head = this.head;
    this.head = undefined;
    const ihdr = isPng(head) && head.toString('latin1', 12, 16) === 'IHDR' && head.readUInt32BE(8) === 13;
    if (ihdr) {
      this.push(head.subarray(0, 33));
      this.push(textChunk(PARAMETERS_KEYWORD, this.text));
      callback(null, head.subarray(33));
    } else {
      callback(null, head);
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.head && this.head.length > 0 ? this.head : undefined);
  }
}

/** Name of an image inside the ZIP: `<tune>/<prompt>-<n>.<ext>`, as in the workspace. */
function entryName(image: BulkImage): string {
  return defaultSavePath(image.tuneTitle, image.prompt.tune_id, image.prompt.id, image.imageIndex, image.url).slice(1).join('/');
}

/**
 * Writes a ZIP of the images to `target`, streaming each image from the CDN into the archive and the
 * archive to disk (a temp name first, renamed when complete): nothing is held whole in memory.
 */
export async function exportZip(
  images: BulkImage[],
  target: vscode.Uri,
  signal: AbortSignal,
  onEntry: (done: number) => void = () => undefined,
): Promise<{ entries: number }> {
  if (target.scheme !== 'file') throw new Error('A ZIP can only be exported to a local file.');
  const part = `${target.fsPath}.${process.pid}-${Date.now().toString(36)}.part`;
  const zip = new ZipFile();
  let done = 0;
  let entries = 0;
  const names = new Set<string>();
  for (const image of images) {
    const name = entryName(image);
    if (names.has(name)) continue;
    names.add(name);
    const parameters = parametersOf(image.prompt, image.imageIndex, image.url, image.tuneTitle);
    // Images are already compressed: storing them is as small and much faster.
    zip.addReadStreamLazy(name, { compress: false }, (callback) => {
      if (signal.aborted) return callback(new Error('Cancelled.'), Readable.from([]));
      fetch(parseDownloadUrl(image.url), { signal, headers: { Accept: '*/*' } })
        .then((response) => {
          if (!response.ok || !response.body) throw new Error(`${name}: the server answered ${response.status}`);
          const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>).pipe(new PngTextInserter(parametersText(parameters)));
          body.on('end', () => onEntry(++done));
          callback(null, body);
        })
        .catch((error: unknown) => callback(new Error(`${name}: ${errorMessage(error)}`), Readable.from([])));
    });
    entries++;
    if (imageExtension(image.url) !== 'png') zip.addBuffer(Buffer.from(sidecarJson(parameters)), `${name}.json`);
  }
  zip.end();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      pipeline(zip.outputStream, createWriteStream(part), { signal }).then(resolve, reject);
    });
    await rename(part, target.fsPath);
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }
  return { entries };
}
