// Which files can train a tune: recognised by content (first 32 bytes), checked for size, de-duplicated
// by a streamed sha256. Plain Node, no `vscode` import, so it is unit-tested on real temp files.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DEFAULT_MAX_IMAGE_MB, IMAGE_FORMATS, MAX_IMAGE_SIZE_SETTING, SNIFF_BYTES, SUPPORTED_FORMATS_TEXT, sniffImageFormat, type ImageFormat } from '../shared/imageFormats';
import { plural } from '../shared/plural';

/** Astria needs at least this many photos for a good tune; fewer is allowed with a warning. */
export const RECOMMENDED_MIN_IMAGES = 4;


/** A file accepted for upload. */
export interface ImageFile {
  path: string;
  /** Base name, sent as the multipart file name. */
  name: string;
  size: number;
  format: ImageFormat;
  mime: string;
}

export type SkipReason = 'unreadable' | 'empty' | 'not-image' | 'unsupported-format' | 'too-large' | 'duplicate' | 'folder';

/** A file left out, with a sentence that names it and says why. */
export interface SkippedFile {
  path: string;
  name: string;
  reason: SkipReason;
  message: string;
}

export interface ImageSelection {
  images: ImageFile[];
  skipped: SkippedFile[];
  totalBytes: number;
  /** Folders that were scanned (their own files, not subfolders). */
  scannedFolders: string[];
}

export interface CollectOptions {
  /** Larger files are refused; default 20 MB. */
  maxImageBytes?: number;
}

/**
 * Turns what the user picked (files and folders, in any mix) into the images to upload and the files left
 * out. Folders contribute their own files (not subfolders); hidden files such as .DS_Store are ignored.
 * The same path picked twice counts once; the same content under two names is a duplicate.
 */
export async function collectImageFiles(paths: readonly string[], options: CollectOptions = {}): Promise<ImageSelection> {
  const maxImageBytes = options.maxImageBytes ?? DEFAULT_MAX_IMAGE_MB * MB;
  const skipped: SkippedFile[] = [];
  const scannedFolders: string[] = [];
  const candidates: string[] = [];
  const seenPaths = new Set<string>();
  const addCandidate = (path: string): void => {
    const absolute = resolve(path);
    if (seenPaths.has(absolute)) return;
    seenPaths.add(absolute);
    candidates.push(absolute);
  };

  for (const path of paths) {
    const info = await stat(path).catch((error: unknown) => error as NodeJS.ErrnoException);
    if (info instanceof Error) {
      skipped.push(skip(path, 'unreadable', `could not be read (${errorCode(info)})`));
    } else if (info.isDirectory()) {
      scannedFolders.push(resolve(path));
      const listed = await listFolder(path);
      if (listed instanceof Error) skipped.push(skip(path, 'unreadable', `folder could not be read (${errorCode(listed)})`));
      else {
        listed.files.forEach(addCandidate);
        for (const folder of listed.subfolders) skipped.push(skip(folder, 'folder', 'is a subfolder (only the folder’s own files are used)'));
      }
    } else {
      addCandidate(path);
    }
  }

  const checked = await mapLimit(candidates, 8, (path) => checkFile(path, maxImageBytes));
  const images: ImageFile[] = [];
  for (const result of checked) {
    if ('reason' in result) skipped.push(result);
    else images.push(result);
  }
  const duplicates = await findDuplicates(images);
  for (const [duplicate, original] of duplicates) {
    skipped.push(skip(duplicate.path, 'duplicate', `has the same content as ${original.name}`));
  }
  const unique = images.filter((image) => !duplicates.has(image));
  return { images: unique, skipped, totalBytes: unique.reduce((sum, image) => sum + image.size, 0), scannedFolders };
}

/** Stats and sniffs one file: an ImageFile, or why it is left out. */
async function checkFile(path: string, maxImageBytes: number): Promise<ImageFile | SkippedFile> {
  const info = await stat(path).catch((error: unknown) => error as NodeJS.ErrnoException);
  if (info instanceof Error) return skip(path, 'unreadable', `could not be read (${errorCode(info)})`);
  if (info.isDirectory()) return skip(path, 'folder', 'is a folder');
  if (!info.isFile()) return skip(path, 'unreadable', 'is not a regular file');
  if (info.size === 0) return skip(path, 'empty', 'is empty (0 bytes)');
  const head = await readHead(path);
  if (head instanceof Error) return skip(path, 'unreadable', `could not be read (${errorCode(head)})`);
  const format = sniffImageFormat(head);
  if (format === undefined) return skip(path, 'not-image', `is not an image (its content is not ${SUPPORTED_FORMATS_TEXT})`);
  const { label, mime, supported } = IMAGE_FORMATS[format];
  if (!supported) return skip(path, 'unsupported-format', `is in ${label} format, which Astria does not train on; convert it to ${SUPPORTED_FORMATS_TEXT}`);
  if (info.size > maxImageBytes) {
    return skip(path, 'too-large', `is ${formatMegabytes(info.size)}, over the ${formatMegabytes(maxImageBytes)} limit (setting ${MAX_IMAGE_SIZE_SETTING})`);
  }
  return { path, name: basename(path), size: info.size, format, mime };
}

