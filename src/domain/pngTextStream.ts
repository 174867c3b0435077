// The `parameters` text chunk put into a PNG while its bytes stream through, never holding the image:
// for the ZIP export (each entry) and for images saved to disk (a new file renamed over the old one).
// Plain Node, no `vscode`.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PARAMETERS_KEYWORD, isPng, textChunk } from './imageMetadata';

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
    // Stryker disable next-line ConditionalExpression,EqualityOperator: pushing an empty buffer adds no bytes, so the guard only saves a call
    callback(null, this.head && this.head.length > 0 ? this.head : undefined);
  }
}

/** Whether the file at `path` starts like a PNG (reads 8 bytes). */
export async function isPngFile(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await file.read(head, 0, 8, 0);
    return isPng(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

/**
 * Streams the PNG at `path` through PngTextInserter into a temporary file next to it, renamed over it when
 * whole: a reader of the old file keeps reading the old image, a failure leaves it as it was.
 * The PNG must not already hold a `parameters` chunk (a freshly downloaded image does not).
 */
export async function insertPngTextInFile(path: string, text: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.part`;
  try {
    await pipeline(createReadStream(path), new PngTextInserter(text), createWriteStream(temp));
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
