// A strict PNG reader for the tests, independent of the extension's own PNG code (src/domain/imageMetadata.ts)
// and of the sandbox's encoder: a saved or zipped image passes only if every byte a PNG decoder checks is
// right. It verifies the signature, each chunk's length, type and CRC (buffer-crc32, not our CRC), the chunk
// order (IHDR first and once, IDAT chunks together, IEND last with nothing after it, no unknown critical
// chunk), the text chunks' layout, and that the image data inflates (zlib checks its Adler-32) to exactly the
// bytes IHDR promises, each row with a valid filter. `assertSameImage` then says whether a saved file holds
// the very image the CDN served: same IHDR, same concatenated IDAT payload. Also: the sidecar JSON of a
// JPEG/WebP image, parsed and checked.
import * as crc32Module from 'buffer-crc32';
import { inflateSync } from 'node:zlib';

// The CommonJS module as a namespace (tsx) or as its default export (the ESM build esbuild bundles).
const crc32 = (crc32Module as unknown as { default?: typeof crc32Module }).default ?? crc32Module;

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const KNOWN_CRITICAL = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);
/** Bit depths allowed per colour type (PNG spec, 11.2.2). */
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface StrictChunk {
  type: string;
  /** Offset of the chunk's length field in the file. */
  offset: number;
  data: Buffer;
}

export interface StrictPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  chunks: StrictChunk[];
  /** IHDR's 13 bytes. */
  ihdr: Buffer;
  /** The IDAT chunks' payloads, concatenated: the compressed image data. */
  idat: Buffer;
  /** tEXt / iTXt / zTXt by keyword (iTXt/zTXt inflated when compressed). */
  text: Map<string, string>;
}

export class PngError extends Error {}

/** Reads `bytes` as a PNG, throwing a `PngError` that names the first thing a strict decoder would reject. */
export function readPngStrict(input: Uint8Array, what = 'the PNG'): StrictPng {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const fail = (message: string): never => {
    throw new PngError(`${what}: ${message}`);
  };
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(SIGNATURE)) fail('does not start with the PNG signature');
  const chunks: StrictChunk[] = [];
  let at = 8;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) fail(`${bytes.length - at} stray bytes at offset ${at} (a chunk needs at least 12)`);
    const length = bytes.readUInt32BE(at);
    const typeBytes = bytes.subarray(at + 4, at + 8);
    const type = typeBytes.toString('latin1');
    if (!/^[A-Za-z]{4}$/.test(type)) fail(`chunk ${chunks.length} at offset ${at} has an invalid type ${JSON.stringify(type)}`);
    if (length > 0x7fffffff) fail(`${type} chunk at offset ${at} claims ${length} bytes (over 2^31 - 1)`);
    if (at + 12 + length > bytes.length) fail(`${type} chunk at offset ${at} is cut short: ${length} bytes claimed, ${bytes.length - at - 12} there`);
    const data = bytes.subarray(at + 8, at + 8 + length);
    const stored = bytes.readUInt32BE(at + 8 + length);
    const computed = crc32.unsigned(bytes.subarray(at + 4, at + 8 + length));
    if (stored !== computed) fail(`${type} chunk at offset ${at} has CRC ${hex(stored)}, its bytes give ${hex(computed)}`);
    chunks.push({ type, offset: at, data });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (at !== bytes.length) fail(`${bytes.length - at} bytes after IEND`);

  const types = chunks.map((c) => c.type);
  if (types[0] !== 'IHDR') fail(`the first chunk is ${types[0] ?? 'missing'}, not IHDR`);
  if (types.at(-1) !== 'IEND') fail('does not end with IEND');
  if (types.filter((t) => t === 'IHDR').length !== 1) fail('has more than one IHDR');
  if (chunks.at(-1)!.data.length !== 0) fail('IEND is not empty');
  const unknown = types.find((t) => /^[A-Z]/.test(t) && !KNOWN_CRITICAL.has(t));
  if (unknown) fail(`has an unknown critical chunk ${unknown}`);
  const firstIdat = types.indexOf('IDAT');
  const lastIdat = types.lastIndexOf('IDAT');
  if (firstIdat < 0) fail('has no IDAT chunk');
  if (types.slice(firstIdat, lastIdat + 1).some((t) => t !== 'IDAT')) fail('has IDAT chunks that are not consecutive');
  const plte = types.indexOf('PLTE');
  if (plte > firstIdat) fail('has PLTE after the image data');

  const ihdr = chunks[0].data;
  if (ihdr.length !== 13) fail(`IHDR is ${ihdr.length} bytes, not 13`);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [bitDepth, colorType, compression, filter, interlace] = ihdr.subarray(8);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) fail(`has an invalid size ${width}×${height}`);
  if (!DEPTHS[colorType]?.includes(bitDepth)) fail(`has colour type ${colorType} with bit depth ${bitDepth}`);
  if (compression !== 0 || filter !== 0 || interlace > 1) fail('has an unknown compression, filter or interlace method');
  if (colorType === 3 && plte < 0) fail('is indexed but has no PLTE');

  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  let raw: Buffer;
  try {
    raw = inflateSync(idat);
  } catch (error) {
    return fail(`its image data does not inflate: ${(error as Error).message}`);
  }
  const bitsPerPixel = bitDepth * CHANNELS[colorType];
  const passes = interlace ? adam7(width, height) : [[width, height]];
  let expected = 0;
  const rowStarts: number[] = [];
  for (const [w, h] of passes) {
    if (w === 0 || h === 0) continue;
    const stride = 1 + Math.ceil((w * bitsPerPixel) / 8);
    for (let y = 0; y < h; y++) rowStarts.push(expected + y * stride);
    expected += stride * h;
  }
  if (raw.length !== expected) fail(`its image data inflates to ${raw.length} bytes, IHDR (${width}×${height}) needs ${expected}`);
  const badRow = rowStarts.findIndex((start) => raw[start] > 4);
  if (badRow >= 0) fail(`row ${badRow} has filter type ${raw[rowStarts[badRow]]}`);

  const text = new Map<string, string>();
  for (const c of chunks) {
    if (c.type !== 'tEXt' && c.type !== 'iTXt' && c.type !== 'zTXt') continue;
    const end = c.data.indexOf(0);
    if (end < 1 || end > 79) fail(`${c.type} chunk at offset ${c.offset} has a keyword of ${end < 0 ? 'no end' : `${end} bytes`} (1 to 79)`);
    const keyword = c.data.toString('latin1', 0, end);
    if (text.has(keyword)) fail(`has two text chunks with the keyword ${JSON.stringify(keyword)}`);
    const rest = c.data.subarray(end + 1);
    if (c.type === 'tEXt') {
      if (rest.includes(0)) fail(`tEXt ${JSON.stringify(keyword)} holds a NUL byte`);
      text.set(keyword, rest.toString('latin1'));
    } else if (c.type === 'zTXt') {
      if (rest[0] !== 0) fail(`zTXt ${JSON.stringify(keyword)} has compression method ${rest[0]}`);
      text.set(keyword, inflateText(rest.subarray(1), keyword, fail).toString('latin1'));
    } else {
      const [flag, method] = rest;
      if (flag > 1 || method !== 0) fail(`iTXt ${JSON.stringify(keyword)} has compression flag ${flag}, method ${method}`);
      const language = rest.indexOf(0, 2);
      const translated = language < 0 ? -1 : rest.indexOf(0, language + 1);
      if (translated < 0) fail(`iTXt ${JSON.stringify(keyword)} lacks its language or translated keyword`);
      const body = rest.subarray(translated + 1);
      const decoded = flag ? inflateText(body, keyword, fail) : body;
      const utf8 = decoded.toString('utf8');
      if (!Buffer.from(utf8, 'utf8').equals(decoded)) fail(`iTXt ${JSON.stringify(keyword)} is not valid UTF-8`);
      text.set(keyword, utf8);
    }
  }
  return { width, height, bitDepth, colorType, interlace, chunks, ihdr, idat, text };
}

