// A generated image saved into the workspace: where it goes (`generated/<tune>/<prompt>-<n>.<ext>`), a free
// name next to a file already there, and the Markdown that shows it. Pure: no `vscode` import.

/** A folder name from a tune title: letters, digits, `._ -`; never empty, never `..`, never too long. */
export function sanitizeFolderName(title: string | undefined, fallback: string): string {
  const cleaned = (title ?? '')
    .normalize('NFKC')
    // A run of other characters becomes "-" between two words, else a space: "a:b" → "a-b", "a <b>" → "a b".
    .replace(/[^\p{L}\p{N}._ -]+/gu, (run, at: number, all: string) => {
      const edge = (c: string | undefined) => c === undefined || /\s/.test(c);
      return edge(all[at - 1]) || edge(all[at + run.length]) ? ' ' : '-';
    })
    .replace(/-{2,}/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s-]+|[.\s-]+$/g, '')
    .slice(0, 80)
    .trim();
  // Windows refuses these names whatever the extension.
  if (!cleaned || /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(cleaned)) return fallback;
  return cleaned;
}

/** File extension of an image URL's path; png when the path says nothing useful. */
export function imageExtension(url: string): string {
  try {
    const match = /\.(png|jpe?g|webp|gif|avif)$/i.exec(new URL(url).pathname);
    return match ? match[1].toLowerCase().replace('jpeg', 'jpg') : 'png';
  } catch {
    return 'png';
  }
}

/** `generated/<tune title>/<prompt id>-<n>.<ext>`, relative to the workspace folder. */
export function defaultSavePath(tuneTitle: string | undefined, tuneId: number, promptId: number, imageIndex: number, url: string): string[] {
  return ['generated', sanitizeFolderName(tuneTitle, `tune-${tuneId}`), `${promptId}-${imageIndex + 1}.${imageExtension(url)}`];
}

/** "name.png" → "name (2).png", "name (3).png", … */
export function numberedFileName(fileName: string, n: number): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)} (${n})${fileName.slice(dot)}` : `${fileName} (${n})`;
}

/** `![alt](url)` with the prompt text as alt text, escaped so it cannot break out of the brackets. */
export function imageMarkdown(altText: string, url: string): string {
  const alt = altText
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_{}[\]()<>#!|]/g, (c) => `\\${c}`);
  // Every character replaced here is 0x20 or above, so its hex code always has two digits.
  const target = url.replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `![${alt}](${target})`;
}
