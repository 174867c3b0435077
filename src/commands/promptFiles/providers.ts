// What the editor shows for prompt files: CodeLenses above each entry (Generate · Sweep… · Open in Prompt Editor ·
// its run's state and gallery), hovers (an option's hint and range, a run's images, the tune), YAML
// completions from the same schema, and hovers over `<lora:ID:w>` / `<faceid:ID:w>` in any file.
import * as vscode from 'vscode';
import type { Prompt, Tune } from '../../api/astria/types';
import { promptState, tuneState } from '../../api/astria/state';
import type { DraftField } from '../../shared/prompt/draft';
import {
  DEFAULTS_HINT,
  ENTRY_ID_KEY,
  ENTRY_NAME_KEY,
  ID_HINT,
  NAME_HINT,
  PROMPTS_HINT,
  PROMPT_FILE_KEYS,
  PROMPT_OPTION_NAMES,
  TUNE_HINT,
  documentedOptionSchema,
  isPromptOption,
  optionRange,
} from '../../shared/prompt/schema';
import { plural } from '../../shared/plural';
import type { FileState, PromptFilesController } from './controller';
import type { TuneLookup } from '../../domain/tuneCatalog';
import { isAstriaImageUrl, suggestedKeyText, type FileProblem } from '../../shared/promptFile';
import { thumbnailMarkdown } from '../../domain/thumbnails';
import { COMMANDS } from './names';


const THUMBNAILS = 8;
function imageUrl(url: unknown): string | undefined {
  return typeof url === 'string' && /^https?:\/\/[^\s()<>]+$/i.test(url) ? url : undefined;
}

/** The words a CodeLens and a hover use for a run's state. */
export function runLabel(prompt: Prompt | undefined, sending: boolean): string {
  if (sending) return '⟳ sending';
  if (!prompt) return 'Gallery';
  switch (promptState(prompt)) {
    case 'pending':
      return '⟳ queued';
    case 'generating':
      return '⟳ generating';
    case 'failed':
      return '✗ failed';
    case 'done':
      return `✓ Gallery (${plural(prompt.images.length, 'image')})`;
  }
}

export class PromptFileCodeLenses implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly files: PromptFilesController) {
    this.onDidChangeCodeLenses = files.onDidChange;
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const state = await this.files.stateOf(document);
    if (!state) return [];
    const uri = document.uri.toString();
    const lenses: vscode.CodeLens[] = [];
    const top = new vscode.Range(0, 0, 0, 0);
    lenses.push(new vscode.CodeLens(top, await this.generateAllCommand(state, uri)));
    for (const { entry } of state.entries) {
      const line = document.positionAt(entry.range[0]).line;
      const range = new vscode.Range(line, 0, line, 0);
      lenses.push(new vscode.CodeLens(range, { title: '$(sparkle) Generate', command: COMMANDS.generate, arguments: [uri, entry.index], tooltip: `Generate “${entry.name}”` }));
      lenses.push(new vscode.CodeLens(range, { title: '$(table) Sweep…', command: COMMANDS.sweep, arguments: [uri, entry.index], tooltip: `Open “${entry.name}” in the prompt editor with its Sweep section open` }));
      lenses.push(new vscode.CodeLens(range, { title: 'Open in Prompt Editor', command: COMMANDS.openInPromptEditor, arguments: [uri, entry.index] }));
      const sending = this.files.isSending(document, entry.index);
      if (entry.id || sending) {
        const prompt = entry.id ? this.knownPrompt(state, entry.id.value) : undefined;
        const label = runLabel(prompt, sending);
        lenses.push(
          new vscode.CodeLens(range, entry.id ? { title: label, command: COMMANDS.openGallery, arguments: [uri, entry.index], tooltip: `Prompt ${entry.id.value}` } : { title: label, command: '' }),
        );
      }
    }
    return lenses;
  }

  /**
   * Generate All with the counts the confirmation will say: entries with a problem are left out, and so
   * are entries that already ran unchanged (Generate All skips them; when nothing else is left it offers
   * to run them again).
   */
  private async generateAllCommand(state: FileState, uri: string): Promise<vscode.Command> {
    const runnable = state.entries.filter((e) => e.checked.params && !e.checked.problems.some((p) => p.severity === 'error'));
    const tuneId = state.lookup?.tune?.id;
    const unchangedFlags = await Promise.all(
      runnable.map((e) => (tuneId !== undefined ? this.files.ranUnchanged(e, tuneId) : Promise.resolve(false))),
    );
    const unchanged = runnable.filter((_, i) => unchangedFlags[i]);
    const toSend = runnable.filter((_, i) => !unchangedFlags[i]);
    const imagesOf = (entries: typeof runnable): number => entries.reduce((n, e) => n + (e.checked.params?.num_images ?? 4), 0);
    const problems = state.entries.length - runnable.length;
    const notes = [
      unchanged.length && toSend.length ? `${unchanged.length} already ran unchanged` : '',
      problems ? `${problems} with problems` : '',
    ].filter(Boolean);
    const rest = notes.length ? `; ${notes.join(', ')}` : '';
    if (toSend.length === 0 && unchanged.length > 0) {
      return {
        title: `$(run-all) Generate All Again (${plural(unchanged.length, 'prompt')}, ${plural(imagesOf(unchanged), 'image')}, all already ran unchanged${rest})`,
        command: COMMANDS.generateAll,
        arguments: [uri],
        tooltip: 'Every prompt of this file without a problem already ran with the same text and options: asks before running them again',
      };
    }
    return {
      // The counts of what will be sent, as the confirmation says them.
      title: `$(run-all) Generate All (${plural(toSend.length, 'prompt')}, ${plural(imagesOf(toSend), 'image')}${rest})`,
      command: COMMANDS.generateAll,
      arguments: [uri],
      tooltip: 'Creates every prompt of this file that has no problem and has not already run unchanged (asks first)',
    };
  }

  private knownPrompt(state: FileState, id: number): Prompt | undefined {
    const known = this.files.knownPrompt(id);
    if (!known && state.lookup?.tune) void this.files.prompt(state.lookup.tune.id, id);
    return known;
  }
}

