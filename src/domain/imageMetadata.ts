// Generation metadata that travels with a saved image: the A1111-style `parameters` text that image tools
// (Stable Diffusion WebUI, InvokeAI, ComfyUI loaders, exiftool) read from a PNG's tEXt/iTXt chunk, spliced
// into the file without touching its pixels; JPEG/WebP get a sidecar `<file>.json` instead (embedding
// there would mean rewriting segments we have no need to touch). Pure: no `vscode` import.
import * as zlib from 'node:zlib';
import type { Prompt } from '../api/astria/types';

/** The keyword image tools look for. */
export const PARAMETERS_KEYWORD = 'parameters';

export interface ImageParameters {
  prompt: string;
  negativePrompt?: string;
  steps?: number;
  cfgScale?: string;
  seed?: number;
  scheduler?: string;
  size?: string;
  aspectRatio?: string;
  tuneId: number;
  tuneTitle?: string;
  promptId: number;
  imageIndex: number;
  url: string;
}

const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ').trim();

export function parametersOf(prompt: Prompt, imageIndex: number, url: string, tuneTitle?: string): ImageParameters {
  const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
  const cfg = prompt.cfg_scale;
  return {
    prompt: typeof prompt.text === 'string' ? prompt.text : '',
    negativePrompt: text(prompt.negative_prompt),
    steps: number(prompt.steps),
    cfgScale: typeof cfg === 'number' || (typeof cfg === 'string' && cfg.trim() !== '') ? String(cfg) : undefined,
    seed: number(prompt.seed),
    scheduler: text(prompt.scheduler),
    size: number(prompt.w) && number(prompt.h) ? `${prompt.w}x${prompt.h}` : undefined,
    aspectRatio: text(prompt.aspect_ratio),
    tuneId: prompt.tune_id,
    tuneTitle: text(tuneTitle ?? prompt.tune?.title),
    promptId: prompt.id,
    imageIndex,
    url,
  };
}

/**
 * The A1111 "parameters" text: the prompt, a "Negative prompt:" line, then one line of `Key: value`
 * pairs. Values that could break that line (commas, colons in titles) are quoted as A1111 does.
 */
