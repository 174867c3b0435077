// Prompt files as the editor shows them: the exact words and ranges of each problem (unknown keys and
// their guesses, keys that are not names, text in defaults, a file that is not a mapping, a missing tune,
// YAML/JSON syntax errors), and what a quick fix puts in place of a misspelt key.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEntry, paramsFingerprint, parsePromptFile, serverProblemRange, suggestedKeyText } from '../../src/shared/promptFile';
import { FLUX_TUNE as flux, entryGettingTheId as target, withIdWritten as record } from './promptFileHelpers';

const yaml = (text: string) => parsePromptFile(text, 'yaml');
/** The problems as `message @start-end`, the way a reader checks a squiggle. */
const problems = (text: string, format: 'yaml' | 'json' = 'yaml') =>
  parsePromptFile(text, format).problems.map((p) => `${p.message} @${p.range[0]}-${p.range[1]}${p.entry === undefined ? '' : ` #${p.entry}`}`);

describe('prompt files: unknown keys and their guesses', () => {
  it('guesses the first of two equally close options, not a farther or later one (guards the choice of “did you mean”)', () => {
    // "x" is one edit from "w" and from "h", two from "id": the first closest in the option list wins.
    const [problem] = yaml('tune: 1\nprompts:\n  - text: hi\n    x: 1\n').problems;
    assert.equal(problem.message, 'Unknown option "x". Did you mean "w"?');
    assert.equal(problem.suggestion, 'w');
  });

  it('guesses the closest option even when a farther one within two edits comes first (guards: a closer guess replaces an earlier one)', () => {
    // "step" is two edits from "seed" (earlier in the list) and one from "steps".
    assert.equal(yaml('tune: 1\nprompts:\n  - text: hi\n    step: 30\n').problems[0].message, 'Unknown option "step". Did you mean "steps"?');
  });

  it('makes no guess three edits away, counting the last letter too (guards the edit distance)', () => {
    assert.deepEqual(problems('tune: 1\ndefaultsxyz: 1\nprompts:\n  - text: hi\n'), ['Unknown key "defaultsxyz": a prompt file has tune, defaults and prompts. @8-19']);
    assert.deepEqual(problems('tune: 1\ndefaultsx: 1\nprompts:\n  - text: hi\n'), ['Unknown key "defaultsx": a prompt file has tune, defaults and prompts. Did you mean "defaults"? @8-17']);
  });

  it('says only “Unknown option” when nothing is close (guards the message without a guess)', () => {
    assert.deepEqual(problems('tune: 1\nprompts:\n  - text: hi\n    zzzzzzzz: 1\n'), ['Unknown option "zzzzzzzz". @34-42 #0']);
    assert.deepEqual(problems('tune: 1\ndefaults:\n  zzzzzzzz: 1\nprompts:\n  - text: hi\n'), ['Unknown option "zzzzzzzz" in defaults. @20-28']);
  });

  it('says text belongs to each prompt when it is put in defaults (guards that one message and where it applies)', () => {
    assert.deepEqual(problems('tune: 1\ndefaults:\n  text: hi\nprompts:\n  - text: hi\n'), ['text belongs to each prompt, not to defaults. @20-24']);
    assert.deepEqual(problems('tune: 1\nprompts:\n  - text: hi\n'), [], 'text in a prompt is what it is for');
  });

  it('names a key that is not a plain name, in a prompt and at the top (guards those two messages)', () => {
    assert.deepEqual(problems('tune: 1\nprompts:\n  - text: hi\n    ? [a]\n    : 2\n'), ['Keys are plain names such as text or num_images. @36-39 #0']);
    assert.deepEqual(problems('tune: 1\n? [a, b]\n: 1\nprompts:\n  - text: hi\n'), ['Unknown key "?": a prompt file has tune, defaults and prompts. @10-16']);
  });

  it('an option left empty is not an option (guards skipping a null value)', () => {
    const file = yaml('tune: 1\nprompts:\n  - text: hi\n    num_images:\n');
    assert.deepEqual(file.problems, []);
    assert.equal(file.entries[0].options.has('num_images'), false, 'the default number of images applies');
  });
});

describe('prompt files: a quick fix keeps the key written as it was', () => {
  it('quotes the suggestion only when the key was quoted on both sides (guards the quote test)', () => {
    assert.equal(suggestedKeyText('""', 'seed'), '"seed"', 'an empty quoted key is still quoted');
    assert.equal(suggestedKeyText("''", 'seed'), "'seed'");
    assert.equal(suggestedKeyText('"', 'seed'), 'seed', 'a lone quote is not a quoted key');
    assert.equal(suggestedKeyText('"sed', 'seed'), 'seed', 'opened but not closed');
    assert.equal(suggestedKeyText('sed"', 'seed'), 'seed', 'closed but not opened');
    assert.equal(suggestedKeyText('sees', 'seed'), 'seed', 'a plain key that starts and ends with the same letter');
  });
});

describe('prompt files: a file that is not a prompt file, and syntax errors', () => {
  it('marks the first line of a file that is not a mapping (guards the whole-file range)', () => {
    const notAMapping = 'A prompt file is a mapping with tune: (id or title), optional defaults: and prompts: (a list of prompts with text:).';
    assert.deepEqual(problems('# only\n# comments\n'), [`${notAMapping} @0-6`]);
    assert.deepEqual(problems('# only a comment'), [`${notAMapping} @0-16`]);
    assert.deepEqual(problems(''), [`${notAMapping} @0-0`]);
  });

  it('asks for the tune at the start of the file’s content (guards the missing-tune range)', () => {
    const noTune = 'Say which tune to generate with: add tune: followed by its id or its exact title.';
    assert.deepEqual(problems('prompts:\n  - text: hi\n'), [`${noTune} @0-1`]);
    assert.deepEqual(problems('\n\nprompts:\n  - text: hi\n'), [`${noTune} @2-3`]);
  });

  it('gives the parser’s words without a position, over the span it names (guards the message and the range)', () => {
    assert.deepEqual(problems('{a: 1 b: 2}'), ['This is not valid YAML: Block collections are not allowed within flow collections @4-10']);
    assert.deepEqual(problems('tune: 1\nprompts:\n  - text: "hi\n'), ['This is not valid YAML: Missing closing "quote @31-32']);
    assert.deepEqual(problems('{"tune": 1,', 'json'), ['This is not valid JSON: Flow map must end with a } @11-12']);
  });

  it('refuses a key given twice (guards unique keys)', () => {
    assert.deepEqual(problems('tune: 1\ntune: 2\nprompts:\n  - text: hi\n'), ['This is not valid YAML: Map keys must be unique @8-9']);
  });

  it('forgives a comment written without a space before it, as people write by hand (guards the lenient parse)', () => {
    const file = yaml('tune: 1\nprompts:\n  - text: "<1> hi"#first try\n');
    assert.deepEqual(file.problems, []);
    assert.equal(file.entries[0].options.get('text')?.value, '<1> hi');
  });
});

describe('prompt files: tune, defaults, prompts, names and ids', () => {
  const tuneOf = (value: string) => yaml(`tune: ${value}\nprompts:\n  - text: hi\n`);
  const tuneWrong = 'tune must be a tune id (e.g. 123) or a tune title.';

  it('reads a tune as an id only when it is all digits, and trims a title (guards the id/title rule)', () => {
    assert.equal(tuneOf('42').tune?.value, 42);
    assert.equal(tuneOf('"42"').tune?.value, 42, 'a quoted id is still an id');
    assert.equal(tuneOf('" 7 "').tune?.value, 7);
    assert.equal(tuneOf('"My tune 2"').tune?.value, 'My tune 2', 'digits at the end of a title');
    assert.equal(tuneOf('"2 cats"').tune?.value, '2 cats', 'digits at the start of a title');
    assert.equal(tuneOf('"  Portrait  "').tune?.value, 'Portrait');
    assert.deepEqual(tuneOf('"  Portrait  "').tune?.range, [6, 20]);
  });

  it('refuses a tune that is zero, a fraction, blank or not text (guards the tune message)', () => {
    for (const value of ['0', '1.5', '"   "', 'true', '[1]']) {
      const file = tuneOf(value);
      assert.equal(file.tune, undefined, value);
      assert.deepEqual(file.problems.map((p) => `${p.message} @${p.range[0]}`), [`${tuneWrong} @6`], value);
    }
  });

  it('takes an empty defaults: as none (it was refused as “not a mapping”), and refuses defaults that are not a mapping (guards the defaults message)', () => {
    const empty = yaml('tune: 1\ndefaults:\nprompts:\n  - text: hi\n');
    assert.deepEqual(empty.problems, []);
    assert.equal(empty.defaults.size, 0);
    assert.deepEqual(problems('tune: 1\ndefaults: 3\nprompts:\n  - text: hi\n'), ['defaults is a mapping of options, e.g. num_images: 2. @18-19']);
    const read = yaml('tune: 1\ndefaults:\n  num_images: 2\nprompts:\n  - text: hi\n');
    assert.equal(read.defaults.get('num_images')?.value, 2);
  });

  it('asks for prompts, and for a list of them (guards those messages and ranges)', () => {
    assert.deepEqual(problems('tune: 1\n'), ['Add prompts: with a list of prompts, each with a name and a text. @0-1']);
    assert.deepEqual(problems('tune: 1\nprompts: 3\n'), ['prompts is a list: start each prompt with "- name: …". @17-18']);
  });

  it('names a prompt that is not a mapping by its place, and says what a prompt is (guards the entry message)', () => {
    const file = yaml('tune: 1\nprompts:\n  - text: a\n  - just words\n');
    assert.deepEqual(file.problems.map((p) => `${p.message} #${p.entry}`), ['Each prompt is a mapping with at least text: (and usually name:). #1']);
    assert.deepEqual(file.entries.map((e) => e.name), ['prompt 1', 'prompt 2']);
  });

  it('reads a name as trimmed text or a number, refuses a blank or a list, and warns of a name used twice (guards the name rules)', () => {
    const file = yaml('tune: 1\nprompts:\n  - name: "  studio  "\n    text: a\n  - name: 42\n    text: b\n  - name: studio\n    text: c\n');
    assert.deepEqual(file.entries.map((e) => e.name), ['studio', '42', 'studio']);
    assert.deepEqual(file.problems.map((p) => `${p.severity}: ${p.message} #${p.entry}`), ['warning: Another prompt (number 1) is also named "studio". #2']);
    for (const value of ['"   "', '[a]']) {
      const bad = yaml(`tune: 1\nprompts:\n  - name: ${value}\n    text: a\n`);
      assert.deepEqual(bad.problems.map((p) => `${p.message} #${p.entry}`), ['name is a short text, e.g. name: studio portrait. #0'], value);
      assert.equal(bad.entries[0].name, 'prompt 1', value);
      assert.equal(bad.entries[0].named, undefined, value);
    }
  });

  it('reads an id as a whole number above zero and explains any other (guards the id rule and its message)', () => {
    const file = yaml('tune: 1\nprompts:\n  - text: a\n    id: 7\n');
    assert.deepEqual(file.entries[0].id, { value: 7, range: [37, 38] });
    for (const value of ['0', '1.5', 'seven']) {
      const bad = yaml(`tune: 1\nprompts:\n  - text: a\n    id: ${value}\n`);
      assert.equal(bad.entries[0].id, undefined, value);
      assert.deepEqual(bad.problems.map((p) => `${p.message} #${p.entry}`), ['id is the prompt id Tune Studio wrote after a run (a whole number); remove it to forget the run. #0'], value);
    }
  });
});

describe('prompt files: where a server message lands, and the fingerprint of a request', () => {
  const text = 'tune: 1\ndefaults:\n  input_image_url: https://x.test/in.png\n  mask_image_url: https://x.test/mask.png\nprompts:\n  - text: hi\n    seed: 3\n';
  const file = yaml(text);
  const at = (field: Parameters<typeof serverProblemRange>[2]) => text.slice(...serverProblemRange(file, file.entries[0], field));

  it('puts a message about an image on the image’s URL, whichever name the form gives the field (guards the field spelling map)', () => {
    assert.equal(at('input_image_source'), 'https://x.test/in.png');
    assert.equal(at('input_image_file'), 'https://x.test/in.png');
    assert.equal(at('mask_image_source'), 'https://x.test/mask.png');
    assert.equal(at('mask_image_file'), 'https://x.test/mask.png');
    assert.equal(at('seed'), '3', 'an option set in the prompt');
  });

  it('puts a message about no option on the entry’s first character (guards the fallback range)', () => {
    const start = file.entries[0].range[0];
    assert.deepEqual(serverProblemRange(file, file.entries[0], null), [start, start + 1]);
    assert.deepEqual(serverProblemRange(file, file.entries[0], 'negative_prompt'), [start, start + 1], 'an option the entry does not set');
  });

  it('gives the same fingerprint whatever the order of the options (guards the sorted keys)', () => {
    assert.equal(paramsFingerprint({ text: 'a', seed: 1, num_images: 2 }), paramsFingerprint({ num_images: 2, seed: 1, text: 'a' }));
    assert.notEqual(paramsFingerprint({ text: 'a', seed: 1 }), paramsFingerprint({ text: 'a', seed: 2 }));
  });

  it('puts a check about an option the entry does not set on the entry’s first character (guards the entry’s head range)', () => {
    const noText = yaml('tune: 1\nprompts:\n  - seed: 1\n');
    const [problem] = checkEntry(noText, noText.entries[0], flux).problems;
    assert.equal(problem.message, 'Write what to generate.');
    assert.deepEqual(problem.range, [noText.entries[0].range[0], noText.entries[0].range[0] + 1]);
  });

  it('checks an entry with its defaults under it (guards the merge of defaults and the entry’s own options)', () => {
    const merged = yaml('tune: 1\ndefaults:\n  seed: 1\n  num_images: 2\nprompts:\n  - text: hi\n    seed: 5\n');
    const params = checkEntry(merged, merged.entries[0], flux).params;
    assert.equal(params?.seed, 5, 'the entry’s own option wins');
    assert.equal(params?.num_images, 2, 'a default fills what the entry leaves out');
  });
});

describe('prompt files: the entry that gets a created prompt’s id (edge cases)', () => {
  const file = (...entries: string[]) => `tune: 1\nprompts:\n${entries.join('')}`;
  const named = (name: string, text: string) => `  - name: ${name}\n    text: ${text}\n`;
  const unnamed = (text: string) => `  - text: ${text}\n`;

  it('the one entry of its name gets the id even when its text was edited during the run (guards “the one entry of that name”)', () => {
    assert.equal(target(file(named('studio', 'a')), 0, file(named('studio', 'b'))), '0 studio');
  });

  it('an entry named like an unnamed one’s place (“prompt 2”) is not confused with it (guards: only named entries count by name)', () => {
    assert.equal(target(file(named('prompt 2', 'a')), 0, file(named('prompt 2', 'a'), unnamed('b'))), '0 prompt 2');
  });

  it('a second entry of the same name added during the run, both without a run: no guess (guards the one-candidate rule)', () => {
    assert.equal(target(file(named('studio', 'a')), 0, file(named('studio', 'a'), named('studio', 'c'))), undefined);
  });

  it('an unnamed entry copied during the run: the one still at its place gets the id (guards the same-place rule for unnamed entries)', () => {
    assert.equal(target(file(unnamed('a')), 0, file(unnamed('a'), unnamed('a'))), '0 prompt 1');
  });

  it('an unnamed entry that was moved and then named like its old place: found by what it sends (guards: only names the file had count as taken)', () => {
    assert.equal(target(file(unnamed('a')), 0, file(unnamed('other'), named('prompt 1', 'a'))), '1 prompt 1');
  });
});

describe('prompt files: where an id is written (edge cases)', () => {

  it('writes an id into a file the lenient reader accepts (a comment without a space) (guards the lenient parse)', () => {
    assert.equal(record('tune: 1\nprompts:\n  - text: "hi"#first\n', 'yaml', 0), 'tune: 1\nprompts:\n  - text: "hi"#first\n    id: 5\n');
  });

  it('writes nothing into an empty or a non-mapping entry (guards the entry check)', () => {
    assert.equal(record('tune: 1\nprompts:\n  - {}\n', 'yaml', 0), undefined);
    assert.equal(record('tune: 1\nprompts:\n  - just words\n', 'yaml', 0), undefined);
  });

  it('quotes the id key in a YAML entry written JSON-style, and only when every key is quoted (guards the JSON-ish test)', () => {
    assert.equal(record('tune: 1\nprompts:\n  - {"text": "hi", "seed": 1}\n', 'yaml', 0), 'tune: 1\nprompts:\n  - {"text": "hi", "seed": 1, "id": 5}\n');
    assert.equal(record('tune: 1\nprompts:\n  - {"text": "hi", seed: 1}\n', 'yaml', 0), 'tune: 1\nprompts:\n  - {"text": "hi", seed: 1, id: 5}\n');
    assert.equal(record('tune: 1\nprompts:\n  - {text: hi}\n', 'yaml', 0), 'tune: 1\nprompts:\n  - {text: hi, id: 5}\n');
  });

  it('fills an id key left empty, keeping the file valid YAML (guards the spaces around an empty value)', () => {
    assert.equal(record('tune: 1\nprompts:\n  - text: hi\n    id:\n', 'yaml', 0), 'tune: 1\nprompts:\n  - text: hi\n    id: 5\n');
    assert.equal(record('tune: 1\nprompts:\n  - text: hi\n    id:   # later\n', 'yaml', 0), 'tune: 1\nprompts:\n  - text: hi\n    id:   5 # later\n');
    assert.equal(record('tune: 1\nprompts:\n  - {text: hi, id:}\n', 'yaml', 0), 'tune: 1\nprompts:\n  - {text: hi, id: 5}\n');
    assert.equal(record('{"tune": 1, "prompts": [{"text": "hi", "id":7}]}', 'json', 0), '{"tune": 1, "prompts": [{"text": "hi", "id":5}]}');
  });

  it('gives an explicit `? id` key its value instead of a second id key (guards: a key without a value)', () => {
    assert.equal(record('tune: 1\nprompts:\n  - text: hi\n    ? id\n  - text: b\n', 'yaml', 0), 'tune: 1\nprompts:\n  - text: hi\n    ? id\n    : 5\n  - text: b\n');
    assert.equal(record('tune: 1\r\nprompts:\r\n  - ? id # x\r\n    text: hi\r\n', 'yaml', 0), 'tune: 1\r\nprompts:\r\n  - ? id # x\r\n    : 5\r\n    text: hi\r\n');
    assert.equal(record('tune: 1\nprompts:\n  - {text: hi, id}\n', 'yaml', 0), 'tune: 1\nprompts:\n  - {text: hi, id: 5}\n');
    for (const text of ['tune: 1\nprompts:\n  - text: hi\n    ? id\n', 'tune: 1\nprompts:\n  - text: hi\n    id:\n']) {
      const parsed = parsePromptFile(record(text, 'yaml', 0)!, 'yaml');
      assert.deepEqual([parsed.problems, parsed.entries[0]?.id?.value], [[], 5]);
    }
  });

  it('indents the id like the entry’s keys on the first line of the file too (guards the indentation)', () => {
    assert.equal(record('prompts:\n- text: hi\ntune: 1\n', 'yaml', 0), 'prompts:\n- text: hi\n  id: 5\ntune: 1\n');
    assert.equal(record('prompts: [{text: hi,\n  seed: 1}]\ntune: 1\n', 'yaml', 0), 'prompts: [{text: hi,\n  seed: 1,\n           id: 5}]\ntune: 1\n');
  });
});
