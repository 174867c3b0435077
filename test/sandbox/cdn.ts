// The second origin: generated PNGs, uploaded files, WAV previews. No auth, like a pre-signed CDN.
import { createReadStream, existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CartesiaStore } from './cartesia';
import type { Reply } from './http';
import type { Store } from './model';
import { hash32, largePng, patternPng, sizeForAspect } from './png';
import { sineWav } from './wav';

const CACHE_LIMIT = 4000;
const cache = new Map<string, Buffer>();

function cached(key: string, make: () => Buffer): Buffer {
  let value = cache.get(key);
  if (!value) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}

const IMMUTABLE = { 'cache-control': 'public, max-age=31536000, immutable', 'access-control-allow-origin': '*' };

function png(key: string, aspect: string | null): Reply {
  const { width, height } = sizeForAspect(aspect);
  return { status: 200, raw: cached(`${key}@${width}x${height}`, () => patternPng(key, width, height)), contentType: 'image/png', headers: IMMUTABLE };
}

/** Streams a file from disk (HEAD: only the headers). */
function streamFile(req: IncomingMessage, res: ServerResponse, file: string, contentType: string, headers: Record<string, string>): undefined {
  res.writeHead(200, { 'content-type': contentType, 'content-length': String(statSync(file).size), ...headers });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).on('error', () => res.destroy()).pipe(res);
  return undefined;
}

/** A large image is made once, into `dir`, and streamed from there (never held by the sandbox). */
function largePngFile(dir: string, key: string, bytes: number): string {
  const file = join(dir, `large-${key}-${bytes}.png`);
  if (!existsSync(file)) {
    writeFileSync(`${file}.part`, largePng(key, bytes));
    renameSync(`${file}.part`, file);
  }
  return file;
}

const notFound: Reply = { status: 404, raw: 'Not Found', contentType: 'text/plain' };

/** Answers a CDN request; uploads are streamed from disk directly and return undefined. */
export function handleCdn(req: IncomingMessage, res: ServerResponse, path: string, store: Store, cartesia: CartesiaStore, fileDir: string): Reply | undefined {
  if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, raw: 'Method Not Allowed', contentType: 'text/plain' };
  let m: RegExpExecArray | null;
  if ((m = /^\/images\/(\d+)-(\d+)\.png$/.exec(path))) {
    const prompt = store.prompts.get(Number(m[1]));
    const n = Number(m[2]);
    if (!prompt || n < 1 || n > prompt.params.num_images) return notFound;
    if (prompt.imageBytes) return streamFile(req, res, largePngFile(fileDir, `image-${prompt.id}-${n}`, prompt.imageBytes), 'image/png', IMMUTABLE);
    return png(`image-${prompt.id}-${n}`, prompt.params.aspect_ratio);
  }
  if ((m = /^\/training\/(\d+)-(\d+)\.png$/.exec(path))) {
    return store.tunes.has(Number(m[1])) ? png(`training-${m[1]}-${m[2]}`, '1:1') : notFound;
  }
  if ((m = /^\/pack-images\/(\d+)-(\d+|cover)\.png$/.exec(path))) {
    return png(`pack-${m[1]}-${m[2]}`, m[2] === 'cover' ? '16:9' : '1:1');
  }
  if ((m = /^\/audio\/([^/]+)\.wav$/.exec(path))) {
    const id = decodeURIComponent(m[1]);
    const voice = cartesia.voices.find((v) => v.id === id);
    if (!voice) return notFound;
    return { status: 200, raw: cached(`wav-${id}`, () => sineWav(voice.frequency)), contentType: 'audio/wav', headers: IMMUTABLE };
  }
  if ((m = /^\/ckpt\/(\d+)\.safetensors$/.exec(path))) {
    if (!store.tunes.has(Number(m[1]))) return notFound;
    const bytes = Buffer.alloc(1024);
    bytes.writeUInt32LE(hash32(m[1]), 0);
    return { status: 200, raw: bytes, contentType: 'application/octet-stream' };
  }
  if ((m = /^\/uploads\/(\d+)\/[^/]*$/.exec(path))) {
    const upload = store.uploads.get(Number(m[1]));
    if (!upload) return notFound;
    return streamFile(req, res, upload.path, upload.mimeType, IMMUTABLE);
  }
  return notFound;
}
