import type { LogLevel, Metafile } from 'esbuild';

export function buildExtension(options: {
  minify: boolean;
  sourcemap: false | 'linked' | 'inline';
  logLevel?: LogLevel;
  /** Where to write, relative to the repository (default `dist`). */
  outdir?: string;
}): Promise<Metafile>;
export function watchExtension(options: { minify: boolean; sourcemap: false | 'linked' | 'inline' }): Promise<void>;
