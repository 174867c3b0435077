// Prompt files (`*.astria.yaml`, `*.astria.json`): parsing with source ranges, the checks that need no
// server, the prompt editor's validator per entry, and the minimal text edit that records a run.
// Pure: no `vscode`, no Node, no DOM. JSON is read by the same parser (YAML 1.2 is a superset of JSON),
// so both formats get the same ranges and the same words. Writing entries and files: promptFileWriting.ts.
import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import type { PromptCreateParams } from '../api/astria/types';
import { type DraftField, type PromptDraft } from './prompt/draft';
import { validateDraft, type IssueSeverity, type ValidationContext } from './prompt/validation';
import {
  ENTRY_ID_KEY,
  ENTRY_NAME_KEY,
  PROMPT_FILE_KEYS,
  PROMPT_OPTION_NAMES,
  draftFromOptions,
} from './prompt/schema';

export { promptFileFormat, type PromptFileFormat } from './promptFileFormat';
export { entryFromDraft, entryName, entryYaml, isAstriaImageUrl, promptFileEntryText, promptFileName, promptFileText } from './promptFileWriting';
import type { PromptFileFormat } from './promptFileFormat';
/** Offsets into the file's text: [start, end). */
export type TextRange = readonly [start: number, end: number];

export interface FileProblem {
  range: TextRange;
  message: string;
  severity: IssueSeverity;
  /** The entry the problem belongs to (blocks sending it), if any. */
  entry?: number;
  /** A "did you mean": the name to put in place of the text at `range` (the editor offers it as a quick fix). */
  suggestion?: string;
}

export interface OptionValue {
  value: unknown;
  keyRange: TextRange;
  valueRange: TextRange;
}

export interface PromptFileEntry {
  index: number;
  /** The entry's `name`, or "prompt N" (1-based) without one. */
  name: string;
  /** Whether `name` is the entry's own (`name:`), not the "prompt N" that follows its place in the list. */
  named?: boolean;
  /** The whole entry. */
  range: TextRange;
  /** The options it sets itself (prompt option names only). */
  options: Map<string, OptionValue>;
  /** The prompt id of its last run, as written back. */
  id?: { value: number; range: TextRange };
}

export interface ParsedPromptFile {
  format: PromptFileFormat;
  tune?: { value: number | string; range: TextRange };
  defaults: Map<string, OptionValue>;
  entries: PromptFileEntry[];
  /** Problems of the file's shape and values that need no server (malformed, unknown keys, types). */
  problems: FileProblem[];
}


const ROOT_KEYS: readonly string[] = Object.values(PROMPT_FILE_KEYS);

function rangeOf(node: Node | null | undefined, fallback: TextRange): TextRange {
  const range = node?.range;
  return range ? [range[0], range[1]] : fallback;
}

