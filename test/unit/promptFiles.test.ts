// Prompt files: the schema built from the one rule table, parsing with ranges, the prompt editor's
// validator applied per entry (same words), and the minimal write-back edit.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { modelCapabilities } from '../../src/shared/prompt/capabilities';
import { defaultDraft } from '../../src/shared/prompt/draft';
import { PROMPT_OPTION_NAMES, documentedOptionSchema, generateImagesInputSchema, optionRange, promptFileSchema, promptFileSchemaText } from '../../src/shared/prompt/schema';
import { validateDraft } from '../../src/shared/prompt/validation';
import { promptEditorChecks } from '../../src/shared/promptEditor';
import {
  applyPlan,
  suggestedKeyText,
  checkEntry,
  entryFromDraft,
  entryYaml,
  idEditPlan,
  paramsFingerprint,
  parsePromptFile,
  promptFileFormat,
  promptFileText,
  promptFileEntryText,
  promptFileName,
  entryName,
  isAstriaImageUrl,
  type ParsedPromptFile,
} from '../../src/shared/promptFile';
import { FLUX_TUNE as flux, entryGettingTheId as target } from './promptFileHelpers';

const root = join(__dirname, '..', '..');
const seedream = { capabilities: modelCapabilities({ id: 2, title: 'Seedream 4', name: null, branch: null }), characteristics: [] };

const YAML = `# Spring campaign
tune: Priya Sharma — headshots   # the title works too
defaults:
  num_images: 2
  aspect_ratio: "3:4"
prompts:
  - name: studio
    text: <1> portrait, studio light
    seed: 42 # keep this seed
  - name: beach
    text: |
      <1> on a beach,
      golden hour
  - name: wide
    text: <1> wide shot
    num_images: 9
`;

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

describe('prompt files: one schema from the rule table', () => {
  it('the committed schema file is the builder’s output (run scripts/write-prompt-schema.ts after a rule change)', () => {
    const committed = readFileSync(join(root, 'schemas', 'prompt-file.schema.json'), 'utf8');
    assert.equal(committed, promptFileSchemaText());
  });

  it('package.json contributes the schema for *.astria.json and *.astria.yaml', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { jsonValidation: { fileMatch: string; url: string }[]; yamlValidation: { fileMatch: string[]; url: string }[] } };
    assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '*.astria.json', url: './schemas/prompt-file.schema.json' }]);
    assert.equal(manifest.contributes.yamlValidation[0].url, './schemas/prompt-file.schema.json');
    assert.ok(manifest.contributes.yamlValidation[0].fileMatch.includes('*.astria.yaml'));
  });

  it('entries take exactly the agent tool’s options (no list written twice), plus name and id', () => {
    const schema = promptFileSchema() as { properties: { prompts: { items: { properties: Record<string, unknown> } }; defaults: { properties: Record<string, unknown> } } };
    const tool = generateImagesInputSchema() as { properties: Record<string, Record<string, unknown>> };
    const entryKeys = Object.keys(schema.properties.prompts.items.properties);
    assert.deepEqual(entryKeys, ['name', ...PROMPT_OPTION_NAMES, 'id']);
    for (const name of PROMPT_OPTION_NAMES) {
      const { description: _a, ...fileRule } = schema.properties.prompts.items.properties[name] as Record<string, unknown>;
      const { description: _b, ...toolRule } = tool.properties[name];
      assert.deepEqual(fileRule, toolRule, `${name} has the same rule for files and the agent`);
    }
    assert.ok(!('text' in schema.properties.defaults.properties), 'text belongs to each prompt');
  });

  it('every option has a hint and its range in words', () => {
    for (const name of PROMPT_OPTION_NAMES) assert.ok(documentedOptionSchema(name)?.description, `${name} has a hint`);
    assert.equal(optionRange(documentedOptionSchema('num_images')!), 'a whole number from 1 to 8');
    assert.equal(optionRange(documentedOptionSchema('w')!), 'a whole number from 8 to 16384, a multiple of 8');
    assert.match(optionRange(documentedOptionSchema('aspect_ratio')!), /^one of 1:1, 16:9/);
    assert.equal(optionRange(documentedOptionSchema('film_grain')!), 'true or false');
  });
});

