// Rewrites one benchmark's section of docs/PERFORMANCE.md (what `--update-readme` does).
import * as path from 'node:path';
import { writeBetweenMarkers } from '../scripts/markers';

/** Replaces what stands between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->` in docs/PERFORMANCE.md. */
export function updateReadme(name: string, section: string): void {
  writeBetweenMarkers(path.resolve(__dirname, '..', 'docs', 'PERFORMANCE.md'), `bench:${name}`, `\n${section}\n`);
}
