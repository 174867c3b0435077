// Prompt files as the editor shows them: the exact words and ranges of each problem (unknown keys and
// their guesses, keys that are not names, text in defaults, a file that is not a mapping, a missing tune,
// YAML/JSON syntax errors), and what a quick fix puts in place of a misspelt key.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePromptFile, suggestedKeyText } from '../../src/shared/promptFile';

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
