// A tiny PNG encoder (RGB, 8 bit) and deterministic pictures derived from a key, so every generated
// image is a real, distinct PNG that costs microseconds to produce.
import { createCipheriv, createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { constants as zlibConstants, deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Buffer): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32; // Node ≥ 20.15: fast for large images
  if (native) return native(data) >>> 0;
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export type Rgb = [number, number, number];

export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgb): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const at = y * stride + 1 + x * 3;
      raw[at] = r;
      raw[at + 1] = g;
      raw[at + 2] = b;
    }
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** FNV-1a, enough to turn ids into stable colours and frequencies. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function hsv(h: number, s: number, v: number): Rgb {
  const c = v * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = v - c;
  const [r, g, b] =
    h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** Small dimensions with the requested aspect ratio: 1:1 → 96x96, 16:9 → 160x90, 9:16 → 90x160. */
export function sizeForAspect(aspect: string | null | undefined): { width: number; height: number } {
  const match = /^(\d+):(\d+)$/.exec(aspect ?? '');
  const a = match ? Number(match[1]) : 1;
  const b = match ? Number(match[2]) : 1;
  if (!a || !b || a === b) return { width: 96, height: 96 };
  return a > b
    ? { width: 160, height: Math.max(8, Math.round((160 * b) / a)) }
    : { width: Math.max(8, Math.round((160 * a) / b)), height: 160 };
}

/** A gradient with stripes and a disc, all derived from `key`, so two keys never look (or hash) alike. */
export function patternPng(key: string, width: number, height: number): Buffer {
  const h = hash32(key);
  const hue1 = h % 360;
  const hue2 = (hue1 + 60 + ((h >>> 9) % 120)) % 360;
  const from = hsv(hue1, 0.65, 0.95);
  const to = hsv(hue2, 0.8, 0.55);
  const period = 6 + ((h >>> 3) % 10);
  const slope = ((h >>> 7) % 3) - 1;
  const cx = ((h >>> 12) % 1000) / 1000 * width;
  const cy = ((h >>> 22) % 1000) / 1000 * height;
  const radius = Math.min(width, height) * (0.18 + ((h >>> 17) % 10) / 50);
  return encodePng(width, height, (x, y) => {
    const t = (x + y) / (width + height);
    let rgb: Rgb = [0, 1, 2].map((i) => Math.round(from[i] * (1 - t) + to[i] * t)) as Rgb;
    if (Math.floor((x + slope * y) / period) % 2 === 0) rgb = rgb.map((c) => Math.min(255, c + 24)) as Rgb;
    if ((x - cx) ** 2 + (y - cy) ** 2 < radius ** 2) rgb = rgb.map((c) => 255 - c) as Rgb;
    return rgb;
  });
}

/**
 * A PNG of about `bytes` bytes that no compressor can shrink: noise derived from `key`, stored
 * uncompressed (deflate level 0), 1024 pixels wide. For the memory tests of bulk save and ZIP export.
 */
export function largePng(key: string, bytes: number): Buffer {
  const width = 1024;
  const stride = width * 3 + 1;
  const height = Math.max(1, Math.ceil(bytes / stride));
  // AES-CTR of zeros keyed by `key`: deterministic noise at memory speed.
  const cipher = createCipheriv('aes-128-ctr', createHash('sha256').update(key).digest().subarray(0, 16), Buffer.alloc(16));
  const raw = cipher.update(Buffer.alloc(stride * height));
  for (let y = 0; y < height; y++) raw[y * stride] = 0; // filter: none
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  // Several IDAT chunks of 1 MB, as encoders write them.
  const data = deflateSync(raw, { level: zlibConstants.Z_NO_COMPRESSION });
  const idats: Buffer[] = [];
  for (let at = 0; at < data.length; at += 1 << 20) idats.push(chunk('IDAT', data.subarray(at, at + (1 << 20))));
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), ...idats, chunk('IEND', Buffer.alloc(0))]);
}
