// Rewrites one benchmark's section of docs/PERFORMANCE.md (what `--update-readme` does).
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Replaces what stands between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->` in docs/PERFORMANCE.md. */
export function updateReadme(name: string, section: string): void {
  const [open, close] = [`<!-- bench:${name}:start -->`, `<!-- bench:${name}:end -->`];
  const file = path.resolve(__dirname, '..', 'docs', 'PERFORMANCE.md');
  const readme = readFileSync(file, 'utf8');
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) throw new Error(`docs/PERFORMANCE.md has no ${open} … ${close} section`);
  writeFileSync(file, `${readme.slice(0, start + open.length)}\n${section}\n${readme.slice(end)}`);
}
