// Writing prompt files: the prompt editor and the gallery turn drafts and created prompts into entries and
// whole files (Save as Prompt File…, Copy as Prompt File Entry). Pure: no `vscode`, no Node, no DOM.
// Reading and checking them is promptFile.ts.
import { stringify } from 'yaml';
import { defaultDraft, draftFromPrompt, type PromptDraft, type PromptLike } from './prompt/draft';
import { ENTRY_ID_KEY, ENTRY_NAME_KEY, PROMPT_FILE_KEYS, PROMPT_OPTION_NAMES, optionSchema } from './prompt/schema';
import type { PromptFileFormat } from './promptFileFormat';

/** The options of a draft worth writing: the text, and every option that differs from the form's default. */
export function entryFromDraft(name: string, draft: PromptDraft): Record<string, unknown> {
  const entry: Record<string, unknown> = { [ENTRY_NAME_KEY]: name };
  const defaults = defaultDraft();
  for (const option of PROMPT_OPTION_NAMES) {
    const value = draft[option];
    if (option === 'input_image_url' && draft.input_image_source !== 'url') continue;
    if (option === 'mask_image_url' && draft.mask_image_source !== 'url') continue;
    // The text's default is empty (skipped below); the number of images is written even at the default.
    if (option !== 'num_images' && value === defaults[option]) continue;
    // (Every switch is off by default, so a switch left off is skipped just above.)
    if (value === '') continue;
    const schema = optionSchema(option)!;
    entry[option] = (schema.type === 'integer' || schema.type === 'number') && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return entry;
}

/** A whole prompt file for a tune, with one entry (Save as Prompt File…). */
export function promptFileText(tune: number | string, entries: readonly Record<string, unknown>[], format: PromptFileFormat): string {
  const content = { [PROMPT_FILE_KEYS.tune]: tune, [PROMPT_FILE_KEYS.prompts]: entries };
  if (format === 'json') return `${JSON.stringify(content, null, 2)}\n`;
  return stringify(content, { lineWidth: 0 });
}

/** One entry as YAML list item, indented to sit under `prompts:` (Copy as Prompt File entry). */
export function entryYaml(entry: Record<string, unknown>, indent = '  '): string {
  return stringify([entry], { lineWidth: 0 })
    .split('\n')
    .map((line) => (line === '' ? line : indent + line))
    .join('\n');
}

/** A file name for a tune's prompt file: "Priya Sharma — headshots" → "priya-sharma-headshots.astria.yaml". */
export function promptFileName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/<[^>]*>/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
    .replace(/-$/, '');
  return `${slug || 'prompts'}.astria.yaml`;
}

/** A short entry name from a prompt's text: its first words, without `<…>` tokens. */
export function entryName(text: string): string {
  const words = text
    .replace(/<[^>]*>|\{\{[^}]*\}\}/g, ' ')
    .replace(/[^\p{L}\p{N}\s-]/gu, ' ')
    .trim()
    .split(/\s+/)
    .slice(0, 4)
    .join(' ');
  return words.slice(0, 40) || 'prompt';
}

/**
 * A created prompt as a prompt file entry (the gallery's Copy as Prompt File Entry): its text and options,
 * and its id, so the file knows it ran (hover, gallery) and asks before running it again unchanged.
 */
export function promptFileEntryText(prompt: PromptLike & { id: number; tune_id: number; text: string }): string {
  const entry = { ...entryFromDraft(entryName(prompt.text), draftFromPrompt(prompt)), [ENTRY_ID_KEY]: prompt.id };
  return `  # tune: ${prompt.tune_id}\n${entryYaml(entry)}`;
}

/** Hosts Astria serves generated and training images from (its documented examples). */
const ASTRIA_IMAGE_HOSTS = /^(?:[\w-]+\.)*astria\.ai$|^sdbooth2-production\.s3\.amazonaws\.com$/i;

/** An Astria image URL: on Astria's hosts, or one of the images of a prompt this window has seen. */
export function isAstriaImageUrl(url: string, seen: (url: string) => boolean): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
    return (parsed.protocol === 'https:' && ASTRIA_IMAGE_HOSTS.test(parsed.hostname) && /\.(png|jpe?g|webp)$/i.test(parsed.pathname)) || seen(url);
  } catch {
    return false;
  }
}
