// `npm run package`: the production build, then dist/tune-studio.vsix with vsce, then checks of what the
// package holds, and its size.
//
//   npm run package                     build + package + checks; prints the .vsix size
//   npm run package -- --update-readme  the same, and writes the measured size into README.md's Install
//                                       paragraph (between <!-- package:size:start --> and <!-- package:size:end -->)
//
// The README's pictures on the extension's page. VS Code shows the packaged README in a webview whose
// policy takes only `https:` and `data:` images: a relative picture never loads there, even when its file is
// in the .vsix. Without a public repository to point at, the package gets its own README,
// dist/README.md (vsce's --readme-path; it becomes the package's readme.md): the repository's README with
// each relative picture inlined as a `data:` URI, and each relative link (to a file the package does not
// ship) turned into its text. The checks below read that README back from the .vsix.
//
// vsce runs with no flag that silences a check but two, both because the project has no public repository
// yet (`repository` is missing from package.json):
//   --allow-missing-repository   vsce otherwise stops to ask whether to go on without one.
//   --no-rewrite-relative-links  vsce otherwise takes every link that is not `scheme://…` for a relative one,
//                                `data:` pictures included, and refuses to package without a repository to
//                                rewrite them against.
// When the repository is public: set `repository`, drop both flags and the inlining, and let vsce rewrite the
// README's pictures to the repository's URLs (the Marketplace's web page needs those too).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import { parseArgs } from 'node:util';
import yauzl from 'yauzl';
import { repoRoot } from './install-code-server';

const VSIX = join('dist', 'tune-studio.vsix');
const SIZE_START = '<!-- package:size:start -->';
const SIZE_END = '<!-- package:size:end -->';
/** The README the package ships (see above). */
const PACKAGED_README = join('dist', 'README.md');

/** Applies `map` to the prose of a Markdown text, leaving fenced blocks and code spans as they are. */
function mapProse(markdown: string, map: (prose: string) => string): string {
  const code = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$|(`+)[\s\S]*?\2/gm;
  let out = '';
  let at = 0;
  for (const m of markdown.matchAll(code)) {
    out += map(markdown.slice(at, m.index)) + m[0];
    at = m.index + m[0].length;
  }
  return out + map(markdown.slice(at));
}

/** The prose of a Markdown text, without its code. */
function proseOf(markdown: string): string {
  const parts: string[] = [];
  mapProse(markdown, (p) => {
    parts.push(p);
    return p;
  });
  return parts.join('\n');
}

const MARKDOWN_LINK = /(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const HTML_IMG_SRC = /(<img\b[^>]*\bsrc=["'])([^"']+)(["'])/gi;
const isRelative = (target: string) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#');
const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

/**
 * The README the package ships: relative pictures inlined as `data:` URIs (read with `readFile`, a path
 * relative to the repository), relative links turned into their text. Code is left as it is.
 */
export function packagedReadme(readme: string, readFile: (path: string) => Buffer): string {
  const inline = (target: string): string => {
    const path = posix.normalize(decodeURI(target.replace(/[?#].*$/, '')));
    const mime = MIME[path.split('.').pop()?.toLowerCase() ?? ''];
    if (!mime) throw new Error(`README.md: the picture ${target} is not PNG, JPEG, GIF or WebP`);
    return `data:${mime};base64,${readFile(path).toString('base64')}`;
  };
  return mapProse(readme, (prose) =>
    prose
      .replace(MARKDOWN_LINK, (all, bang: string, text: string, target: string) => {
        if (!isRelative(target)) return all;
        return bang ? `![${text}](${inline(target)})` : text;
      })
      .replace(HTML_IMG_SRC, (all, before: string, target: string, after: string) => (isRelative(target) ? `${before}${inline(target)}${after}` : all)),
  );
}

/** What would be broken on the extension's page: relative links or pictures, `command:` links (prose only, not code). */
export function pageProblems(page: string, markdown: string): string[] {
  const prose = proseOf(markdown);
  const problems: string[] = [];
  for (const m of prose.matchAll(MARKDOWN_LINK)) {
    const target = m[3];
    if (/^command:/i.test(target)) problems.push(`${page}: the link ${target} cannot run from the extension's page`);
    else if (isRelative(target)) problems.push(`${page}: the ${m[1] ? 'picture' : 'link'} ${target} is relative, and cannot load on the extension's page`);
  }
  for (const m of prose.matchAll(HTML_IMG_SRC)) {
    if (isRelative(m[2])) problems.push(`${page}: the picture ${m[2]} is relative, and cannot load on the extension's page`);
  }
  return problems;
}

