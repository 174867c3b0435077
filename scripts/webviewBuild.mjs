// The esbuild options of the webview bundles, shared by scripts/build.mjs and the bench/security harness
// (bench/harness.ts), so what is measured and tested is what ships.
//
// Every entry (webview-ui/<name>.ts) is its own ES module build with code splitting: the shell loads it as
// `<script type="module" nonce=…>`, and what the first paint does not need (the @vscode-elements
// components and Lit under them) is loaded by a dynamic import() once the panel has drawn, as a chunk
// named `<entry>-<module>.js` next to the entry. One build per entry, so no chunk is shared between panels
// (a shared chunk would be one more request before an entry could run).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/** Every .ts file at the top of webview-ui/ is one webview's entry point (gallery.ts, promptEditor.ts, …). */
export function webviewEntries(root = '.') {
  const dir = path.join(root, 'webview-ui');
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^[a-z][\w-]*\.ts$/.test(f) && !f.endsWith('.d.ts')).map((f) => `webview-ui/${f}`) : [];
}

/** Chunks of an earlier build (their names follow the modules), removed so none lingers into a package. */
export function removeOldChunks(outdir, entries) {
  if (!existsSync(outdir)) return;
  const names = entries.map((entry) => path.basename(entry, '.ts'));
  for (const file of readdirSync(outdir)) {
    if (names.some((name) => file.startsWith(`${name}-`) && /\.js(\.map)?$/.test(file))) rmSync(path.join(outdir, file));
  }
}

/**
 * @param {{ entries: string[], outdir: string, minify: boolean, sourcemap?: boolean | 'linked' | 'inline', absWorkingDir?: string, logLevel?: import('esbuild').LogLevel }} options
 * @returns {import('esbuild').BuildOptions[]}
 */
export function webviewBuildOptions({ entries, outdir, minify, sourcemap = false, absWorkingDir, logLevel = 'info' }) {
  return entries.map((entry) => {
    const name = path.basename(entry, '.ts');
    return {
      ...(absWorkingDir ? { absWorkingDir } : {}),
      entryPoints: { [name]: entry },
      outdir,
      bundle: true,
      minify,
      sourcemap,
      logLevel,
      legalComments: 'none',
      platform: 'browser',
      format: 'esm',
      splitting: true,
      chunkNames: `${name}-[name]`,
      target: 'es2022',
      loader: { '.ttf': 'file', '.css': 'css' },
    };
  });
}
