// Writing prompt files (Save as Prompt File…, Copy as Prompt File Entry): exactly what lands in the file,
// the names given to files and entries, and which image URLs count as Astria's.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDraft } from '../../src/shared/prompt/draft';
import { entryFromDraft, entryName, entryYaml, isAstriaImageUrl, promptFileName, promptFileText } from '../../src/shared/promptFileWriting';

describe('prompt file writing: an entry from the prompt editor’s draft', () => {
  it('writes an image URL only when the form takes the image from a URL (guards the source check)', () => {
    const url = 'https://cdn.astria.ai/in.png';
    const mask = 'https://cdn.astria.ai/mask.png';
    const base = { ...defaultDraft(), text: 'hi', input_image_url: url, mask_image_url: mask };
    assert.deepEqual(entryFromDraft('a', { ...base, input_image_source: 'url', mask_image_source: 'url' }), { name: 'a', text: 'hi', num_images: 4, input_image_url: url, mask_image_url: mask });
    assert.deepEqual(entryFromDraft('a', { ...base, input_image_source: 'file', mask_image_source: 'none' }), { name: 'a', text: 'hi', num_images: 4 }, 'a URL left in a field the form no longer uses');
  });

  it('always writes the number of images, leaves out what is at its default or empty, and writes numbers as numbers (guards the skip rules)', () => {
    assert.deepEqual(entryFromDraft('a', { ...defaultDraft(), text: 'hi' }), { name: 'a', text: 'hi', num_images: 4 }, 'the aspect ratio 1:1 is the default: left out');
    assert.deepEqual(entryFromDraft('a', { ...defaultDraft(), text: 'hi', num_images: '' }), { name: 'a', text: 'hi' });
    assert.deepEqual(entryFromDraft('a', { ...defaultDraft(), text: 'hi', steps: '30', cfg_scale: '3.5', seed: 'abc', backend_version: '1', aspect_ratio: '3:4', hires_fix: true }), {
      name: 'a',
      text: 'hi',
      num_images: 4,
      aspect_ratio: '3:4',
      steps: 30,
      cfg_scale: 3.5,
      seed: 'abc',
      hires_fix: true,
      backend_version: '1',
    });
  });
});

describe('prompt file writing: whole files and entries', () => {
  const entry = { name: 'a', text: `<1> ${'long words '.repeat(12).trim()}` };

  it('writes JSON for a JSON file and YAML for a YAML file, long text on one line (guards the format and the line width)', () => {
    assert.equal(promptFileText(12, [entry], 'json'), `{\n  "tune": 12,\n  "prompts": [\n    {\n      "name": "a",\n      "text": "${entry.text}"\n    }\n  ]\n}\n`);
    assert.equal(promptFileText('Priya', [entry], 'yaml'), `tune: Priya\nprompts:\n  - name: a\n    text: ${entry.text}\n`);
  });

  it('indents an entry under prompts: without trailing spaces, long text on one line (guards the indentation and line width)', () => {
    assert.equal(entryYaml(entry), `  - name: a\n    text: ${entry.text}\n`);
    assert.equal(entryYaml(entry, '    '), `    - name: a\n      text: ${entry.text}\n`);
  });
});

describe('prompt file writing: names', () => {
  it('makes a file name from a tune title: tokens split words, at most 40 characters, no dash at either end (guards the slug)', () => {
    assert.equal(promptFileName('Priya<1>Sharma'), 'priya-sharma.astria.yaml');
    assert.equal(promptFileName(`${'a'.repeat(39)} b`), `${'a'.repeat(39)}.astria.yaml`, 'cut at 40, the dash it ends on dropped');
    assert.equal(promptFileName(`${'b'.repeat(45)}`), `${'b'.repeat(40)}.astria.yaml`);
    assert.equal(promptFileName('--Héllo, world!--'), 'hello-world.astria.yaml');
  });

  it('makes an entry name from the first four words, without tokens or punctuation, at most 40 characters (guards the name rules)', () => {
    assert.equal(entryName('{{subject}} in a park'), 'in a park');
    assert.equal(entryName('{{a}}{{bc}}x'), 'x');
    assert.equal(entryName('studio<1>light'), 'studio light');
    assert.equal(entryName('studio,light'), 'studio light');
    assert.equal(entryName('studio,  light, 85mm'), 'studio light 85mm');
    assert.equal(entryName(`${'w'.repeat(30)} ${'v'.repeat(30)}`), `${'w'.repeat(30)} ${'v'.repeat(9)}`);
    assert.equal(entryName('  '), 'prompt');
  });
});

describe('prompt file writing: Astria image URLs (edge cases)', () => {
  const none = () => false;
  it('takes astria.ai and its subdomains, and the S3 bucket by its exact name only (guards the host pattern)', () => {
    assert.equal(isAstriaImageUrl('https://astria.ai/x.png', none), true);
    assert.equal(isAstriaImageUrl('https://a.b.astria.ai/x.webp', none), true);
    assert.equal(isAstriaImageUrl('https://evilastria.ai/x.png', none), false);
    assert.equal(isAstriaImageUrl('https://xsdbooth2-production.s3.amazonaws.com/x.png', none), false);
    assert.equal(isAstriaImageUrl('https://sdbooth2-production.s3.amazonaws.com.evil.example/x.png', none), false);
  });

  it('takes an image path only when it ends in an image type, and nothing that is not a URL (guards the path pattern and the parse)', () => {
    assert.equal(isAstriaImageUrl('https://cdn.astria.ai/a.png.html', none), false);
    assert.equal(isAstriaImageUrl('https://cdn.astria.ai/a.JPEG', none), true);
    assert.equal(isAstriaImageUrl('not a url', () => true), false);
  });
});