/** The `data:` pictures of a Markdown text that do not hold a PNG/JPEG/GIF/WebP, by their alt text. */
export function brokenDataPictures(markdown: string): string[] {
  const broken: string[] = [];
  for (const m of proseOf(markdown).matchAll(MARKDOWN_LINK)) {
    const data = /^data:image\/[a-z]+;base64,(.*)$/i.exec(m[3]);
    if (!m[1] || !/^data:/i.test(m[3])) continue;
    const bytes = data ? Buffer.from(data[1], 'base64') : Buffer.alloc(0);
    const known = [[0x89, 0x50, 0x4e, 0x47], [0xff, 0xd8, 0xff], [0x47, 0x49, 0x46], [0x52, 0x49, 0x46, 0x46]].some((magic) => magic.every((b, i) => bytes[i] === b));
    if (!known) broken.push(m[2]);
  }
  return broken;
}

/** The README with `text` between the size markers; throws when the markers are missing. */
export function withPackageSize(readme: string, text: string): string {
  const start = readme.indexOf(SIZE_START);
  const end = readme.indexOf(SIZE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${SIZE_START} … ${SIZE_END} markers`);
  return readme.slice(0, start + SIZE_START.length) + text + readme.slice(end);
}

/** "1.23 MB" / "456 KB", as the README states it. */
export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** The text of some entries of a zip, by name (missing ones are left out). */
function readEntries(zip: string, names: readonly string[]): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.open(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error ?? new Error(`cannot open ${zip}`));
      const texts = new Map<string, string>();
      file.on('entry', (entry: yauzl.Entry) => {
        if (!names.includes(entry.fileName)) return file.readEntry();
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            texts.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve(texts));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${[command, ...args].join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** Writes the package's README and packages dist/tune-studio.vsix; returns its size in bytes. */
function packageOnce(): number {
  writeFileSync(PACKAGED_README, packagedReadme(readFileSync('README.md', 'utf8'), (path) => readFileSync(path)));
  const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--readme-path', PACKAGED_README, '-o', VSIX]);
  return statSync(VSIX).size;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'update-readme': { type: 'boolean' } } });
  process.chdir(repoRoot);
  run(process.execPath, ['scripts/build.mjs', '--production']);
  let bytes = packageOnce();
  if (values['update-readme']) {
    // The README is in the package, so writing its size can change the size: package again until the
    // README states the size of the package that holds it (the figure is rounded, so this settles at once).
    for (let round = 0; ; round++) {
      const readme = readFileSync('README.md', 'utf8');
      const updated = withPackageSize(readme, formatSize(bytes));
      if (updated === readme) break;
      if (round === 3) throw new Error('the README\'s package size does not settle');
      writeFileSync('README.md', updated);
      bytes = packageOnce();
    }
    console.log(`[package] README.md states the package size: ${formatSize(bytes)}`);
  }

  // What the extension's page will show, read back from the package.
  const pages = await readEntries(VSIX, ['extension/readme.md', 'extension/changelog.md']);
  const problems: string[] = [];
  for (const name of ['extension/readme.md', 'extension/changelog.md']) {
    const text = pages.get(name);
    if (text === undefined) problems.push(`${name} is not in the package`);
    else problems.push(...pageProblems(name, text), ...brokenDataPictures(text).map((alt) => `${name}: the picture "${alt}" holds no image`));
  }
  if (problems.length) throw new Error(`the extension's page would be broken:\n  ${problems.join('\n  ')}`);
  console.log(`[package] ${VSIX}: ${formatSize(bytes)} (${bytes} bytes)`);
}

if (process.argv[1] && /scripts[\\/]package\.ts$/.test(process.argv[1])) {
  main().catch((error: Error) => {
    console.error(`[package] ERROR: ${error.message}`);
    process.exit(1);
  });
}
