import type { BuildOptions, LogLevel } from 'esbuild';

export function webviewEntries(root?: string): string[];
export function removeOldChunks(outdir: string, entries: string[]): void;
export function webviewBuildOptions(options: {
  entries: string[];
  outdir: string;
  minify: boolean;
  sourcemap?: boolean | 'linked' | 'inline';
  absWorkingDir?: string;
  logLevel?: LogLevel;
}): BuildOptions[];