describe('prompt files: parsing', () => {
  it('recognises the two formats by file name', () => {
    assert.equal(promptFileFormat('/a/shots.astria.yaml'), 'yaml');
    assert.equal(promptFileFormat('shots.astria.yml'), 'yaml');
    assert.equal(promptFileFormat('shots.astria.json'), 'json');
    assert.equal(promptFileFormat('shots.yaml'), undefined);
  });

  it('reads tune, defaults and named entries with their ranges', () => {
    const file = parsePromptFile(YAML, 'yaml');
    assert.deepEqual(file.problems, []);
    assert.equal(file.tune?.value, 'Priya Sharma — headshots');
    assert.deepEqual([...file.defaults.keys()], ['num_images', 'aspect_ratio']);
    assert.deepEqual(file.entries.map((e) => e.name), ['studio', 'beach', 'wide']);
    assert.equal(lineOf(YAML, file.entries[1].range[0]), 10);
    assert.equal(file.entries[1].options.get('text')?.value, '<1> on a beach,\ngolden hour\n');
  });

  it('reads a tune id, and the JSON format with the same parser', () => {
    const json = '{\n  "tune": 42,\n  "prompts": [\n    { "name": "a", "text": "<1> hi", "num_images": 1 }\n  ]\n}\n';
    const file = parsePromptFile(json, 'json');
    assert.deepEqual(file.problems, []);
    assert.equal(file.tune?.value, 42);
    assert.equal(file.entries[0].options.get('num_images')?.value, 1);
  });

  it('says what is wrong with a malformed file, on its line', () => {
    const text = 'tune: 1\nprompts:\n  - text: [unclosed\n';
    const file = parsePromptFile(text, 'yaml');
    assert.equal(file.problems.length >= 1, true);
    assert.match(file.problems[0].message, /^This is not valid YAML: /);
    const json = parsePromptFile('{"tune": 1, "prompts": [}', 'json');
    assert.match(json.problems[0].message, /^This is not valid JSON: /);
  });

  it('names an unknown option on its key, with a guess', () => {
    const text = 'tune: 1\nprompts:\n  - text: hi\n    num_image: 2\n';
    const file = parsePromptFile(text, 'yaml');
    assert.equal(file.problems.length, 1);
    assert.equal(file.problems[0].message, 'Unknown option "num_image". Did you mean "num_images"?');
    assert.equal(file.problems[0].entry, 0);
    assert.equal(text.slice(...file.problems[0].range), 'num_image');
    assert.equal(file.problems[0].suggestion, 'num_images', 'the guess is kept for the quick fix');
  });

  it('keeps a JSON key’s quotes in the quick fix of a misspelt key (guards issue #24: did-you-mean had no fix)', () => {
    const text = '{"tune": 1, "prompts": [{"text": "hi", "cfg_scle": 5}]}';
    const file = parsePromptFile(text, 'json');
    const [problem] = file.problems;
    assert.equal(problem.message, 'Unknown option "cfg_scle". Did you mean "cfg_scale"?');
    const keyText = text.slice(...problem.range);
    assert.equal(keyText, '"cfg_scle"');
    assert.equal(suggestedKeyText(keyText, problem.suggestion!), '"cfg_scale"');
    assert.equal(suggestedKeyText('cfg_scle', 'cfg_scale'), 'cfg_scale');
    assert.equal(suggestedKeyText("'cfg_scle'", 'cfg_scale'), "'cfg_scale'");
    assert.equal(parsePromptFile('tune: 1\nprompts:\n  - text: hi\n    zzzzzzzz: 1\n', 'yaml').problems[0].suggestion, undefined, 'no guess, no fix');
  });

  it('refuses a file without tune or prompts, and values of the wrong type', () => {
    const file = parsePromptFile('defaults:\n  film_grain: maybe\n', 'yaml');
    const messages = file.problems.map((p) => p.message);
    assert.ok(messages.includes('Say which tune to generate with: add tune: followed by its id or its exact title.'));
    assert.ok(messages.includes('Add prompts: with a list of prompts, each with a name and a text.'));
    assert.ok(messages.includes('"film_grain" must be true or false.'));
    assert.match(parsePromptFile('- a\n', 'yaml').problems[0].message, /^A prompt file is a mapping with tune:/);
  });
});