function keyName(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/**
 * The text that puts `suggestion` in place of a misspelt key as it is written (`keyText`, the text at the
 * problem's range): a quoted key (JSON, or quoted YAML) stays quoted the same way.
 */
export function suggestedKeyText(keyText: string, suggestion: string): string {
  const quote = keyText.charAt(0);
  return (quote === '"' || quote === "'") && keyText.endsWith(quote) && keyText.length >= 2 ? `${quote}${suggestion}${quote}` : suggestion;
}

/** The closest known name within two edits, for "did you mean". */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: { word: string; distance: number } | undefined;
  for (const word of known) {
    const distance = editDistance(name.toLowerCase(), word);
    if (distance <= 2 && (!best || distance < best.distance)) best = { word, distance };
  }
  return best?.word;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

function unknownKey(name: string, known: readonly string[], where: string): { message: string; suggestion?: string } {
  const guess = closest(name, known);
  return { message: `Unknown option "${name}"${where}.${guess ? ` Did you mean "${guess}"?` : ''}`, ...(guess ? { suggestion: guess } : {}) };
}

/** Reads the options of a mapping; reports unknown keys and values of the wrong type. */
function readOptions(
  map: YAMLMap,
  allowed: readonly string[],
  extra: readonly string[],
  where: string,
  problems: FileProblem[],
  entry: number | undefined,
): { options: Map<string, OptionValue>; others: Map<string, { pair: Pair; keyRange: TextRange }> } {
  const options = new Map<string, OptionValue>();
  const others = new Map<string, { pair: Pair; keyRange: TextRange }>();
  for (const pair of map.items) {
    const name = keyName(pair);
    const keyRange = rangeOf(pair.key as Node, rangeOf(map, [0, 0]));
    if (name === undefined) {
      problems.push({ range: keyRange, message: 'Keys are plain names such as text or num_images.', severity: 'error', entry });
      continue;
    }
    if (extra.includes(name)) {
      others.set(name, { pair, keyRange });
      continue;
    }
    if (!allowed.includes(name)) {
      // (Every entry allows text, so a text that is not allowed is in defaults.)
      const unknown = name === 'text' ? { message: 'text belongs to each prompt, not to defaults.' } : unknownKey(name, [...allowed, ...extra], where);
      problems.push({ range: keyRange, severity: 'error', entry, ...unknown });
      continue;
    }
    const valueNode = pair.value as Node | null;
    const valueRange = rangeOf(valueNode, keyRange);
    const value = isScalar(valueNode) ? valueNode.value : valueNode === null ? null : valueNode.toJSON();
    const converted = draftFromOptions({ [name]: value });
    if (converted.problems.length) {
      problems.push({ range: valueRange, message: converted.problems[0].message, severity: 'error', entry });
      continue;
    }
    if (value === null) continue;
    options.set(name, { value, keyRange, valueRange });
  }
  return { options, others };
}

/** The parser's message without its context lines (errors are parsed with `prettyErrors: false`: no position is appended). */
function firstLine(message: string): string {
  return message.split('\n')[0];
}

/** Parses a prompt file. Never throws: whatever is wrong is a problem with a range. */
export function parsePromptFile(text: string, format: PromptFileFormat): ParsedPromptFile {
  const file: ParsedPromptFile = { format, defaults: new Map(), entries: [], problems: [] };
  const whole: TextRange = [0, Math.min(text.length, Math.max(1, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n')))];
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: false });
  for (const error of doc.errors) {
    const what = format === 'json' ? 'This is not valid JSON' : 'This is not valid YAML';
    // Stryker disable next-line ArithmeticOperator: the parser's error ranges are never empty, so pos[1] wins either way; the + 1 only guards an empty one
    file.problems.push({ range: [error.pos[0], Math.max(error.pos[1], error.pos[0] + 1)], message: `${what}: ${firstLine(error.message)}`, severity: 'error' });
  }
  if (doc.errors.length) return file;
  const root = doc.contents;
  if (!isMap(root)) {
    file.problems.push({
      range: rangeOf(root as Node | null, whole),
      message: 'A prompt file is a mapping with tune: (id or title), optional defaults: and prompts: (a list of prompts with text:).',
      severity: 'error',
    });
    return file;
  }
  for (const pair of root.items) {
    const name = keyName(pair);
    const keyRange = rangeOf(pair.key as Node, whole);
    if (name === undefined || !ROOT_KEYS.includes(name)) {
      const guess = name === undefined ? undefined : closest(name, ROOT_KEYS);
      file.problems.push({
        range: keyRange,
        message: `Unknown key "${name ?? '?'}": a prompt file has tune, defaults and prompts.${guess ? ` Did you mean "${guess}"?` : ''}`,
        severity: 'error',
        ...(guess ? { suggestion: guess } : {}),
      });
    }
  }

  const rootStart = rangeOf(root, whole)[0];
  const start: TextRange = [rootStart, rootStart + 1];
  // tune
  const tunePair = root.items.find((pair) => keyName(pair) === PROMPT_FILE_KEYS.tune);
  if (!tunePair) {
    file.problems.push({ range: start, message: 'Say which tune to generate with: add tune: followed by its id or its exact title.', severity: 'error' });
  } else {
    const node = tunePair.value as Node | null;
    const range = rangeOf(node, rangeOf(tunePair.key as Node, whole));
    const value = isScalar(node) ? node.value : undefined;
    if (isPositiveWhole(value)) file.tune = { value, range };
    else if (typeof value === 'string' && value.trim() !== '') {
      const title = value.trim();
      file.tune = { value: /^\d+$/.test(title) ? Number(title) : title, range };
    } else file.problems.push({ range, message: 'tune must be a tune id (e.g. 123) or a tune title.', severity: 'error' });
  }

  // defaults
  const defaultsPair = root.items.find((pair) => keyName(pair) === PROMPT_FILE_KEYS.defaults);
  // An empty `defaults:` (the parser gives a null scalar, or no node) is no defaults.
  const defaultsNode = defaultsPair?.value;
  if (defaultsPair && defaultsNode !== null && !(isScalar(defaultsNode) && defaultsNode.value === null)) {
    if (!isMap(defaultsPair.value)) {
      file.problems.push({ range: rangeOf(defaultsPair.value as Node, whole), message: 'defaults is a mapping of options, e.g. num_images: 2.', severity: 'error' });
    } else {
      const allowed = PROMPT_OPTION_NAMES.filter((name) => name !== 'text');
      // Stryker disable next-line ArrayDeclaration: defaults have no extra keys; an invented one would only show for a key spelt exactly like it
      file.defaults = readOptions(defaultsPair.value, allowed, [], ' in defaults', file.problems, undefined).options;
    }
  }

  // prompts
  const promptsPair = root.items.find((pair) => keyName(pair) === PROMPT_FILE_KEYS.prompts);
  if (!promptsPair) {
    file.problems.push({ range: start, message: 'Add prompts: with a list of prompts, each with a name and a text.', severity: 'error' });
    return file;
  }
  const list = promptsPair.value;
  if (!isSeq(list)) {
    file.problems.push({ range: rangeOf(list as Node | null, rangeOf(promptsPair.key as Node, whole)), message: 'prompts is a list: start each prompt with "- name: …".', severity: 'error' });
    return file;
  }
  const names = new Map<string, number>();
  list.items.forEach((item, index) => {
    const range = rangeOf(item as Node, whole);
    if (!isMap(item)) {
      file.problems.push({ range, message: 'Each prompt is a mapping with at least text: (and usually name:).', severity: 'error', entry: index });
      file.entries.push({ index, name: `prompt ${index + 1}`, range, options: new Map() });
      return;
    }
    const { options, others } = readOptions(item, PROMPT_OPTION_NAMES, [ENTRY_NAME_KEY, ENTRY_ID_KEY], '', file.problems, index);
    const entry: PromptFileEntry = { index, name: `prompt ${index + 1}`, range, options };
    const name = others.get(ENTRY_NAME_KEY);
    if (name) {
      const node = name.pair.value as Node | null;
      const value = isScalar(node) ? node.value : undefined;
      if ((typeof value === 'string' && value.trim() !== '') || typeof value === 'number') {
        entry.name = String(value).trim();
        entry.named = true;
        const seen = names.get(entry.name);
        if (seen !== undefined) file.problems.push({ range: rangeOf(node, name.keyRange), message: `Another prompt (number ${seen + 1}) is also named "${entry.name}".`, severity: 'warning', entry: index });
        else names.set(entry.name, index);
      } else {
        file.problems.push({ range: rangeOf(node, name.keyRange), message: 'name is a short text, e.g. name: studio portrait.', severity: 'error', entry: index });
      }
    }
    const id = others.get(ENTRY_ID_KEY);
    if (id) {
      const node = id.pair.value as Node | null;
      const value = isScalar(node) ? node.value : undefined;
      if (isPositiveWhole(value)) entry.id = { value, range: rangeOf(node, id.keyRange) };
      else file.problems.push({ range: rangeOf(node, id.keyRange), message: 'id is the prompt id Tune Studio wrote after a run (a whole number); remove it to forget the run.', severity: 'error', entry: index });
    }
    file.entries.push(entry);
  });
  return file;
}

// ─── One entry through the prompt editor's rules ────────────────────────────────────────────────

export interface CheckedEntry {
  /** The entry's problems (structure, values, the editor's rules), each on the line it is about. */
  problems: FileProblem[];
  /** What would be sent, when nothing blocks it. */
  params?: PromptCreateParams;
  draft: PromptDraft;
}

/** The options an entry sends: the file's defaults, then its own. */
export function entryValues(file: ParsedPromptFile, entry: PromptFileEntry): Map<string, OptionValue> {
  return new Map([...file.defaults, ...entry.options]);
}

/**
 * Checks one entry with the prompt editor's validator (same rules, same words). Problems about an option
 * set in defaults land on defaults' line; problems with no option land on the entry's first line.
 */
export function checkEntry(file: ParsedPromptFile, entry: PromptFileEntry, context: ValidationContext): CheckedEntry {
  const values = entryValues(file, entry);
  const plain: Record<string, unknown> = {};
  for (const [name, value] of values) plain[name] = value.value;
  const { draft } = draftFromOptions(plain);
  const headRange: TextRange = [entry.range[0], entry.range[0] + 1];
  // A problem of the whole file (a misspelt `defautls:`, a default of the wrong type) would change what every
  // prompt sends if it were skipped: it blocks them all.
  const problems: FileProblem[] = file.problems.filter((problem) => problem.entry === undefined || problem.entry === entry.index);
  const checked = validateDraft(draft, context);
  for (const issue of checked.issues) {
    problems.push({ range: rangeForField(values, issue.field, headRange), message: issue.message, severity: issue.severity, entry: entry.index });
  }
  const blocked = problems.some((problem) => problem.severity === 'error');
  return { problems, params: blocked ? undefined : checked.params, draft };
}

/** The draft fields that an issue names but that files spell differently. */
const FIELD_IN_FILE: Partial<Record<DraftField, string>> = {
  input_image_source: 'input_image_url',
  mask_image_source: 'mask_image_url',
  input_image_file: 'input_image_url',
  mask_image_file: 'mask_image_url',
};

function rangeForField(values: Map<string, OptionValue>, field: DraftField | null, fallback: TextRange): TextRange {
  if (field === null) return fallback;
  const value = values.get(FIELD_IN_FILE[field] ?? field);
  return value ? value.valueRange : fallback;
}

/** Where a server message about `field` goes in the file (a 422 on the entry's line, or on the option's). */
export function serverProblemRange(file: ParsedPromptFile, entry: PromptFileEntry, field: DraftField | null): TextRange {
  return rangeForField(entryValues(file, entry), field, [entry.range[0], entry.range[0] + 1]);
}

/** A stable fingerprint of what an entry sends: same fingerprint = same text and options. */
export function paramsFingerprint(params: PromptCreateParams): string {
  const record = params as unknown as Record<string, unknown>;
  return JSON.stringify(Object.keys(record).sort().map((key) => [key, record[key]]));
}

// ─── Write-back: the created prompt's id, as a minimal edit ──────────────────────────────────────

/** The entry a prompt was created from, as it was when it was sent. */
export interface SentEntry {
  /** The file as parsed when the prompt was sent. */
  file: ParsedPromptFile;
  entry: PromptFileEntry;
  /** `paramsFingerprint` of the request that was sent. */
  fingerprint: string;
}

/**
 * The entry of the file as it is now (`current`) that a created prompt came from, so its id is written
 * there: the user may have edited the file while the prompt was out (inserted or moved entries, renamed
 * the entry). Never a guess:
 * - an entry that records another run (an `id:` other than the one the sent entry had) never gets it;
 * - an entry with its own name, when the file has as many entries of that name as when it was sent:
 *   the one of them at the same rank (the one entry of that name, however the others moved; between
 *   entries of the same name, only if it still sends the same request). An entry of that name added
 *   meanwhile: the one of them that records no other run, else none;
 * - renamed (no entry of that name left), or an entry without a name of its own (its "prompt N" changes
 *   with its place): the one entry whose request is exactly what was sent (`context`: the tune's rules, as
 *   when it was sent) and that is not another entry of the file as sent (a name the file had then);
 * - nothing or more than one fits → undefined: the caller asks the user to add the id.
 */
export function entryForCreatedPrompt(current: ParsedPromptFile, sent: SentEntry, context: ValidationContext): PromptFileEntry | undefined {
  const sentId = sent.entry.id?.value;
  const free = (entry: PromptFileEntry) => entry.id === undefined || entry.id.value === sentId;
  const fingerprints = new Map<PromptFileEntry, string | undefined>();
  const sendsTheSame = (entry: PromptFileEntry) => {
    // Stryker disable next-line ConditionalExpression: a cache: computing the same fingerprint again gives the same answer
    if (!fingerprints.has(entry)) {
      const params = checkEntry(current, entry, context).params;
      fingerprints.set(entry, params ? paramsFingerprint(params) : undefined);
    }
    return fingerprints.get(entry) === sent.fingerprint;
  };
  if (sent.entry.named) {
    const ofName = (entries: readonly PromptFileEntry[]) => entries.filter((entry) => entry.named === true && entry.name === sent.entry.name);
    const then = ofName(sent.file.entries);
    const now = ofName(current.entries);
    // (`then` holds the sent entry, so equal counts are never zero.)
    if (now.length === then.length) {
      const entry = now[then.findIndex((e) => e.index === sent.entry.index)] as PromptFileEntry | undefined;
      return entry && free(entry) && (then.length === 1 || sendsTheSame(entry)) ? entry : undefined;
    }
    if (now.length > 0) {
      const candidates = now.filter(free);
      return then.length === 1 && candidates.length === 1 ? candidates[0] : undefined;
    }
  } else {
    const same = current.entries[sent.entry.index] as PromptFileEntry | undefined;
    if (same && !same.named && free(same) && sendsTheSame(same)) return same;
  }
  const namedThen = new Set(sent.file.entries.filter((entry) => entry.named).map((entry) => entry.name));
  const byRequest = current.entries.filter((entry) => free(entry) && !(entry.named && namedThen.has(entry.name)) && sendsTheSame(entry));
  return byRequest.length === 1 ? byRequest[0] : undefined;
}

export interface TextEditPlan {
  offset: number;
  /** Characters to replace at `offset` (0 = insert). */
  length: number;
  text: string;
}

/**
 * The smallest edit that records `promptId` on entry `index`: the value of its `id:` is replaced, or an
 * `id:` line is added after the entry's last line with the entry's indentation (a flow/JSON entry gets
 * `, "id": N` before its closing brace). The rest of the text, comments included, is untouched.
 */
export function idEditPlan(text: string, format: PromptFileFormat, index: number, promptId: number): TextEditPlan | undefined {
  // Stryker disable next-line BooleanLiteral: only whether there are errors is read, not their words
  const doc = parseDocument(text, { prettyErrors: false, strict: false });
  if (doc.errors.length || !isMap(doc.contents)) return undefined;
  const list = doc.contents.items.find((pair) => keyName(pair) === PROMPT_FILE_KEYS.prompts)?.value;
  if (!isSeq(list)) return undefined;
  const entry = list.items[index];
  if (!isMap(entry) || !entry.range || entry.items.length === 0) return undefined;
  const lineBreak = text.includes('\r\n') ? '\r\n' : '\n';
  const existing = entry.items.find((pair) => keyName(pair) === ENTRY_ID_KEY);
  if (existing) {
    const value = existing.value as Node | null;
    if (value?.range) {
      const [start, end] = value.range;
      // An empty value (`id:`, maybe a comment after it) is a point: keep a space from the colon and the comment.
      const before = start === end && text[start - 1] === ':' ? ' ' : '';
      const after = text[start] === '#' ? ' ' : '';
      return { offset: start, length: end - start, text: `${before}${promptId}${after}` };
    }
    // An explicit key with no value (`? id`): the value follows the key, on its own `:` line in a block.
    const [keyStart, keyEnd] = (existing.key as Node).range!;
    if (entry.flow) return { offset: keyEnd, length: 0, text: `: ${promptId}` };
    const question = text.lastIndexOf('?', keyStart);
    const indent = ' '.repeat(question - (text.lastIndexOf('\n', question) + 1));
    return { offset: endOfLine(text, keyEnd), length: 0, text: `${lineBreak}${indent}: ${promptId}` };
  }
  const quote = format === 'json' || isJsonish(entry) ? '"' : '';
  const key = `${quote}${ENTRY_ID_KEY}${quote}`;
  const last = entry.items[entry.items.length - 1];
  const lastEnd = ((last.value as Node | null)?.range ?? (last.key as Node).range!)[1];
  if (entry.flow) {
    const firstKeyStart = (entry.items[0].key as Node).range![0];
    const multiLine = text.slice(entry.range[0], lastEnd).includes('\n');
    if (multiLine) return { offset: lastEnd, length: 0, text: `,\n${indentAt(text, firstKeyStart)}${key}: ${promptId}` };
    return { offset: lastEnd, length: 0, text: `, ${key}: ${promptId}` };
  }
  const indent = indentAt(text, (entry.items[0].key as Node).range![0]);
  // A block scalar (text: |) ends at the start of the next line; a plain value ends mid-line (a comment may follow).
  if (text[lastEnd - 1] === '\n') return { offset: lastEnd, length: 0, text: `${indent}${key}: ${promptId}\n` };
  return { offset: endOfLine(text, lastEnd), length: 0, text: `${lineBreak}${indent}${key}: ${promptId}` };
}

/** Where the line holding `offset` ends: before its line break (`\r\n` or `\n`), or at the end of the text. */
function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : text[newline - 1] === '\r' ? newline - 1 : newline;
}

/** A tune id or a prompt id as written: a whole number above zero (a quoted "12" is a string, not one). */
function isPositiveWhole(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0;
}

/** Whether every key of a mapping (never an empty one here) is double-quoted, as JSON writes them. */
function isJsonish(map: YAMLMap): boolean {
  // Stryker disable next-line ConditionalExpression: parsed keys are always nodes, and only a scalar has a type (QUOTE_DOUBLE or another); the isScalar test is for the types
  return map.items.every((pair) => isScalar(pair.key) && pair.key.type === 'QUOTE_DOUBLE');
}

/** The column of `offset` as spaces: the indentation of an entry's keys (`- ` counts as indentation). */
function indentAt(text: string, offset: number): string {
  // The character at `offset` starts a key, so the line break before it is the last one up to `offset`.
  const lineStart = text.lastIndexOf('\n', offset) + 1;
  return ' '.repeat(offset - lineStart);
}

export function applyPlan(text: string, plan: TextEditPlan): string {
  return text.slice(0, plan.offset) + plan.text + text.slice(plan.offset + plan.length);
}
