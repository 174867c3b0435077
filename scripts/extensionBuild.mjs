// The extension host's build (scripts/build.mjs runs it): one CommonJS file that activation loads, and ES
// module chunks that load on first use.
//
// - `dist/extension.js` holds everything activation needs, as one CommonJS file: VS Code loads it with
//   require(). Measured in code-server (bench activation): one CommonJS file activated faster than the same
//   code as ES modules, whether split into 27 files or in one.
// - Each dynamic `import()` in `src/` is a module loaded on first use (the prompt-file feature with the
//   YAML parser, the ZIP writer, the panel hosts, the create-tune wizard, the agent tools). Those are an
//   ES module build with code splitting in `dist/lazy/`, so code used by several of them loads once.
// - A module both sides use is not copied into the chunks: `dist/extension.js` exports it (`__shared`,
//   keyed by its path) and the chunks require it from there. One copy means one `ApiError` class for
//   `instanceof`, one state for whatever a module keeps.
import * as esbuild from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = 'src/extension.ts';
const LAZY_DIR = 'lazy';

/**
 * ofetch's "node" entry bundles node-fetch-native (about 117 KB minified), a polyfill for Node versions
 * without fetch. VS Code's extension host runs Node 20+, whose global fetch the universal entry uses.
 * @type {esbuild.Plugin}
 */
const nativeFetchOfetch = {
  name: 'ofetch-native-fetch',
  setup(build) {
    build.onResolve({ filter: /^ofetch$/ }, () => ({ path: path.join(repoRoot, 'node_modules/ofetch/dist/index.mjs') }));
  },
};

/** A repo-relative path with forward slashes: the key both builds use for a module. */
const keyOf = (file) => path.relative(repoRoot, file).split(path.sep).join('/');

/**
 * Every dynamic import() in the activation bundle becomes an import of its chunk in `dist/lazy/`, left to
 * run time. `found` collects the modules so imported.
 * @param {Map<string, string>} found  chunk name → module path
 * @returns {esbuild.Plugin}
 */
function lazyImports(found) {
  return {
    name: 'lazy-imports',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData?.lazy) return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { lazy: true } });
        if (resolved.errors.length) return { errors: resolved.errors };
        const name = path.basename(resolved.path).replace(/\.[cm]?[jt]s$/, '');
        const known = found.get(name);
        if (known && known !== resolved.path) return { errors: [{ text: `Two modules loaded on first use share the name "${name}": ${keyOf(known)}, ${keyOf(resolved.path)}` }] };
        found.set(name, resolved.path);
        return { path: `./${LAZY_DIR}/${name}.mjs`, external: true };
      });
    },
  };
}

/**
 * In the chunks: a module that is also in `dist/extension.js` is taken from there, and `vscode` (not an
 * ES module) through a require() made by `createRequire` for the chunk's own file, which VS Code's module
 * interceptor answers for this extension (it knows the extension by the requiring file's path).
 * @param {Set<string>} shared  keys of the modules to take from the activation bundle
 * @returns {esbuild.Plugin}
 */
function fromActivationBundle(shared) {
  return {
    name: 'from-activation-bundle',
    setup(build) {
      // What the stand-ins below require is left to run time.
      build.onResolve({ filter: /.*/, namespace: 'host-require' }, (args) => ({ path: args.path, external: true }));
      build.onResolve({ filter: /^vscode$/ }, () => ({ path: 'vscode', namespace: 'host-require' }));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.shared || args.kind === 'entry-point') return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { shared: true } });
        if (resolved.errors.length || resolved.external || !shared.has(keyOf(resolved.path))) return undefined;
        return { path: keyOf(resolved.path), namespace: 'host-require' };
      });
      build.onLoad({ filter: /.*/, namespace: 'host-require' }, (args) => ({
        contents: args.path === 'vscode'
          ? 'module.exports = require("vscode");'
          // Getters, so a binding the module changes later reads its new value; marked as an ES module so
          // a default import gets the module's default export.
          : `const ns = require("../extension.js").__shared[${JSON.stringify(args.path)}];
const m = { __esModule: true };
for (const key of Object.keys(ns)) Object.defineProperty(m, key, { get: () => ns[key], enumerable: true });
module.exports = m;`,
        loader: 'js',
      }));
    },
  };
}

/**
 * The activation bundle's entry: the extension's own exports, and the modules the chunks share with it.
 * @param {string[]} sharedKeys
 */
