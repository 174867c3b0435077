// `npm run package`'s README for the extension's page (VS Code loads only https: and data: pictures there)
// and its checks (guards: pictures broken on the details page, links that lead nowhere, a stale size).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokenDataPictures, formatSize, packagedReadme, pageProblems, withPackageSize } from '../../scripts/package';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const files: Record<string, Buffer> = { 'media/a.png': PNG, 'media/b c.jpg': Buffer.from([0xff, 0xd8, 0xff, 0xe0]) };
const readFile = (path: string): Buffer => {
  const bytes = files[path];
  if (!bytes) throw new Error(`ENOENT ${path}`);
  return bytes;
};

describe('packagedReadme', () => {
  it('inlines relative pictures as data: URIs, keeps https pictures, and turns relative links into their text', () => {
    const readme = [
      '# Title',
      '![The tree](media/a.png) and ![far](https://example.com/x.png)',
      '<img src="media/b%20c.jpg" alt="html">',
      'See [the architecture](docs/ARCHITECTURE.md#trees), [the site](https://astria.ai) and [below](#install).',
    ].join('\n');
    const out = packagedReadme(readme, readFile);
    assert.ok(out.includes(`![The tree](data:image/png;base64,${PNG.toString('base64')})`), out);
    assert.ok(out.includes('![far](https://example.com/x.png)'));
    assert.ok(out.includes(`<img src="data:image/jpeg;base64,${files['media/b c.jpg'].toString('base64')}" alt="html">`), out);
    assert.ok(out.includes('See the architecture, [the site](https://astria.ai) and [below](#install).'), out);
    assert.deepEqual(pageProblems('readme.md', out), []);
    assert.deepEqual(brokenDataPictures(out), []);
  });

  it('leaves code alone: a picture or link inside a code span or a fenced block is text, not a picture', () => {
    const readme = 'Appends `![alt](url)` to a file.\n\n```md\n![x](media/missing.png)\n[y](docs/z.md)\n```\n';
    assert.equal(packagedReadme(readme, readFile), readme);
    assert.deepEqual(pageProblems('readme.md', readme), []);
  });

  it('fails on a picture it cannot read or cannot name a type for, rather than shipping it broken', () => {
    assert.throws(() => packagedReadme('![gone](media/gone.png)', readFile), /ENOENT media\/gone\.png/);
    assert.throws(() => packagedReadme('![vector](media/a.svg)', readFile), /not PNG, JPEG, GIF or WebP/);
  });

  it('the repository\'s README packs without a problem, each of its pictures inlined', () => {
    const root = join(import.meta.dirname, '..', '..');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const pictures = readme.match(/!\[[^\]]*\]\(media\/[^)]+\)/g) ?? [];
    assert.ok(pictures.length >= 10, `the README shows its screenshots (${pictures.length})`);
    const out = packagedReadme(readme, (path) => readFileSync(join(root, path)));
    assert.deepEqual(pageProblems('readme.md', out), []);
    assert.deepEqual(brokenDataPictures(out), []);
    assert.equal(out.match(/!\[[^\]]*\]\(data:image\/png;base64,/g)?.length, pictures.length);
    assert.deepEqual(pageProblems('changelog.md', readFileSync(join(root, 'CHANGELOG.md'), 'utf8')), []);
  });
});

describe('pageProblems and brokenDataPictures', () => {
  it('name relative pictures and links, command: links, and data: pictures that hold no image', () => {
    const page = '![a](media/a.png)\n[b](LICENSE)\n[run it](command:tuneStudio.refresh)\n![c](data:image/png;base64,aGVsbG8=)\n<img src="x.png">';
    assert.deepEqual(pageProblems('readme.md', page), [
      'readme.md: the picture media/a.png is relative, and cannot load on the extension\'s page',
      'readme.md: the link LICENSE is relative, and cannot load on the extension\'s page',
      'readme.md: the link command:tuneStudio.refresh cannot run from the extension\'s page',
      'readme.md: the picture x.png is relative, and cannot load on the extension\'s page',
    ]);
    assert.deepEqual(brokenDataPictures(page), ['c']);
  });
});

describe('the README\'s package size', () => {
  it('is written between the markers, and only there', () => {
    const readme = 'a <!-- package:size:start -->?<!-- package:size:end --> b';
    assert.equal(withPackageSize(readme, '3.85 MB'), 'a <!-- package:size:start -->3.85 MB<!-- package:size:end --> b');
    assert.throws(() => withPackageSize('no markers', '1 KB'), /markers/);
  });

  it('reads in KB below a megabyte and in MB with two decimals above', () => {
    assert.equal(formatSize(512 * 1024), '512 KB');
    assert.equal(formatSize(4_034_322), '3.85 MB');
  });
});