describe('prompt files: the prompt editor’s rules per entry', () => {
  const file = parsePromptFile(YAML, 'yaml');

  it('builds the same request the prompt editor would, with defaults applied', () => {
    const checked = checkEntry(file, file.entries[0], flux);
    assert.deepEqual(checked.problems, []);
    assert.deepEqual(checked.params, { text: '<1> portrait, studio light', num_images: 2, aspect_ratio: '3:4', seed: 42 });
    const draft = { ...defaultDraft(), text: '<1> portrait, studio light', num_images: '2', aspect_ratio: '3:4', seed: '42' };
    assert.deepEqual(checked.params, validateDraft(draft, flux).params, 'same params as the editor for the same values');
  });

  it('puts an out-of-range value on its own line in the editor’s words, and sends nothing', () => {
    const checked = checkEntry(file, file.entries[2], flux);
    assert.equal(checked.params, undefined);
    const problem = checked.problems.find((p) => p.severity === 'error')!;
    assert.equal(problem.message, validateDraft({ ...defaultDraft(), text: 'x', num_images: '9' }, flux).issues[0].message);
    assert.equal(problem.message, 'Number of images must be between 1 and 8.');
    assert.equal(YAML.slice(...problem.range), '9');
  });

  it('applies the Seedream limits, and a defaults problem lands on defaults’ line', () => {
    const text = 'tune: 7\ndefaults:\n  num_images: 6\nprompts:\n  - text: <1> a cat\n';
    const parsed = parsePromptFile(text, 'yaml');
    const checked = checkEntry(parsed, parsed.entries[0], seedream);
    const messages = checked.problems.map((p) => p.message);
    assert.ok(messages.includes('Number of images must be between 1 and 4.'));
    assert.ok(messages.includes('Seedream takes plain text: remove <1> and describe the subject in words.'));
    const images = checked.problems.find((p) => p.message.startsWith('Number of images'))!;
    assert.equal(lineOf(text, images.range[0]), 3);
  });

  it('reports a dependency (inpaint faces needs super resolution) like the editor', () => {
    const parsed = parsePromptFile('tune: 1\nprompts:\n  - text: <1> hi\n    inpaint_faces: true\n', 'yaml');
    const checked = checkEntry(parsed, parsed.entries[0], flux);
    assert.deepEqual(checked.problems.map((p) => p.message), ['Inpaint faces needs super resolution: turn that on first.']);
  });

  it('an entry with an unknown option is not sent even when the rest is valid', () => {
    const parsed = parsePromptFile('tune: 1\nprompts:\n  - text: <1> hi\n    colour: red\n  - text: <1> fine\n', 'yaml');
    assert.equal(checkEntry(parsed, parsed.entries[0], flux).params, undefined);
    assert.ok(checkEntry(parsed, parsed.entries[1], flux).params);
  });

  it('reads YAML’s unquoted 1:1 and 1 as the texts they stand for', () => {
    const parsed = parsePromptFile('tune: 1\nprompts:\n  - text: hi\n    aspect_ratio: 1:1\n    backend_version: 1\n', 'yaml');
    assert.deepEqual(parsed.problems, []);
    const params = checkEntry(parsed, parsed.entries[0], flux).params;
    assert.equal(params?.aspect_ratio, '1:1');
    assert.equal(params?.backend_version, 1);
  });

  it('a problem of the whole file (a misspelt defaults, a bad default) blocks every prompt', () => {
    const typo = parsePromptFile('tune: 1\ndefautls:\n  num_images: 1\nprompts:\n  - text: hi\n', 'yaml');
    const checked = checkEntry(typo, typo.entries[0], flux);
    assert.equal(checked.params, undefined);
    assert.deepEqual(checked.problems.map((p) => p.message), ['Unknown key "defautls": a prompt file has tune, defaults and prompts. Did you mean "defaults"?']);
    assert.equal(checked.problems[0].suggestion, 'defaults', 'the guess is kept for the quick fix');
    const bad = parsePromptFile('tune: 1\ndefaults:\n  film_grain: maybe\nprompts:\n  - text: hi\n', 'yaml');
    assert.equal(checkEntry(bad, bad.entries[0], flux).params, undefined);
  });

  it('fingerprints the request, not the spelling', () => {
    const a = parsePromptFile('tune: 1\nprompts:\n  - {text: hi, seed: 1, num_images: 2}\n', 'yaml');
    const b = parsePromptFile('tune: 1\ndefaults:\n  num_images: 2\nprompts:\n  - text: hi # same\n    seed: 1\n', 'yaml');
    const fa = paramsFingerprint(checkEntry(a, a.entries[0], flux).params!);
    assert.equal(fa, paramsFingerprint(checkEntry(b, b.entries[0], flux).params!));
    const c = parsePromptFile('tune: 1\nprompts:\n  - {text: hi, seed: 2, num_images: 2}\n', 'yaml');
    assert.notEqual(fa, paramsFingerprint(checkEntry(c, c.entries[0], flux).params!));
  });
});