function activationEntry(sharedKeys) {
  const lines = [`export { activate, deactivate } from ${JSON.stringify(`./${ENTRY}`)};`];
  sharedKeys.forEach((key, i) => lines.push(`import * as m${i} from ${JSON.stringify(`./${key}`)};`));
  lines.push(`export const __shared = { ${sharedKeys.map((key, i) => `${JSON.stringify(key)}: m${i}`).join(', ')} };`);
  return lines.join('\n');
}

/**
 * Builds `dist/extension.js` and `dist/lazy/*.mjs`, and returns one metafile for both (bench/activation.ts
 * reads it). Three steps: find the modules loaded on first use and what each side imports, then build the
 * activation bundle exporting what both sides use, then the chunks taking those from it.
 * @param {{ minify: boolean, sourcemap: false | 'linked' | 'inline', logLevel?: esbuild.LogLevel, outdir?: string }} options
 *   `outdir`: where to write, relative to the repository (tests build elsewhere than `dist`)
 * @returns {Promise<esbuild.Metafile>}
 */
export async function buildExtension({ minify, sourcemap, logLevel = 'info', outdir = 'dist' }) {
  /** @type {esbuild.BuildOptions} */
  const common = { absWorkingDir: repoRoot, bundle: true, minify, sourcemap, legalComments: 'none', platform: 'node', target: 'node20', metafile: true };
  const lazy = new Map();
  const mainOptions = { ...common, format: 'cjs', external: ['vscode'] };

  // 1. What activation imports, and which modules load on first use.
  const probe = await esbuild.build({ ...mainOptions, entryPoints: [ENTRY], outfile: path.join(outdir, 'extension.js'), write: false, logLevel: 'silent', plugins: [nativeFetchOfetch, lazyImports(lazy)] });
  const atActivation = new Set(Object.keys(probe.metafile.inputs));
  const lazyEntries = Object.fromEntries([...lazy].map(([name, file]) => [`${LAZY_DIR}/${name}`, file]));
  const lazyOptions = { ...common, format: 'esm', splitting: true, outdir, outExtension: { '.js': '.mjs' }, entryPoints: lazyEntries, chunkNames: `${LAZY_DIR}/[name]-[hash]` };
  const lazyProbe = await esbuild.build({ ...lazyOptions, write: false, logLevel: 'silent', plugins: [nativeFetchOfetch, fromActivationBundle(new Set())] });
  const sharedKeys = Object.keys(lazyProbe.metafile.inputs).filter((key) => atActivation.has(key)).sort();

  // 2. The activation bundle, exporting the shared modules. 3. The chunks.
  rmSync(path.resolve(repoRoot, outdir, LAZY_DIR), { recursive: true, force: true });
  const main = await esbuild.build({
    ...mainOptions,
    stdin: { contents: activationEntry(sharedKeys), resolveDir: repoRoot, sourcefile: 'extension-entry.js', loader: 'js' },
    outfile: path.join(outdir, 'extension.js'),
    logLevel,
    plugins: [nativeFetchOfetch, lazyImports(new Map())],
  });
  const chunks = await esbuild.build({
    ...lazyOptions,
    // `require` for the chunks: the host's `vscode`, and the activation bundle's shared modules.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    logLevel,
    plugins: [nativeFetchOfetch, fromActivationBundle(new Set(sharedKeys))],
  });
  const metafile = { inputs: { ...main.metafile.inputs, ...chunks.metafile.inputs }, outputs: { ...main.metafile.outputs, ...chunks.metafile.outputs } };
  writeFileSync(path.resolve(repoRoot, outdir, 'meta.json'), JSON.stringify(metafile));
  return metafile;
}

/**
 * Rebuilds on every change to the code either side imports (esbuild watches the files of a build that writes
 * nothing; each time it ends, the real build runs).
 * @param {{ minify: boolean, sourcemap: false | 'linked' | 'inline' }} options
 */
export async function watchExtension(options) {
  let running = Promise.resolve();
  const rebuild = () => (running = running.then(() => buildExtension({ ...options, logLevel: 'warning' })).then(
    () => console.log(`[watch] extension built ${new Date().toLocaleTimeString()}`),
    (error) => console.error(`[watch] extension build failed: ${error instanceof Error ? error.message : error}`),
  ));
  const context = await esbuild.context({
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    platform: 'node',
    logLevel: 'silent',
    entryPoints: [ENTRY],
    external: ['vscode'],
    plugins: [nativeFetchOfetch, { name: 'rebuild', setup: (build) => build.onEnd(() => void rebuild()) }],
  });
  await context.watch();
}
