// The activation benchmark's side inside the extension host (`npm run bench -- --only activation` runs
// it as the extensionTestsPath of a fresh code-server window, once per run): it activates a one-command
// extension and Tune Studio, in the order it is told, and times each `activate()` as VS Code runs it
// (loading the code included), with the host's heap before and after.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

export interface ActivationSample {
  id: string;
  ms: number;
  heapMb: number;
}

const mb = () => process.memoryUsage().heapUsed / 1024 / 1024;

export async function run(): Promise<void> {
  const out = process.env.TUNE_STUDIO_BENCH_OUT;
  const order = (process.env.TUNE_STUDIO_BENCH_ORDER ?? '').split(',').filter(Boolean);
  if (!out || order.length === 0) throw new Error('TUNE_STUDIO_BENCH_OUT and TUNE_STUDIO_BENCH_ORDER are set by bench/activation.ts');
  const samples: ActivationSample[] = [];
  for (const id of order) {
    const extension = vscode.extensions.getExtension(id);
    if (!extension) throw new Error(`${id} is not installed in this window`);
    if (extension.isActive) throw new Error(`${id} was already active: the measurement would be empty`);
    const heap = mb();
    const started = performance.now();
    await extension.activate();
    samples.push({ id, ms: performance.now() - started, heapMb: mb() - heap });
  }
  writeFileSync(out, JSON.stringify(samples));
}