/** A tune for people: title, id, state, kind, a training image. */
export async function tuneMarkdown(tune: Tune, problem?: string): Promise<vscode.MarkdownString> {
  const markdown = new vscode.MarkdownString();
  markdown.appendMarkdown('**');
  markdown.appendText(tune.title || `Tune ${tune.id}`);
  markdown.appendMarkdown('**\n\n');
  markdown.appendText(`Tune ${tune.id} · ${tuneState(tune)}${tune.model_type ? ` · ${tune.model_type}` : ''}${tune.branch ? ` · ${tune.branch}` : ''}${tune.name ? ` · ${tune.name}` : ''}`);
  if (problem) {
    markdown.appendMarkdown('\n\n');
    markdown.appendText(problem);
  }
  const thumbnail = (tune.orig_images ?? []).map(imageUrl).find(Boolean);
  if (thumbnail) markdown.appendMarkdown(`\n\n${await thumbnailMarkdown(thumbnail, 'training image', 96)}`);
  return markdown;
}

function optionMarkdown(name: string): vscode.MarkdownString | undefined {
  const hints: Record<string, string> = {
    [PROMPT_FILE_KEYS.tune]: TUNE_HINT,
    [PROMPT_FILE_KEYS.defaults]: DEFAULTS_HINT,
    [PROMPT_FILE_KEYS.prompts]: PROMPTS_HINT,
    [ENTRY_NAME_KEY]: NAME_HINT,
    [ENTRY_ID_KEY]: ID_HINT,
  };
  const markdown = new vscode.MarkdownString();
  if (isPromptOption(name)) {
    const schema = documentedOptionSchema(name)!;
    markdown.appendMarkdown(`**${name}** — `);
    markdown.appendText(optionRange(schema));
    if (schema.description) markdown.appendMarkdown('\n\n').appendText(schema.description);
    return markdown;
  }
  if (hints[name]) return markdown.appendMarkdown(`**${name}**\n\n`).appendText(hints[name]);
  return undefined;
}

export class PromptFileHovers implements vscode.HoverProvider {
  constructor(private readonly files: PromptFilesController) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const state = await this.files.stateOf(document);
    if (!state) return undefined;
    const offset = document.offsetAt(position);
    const inside = (range: readonly [number, number]) => offset >= range[0] && offset <= range[1];
    const hoverOn = (range: readonly [number, number], markdown: vscode.MarkdownString) =>
      new vscode.Hover(markdown, new vscode.Range(document.positionAt(range[0]), document.positionAt(range[1])));

