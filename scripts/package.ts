// `npm run package`: the production build, then the .vsix with @vscode/vsce (dist/tune-studio.vsix),
// and its size. `-- --update-readme` also writes the size into README.md (between the
// `<!-- package:size:start -->` markers), so the figure there is always a measured one.
//
// The README in the package is README.md with its pictures inlined (data: URLs): the extension's page
// in VS Code shows a local README in a webview whose policy loads only https: and data: images, so a
// relative picture would be broken there (test/e2e/extensionPage.e2e.ts checks they load).
//
// vsce runs with its checks on. One thing is let pass, for one reason: the project has no public
// repository yet.
// - allowMissingRepository: without a `repository` field vsce asks whether to continue (and fails
//   with no terminal, as in CI).
// - rewriteRelativeLinks: false: vsce rewrites the README's relative links (to docs/ and
//   CONTRIBUTING.md) to the repository's web address, and refuses when there is none.
// When the repository is public, add `repository` to package.json, drop both, and let vsce point the
// pictures at it instead of inlining them.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createVSIX, listFiles } from '@vscode/vsce';
import { build } from './code-server';
import { repoRoot } from './install-code-server';
import { writeBetweenMarkers } from './markers';

const { values } = parseArgs({ options: { 'update-readme': { type: 'boolean', default: false } } });
const out = join(repoRoot, 'dist', 'tune-studio.vsix');

async function main(): Promise<void> {
  process.chdir(repoRoot);
  build(['--production']);
  const readmePath = join('dist', 'README.md');
  writeFileSync(join(repoRoot, readmePath), withInlinePictures(readFileSync(join(repoRoot, 'README.md'), 'utf8')));
  await createVSIX({ cwd: repoRoot, packagePath: out, dependencies: false, allowMissingRepository: true, rewriteRelativeLinks: false, readmePath });
  const files = await listFiles({ cwd: repoRoot, packageManager: undefined, ignoreFile: undefined });
  const kb = statSync(out).size / 1024;
  const summary = `${kb < 1024 ? `${Math.round(kb)} KB` : `${(kb / 1024).toFixed(1)} MB`} (${files.length} files, no \`node_modules\`)`;
  console.log(`dist/tune-studio.vsix: ${summary}`);
  if (values['update-readme']) {
    writeBetweenMarkers(join(repoRoot, 'README.md'), 'package:size', summary);
    console.log('README.md: package size written.');
  }
}

const MIME: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', svg: 'image/svg+xml' };

/** `![alt](media/….jpg)` → `![alt](data:image/jpeg;base64,…)`, for every picture under media/. */
export function withInlinePictures(markdown: string): string {
  return markdown.replace(/!\[([^\]]*)\]\((media\/[\w./-]+\.(jpe?g|png|svg))\)/g, (_all, alt: string, path: string, ext: string) => {
    const bytes = readFileSync(join(repoRoot, path));
    return `![${alt}](data:${MIME[ext.toLowerCase()]};base64,${bytes.toString('base64')})`;
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