describe('prompt files: write-back of the prompt id', () => {
  const record = (text: string, format: 'yaml' | 'json', index: number, id: number) => applyPlan(text, idEditPlan(text, format, index, id)!);
  const idOf = (text: string, format: 'yaml' | 'json', index: number) => (parsePromptFile(text, format) as ParsedPromptFile).entries[index].id?.value;

  it('adds one id line after the entry, keeping comments and everything else byte for byte', () => {
    const after = record(YAML, 'yaml', 0, 501);
    const expected = YAML.replace('    seed: 42 # keep this seed\n', '    seed: 42 # keep this seed\n    id: 501\n');
    assert.equal(after, expected);
    assert.equal(idOf(after, 'yaml', 0), 501);
  });

  it('after a block scalar text, and at the end of a file without a final newline', () => {
    const after = record(YAML, 'yaml', 1, 502);
    assert.equal(after, YAML.replace('      golden hour\n', '      golden hour\n    id: 502\n'));
    const last = record(YAML.trimEnd(), 'yaml', 2, 503);
    assert.equal(last, `${YAML.trimEnd()}\n    id: 503`);
    assert.equal(idOf(last, 'yaml', 2), 503);
  });

  it('replaces the id of an entry that ran before (nothing else changes)', () => {
    const once = record(YAML, 'yaml', 0, 501);
    const twice = record(once, 'yaml', 0, 777);
    assert.equal(twice, once.replace('id: 501', 'id: 777'));
  });

  it('JSON: a quoted key after the last value, with the entry’s indentation', () => {
    const json = '{\n  "tune": 42,\n  "prompts": [\n    {\n      "name": "a",\n      "text": "hi"\n    },\n    { "name": "b", "text": "yo" }\n  ]\n}\n';
    const a = record(json, 'json', 0, 9);
    assert.equal(a, json.replace('      "text": "hi"\n', '      "text": "hi",\n      "id": 9\n'));
    assert.deepEqual(JSON.parse(a).prompts[0], { name: 'a', text: 'hi', id: 9 });
    const b = record(json, 'json', 1, 10);
    assert.equal(b, json.replace('"text": "yo" }', '"text": "yo", "id": 10 }'));
    assert.deepEqual(JSON.parse(b).prompts[1], { name: 'b', text: 'yo', id: 10 });
  });

  it('keeps CRLF line ends', () => {
    const crlf = 'tune: 1\r\nprompts:\r\n  - text: hi\r\n  - text: yo\r\n';
    assert.equal(record(crlf, 'yaml', 0, 5), 'tune: 1\r\nprompts:\r\n  - text: hi\r\n    id: 5\r\n  - text: yo\r\n');
  });
});