function inflateText(body: Buffer, keyword: string, fail: (message: string) => never): Buffer {
  try {
    return inflateSync(body);
  } catch {
    return fail(`compressed text ${JSON.stringify(keyword)} does not inflate`);
  }
}

function adam7(width: number, height: number): [number, number][] {
  const passes: [number, number, number, number][] = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  return passes.map(([x0, y0, dx, dy]) => [Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)]);
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Both files read strictly, and `saved` holds the very image `served` is: the same IHDR and the same image
 * data, byte for byte. Returns the saved PNG (its text chunks, for the metadata checks).
 */
export function assertSameImage(saved: Uint8Array, served: Uint8Array, what = 'the saved image'): StrictPng {
  const mine = readPngStrict(saved, what);
  const theirs = readPngStrict(served, `the CDN's image for ${what}`);
  if (!mine.ihdr.equals(theirs.ihdr)) throw new PngError(`${what}: IHDR differs from the CDN's (${mine.width}×${mine.height} vs ${theirs.width}×${theirs.height})`);
  if (!mine.idat.equals(theirs.idat)) {
    const length = Math.min(mine.idat.length, theirs.idat.length);
    let first = 0;
    while (first < length && mine.idat[first] === theirs.idat[first]) first++;
    throw new PngError(`${what}: the image data differs from the CDN's at byte ${first} of ${theirs.idat.length} (saved: ${mine.idat.length} bytes)`);
  }
  return mine;
}

/** What a sidecar `<image>.json` must say about the image it sits next to. */
export interface SidecarFacts {
  promptId: number;
  imageIndex: number;
  url: string;
  tuneId?: number;
}

/** Parses a JPEG/WebP sidecar strictly: JSON, the A1111 `parameters` text, and the facts of its image. */
export function readSidecarStrict(json: string | Uint8Array, facts: SidecarFacts, what = 'the sidecar'): Record<string, unknown> {
  const text = typeof json === 'string' ? json : Buffer.from(json).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PngError(`${what} is not JSON: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new PngError(`${what} is not a JSON object`);
  const record = value as Record<string, unknown>;
  const check = (ok: boolean, message: string) => {
    if (!ok) throw new PngError(`${what}: ${message}`);
  };
  check(typeof record.prompt === 'string', 'has no prompt text');
  check(typeof record.parameters === 'string' && record.parameters.startsWith(String(record.prompt)), 'has no A1111 parameters text leading with the prompt');
  check(record.promptId === facts.promptId, `names prompt ${String(record.promptId)}, not ${facts.promptId}`);
  check(record.imageIndex === facts.imageIndex, `names image ${String(record.imageIndex)}, not ${facts.imageIndex}`);
  check(record.url === facts.url, `names the URL ${String(record.url)}, not ${facts.url}`);
  if (facts.tuneId !== undefined) check(record.tuneId === facts.tuneId, `names tune ${String(record.tuneId)}, not ${facts.tuneId}`);
  check(
    new RegExp(`Prompt id: ${facts.promptId}, Image: ${facts.imageIndex + 1}$`).test(String(record.parameters)),
    'its parameters text does not end with the prompt id and image number',
  );
  return record;
}
