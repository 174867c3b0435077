// Activation: Tune Studio's `activate()` in code-server's extension host against a one-command extension
// activated in the same host (each run a fresh window; the two take turns going first), and the size of
// what activation loads (the production build's one CommonJS file, from esbuild's metafile), next to what
// loads later, on first use (the ES module chunks in dist/lazy/).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import type { Metafile } from 'esbuild';
import { createVSIX } from '@vscode/vsce';
import { build, ensureCodeServer, installVsix, launchChromium, onCleanup, startCodeServer, workbenchUrl } from '../scripts/code-server';
import { repoRoot } from '../scripts/install-code-server';
import { spread, type Spread } from './gallery';
import type { ActivationSample } from './activationHost';
import { bundleHostScript } from './harness';

export const OURS = 'tune-studio.tune-studio';
const MINIMAL = 'tune-studio-bench.minimal';
/** The goals of issue 22. */
export const ACTIVATION_GOALS = { ratio: 3, loadedKb: 200 };

export interface ActivationResult {
  runs: number;
  oursMs: Spread;
  minimalMs: Spread;
  ratio: Spread;
  oursHeapMb: Spread;
  sizes: BundleSizes;
}

export interface BundleSizes {
  /** Bytes read when the extension activates: dist/extension.js (and anything it imports statically). */
  atActivation: number;
  atActivationFiles: number;
  /** Bytes of the chunks imported on first use, by what pulls them in. */
  onDemand: { name: string; bytes: number }[];
  webviews: { name: string; bytes: number }[];
}

/** The modules imported on first use (scripts/extensionBuild.mjs splits at each dynamic import), in words; in this order each is charged for the shared code it pulls in first. */
const CHUNK_LABELS: Record<string, string> = {
  feature: 'prompt files: checks, CodeLenses, hovers, Generate (with the YAML parser)',
  promptFile: 'prompt file writer (Save as Prompt File, Copy as Entry)',
  createTuneFlow: 'create-tune wizard and upload',
  galleryPanel: 'gallery panel host',
  promptEditorPanel: 'prompt editor panel host',
  comparePanel: 'compare panel host',
  zipExport: 'ZIP export (with the ZIP writer)',
  tools: 'agent tools',
};

/** A one-command extension, the baseline: what any extension costs the host to activate. */
function writeMinimalExtension(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'minimal', publisher: 'tune-studio-bench', version: '0.0.1', engines: { vscode: '^1.100.0' }, main: './extension.js',
    contributes: { commands: [{ command: 'tuneStudioBench.hello', title: 'Hello (activation baseline)' }] },
  }));
  writeFileSync(join(dir, 'extension.js'), `const vscode = require('vscode');
exports.activate = (context) => {
  context.subscriptions.push(vscode.commands.registerCommand('tuneStudioBench.hello', () => vscode.window.showInformationMessage('Hello')));
};
`);
}