describe('prompt files: the entry that gets a created prompt’s id when the file changed during the run (issue #23)', () => {
  const entry = (name: string | undefined, text: string, more = '') => `${name === undefined ? '  - ' : `  - name: ${name}\n    `}text: ${text}\n${more}`;
  const file = (...entries: string[]) => `tune: 1\ndefaults:\n  num_images: 1\nprompts:\n${entries.join('')}`;
  const studio = entry('studio', '<1> portrait, studio light');
  const beach = entry('beach', '<1> on a beach');
  const wide = entry('wide', '<1> wide shot');
  /** Entry `index` of `then` was sent; the file is now `now`: which entry gets the id ("index name"), if any. */

  it('the file unchanged: the entry that was sent (guards: the plain case still writes the id)', () => {
    assert.equal(target(file(studio, beach), 1, file(studio, beach)), '1 beach');
  });

  it('an entry inserted above: the sent entry at its new place, not the one now at its old place (guards: the id written by index)', () => {
    assert.equal(target(file(studio, beach), 0, file(wide, studio, beach)), '1 studio');
    // Unnamed entries are "prompt N" by place: the inserted one is now "prompt 1", the sent one "prompt 2".
    const first = entry(undefined, '<1> first');
    const second = entry(undefined, '<1> second');
    assert.equal(target(file(first, second), 0, file(entry(undefined, '<1> new'), first, second)), '1 prompt 2');
    assert.equal(target(file(first, second), 1, file(second, first)), '0 prompt 1', 'unnamed and moved: found by what it sends');
  });

  it('entries reordered: the sent entry wherever it went (guards: the id written to whatever took its place)', () => {
    assert.equal(target(file(studio, beach, wide), 2, file(wide, beach, studio)), '0 wide');
    assert.equal(target(file(studio, beach, wide), 0, file(wide, beach, studio)), '2 studio');
  });

  it('the entry renamed, its text unchanged: the one entry that sends what was sent (guards: the id lost, or given to another entry, on a rename)', () => {
    const renamed = entry('portrait', '<1> portrait, studio light');
    assert.equal(target(file(studio, beach), 0, file(renamed, beach)), '0 portrait');
    assert.equal(target(file(studio, beach), 0, file(beach, renamed)), '1 portrait', 'renamed and moved');
    assert.equal(target(file(studio, beach), 0, file(entry(undefined, '<1> portrait, studio light'), beach)), '0 prompt 1', 'its name removed');
  });

  it('the entry renamed and its text changed: none, the user is asked to add the id (guards: a guess)', () => {
    assert.equal(target(file(studio, beach), 0, file(entry('portrait', '<1> portrait, softbox'), beach)), undefined);
  });

  it('a renamed entry is not confused with another entry that sends the same (guards: the id given to a twin)', () => {
    const twin = entry('twin', '<1> portrait, studio light');
    // The sent entry renamed while a twin that was already there sends the same: the renamed one.
    assert.equal(target(file(studio, twin), 0, file(entry('portrait', '<1> portrait, studio light'), twin)), '0 portrait');
    // The sent entry deleted: its twin, an entry of its own, does not get the id.
    assert.equal(target(file(studio, twin), 0, file(twin)), undefined);
    // Renamed, and a second entry sending the same is added meanwhile: two fit, none is chosen.
    assert.equal(target(file(studio, beach), 0, file(entry('portrait', '<1> portrait, studio light'), entry('copy', '<1> portrait, studio light'), beach)), undefined);
  });

  it('two entries with the same name: none when one was added during the run, the one at the same rank when both were sent (guards: the id on the copy)', () => {
    // The user pasted a copy of the entry above it while it was sent: either could be the one.
    assert.equal(target(file(studio, beach), 0, file(studio, studio, beach)), undefined);
    // The file had two of that name when it was sent (a warning, not an error): they keep their order.
    const other = entry('studio', '<1> portrait, window light');
    assert.equal(target(file(studio, other), 1, file(studio, other)), '1 studio');
    assert.equal(target(file(studio, other), 1, file(wide, studio, other)), '2 studio', 'an entry inserted above both');
    assert.equal(target(file(studio, other), 1, file(other, studio)), undefined, 'swapped: same name, not the same request');
    // A copy that records another run is not a candidate: the entry without one is.
    assert.equal(target(file(studio, beach), 0, file(entry('studio', '<1> portrait, studio light', '    id: 77\n'), studio, beach)), '1 studio');
  });

  it('the entry deleted: none, even when another entry is now at its place (guards: the id on the next entry)', () => {
    assert.equal(target(file(studio, beach), 0, file(beach)), undefined);
    assert.equal(target(file(studio, beach), 0, file(wide, beach)), undefined);
    assert.equal(target(file(entry(undefined, '<1> a'), entry(undefined, '<1> b')), 0, file(entry(undefined, '<1> b'))), undefined, 'unnamed: "prompt 1" is now another entry');
  });

  it('never an entry that records another run (guards: an earlier run’s id overwritten)', () => {
    const ran = entry('portrait', '<1> portrait, studio light', '    id: 501\n');
    assert.equal(target(file(studio, beach), 0, file(ran, beach)), undefined, 'renamed onto an entry that ran: not overwritten');
    // A run of an entry that already had an id (Generate Again): its own id is replaced, wherever it moved.
    const again = entry('studio', '<1> portrait, studio light', '    id: 501\n');
    assert.equal(target(file(again, beach), 0, file(wide, beach, again)), '2 studio');
    assert.equal(target(file(again, beach), 0, file(beach, entry('portrait', '<1> portrait, studio light', '    id: 501\n'))), '1 portrait');
  });

  it('the file made unreadable meanwhile: none (guards: an edit planned on a broken file)', () => {
    assert.equal(target(file(studio, beach), 0, `${file(studio, beach)}  - [unclosed\n`), undefined);
  });
});