export function parametersText(p: ImageParameters): string {
  const quote = (value: string) => (/[,:"\n]/.test(value) ? JSON.stringify(oneLine(value)) : oneLine(value));
  const pairs: [string, string | number | undefined][] = [
    ['Steps', p.steps],
    ['Sampler', p.scheduler],
    ['CFG scale', p.cfgScale],
    ['Seed', p.seed],
    ['Size', p.size],
    ['Aspect ratio', p.aspectRatio],
    ['Tune id', p.tuneId],
    ['Tune', p.tuneTitle],
    ['Prompt id', p.promptId],
    ['Image', p.imageIndex + 1],
  ];
  const line = pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined)
    .map(([key, value]) => `${key}: ${typeof value === 'number' ? value : quote(value)}`)
    .join(', ');
  return [p.prompt, p.negativePrompt !== undefined ? `Negative prompt: ${oneLine(p.negativePrompt)}` : undefined, line]
    .filter((part) => part !== undefined)
    .join('\n');
}

/** The sidecar of a JPEG/WebP: the same facts as JSON, plus the A1111 text for tools that want it. */
export function sidecarJson(p: ImageParameters): string {
  return `${JSON.stringify({ ...p, parameters: parametersText(p), generator: 'Tune Studio (Astria)' }, null, 2)}\n`;
}

// ─── PNG chunks ──────────────────────────────────────────────────────────────────────────────────

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

export function isPng(bytes: Uint8Array): boolean {
  // Fewer than 8 bytes fail too: a missing byte is undefined.
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

let crcTable: Uint32Array | undefined;
/** CRC-32 of PNG chunks: Node's zlib.crc32 where it exists (Node ≥ 20.15), else the classic table. */
export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (native) return native(data) >>> 0;
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface PngChunk {
  type: string;
  /** Offset of the chunk (its length field) in the file, and its total size (12 + data). */
  start: number;
  size: number;
  data: Uint8Array;
}

/** The chunks of a PNG, in order; throws on a file that is not a well-formed PNG. */
export function pngChunks(png: Uint8Array): PngChunk[] {
  if (!isPng(png)) throw new Error('not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (at + 12 + length > png.length) throw new Error(`truncated ${type} chunk`);
    chunks.push({ type, start: at, size: 12 + length, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  if (chunks[0]?.type !== 'IHDR' || chunks.at(-1)?.type !== 'IEND') throw new Error('a PNG must start with IHDR and end with IEND');
  return chunks;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const isLatin1 = (text: string) => [...text].every((c) => c !== '\u0000' && c.charCodeAt(0) <= 0xff);

/** A tEXt chunk when the text is Latin-1 (what the PNG spec allows there), else an uncompressed iTXt (UTF-8). */
export function textChunk(keyword: string, text: string): Uint8Array {
  const key = Buffer.from(keyword, 'latin1');
  if (isLatin1(text)) return chunk('tEXt', Buffer.concat([key, Buffer.of(0), Buffer.from(text, 'latin1')]));
  // keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0, UTF-8 text.
  return chunk('iTXt', Buffer.concat([key, Buffer.of(0, 0, 0, 0, 0), Buffer.from(text, 'utf8')]));
}

function keywordOf(c: PngChunk): string | undefined {
  if (c.type !== 'tEXt' && c.type !== 'iTXt' && c.type !== 'zTXt') return undefined;
  const end = c.data.indexOf(0);
  return end > 0 ? Buffer.from(c.data.subarray(0, end)).toString('latin1') : undefined;
}

/**
 * The PNG with a text chunk `keyword` = `text` right after IHDR (so readers that stop at the image data
 * see it), replacing any chunk with the same keyword. Every other chunk, IDAT included, is copied byte
 * for byte: the pixels are never decoded or re-encoded.
 */
export function withPngText(png: Uint8Array, keyword: string, text: string): Buffer {
  const chunks = pngChunks(png);
  const parts: Uint8Array[] = [PNG_SIGNATURE];
  for (const c of chunks) {
    if (keywordOf(c) === keyword) continue;
    parts.push(png.subarray(c.start, c.start + c.size));
    if (c.type === 'IHDR') parts.push(textChunk(keyword, text));
  }
  return Buffer.concat(parts);
}

/** Uncompressed text chunks of a PNG by keyword (tEXt and iTXt; compressed ones are inflated). */
export function readPngText(png: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of pngChunks(png)) {
    const keyword = keywordOf(c);
    if (keyword === undefined) continue;
    const rest = Buffer.from(c.data.subarray(keyword.length + 1));
    if (c.type === 'tEXt') out.set(keyword, rest.toString('latin1'));
    else if (c.type === 'zTXt') out.set(keyword, zlib.inflateSync(rest.subarray(1)).toString('latin1'));
    else {
      const compressed = rest[0] === 1;
      const language = rest.indexOf(0, 2);
      const translated = rest.indexOf(0, language + 1);
      const body = rest.subarray(translated + 1);
      out.set(keyword, (compressed ? zlib.inflateSync(body) : body).toString('utf8'));
    }
  }
  return out;
}

// ─── Reading it back ─────────────────────────────────────────────────────────────────────────────

/** What an A1111 `parameters` text says, as far as Tune Studio can use it again. */
export interface ParsedParameters {
  prompt: string;
  negativePrompt?: string;
  /** Every `Key: value` of the settings line, keys as written ("CFG scale", "Tune id", …). */
  settings: Map<string, string>;
}

/** Reads the text `parametersText` writes (and that Stable Diffusion WebUI writes): prompt, negative prompt, settings line. */
export function parseParametersText(text: string): ParsedParameters | undefined {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const settings = new Map<string, string>();
  // Stryker disable next-line StringLiteral: split always yields at least one line, so the fallback is never used
  const last = lines.at(-1) ?? '';
  const pair = /\s*([A-Za-z][\w ()-]*):\s*("(?:\\.|[^"\\])*"|[^,]*)\s*(?:,|$)/gy;
  if (/^\s*[A-Za-z][\w ()-]*: /.test(last)) {
    let match: RegExpExecArray | null;
    pair.lastIndex = 0;
    // Sticky: stops at the first place that is no `Key: value` pair, the end of the line included.
    while ((match = pair.exec(last))) {
      const raw = match[2].trim();
      let value = raw;
      if (raw.startsWith('"')) {
        try {
          value = JSON.parse(raw) as string;
        } catch {
          value = raw.slice(1, -1);
        }
      }
      settings.set(match[1].trim(), value);
    }
    lines.pop(); // the test above guarantees the first pair matched: this line is settings, not prompt
  }
  const negativeAt = lines.findIndex((line) => line.startsWith('Negative prompt:'));
  const prompt = (negativeAt === -1 ? lines : lines.slice(0, negativeAt)).join('\n').trim();
  const negativePrompt = negativeAt === -1 ? undefined : lines.slice(negativeAt).join('\n').slice('Negative prompt:'.length).trim();
  if (!prompt && settings.size === 0) return undefined;
  return { prompt, negativePrompt: negativePrompt || undefined, settings };
}

/**
 * A prompt to remix from a saved image's parameters: its tune and options as the file records them.
 * Undefined when the file does not name its tune (the editor would not know where to generate).
 */
export function promptFromParameters(parsed: ParsedParameters): Prompt | undefined {
  const int = (key: string) => {
    const value = Number(parsed.settings.get(key));
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  };
  const tuneId = int('Tune id');
  if (!tuneId) return undefined;
  // Stryker disable next-line StringLiteral: any fallback text that is not a size gives no size
  const size = /^(\d+)x(\d+)$/.exec(parsed.settings.get('Size') ?? '');
  const cfg = parsed.settings.get('CFG scale');
  return {
    id: int('Prompt id') ?? 0,
    tune_id: tuneId,
    text: parsed.prompt,
    negative_prompt: parsed.negativePrompt ?? null,
    seed: int('Seed') ?? null,
    steps: int('Steps') ?? null,
    cfg_scale: cfg !== undefined && Number.isFinite(Number(cfg)) ? Number(cfg) : null,
    scheduler: parsed.settings.get('Sampler') ?? null,
    aspect_ratio: parsed.settings.get('Aspect ratio') ?? null,
    w: size ? Number(size[1]) : null,
    h: size ? Number(size[2]) : null,
    images: [],
    created_at: '',
  } as Prompt;
}