/** What the production build loads at activation and later, from dist/meta.json (scripts/extensionBuild.mjs). */
export function bundleSizes(): BundleSizes {
  const meta = JSON.parse(readFileSync(join(repoRoot, 'dist', 'meta.json'), 'utf8')) as Metafile;
  const outputs = meta.outputs;
  const loaded = new Set<string>();
  const walk = (file: string) => {
    if (loaded.has(file) || !outputs[file]) return;
    loaded.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement' || i.kind === 'require-call') walk(i.path);
  };
  walk('dist/extension.js');
  const atActivation = [...loaded].reduce((sum, f) => sum + outputs[f].bytes, 0);
  // Everything else, grouped by the dynamic import that reaches it first.
  const onDemand = new Map<string, number>();
  const claimed = new Set(loaded);
  const nameOf = (file: string) => file.replace(/^dist\/lazy\//, '').replace(/(-[A-Z0-9]+)?\.mjs$/, '');
  const rank = (file: string) => {
    const i = Object.keys(CHUNK_LABELS).indexOf(nameOf(file));
    return i < 0 ? Infinity : i;
  };
  const entries = Object.keys(outputs)
    .filter((f) => !loaded.has(f) && /^dist\/lazy\//.test(f) && !/\/chunk-/.test(f) && f.endsWith('.mjs'))
    .sort((a, b) => rank(a) - rank(b));
  for (const file of entries) {
    const name = CHUNK_LABELS[nameOf(file)] ?? nameOf(file);
    let bytes = 0;
    const add = (f: string) => {
      if (claimed.has(f) || !outputs[f]) return;
      claimed.add(f);
      bytes += outputs[f].bytes;
      for (const i of outputs[f].imports) if (i.kind === 'import-statement') add(i.path);
    };
    add(file);
    onDemand.set(name, bytes);
  }
  const webviewDir = join(repoRoot, 'dist', 'webview');
  const webviews = ['gallery', 'promptEditor', 'compare'].map((name) => ({
    name,
    bytes: ['js', 'css'].reduce((sum, ext) => sum + (existsSync(join(webviewDir, `${name}.${ext}`)) ? statSync(join(webviewDir, `${name}.${ext}`)).size : 0), 0),
  }));
  return { atActivation, atActivationFiles: loaded.size, onDemand: [...onDemand].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes), webviews };
}

export async function benchActivation(runs: number, verbose = false): Promise<ActivationResult> {
  await ensureCodeServer();
  build(['--production']); // the extension as it ships
  await bundleHostScript('activationHost');
  const temp = mkdtempSync(join(tmpdir(), 'ts-bench-activation-'));
  onCleanup(async () => rmSync(temp, { recursive: true, force: true }), () => rmSync(temp, { recursive: true, force: true }));
  // The baseline is installed like any extension (code-server loads one extension under development).
  const minimal = join(temp, 'minimal');
  writeMinimalExtension(minimal);
  writeFileSync(join(minimal, 'LICENSE'), 'MIT');
  writeFileSync(join(minimal, 'README.md'), '# Activation baseline\n');
  const minimalVsix = join(temp, 'minimal.vsix');
  await createVSIX({ cwd: minimal, packagePath: minimalVsix, dependencies: false, allowMissingRepository: true, skipLicense: true });
  const extensionsDir = join(temp, 'extensions');
  mkdirSync(extensionsDir);
  await installVsix(minimalVsix, extensionsDir);

  const samples: ActivationSample[][] = [];
  const browser = await launchChromium();
  for (let run = 0; run < runs; run++) {
    const out = join(temp, `run-${run}.json`);
    const order = run % 2 === 0 ? [MINIMAL, OURS] : [OURS, MINIMAL];
    const workspace = mkdtempSync(join(temp, 'ws-'));
    const server = await startCodeServer({ workspace, extensionsDir, echo: verbose, env: { TUNE_STUDIO_BENCH_OUT: out, TUNE_STUDIO_BENCH_ORDER: order.join(',') } });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    let resolveExit!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const text = Array.isArray(args) ? format(...(args as unknown[])) : String(args);
      if (verbose || type === 'error') console.log(`[host:${type}] ${text}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    await page.goto(workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: repoRoot, extensionTestsPath: join(repoRoot, 'out', 'bench', 'activationHost.js') }));
    const code = await Promise.race([exited, new Promise<number>((resolve) => setTimeout(() => resolve(124), 120_000).unref())]);
    await page.close();
    await server.close();
    if (code !== 0 || !existsSync(out)) throw new Error(`activation run ${run + 1} failed (exit ${code}); run with --verbose to see the host's output`);
    samples.push(JSON.parse(readFileSync(out, 'utf8')) as ActivationSample[]);
    console.log(`[bench:activation] run ${run + 1}/${runs}: ${samples.at(-1)!.map((s) => `${s.id} ${s.ms.toFixed(1)} ms`).join(', ')}`);
  }
  await browser.close();
  const of = (id: string) => samples.map((run) => run.find((s) => s.id === id)!);
  const ours = of(OURS);
  const base = of(MINIMAL);
  return {
    runs,
    oursMs: spread(ours.map((s) => s.ms)),
    minimalMs: spread(base.map((s) => s.ms)),
    ratio: spread(ours.map((s, i) => s.ms / base[i]!.ms)),
    oursHeapMb: spread(ours.map((s) => s.heapMb)),
    sizes: bundleSizes(),
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The docs/PERFORMANCE.md section (and what the bench prints). */
export function activationSection(result: ActivationResult, machine: string, date: string): string {
  const { sizes } = result;
  const ratioMet = result.ratio.median <= ACTIVATION_GOALS.ratio;
  const sizeMet = sizes.atActivation < ACTIVATION_GOALS.loadedKb * 1024;
  const ms = (s: Spread) => `${fmt(s.min, 1)} / **${fmt(s.median, 1)}** / ${fmt(s.max, 1)} ms`;
  return [
    `Measured by \`npm run bench -- --only activation --update-readme\` on ${date}: ${result.runs} fresh windows, min / **median** / max; ${machine}.`,
    '',
    '| | activation |',
    '|---|---|',
    `| Tune Studio \`activate()\` in the extension host (loading its code included) | ${ms(result.oursMs)} |`,
    `| a one-command extension in the same host (baseline) | ${ms(result.minimalMs)} |`,
    `| Tune Studio ÷ baseline | ${fmt(result.ratio.min, 2)} / **${fmt(result.ratio.median, 2)}** / ${fmt(result.ratio.max, 2)}× |`,
    `| extension host heap growth during \`activate()\` | ${fmt(result.oursHeapMb.median, 1)} MB |`,
    `| code loaded at activation (${sizes.atActivationFiles === 1 ? "one file" : `${sizes.atActivationFiles} files`}, minified) | ${kb(sizes.atActivation)} |`,
    ...sizes.onDemand.map((c) => `| loaded on first use: ${c.name} | ${kb(c.bytes)} |`),
    ...sizes.webviews.map((w) => `| webview bundle: ${w.name} (script and stylesheet) | ${kb(w.bytes)} |`),
    '',
    `- Activation ≤ ${ACTIVATION_GOALS.ratio}× the one-command extension (median): ${ratioMet ? 'met' : 'MISSED'}.`,
    `- Code loaded at activation < ${ACTIVATION_GOALS.loadedKb} KB: ${sizeMet ? 'met' : 'MISSED'}.`,
  ].join('\n');
}