describe('prompt files: writing entries from a draft', () => {
  it('keeps the text and the options that differ from the editor’s defaults, and reads back the same', () => {
    const draft = { ...defaultDraft(), text: '<1> portrait: close', num_images: '2', seed: '7', film_grain: true, backend_version: '1' };
    const entry = entryFromDraft('close-up', draft);
    assert.deepEqual(entry, { name: 'close-up', text: '<1> portrait: close', num_images: 2, seed: 7, film_grain: true, backend_version: '1' });
    const text = promptFileText(12, [entry], 'yaml');
    const parsed = parsePromptFile(text, 'yaml');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(checkEntry(parsed, parsed.entries[0], flux).draft, { ...draft });
    const json = parsePromptFile(promptFileText(12, [entry], 'json'), 'json');
    assert.deepEqual(json.problems, []);
    assert.match(entryYaml(entry), /^ {2}- name: close-up\n {4}text: "<1> portrait: close"\n/);
  });
});

describe('prompt files: the round trip from the panels', () => {
  it('names files and entries from a tune title and a prompt text', () => {
    assert.equal(promptFileName('Priya Sharma — headshots'), 'priya-sharma-headshots.astria.yaml');
    assert.equal(promptFileName('Zoë Åkesson'), 'zoe-akesson.astria.yaml');
    assert.equal(promptFileName('<img src=x onerror=alert(1)>'), 'prompts.astria.yaml');
    assert.equal(entryName('<lora:12:1> ohwx woman, studio light, 85mm'), 'ohwx woman studio light');
    assert.equal(entryName('<1>'), 'prompt');
  });

  it('a gallery prompt becomes an entry with its id that parses back to the same request', () => {
    const prompt = { id: 77, tune_id: 12, text: '<1> on a bench: dusk', num_images: 2, seed: 9, aspect_ratio: '3:4', super_resolution: true, inpaint_faces: true };
    const text = `tune: 12\nprompts:\n${promptFileEntryText(prompt)}`;
    const parsed = parsePromptFile(text, 'yaml');
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.entries[0].id?.value, 77);
    assert.deepEqual(checkEntry(parsed, parsed.entries[0], flux).params, { text: '<1> on a bench: dusk', num_images: 2, aspect_ratio: '3:4', seed: 9, super_resolution: true, inpaint_faces: true });
  });

  it('the prompt editor’s Save as Prompt File… message is checked like every other', () => {
    assert.equal(promptEditorChecks.requests.saveAsPromptFile({ draft: defaultDraft() }).ok, true);
    assert.equal(promptEditorChecks.requests.saveAsPromptFile({ draft: { ...defaultDraft(), num_images: 4 } }).ok, false);
    assert.equal(promptEditorChecks.requests.saveAsPromptFile({}).ok, false);
  });
});

describe('prompt files: Astria image URLs', () => {
  const none = () => false;
  it('knows Astria’s image hosts and the images of prompts already seen, nothing else', () => {
    assert.equal(isAstriaImageUrl('https://cdn.astria.ai/a/b.png', none), true);
    assert.equal(isAstriaImageUrl('https://sdbooth2-production.s3.amazonaws.com/x/1.jpg', none), true);
    assert.equal(isAstriaImageUrl('https://cdn.astria.ai/a/b.html', none), false);
    assert.equal(isAstriaImageUrl('http://cdn.astria.ai/a/b.png', none), false);
    assert.equal(isAstriaImageUrl('https://astria.ai.evil.example/b.png', none), false);
    assert.equal(isAstriaImageUrl('http://127.0.0.1:9/images/1-1.png', none), false);
    assert.equal(isAstriaImageUrl('http://127.0.0.1:9/images/1-1.png', (u) => u.endsWith('1-1.png')), true);
    assert.equal(isAstriaImageUrl('javascript:alert(1)', () => true), false);
  });
});
