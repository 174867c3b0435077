// Builds the two bundles: the extension host (scripts/extensionBuild.mjs) and the webviews (browser).
// Also builds the compiled integration suite when asked (--tests), so code-server and test-electron share it.
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { buildExtension, watchExtension } from './extensionBuild.mjs';
import { removeOldChunks, webviewBuildOptions, webviewEntries } from './webviewBuild.mjs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests');

mkdirSync('dist', { recursive: true });

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
  legalComments: 'none',
};

// The webviews: one ES module build per entry, split (scripts/webviewBuild.mjs).
const webviewEntryPoints = webviewEntries();

/** @type {esbuild.BuildOptions[]} */
const builds = [];
if (webviewEntryPoints.length) {
  removeOldChunks('dist/webview', webviewEntryPoints);
  builds.push(...webviewBuildOptions({ entries: webviewEntryPoints, outdir: 'dist/webview', minify: common.minify, sourcemap: common.sourcemap }));
}
if (withTests) {
  builds.push({
    ...common,
    minify: false,
    sourcemap: 'inline',
    entryPoints: { index: 'test/integration/index.ts' },
    outdir: 'out/test/integration',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  });
}

// The extension host: dist/extension.js and dist/lazy/ (scripts/extensionBuild.mjs), with dist/meta.json.
const extension = { minify: production, sourcemap: common.sourcemap };
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all([...contexts.map((c) => c.watch()), watchExtension(extension)]);
} else {
  await Promise.all([...builds.map((b) => esbuild.build(b)), buildExtension(extension)]);
}
