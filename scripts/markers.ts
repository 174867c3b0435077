// The measured figures in the README and docs/ stand between `<!-- NAME:start -->` and `<!-- NAME:end -->`
// markers; only the commands that measure them write there (`--update-readme`).
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/** Replaces what stands between the markers `<!-- name:start -->` and `<!-- name:end -->` in `file` with `content`. */
export function writeBetweenMarkers(file: string, name: string, content: string): void {
  const [open, close] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`${relative(process.cwd(), file) || file} has no ${open} … ${close} markers`);
  writeFileSync(file, `${text.slice(0, start + open.length)}${content}${text.slice(end)}`);
}