/** Reads at most SNIFF_BYTES from the start of the file. */
async function readHead(path: string): Promise<Uint8Array | NodeJS.ErrnoException> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

async function listFolder(folder: string): Promise<{ files: string[]; subfolders: string[] } | NodeJS.ErrnoException> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    const visible = entries.filter((entry) => !entry.name.startsWith('.')).sort((a, b) => naturalCompare(a.name, b.name));
    return {
      files: visible.filter((entry) => !entry.isDirectory()).map((entry) => join(folder, entry.name)),
      subfolders: visible.filter((entry) => entry.isDirectory()).map((entry) => join(folder, entry.name)),
    };
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

/**
 * Later copies of the same content → the first file with it. Only files whose size matches another
 * file's are hashed: a unique size cannot be a duplicate, and hashing reads the whole file.
 */
async function findDuplicates(images: readonly ImageFile[]): Promise<Map<ImageFile, ImageFile>> {
  const bySize = new Map<number, ImageFile[]>();
  for (const image of images) bySize.set(image.size, [...(bySize.get(image.size) ?? []), image]);
  const toHash = [...bySize.values()].filter((group) => group.length > 1).flat();
  const hashes = await mapLimit(toHash, 2, (image) => sha256OfFile(image.path).catch(() => undefined));
  const firstWithHash = new Map<string, ImageFile>();
  const duplicates = new Map<ImageFile, ImageFile>();
  // Walk in selection order so the first-picked copy is the one kept.
  const hashOf = new Map(toHash.map((image, i) => [image, hashes[i]]));
  for (const image of images) {
    const hash = hashOf.get(image);
    if (hash === undefined) continue;
    const original = firstWithHash.get(hash);
    if (original) duplicates.set(image, original);
    else firstWithHash.set(hash, image);
  }
  return duplicates;
}

/** sha256 of a file, streamed in chunks (never the whole file in memory). */
export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

export interface SelectionVerdict {
  /** Set when nothing can be uploaded: the reason, in a sentence. */
  refusal?: string;
  /** Set when there are fewer images than Astria recommends (allowed). */
  fewImages?: string;
}

/** Whether the selection can be uploaded, and what to warn about. */
export function judgeSelection(selection: ImageSelection): SelectionVerdict {
  const { images, skipped } = selection;
  if (images.length === 0) {
    const why = skipped.length === 0 ? 'No files were selected.' : `${describeSkipped(skipped)}.`;
    return { refusal: `There are no images to train on. ${why} Pick ${SUPPORTED_FORMATS_TEXT} photos.` };
  }
  if (images.length < RECOMMENDED_MIN_IMAGES) {
    return { fewImages: `Only ${plural(images.length, 'image')}: Astria recommends at least ${RECOMMENDED_MIN_IMAGES} for a good tune.` };
  }
  return {};
}

const REASON_WORDS: Record<SkipReason, [one: string, many: string]> = {
  'not-image': ['not an image', 'not images'],
  'unsupported-format': ['in an unsupported format', 'in unsupported formats'],
  'too-large': ['too large', 'too large'],
  empty: ['empty', 'empty'],
  unreadable: ['unreadable', 'unreadable'],
  duplicate: ['a duplicate', 'duplicates'],
  folder: ['a subfolder', 'subfolders'],
};

/** "3 files skipped: 2 not images, 1 a duplicate". */
export function describeSkipped(skipped: readonly SkippedFile[]): string {
  const counts = new Map<SkipReason, number>();
  for (const file of skipped) counts.set(file.reason, (counts.get(file.reason) ?? 0) + 1);
  const parts = [...counts].map(([reason, count]) => `${count} ${REASON_WORDS[reason][count === 1 ? 0 : 1]}`);
  return `${plural(skipped.length, 'file')} skipped: ${parts.join(', ')}`;
}

/** The folder the images come from (for the default title): the picked folder, or the first image's folder. */
export function sourceFolderName(selection: ImageSelection, fallback = 'tune'): string {
  const folder = selection.scannedFolders[0] ?? (selection.images[0] ? dirname(selection.images[0].path) : undefined);
  return folder ? basename(folder) || fallback : fallback;
}

const MB = 1024 * 1024;

export function megabytesToBytes(megabytes: number): number {
  return Math.round(megabytes * MB);
}

/** "8.0 MB", "512 KB", "0.3 MB" style: one decimal for MB. */
export function formatMegabytes(bytes: number): string {
  if (bytes < 100 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / MB).toFixed(1)} MB`;
}


function skip(path: string, reason: SkipReason, why: string): SkippedFile {
  const name = basename(path);
  return { path, name, reason, message: `${name} ${why}` };
}

function errorCode(error: NodeJS.ErrnoException): string {
  return error.code ?? error.message;
}

/** "img2" before "img10". */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
}

/** Like Promise.all(items.map(fn)) with at most `limit` running at once (disk-friendly). */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  // Stryker disable next-line ArrayDeclaration: every index is assigned below, so a pre-sized array only saves resizing
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  // Stryker disable next-line MethodExpression: extra workers find no item left and return at once; the cap only avoids idle ones
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
