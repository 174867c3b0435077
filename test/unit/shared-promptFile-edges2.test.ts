// Prompt files, more edges: where a squiggle lands when a name, an id or prompts: is wrong, an empty
// `? defaults` key, the entry that gets a created prompt's id when copies or other runs are around, and
// when no id is written at all.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePromptFile } from '../../src/shared/promptFile';
import { entryGettingTheId as target, withIdWritten as record } from './promptFileHelpers';

/** The problems as `message @start-end #entry`, the way a reader checks a squiggle. */
const problems = (text: string, format: 'yaml' | 'json' = 'yaml') =>
  parsePromptFile(text, format).problems.map((p) => `${p.message} @${p.range[0]}-${p.range[1]}${p.entry === undefined ? '' : ` #${p.entry}`}`);
/** The range of `part` (its first occurrence after `after`) in `text`, as `@start-end`. */
const at = (text: string, part: string, after = 0) => {
  const start = text.indexOf(part, after);
  return `@${start}-${start + part.length}`;
};

describe('prompt files: where the squiggle of a wrong name, id or prompts lands', () => {
  it('warns about a second prompt of the same name on that name’s value, not on its key (guards the duplicate name’s range)', () => {
    const text = 'tune: 1\nprompts:\n  - name: studio\n    text: a\n  - name: studio\n    text: b\n';
    const second = text.indexOf('- name: studio', text.indexOf('text: a'));
    assert.deepEqual(problems(text), [`Another prompt (number 1) is also named "studio". ${at(text, 'studio', second)} #1`]);
  });

  it('puts “name is a short text” on the value that is not a text (guards the name problem’s range)', () => {
    const text = 'tune: 1\nprompts:\n  - name: [a, b]\n    text: a\n';
    assert.deepEqual(problems(text), [`name is a short text, e.g. name: studio portrait. ${at(text, '[a, b]')} #0`]);
  });

  it('puts the id problem on the id that is not a run’s id (guards the id problem’s range)', () => {
    const text = 'tune: 1\nprompts:\n  - text: a\n    id: -4\n';
    assert.deepEqual(problems(text), [`id is the prompt id Tune Studio wrote after a run (a whole number); remove it to forget the run. ${at(text, '-4')} #0`]);
  });

  it('refuses an id written in quotes, as a fraction or as 0, and keeps a whole one (guards: an id is a whole number above zero)', () => {
    const quoted = 'tune: 1\nprompts:\n  - text: a\n    id: "7"\n';
    assert.deepEqual(problems(quoted), [`id is the prompt id Tune Studio wrote after a run (a whole number); remove it to forget the run. ${at(quoted, '"7"')} #0`]);
    assert.equal(parsePromptFile(quoted, 'yaml').entries[0].id, undefined);
    assert.equal(parsePromptFile('tune: 1\nprompts:\n  - text: a\n    id: 7.5\n', 'yaml').entries[0].id, undefined);
    assert.equal(parsePromptFile('tune: 1\nprompts:\n  - text: a\n    id: 0\n', 'yaml').entries[0].id, undefined);
    assert.equal(parsePromptFile('tune: 1\nprompts:\n  - text: a\n    id: 7\n', 'yaml').entries[0].id?.value, 7);
  });

  it('reads a quoted tune id as the number, the same as an unquoted one (guards: a quoted id is read as a title first, then as a number)', () => {
    assert.equal(parsePromptFile('tune: "12"\nprompts:\n  - text: a\n', 'yaml').tune?.value, 12);
    assert.equal(parsePromptFile('{"tune": "12", "prompts": [{"text": "a"}]}', 'json').tune?.value, 12);
  });

  it('puts “prompts is a list” on the prompts key when it has no value at all (guards the fallback to the key’s range)', () => {
    const text = 'tune: 1\n? prompts\n';
    assert.deepEqual(problems(text), [`prompts is a list: start each prompt with "- name: …". ${at(text, 'prompts')}`]);
  });

  it('reads a defaults key without any value (`? defaults`) as no defaults, with no problem (guards the empty-defaults test)', () => {
    const file = parsePromptFile('tune: 1\n? defaults\nprompts:\n  - text: a\n', 'yaml');
    assert.deepEqual(file.problems, []);
    assert.equal(file.defaults.size, 0);
  });
});

describe('prompt files: the entry that gets a created prompt’s id (copies and other runs)', () => {
  const file = (...entries: string[]) => `tune: 1\nprompts:\n${entries.join('')}`;
  const named = (name: string, text: string, id?: number) => `  - name: ${name}\n    text: ${text}\n${id === undefined ? '' : `    id: ${id}\n`}`;
  const unnamed = (text: string, id?: number) => `  - text: ${text}\n${id === undefined ? '' : `    id: ${id}\n`}`;

  it('the one entry of its name, if it now records another run, does not get the id (guards “never an entry with another run”)', () => {
    assert.equal(target(file(named('studio', 'a')), 0, file(named('studio', 'a', 999))), undefined);
  });

  it('two entries of a name when sent, a third added during the run: no guess, even if only one records no other run (guards: an added one is only taken when the name was unique)', () => {
    const then = file(named('studio', 'a'), named('studio', 'b'));
    const now = file(named('studio', 'a', 998), named('studio', 'b', 999), named('studio', 'c'));
    assert.equal(target(then, 1, now), undefined);
  });

  it('an unnamed entry whose place now records another run does not get the id, though it sends the same (guards the same-place rule’s run check)', () => {
    assert.equal(target(file(unnamed('a')), 0, file(unnamed('a', 999))), undefined);
  });

  it('an unnamed entry that got a name at its place, with a copy that sends the same: no guess (guards: the same-place rule is for unnamed entries only)', () => {
    assert.equal(target(file(unnamed('a')), 0, file(named('studio', 'a'), unnamed('a'))), undefined);
  });
});

describe('prompt files: when and how an id is written (more edges)', () => {

  it('writes a quoted "id" into a .json file even where its keys are written loosely (guards: a JSON file gets JSON keys)', () => {
    assert.equal(record('{"tune": 1, "prompts": [{text: "hi"}]}', 'json', 0), '{"tune": 1, "prompts": [{text: "hi", "id": 5}]}');
  });

  it('writes nothing into a file that does not parse, that is not a mapping, or whose prompts are not a list (guards the write-back’s refusals)', () => {
    assert.equal(record('tune: 1\nprompts:\n  - text: [hi\n', 'yaml', 0), undefined);
    assert.equal(record('- text: hi\n', 'yaml', 0), undefined);
    assert.equal(record('just words\n', 'yaml', 0), undefined);
    assert.equal(record('tune: 1\nprompts: {text: hi}\n', 'yaml', 0), undefined);
    assert.equal(record('tune: 1\nprompts: a cat\n', 'yaml', 0), undefined);
  });
});