    // The tune line: which tune, its state.
    if (state.parsed.tune && inside(state.parsed.tune.range) && state.lookup?.tune) {
      return hoverOn(state.parsed.tune.range, await tuneMarkdown(state.lookup.tune, state.lookup.problem));
    }
    // An option's key: its hint and range, from the schema.
    for (const [name, value] of [...state.parsed.defaults, ...state.entries.flatMap((e) => [...e.entry.options])]) {
      if (inside(value.keyRange)) return hoverOn(value.keyRange, optionMarkdown(name)!);
    }
    const word = document.getWordRangeAtPosition(position, /[$\w]+/);
    const entryState = state.entries.find((e) => inside(e.entry.range));
    // A prompt that has run: its images.
    if (entryState?.entry.id && state.lookup?.tune) {
      const id = entryState.entry.id.value;
      const prompt = this.files.knownPrompt(id) ?? (await this.files.prompt(state.lookup.tune.id, id));
      return new vscode.Hover(await this.runMarkdown(document, entryState.entry.index, entryState.entry.name, id, prompt));
    }
    if (word) {
      const markdown = optionMarkdown(document.getText(word));
      const lineText = document.lineAt(position.line).text;
      if (markdown && new RegExp(`^\\s*(-\\s+)?"?${document.getText(word).replace(/\$/g, '\\$')}"?\\s*:`).test(lineText)) return new vscode.Hover(markdown, word);
    }
    return undefined;
  }

  private async runMarkdown(document: vscode.TextDocument, index: number, name: string, id: number, prompt: Prompt | undefined): Promise<vscode.MarkdownString> {
    const markdown = new vscode.MarkdownString();
    const args = encodeURIComponent(JSON.stringify([document.uri.toString(), index]));
    markdown.isTrusted = { enabledCommands: [COMMANDS.openGallery] };
    markdown.appendMarkdown('**');
    markdown.appendText(name);
    markdown.appendMarkdown('** — ');
    if (!prompt) {
      markdown.appendText(`prompt ${id} (its state could not be loaded)`);
      return markdown;
    }
    const state = promptState(prompt);
    markdown.appendText(`prompt ${id} · ${state === 'done' ? plural(prompt.images.length, 'image') : state}`);
    if (state === 'failed' && prompt.user_error) markdown.appendMarkdown('\n\n').appendText(prompt.user_error);
    const urls = prompt.images.map(imageUrl).filter((u): u is string => Boolean(u)).slice(0, THUMBNAILS);
    // The link of each thumbnail is the image's own URL: what a person copies or opens.
    const shown = await Promise.all(urls.map((url, i) => thumbnailMarkdown(url, `image ${i + 1}`, 128, url)));
    if (urls.length) markdown.appendMarkdown(`\n\n${shown.join(' ')}`);
    markdown.appendMarkdown(`\n\n[$(file-media) Open Gallery](command:${COMMANDS.openGallery}?${args})`);
    markdown.supportThemeIcons = true;
    return markdown;
  }
}

