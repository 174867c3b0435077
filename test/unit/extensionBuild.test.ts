// The extension host's build (scripts/extensionBuild.mjs): activation loads one CommonJS file, what is used
// later loads on first use, and no module is in both (a copy would be a second ApiError class for
// `instanceof`, a second state for a module that keeps one). Built into a temporary folder with esbuild;
// the integration suite runs the real build in VS Code.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Metafile } from 'esbuild';
import { buildExtension } from '../../scripts/extensionBuild.mjs';

const repoRoot = join(import.meta.dirname, '..', '..');

describe('The extension build', () => {
  let outdir: string;
  let meta: Metafile;
  let mainKey: string;
  let lazyKeys: string[];

  before(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'ts-extension-build-'));
    meta = await buildExtension({ minify: false, sourcemap: false, logLevel: 'silent', outdir: relative(repoRoot, outdir) });
    const outputs = Object.keys(meta.outputs);
    mainKey = outputs.find((key) => key.endsWith('/extension.js'))!;
    lazyKeys = outputs.filter((key) => /\/lazy\/[^/]+\.mjs$/.test(key));
  });
  after(() => rmSync(outdir, { recursive: true, force: true }));

  const modulesOf = (key: string) => Object.keys(meta.outputs[key].inputs).filter((input) => !input.startsWith('host-require:'));

  it('activation loads one file: the CommonJS bundle imports nothing else when it loads', () => {
    assert.ok(mainKey, 'dist/extension.js is built');
    const text = readFileSync(join(outdir, 'extension.js'), 'utf8');
    assert.match(text, /exports\.activate|activate:/);
    assert.deepEqual(meta.outputs[mainKey].imports.filter((i) => i.kind !== 'dynamic-import' && i.kind !== 'require-call'), []);
    // Its requires are Node's own modules and VS Code's.
    for (const i of meta.outputs[mainKey].imports.filter((i) => i.kind === 'require-call')) assert.match(i.path, /^(vscode|node:.*|[a-z_]+)$/, i.path);
  });

  it('what is used later stays out of activation: the YAML parser, the ZIP writer, the panel hosts, the wizard, the agent tools', () => {
    const atActivation = modulesOf(mainKey);
    for (const later of ['node_modules/yaml/', 'node_modules/yazl/', 'src/shared/promptFile.ts', 'src/webviews/galleryPanel.ts', 'src/webviews/promptEditorPanel.ts', 'src/webviews/comparePanel.ts', 'src/webviews/zipExport.ts', 'src/commands/createTune/createTuneFlow.ts', 'src/agent/tools.ts', 'src/commands/promptFiles/feature.ts']) {
      assert.ok(!atActivation.some((input) => input.startsWith(later)), `${later} is not loaded at activation`);
      assert.ok(lazyKeys.some((key) => modulesOf(key).some((input) => input.startsWith(later))), `${later} is in a chunk loaded on first use`);
    }
  });

  it('every import() in the activation bundle names a chunk that was built', () => {
    const text = readFileSync(join(outdir, 'extension.js'), 'utf8');
    const imported = [...text.matchAll(/import\("\.\/(lazy\/[\w-]+\.mjs)"\)/g)].map((m) => m[1]);
    assert.ok(imported.length >= 7, `found ${imported.length} imports of chunks`);
    for (const file of imported) assert.ok(existsSync(join(outdir, file)), `${file} exists`);
  });

  it('no module is in both: a chunk takes what activation already loaded from dist/extension.js', () => {
    const atActivation = new Set(modulesOf(mainKey));
    const copied = lazyKeys.flatMap((key) => modulesOf(key).filter((input) => atActivation.has(input)).map((input) => `${input} in ${key}`));
    assert.deepEqual(copied, []);
    // …and the ones both use are exported for them, under the key the chunks ask for.
    const chunkText = readdirSync(join(outdir, 'lazy')).map((file) => readFileSync(join(outdir, 'lazy', file), 'utf8')).join('\n');
    const asked = new Set([...chunkText.matchAll(/require\("\.\.\/extension\.js"\)\.__shared\["([^"]+)"\]/g)].map((m) => m[1]));
    assert.ok(asked.has('src/api/errors.ts'), 'the chunks take the API errors from activation');
    const mainText = readFileSync(join(outdir, 'extension.js'), 'utf8');
    for (const key of asked) assert.ok(mainText.includes(JSON.stringify(key)), `${key} is exported by dist/extension.js`);
  });
});
