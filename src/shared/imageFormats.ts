// Which image files Tune Studio takes, recognised by content (their first bytes), not by name: the
// rules the create-tune wizard, the prompt editor's input images and the agent tools share. Pure.

/** Formats recognised by their magic bytes. Only some of them are accepted for training. */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'heic' | 'avif' | 'gif' | 'bmp' | 'tiff' | 'psd' | 'jxl' | 'svg';

export interface ImageFormatInfo {
  label: string;
  mime: string;
  /** Whether Astria's training accepts it (its uploader takes JPEG, PNG, WebP and HEIC photos). */
  supported: boolean;
}

export const IMAGE_FORMATS: Readonly<Record<ImageFormat, ImageFormatInfo>> = {
  png: { label: 'PNG', mime: 'image/png', supported: true },
  jpeg: { label: 'JPEG', mime: 'image/jpeg', supported: true },
  webp: { label: 'WebP', mime: 'image/webp', supported: true },
  heic: { label: 'HEIC', mime: 'image/heic', supported: true },
  avif: { label: 'AVIF', mime: 'image/avif', supported: false },
  gif: { label: 'GIF', mime: 'image/gif', supported: false },
  bmp: { label: 'BMP', mime: 'image/bmp', supported: false },
  tiff: { label: 'TIFF', mime: 'image/tiff', supported: false },
  psd: { label: 'Photoshop (PSD)', mime: 'image/vnd.adobe.photoshop', supported: false },
  jxl: { label: 'JPEG XL', mime: 'image/jxl', supported: false },
  svg: { label: 'SVG', mime: 'image/svg+xml', supported: false },
};

/** Labels of the accepted formats, for messages: "PNG, JPEG, WebP or HEIC". */
export const SUPPORTED_FORMATS_TEXT = listInWords(
  Object.values(IMAGE_FORMATS)
    .filter((info) => info.supported)
    .map((info) => info.label),
  'or',
);

/** File extensions offered by the file picker (content decides in the end, not the name). */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'jfif', 'webp', 'heic', 'heif'];

/** Largest image taken by default, in MB (the setting below changes it). */
export const DEFAULT_MAX_IMAGE_MB = 20;
export const MAX_IMAGE_SIZE_SETTING = 'tuneStudio.createTune.maxImageSizeMB';

/** How many leading bytes sniffing needs: enough for every signature above, never the whole file. */
export const SNIFF_BYTES = 32;

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** Recognises an image format from a file's first bytes; undefined when it is not a known image. */
export function sniffImageFormat(head: Uint8Array): ImageFormat | undefined {
  const ascii = (from: number, to: number): string => String.fromCharCode(...head.subarray(from, to));
  const startsWith = (...bytes: number[]): boolean => bytes.every((byte, i) => head[i] === byte);
  if (startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (startsWith(0xff, 0xd8, 0xff)) return 'jpeg';
  // (A head cut short reads fewer than four characters at 8–12, so it never reads "WEBP".)
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'gif';
  if (head.length >= 12 && ascii(4, 8) === 'ftyp') return isoMediaFormat(head);
  if (startsWith(0x49, 0x49, 0x2a, 0x00) || startsWith(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (ascii(0, 4) === '8BPS') return 'psd';
  if (startsWith(0xff, 0x0a) || startsWith(0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20)) return 'jxl';
  // "BM" alone is common in text; the BMP header's reserved bytes 6–9 are zero.
  if (ascii(0, 2) === 'BM' && head.length >= 10 && head.subarray(6, 10).every((byte) => byte === 0)) return 'bmp';
  // The bytes are read one per character: a UTF-8 byte order mark (EF BB BF) reads as "ï»¿".
  if (/^(\u00EF\u00BB\u00BF)?\s*<svg[\s>]/i.test(ascii(0, head.length))) return 'svg';
  return undefined;
}

/** HEIC and AVIF share the ISO media container: the major brand, then the compatible brands, tell them apart. */
function isoMediaFormat(head: Uint8Array): ImageFormat | undefined {
  const brands: string[] = [];
  // Stryker disable next-line ArithmeticOperator: reading past the end adds only empty or cut brands, which match no brand
  for (let offset = 8; offset + 4 <= head.length; offset += 4) {
    if (offset === 12) continue; // minor version, not a brand
    brands.push(String.fromCharCode(...head.subarray(offset, offset + 4)));
  }
  if (AVIF_BRANDS.has(brands[0]) || (brands[0] === 'mif1' && brands.some((b) => AVIF_BRANDS.has(b)))) return 'avif';
  if (HEIC_BRANDS.has(brands[0]) || brands.some((b) => HEIC_BRANDS.has(b) && b !== 'mif1' && b !== 'msf1')) return 'heic';
  return undefined;
}

/** "a, b or c". */
export function listInWords(items: readonly string[], conjunction: string): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}