/** `<lora:ID:w>` / `<faceid:ID:w>` in any file: the tune it names; an Astria image URL: the image. */
export class ReferenceHovers implements vscode.HoverProvider {
  constructor(
    private readonly lookup: (id: number) => Promise<TuneLookup>,
    private readonly seenImage: (url: string) => boolean,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const urlRange = document.getWordRangeAtPosition(position, /https?:\/\/[^\s()<>"'`\]]+/i);
    if (urlRange) {
      const url = document.getText(urlRange);
      if (!isAstriaImageUrl(url, this.seenImage)) return undefined;
      const markdown = new vscode.MarkdownString();
      markdown.appendMarkdown(await thumbnailMarkdown(url, 'Astria image', 256, url));
      return new vscode.Hover(markdown, urlRange);
    }
    const range = document.getWordRangeAtPosition(position, /<(lora|faceid):\d+:[\d.]+>/i);
    if (!range) return undefined;
    const match = /<(lora|faceid):(\d+):/i.exec(document.getText(range));
    if (!match) return undefined;
    const result = await this.lookup(Number(match[2]));
    if (!result.tune) {
      const markdown = new vscode.MarkdownString();
      markdown.appendText(result.problem ?? `Tune ${match[2]} was not found.`);
      return new vscode.Hover(markdown, range);
    }
    return new vscode.Hover(await tuneMarkdown(result.tune, result.problem), range);
  }
}

/** YAML completions: keys where a key goes, allowed values after `key:` (JSON gets them from the schema). */
export class PromptFileCompletions implements vscode.CompletionItemProvider {
  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
    const before = document.lineAt(position.line).text.slice(0, position.character);
    const valueMatch = /^\s*(?:-\s+)?([\w$]+):\s*([^#]*)$/.exec(before);
    if (valueMatch) return this.values(valueMatch[1]);
    const keyMatch = /^(\s*)(-\s+)?([\w$]*)$/.exec(before);
    if (!keyMatch) return undefined;
    const indent = keyMatch[1].length + (keyMatch[2]?.length ?? 0);
    if (indent === 0) return Object.values(PROMPT_FILE_KEYS).filter((k) => k !== '$schema').map((key) => this.keyItem(key, 0));
    const section = this.sectionAbove(document, position.line);
    const names: string[] =
      section === PROMPT_FILE_KEYS.defaults ? PROMPT_OPTION_NAMES.filter((n) => n !== 'text') : section === PROMPT_FILE_KEYS.prompts ? [ENTRY_NAME_KEY, ...PROMPT_OPTION_NAMES] : [];
    return names.map((name, i) => this.keyItem(name, i + 1));
  }

  private sectionAbove(document: vscode.TextDocument, line: number): string | undefined {
    for (let l = line; l >= 0; l--) {
      const match = /^([\w$]+)\s*:/.exec(document.lineAt(l).text);
      if (match) return match[1];
    }
    return undefined;
  }

  private keyItem(name: string, order: number): vscode.CompletionItem {
    const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Property);
    item.insertText = `${name}: `;
    item.sortText = String(order).padStart(3, '0');
    const markdown = optionMarkdown(name);
    if (markdown) item.documentation = markdown;
    if (isPromptOption(name)) item.detail = optionRange(documentedOptionSchema(name)!);
    item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
    return item;
  }

  private values(name: string): vscode.CompletionItem[] | undefined {
    if (!isPromptOption(name)) return undefined;
    const schema = documentedOptionSchema(name as DraftField)!;
    const values = schema.type === 'boolean' ? ['true', 'false'] : schema.enum ?? [];
    return values.map((value, i) => {
      const item = new vscode.CompletionItem(value, vscode.CompletionItemKind.EnumMember);
      // "1:1" and "1" must stay strings when YAML reads them back.
      item.insertText = schema.type === 'string' && /^[\d.:]+$/.test(value) ? `"${value}"` : value;
      item.sortText = String(i).padStart(3, '0');
      if (schema.description) item.documentation = schema.description;
      return item;
    });
  }
}

/**
 * Quick fixes for the "Did you mean …?" diagnostics (a misspelt option or top-level key): replace the key
 * with the guess, quoted as it was. The guess comes from the checked state the diagnostic was made from
 * (same range and message), never from parsing the diagnostic's words.
 */
export class PromptFileQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly files: PromptFilesController) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    if (!context.diagnostics.some((d) => d.source === 'Tune Studio')) return [];
    const state = await this.files.stateOf(document);
    if (!state) return [];
    const suggested: FileProblem[] = [...state.parsed.problems, ...state.entries.flatMap((e) => e.checked.problems)].filter((p) => p.suggestion);
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'Tune Studio') continue;
      const problem = suggested.find(
        (p) => p.message === diagnostic.message && document.offsetAt(diagnostic.range.start) === p.range[0] && document.offsetAt(diagnostic.range.end) === p.range[1],
      );
      if (!problem?.suggestion) continue;
      const key = `${problem.range[0]}:${problem.suggestion}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const replacement = suggestedKeyText(document.getText(diagnostic.range), problem.suggestion);
      const action = new vscode.CodeAction(`Change to “${problem.suggestion}”`, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, diagnostic.range, replacement);
      actions.push(action);
    }
    return actions;
  }
}
