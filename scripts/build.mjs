// Builds the two bundles: the extension host (Node CJS, `vscode` external) and the webviews (browser).
// Also builds the compiled integration suite when asked (--tests), so code-server and test-electron share it.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { removeOldChunks, webviewBuildOptions, webviewEntries } from './webviewBuild.mjs';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests');

/**
 * ofetch's "node" entry bundles node-fetch-native (about 117 KB minified), a polyfill for Node versions
 * without fetch. VS Code's extension host runs Node 20+, whose global fetch the universal entry uses.
 * @type {esbuild.Plugin}
 */
const nativeFetchOfetch = {
  name: 'ofetch-native-fetch',
  setup(build) {
    build.onResolve({ filter: /^ofetch$/ }, () => ({ path: fileURLToPath(new URL('../node_modules/ofetch/dist/index.mjs', import.meta.url)) }));
  },
};

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
const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [nativeFetchOfetch],
  },
];
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

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
