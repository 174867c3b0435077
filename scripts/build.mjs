// Builds the two bundles: the extension host (Node CJS, `vscode` external) and the webviews (browser).
// Also builds the compiled integration suite when asked (--tests), so code-server and test-electron share it.
import * as esbuild from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

// Chunk names carry a hash: clear old ones so the package holds only this build's.
rmSync('dist/chunks', { recursive: true, force: true });
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

/**
 * The extension host's code is ES modules split into chunks, so activation loads only what the views
 * and commands need: the YAML parser, the ZIP writer, the prompt-file checks, the agent tools, the
 * create-tune wizard and the webview hosts are separate chunks, imported when first used.
 *
 * VS Code loads `main` with require(), so `dist/extension.js` is a few lines of CommonJS that import
 * `dist/extension.mjs`. `vscode` is not an ES module: the chunks ask for it through a require() made
 * by `createRequire` for the chunk's own file, which VS Code's module interceptor answers for this
 * extension (it knows the extension by the requiring file's path).
 * @type {esbuild.Plugin}
 */
const vscodeThroughRequire = {
  name: 'vscode-through-require',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-shim' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-shim' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-shim' }, () => ({ contents: 'module.exports = require("vscode");', loader: 'js' }));
  },
};

/** The CommonJS front the manifest's `main` points at. */
const cjsFront = `"use strict";
// Tune Studio's code is in extension.mjs and its chunks; this file only hands activation over.
const { pathToFileURL } = require("node:url");
const { join } = require("node:path");
let main;
const load = () => (main ??= import(pathToFileURL(join(__dirname, "extension.mjs")).href));
exports.activate = async (context) => (await load()).activate(context);
exports.deactivate = async () => (main ? (await main).deactivate() : undefined);
`;

writeFileSync('dist/extension.js', cjsFront);

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    metafile: true,
    plugins: [nativeFetchOfetch, vscodeThroughRequire],
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
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  // What activation loads: the front, the entry and the chunks it imports statically (see bench/activation.ts).
  writeFileSync('dist/meta.json', JSON.stringify(results[0].metafile));
}
