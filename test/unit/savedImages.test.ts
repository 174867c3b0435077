// Where a generated image is saved and the Markdown that shows it: names a user sees in the Explorer
// and in a Markdown preview. Complements the cases in webview-model.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { imageExtension, imageMarkdown, numberedFileName, sanitizeFolderName } from '../../src/domain/savedImages';

describe('saved image names', () => {
  it('folds full-width and ligature letters a tune title may carry into plain ones', () => {
    assert.equal(sanitizeFolderName('Ｐｏｒｔｒａｉｔｓ', 'f'), 'Portraits');
    assert.equal(sanitizeFolderName('ﬁlm', 'f'), 'film');
  });

  it('turns a run of symbols next to a space into one space, and repeated dashes into one', () => {
    assert.equal(sanitizeFolderName('Tune #(1)', 'f'), 'Tune 1');
    assert.equal(sanitizeFolderName('a--b', 'f'), 'a-b');
    assert.equal(sanitizeFolderName('Portraits...', 'f'), 'Portraits');
    assert.equal(sanitizeFolderName('--Portraits--', 'f'), 'Portraits');
  });

  it('refuses exactly the names Windows reserves, not names that merely contain them', () => {
    for (const reserved of ['CON', 'nul', 'com1', 'LPT9']) assert.equal(sanitizeFolderName(reserved, 'fallback'), 'fallback', reserved);
    for (const fine of ['Console', 'Falcon', 'comX', 'lptA', 'auxiliary']) assert.equal(sanitizeFolderName(fine, 'fallback'), fine);
  });

  it('takes the extension from the end of the URL path, jpg and JPG included, else png', () => {
    assert.equal(imageExtension('https://cdn.example/a/photo.JPG?sig=1'), 'jpg');
    assert.equal(imageExtension('https://cdn.example/a/photo.jpeg'), 'jpg');
    assert.equal(imageExtension('https://cdn.example/a.webp/download'), 'png');
    assert.equal(imageExtension('not a url'), 'png');
  });

  it('numbers a taken name before its extension, or at the end when it has none', () => {
    assert.equal(numberedFileName('README', 2), 'README (2)');
    assert.equal(numberedFileName('.hidden', 3), '.hidden (3)');
    assert.equal(numberedFileName('a.b.png', 4), 'a.b (4).png');
  });

  it('writes Markdown with the prompt on one line and the URL’s brackets and spaces percent-encoded', () => {
    assert.equal(imageMarkdown('  a\n\n  cat  ', 'https://x/a.png'), '![a cat](https://x/a.png)');
    assert.equal(imageMarkdown('a', 'https://x/<b>.png'), '![a](https://x/%3Cb%3E.png)');
  });
});
