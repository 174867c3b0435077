// Finds pieces of secrets in text: the key-leak check's search (test/integration/keyLeak.test.ts) and its
// self-check (test/unit/keyScanner.test.ts). Pure: no `vscode`, no I/O.
//
// A leak is rarely the whole key verbatim: a log line cut at 40 characters, a key split across two
// chunks, a key inside a URL (percent-encoded) or a Basic/`data:` value (base64). So every piece of
// PIECE characters of each secret is looked for, as typed and in the common encodings:
//   raw        every substring of PIECE characters
//   url        encodeURIComponent of each piece (upper- and lower-case %XX, `+` for spaces), where it differs
//   base64     the key encoded from each of the three byte alignments (a key at any offset of a base64'd
//              text shows up as one of them), standard and URL-safe alphabets: every PIECE-character run
//              of the fully determined characters (6 bytes of the key each)
//   hex        each piece's bytes in lower- and upper-case hex
import { Buffer } from 'node:buffer';

/** Shortest run of a secret that counts as a leak. */
export const PIECE = 8;

export interface Secret {
  /** Names the secret in reports (never the secret itself). */
  label: string;
  value: string;
}

export type Encoding = 'raw' | 'url' | 'base64' | 'base64url' | 'hex';

export interface KeyHit {
  /** The secret's label. */
  secret: string;
  encoding: Encoding;
  /** Which characters of the secret the piece found covers, [from, to) (for base64: approximately). */
  from: number;
  to: number;
  /** Where in the text, and how long the match is. */
  at: number;
  length: number;
}

interface Needle {
  text: string;
  encoding: Encoding;
  from: number;
  to: number;
}

const needleCache = new Map<string, Needle[]>();

/** Every string that would betray a PIECE-character piece of `value`, in each encoding. */
export function needlesOf(value: string, size = PIECE): Needle[] {
  const cacheKey = `${size}\u0000${value}`;
  const cached = needleCache.get(cacheKey);
  if (cached) return cached;
  const out = new Map<string, Needle>();
  const add = (text: string, encoding: Encoding, from: number, to: number) => {
    if (text.length > 0 && !out.has(text)) out.set(text, { text, encoding, from, to });
  };
  const chars = [...value]; // code points: a piece never splits a surrogate pair
  const width = Math.min(size, chars.length);
  for (let i = 0; i + width <= chars.length; i++) {
    const piece = chars.slice(i, i + width).join('');
    add(piece, 'raw', i, i + width);
    const url = encodeURIComponent(piece);
    if (url !== piece) {
      add(url, 'url', i, i + width);
      add(url.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()), 'url', i, i + width);
      add(url.replace(/%20/g, '+'), 'url', i, i + width);
    }
    const hex = Buffer.from(piece, 'utf8').toString('hex');
    add(hex, 'hex', i, i + width);
    add(hex.toUpperCase(), 'hex', i, i + width);
  }
  // base64: from byte offset s, every complete 3-byte group is encoded the same whatever surrounds the key.
  const bytes = Buffer.from(value, 'utf8');
  const charOfByte = (b: number) => Buffer.from(bytes.subarray(0, b)).toString('utf8').length;
  for (let s = 0; s < 3 && s < bytes.length; s++) {
    const groups = Math.floor((bytes.length - s) / 3);
    if (groups === 0) continue;
    const encoded = bytes.subarray(s, s + groups * 3).toString('base64');
    const run = size;
    for (let j = 0; j + run <= encoded.length; j++) {
      const text = encoded.slice(j, j + run);
      const from = charOfByte(s + Math.floor((j * 3) / 4));
      const to = charOfByte(Math.min(bytes.length, s + Math.ceil(((j + run) * 3) / 4)));
      add(text, 'base64', from, to);
      const urlSafe = text.replace(/\+/g, '-').replace(/\//g, '_');
      if (urlSafe !== text) add(urlSafe, 'base64url', from, to);
    }
  }
  const needles = [...out.values()];
  needleCache.set(cacheKey, needles);
  return needles;
}

export interface ScanOptions {
  /** Piece length (default PIECE). */
  size?: number;
  /**
   * Values allowed in this text (e.g. the key of the service whose Authorization header it is): a piece
   * that is also a piece of one of them is not evidence (two keys may share a run, as the sandbox's do).
   */
  allowed?: readonly string[];
}

/**
 * Every place in `text` where a piece of one of `secrets` appears (raw or encoded), one hit per
 * needle occurrence, in text order. An empty list means no piece of any secret is in the text.
 */
export function scanForKeys(secrets: readonly Secret[], text: string, options: ScanOptions = {}): KeyHit[] {
  const size = options.size ?? PIECE;
  const hits: KeyHit[] = [];
  if (!text) return hits;
  const shared = new Set((options.allowed ?? []).flatMap((value) => (value ? needlesOf(value, size).map((n) => n.text) : [])));
  for (const secret of secrets) {
    if (!secret.value) continue;
    for (const needle of needlesOf(secret.value, size)) {
      if (shared.has(needle.text)) continue;
      for (let at = text.indexOf(needle.text); at >= 0; at = text.indexOf(needle.text, at + 1)) {
        hits.push({ secret: secret.label, encoding: needle.encoding, from: needle.from, to: needle.to, at, length: needle.text.length });
      }
    }
  }
  return hits.sort((a, b) => a.at - b.at || a.secret.localeCompare(b.secret));
}

/**
 * One line per secret and encoding found in `text`, for an assertion message: where, which part of
 * the key, and the surroundings with every matched character masked (the report repeats no key).
 */
export function describeHits(where: string, text: string, hits: readonly KeyHit[]): string[] {
  if (hits.length === 0) return [];
  const masked = new Uint8Array(text.length);
  for (const h of hits) masked.fill(1, h.at, h.at + h.length);
  const groups = new Map<string, KeyHit[]>();
  for (const h of hits) {
    const key = `${h.secret} (${h.encoding})`;
    groups.set(key, [...(groups.get(key) ?? []), h]);
  }
  return [...groups].map(([name, group]) => {
    const first = group[0]!;
    const from = Math.min(...group.map((h) => h.from));
    const to = Math.max(...group.map((h) => h.to));
    const start = Math.max(0, first.at - 40);
    const end = Math.min(text.length, first.at + first.length + 40);
    let context = '';
    for (let i = start; i < end; i++) context += masked[i] ? '▒' : text[i];
    context = context.replace(/[^\u0020-\u007e▒]/g, '·');
    return `${where}: ${name}, characters ${from}–${to} of the key, ${group.length} match(es), first at ${first.at}: …${context}…`;
  });
}

/** `describeHits(where, text, scanForKeys(secrets, text, options))`: the usual one-liner. */
export function findKeys(secrets: readonly Secret[], where: string, text: string, options: ScanOptions = {}): string[] {
  return describeHits(where, text, scanForKeys(secrets, text, options));
}
