// The gallery's ZIP export, without `vscode`: each image is downloaded whole to a temporary file first,
// a few at a time, then streamed into the archive with its metadata, in the order selected. An image the
// CDN cuts short (or refuses) fails only its own entry, by name; it never reaches the archive, whose
// entries cannot be taken back once started. The archive is written under a temporary name next to the
// target and renamed when complete: a failed or cancelled export leaves the file under that name as it was.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pipeline as pipeStreams, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { downloadToFile } from '../api/download';
import { errorMessage } from '../shared/errorMessage';
import type { BulkImage } from './galleryModel';
import { describeFailures, type ZipExportResult } from './zipExportSummary';

export { describeZipExport, type ZipExportResult } from './zipExportSummary';
import { defaultSavePath, imageExtension } from '../domain/savedImages';
import { parametersOf, parametersText, sidecarJson } from '../domain/imageMetadata';
import { PngTextInserter } from '../domain/pngTextStream';

export { PngTextInserter } from '../domain/pngTextStream';

/** Downloads at once: enough to hide latency, few enough to be gentle with the CDN (and the temp folder). */
const CONCURRENCY = 4;

export interface ZipExportOptions {
  signal: AbortSignal;
  /** Longest wait for each download (undefined = the download's own default). */
  timeoutMs?: number;
  /** After each image, added or failed: how many are settled. */
  onEntry?: (settled: number) => void;
}


/** Name of an image inside the ZIP: `<tune>/<prompt>-<n>.<ext>`, as in the workspace. */
export function zipEntryName(image: BulkImage): string {
  return defaultSavePath(image.tuneTitle, image.prompt.tune_id, image.prompt.id, image.imageIndex, image.url).slice(1).join('/');
}

type Downloaded = { file: string } | { error: unknown };

/** Writes a ZIP of the images to `target` (a local path). Throws when none could be put in it, or on cancel. */
export async function exportZipFile(images: readonly BulkImage[], target: string, options: ZipExportOptions): Promise<ZipExportResult> {
  const { signal } = options;
  const byName = new Map<string, BulkImage>();
  for (const image of images) if (!byName.has(zipEntryName(image))) byName.set(zipEntryName(image), image);
  const todo = [...byName];
  const result: ZipExportResult = { entries: 0, total: todo.length, failed: [] };

  const part = `${target}.${process.pid}-${Date.now().toString(36)}.part`;
  const work = await mkdtemp(path.join(tmpdir(), 'tune-studio-zip-'));
  // Stops the downloads still running when the export ends early (failure or cancel).
  const stop = new AbortController();
  const downloadSignal = AbortSignal.any([signal, stop.signal]);
  const downloads: Promise<Downloaded>[] = [];
  const startDownload = () => {
    const i = downloads.length;
    if (i >= todo.length) return;
    const file = path.join(work, String(i));
    downloads.push(downloadToFile(todo[i][1].url, file, { signal: downloadSignal, timeoutMs: options.timeoutMs }).then(() => ({ file }), (error: unknown) => ({ error })));
  };

  const zip = new ZipFile();
  const zipFailed = new Promise<never>((_, reject) => zip.on('error', reject));
  const written = pipeline(zip.outputStream, createWriteStream(part));
  // Either may settle while nothing awaits it; each is raced below.
  zipFailed.catch(() => undefined);
  written.catch(() => undefined);
  const cancelled = () => {
    if (signal.aborted) throw new Error('Cancelled.');
  };
  try {
    for (let k = 0; k < CONCURRENCY; k++) startDownload();
    for (let i = 0; i < todo.length; i++) {
      const [name, image] = todo[i];
      const downloaded = await downloads[i];
      cancelled();
      if ('error' in downloaded) {
        result.failed.push({ name, reason: errorMessage(downloaded.error) });
      } else {
        const parameters = parametersOf(image.prompt, image.imageIndex, image.url, image.tuneTitle);
        await Promise.race([addEntry(zip, name, downloaded.file, parametersText(parameters)), zipFailed, written]);
        await rm(downloaded.file, { force: true });
        // Images are already compressed: storing them is as small and much faster.
        if (imageExtension(image.url) !== 'png') zip.addBuffer(Buffer.from(sidecarJson(parameters)), `${name}.json`, { compress: false });
        result.entries++;
      }
      options.onEntry?.(i + 1);
      startDownload();
    }
    if (result.entries === 0) {
      throw new Error(`none of the ${todo.length} images could be downloaded: ${describeFailures(result.failed)}`);
    }
    zip.end();
    await Promise.race([written, zipFailed]);
    cancelled();
    await rename(part, target);
    return result;
  } catch (error) {
    (zip.outputStream as Readable).destroy();
    await written.catch(() => undefined);
    await rm(part, { force: true });
    throw error;
  } finally {
    stop.abort();
    await Promise.allSettled(downloads);
    await rm(work, { recursive: true, force: true });
  }
}

/** Streams a downloaded image into the archive with its metadata; resolves once the archive has read all of it. */
function addEntry(zip: ZipFile, name: string, file: string, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const entry = pipeStreams(createReadStream(file), new PngTextInserter(text), (error) => error && reject(error));
    entry.once('end', () => resolve());
    zip.addReadStream(entry, name, { compress: false });
  });
}
