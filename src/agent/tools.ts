// Tune Studio in the chat agent: Language Model Tools built on the extension's own Services, poller and
// panels (no second client, no second poller). Read-only tools run at once; tools that spend money or
// create things (generate, create a tune) first show a confirmation that says exactly what will happen.
// Results are short text the model can use (ids, states, URLs); errors are sentences, never stacks,
// and never contain the API key (the clients' errors never do).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { promptState, tuneState } from '../api/astria/state';
import type { Branch, Prompt, Tune, TuneCreateParams } from '../api/astria/types';
import type { StatusPoller } from '../jobs/statusPoller';
import type { Open } from '../open';
import type { Services } from '../services';
import { defaultSavePath, imageMarkdown } from '../domain/savedImages';
import { downloadImage } from '../domain/imageDownload';
import type { GallerySubject } from '../shared/gallery';
import { hasErrors, validateDraft } from '../shared/prompt/validation';
import { collectImageFiles, describeSkipped, judgeSelection, megabytesToBytes } from '../domain/trainingImages';
import { plural } from '../shared/plural';
import { DEFAULT_MAX_IMAGE_MB, MAX_IMAGE_SIZE_SETTING } from '../shared/imageFormats';
import { uploadTune } from '../domain/tuneUpload';
import { uniqueSuffix } from '../domain/tuneTitles';
import { FLUX_BASE_TUNE_ID, TUNE_BRANCHES } from '../domain/tuneCatalog';
import { recoveryNote, unknownOutcomeMessage } from '../domain/generation';
import { ImageFileProblem, workspaceImage } from '../domain/workspaceImages';
import type { PromptFiles } from '../api/astria/client';
import type { ToolName } from './names';
import { toolDraft } from './promptOptions';
import { InputProblem, errorSentence } from './sentences';



type Input = Record<string, unknown>;
export type Tool = vscode.LanguageModelTool<Input>;

const DEFAULT_WAIT_S = 120;
const MAX_WAIT_S = 600;

function int(input: Input, name: string, options: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) {
    if (options.required) throw new InputProblem(`"${name}" is required.`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new InputProblem(`"${name}" must be a whole number.`);
  if ((options.min !== undefined && value < options.min) || (options.max !== undefined && value > options.max)) {
    throw new InputProblem(`"${name}" must be between ${options.min ?? '-∞'} and ${options.max ?? '∞'}.`);
  }
  return value;
}

function str(input: Input, name: string, required = false): string | undefined {
  const value = input[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw new InputProblem(`"${name}" is required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw new InputProblem(`"${name}" must be a string.`);
  return value;
}

export function tuneLine(tune: Tune): string {
  const model = [tune.model_type ?? 'checkpoint', tune.branch].filter(Boolean).join(', ');
  return `- tune ${tune.id} “${tune.title}”: ${tuneState(tune)}, class ${tune.name ?? '—'}, ${model}${tune.base_tune_id ? `, base tune ${tune.base_tune_id}` : ''}`;
}

export function promptLine(prompt: Prompt): string {
  const state = promptState(prompt);
  const textPart = prompt.text.length > 200 ? `${prompt.text.slice(0, 199)}…` : prompt.text;
  const lines = [`- prompt ${prompt.id} (tune ${prompt.tune_id}): ${state}${state === 'failed' && prompt.user_error ? ` (${prompt.user_error})` : ''} — ${JSON.stringify(textPart)}`];
  for (const url of prompt.images) lines.push(`  image ${url}`);
  return lines.join('\n');
}

/** The workspace file a tool names (relative to the first folder, or absolute inside a folder). */
function workspaceUri(relative: string): vscode.Uri {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) throw new InputProblem('No folder is open in VS Code, so there is no workspace to read or write.');
  const uri = path.isAbsolute(relative) ? vscode.Uri.file(relative) : vscode.Uri.joinPath(folders[0].uri, relative);
  if (!vscode.workspace.getWorkspaceFolder(uri)) throw new InputProblem(`${relative} is outside the workspace.`);
  return uri;
}

function text(...lines: string[]): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(lines.join('\n'))]);
}

function withErrors(invoke: (input: Input, token: vscode.CancellationToken) => Promise<vscode.LanguageModelToolResult>): Tool['invoke'] {
  return async (options, token) => {
    try {
      return await invoke((options.input ?? {}) as Input, token);
    } catch (error) {
      return text(`Error: ${errorSentence(error)}`);
    }
  };
}

export function createAgentTools(services: Services, poller: StatusPoller, open: Open): Record<ToolName, Tool> {
  const astria = () => services.astria;

  /** The one tune catalog: the tune, its base tune when needed, and what the prompt editor offers for it. */
  const loadTune = (tuneId: number) => services.tunes.get(tuneId);

  /** Waits on the one poller for a prompt's images, bounded in time and cancellable. */
  const waitForPrompt = (prompt: Prompt, seconds: number, token: vscode.CancellationToken): Promise<Prompt | undefined> =>
    new Promise((resolve) => {
      const finish = (value: Prompt | undefined) => {
        clearTimeout(timer);
        listener.dispose();
        cancel.dispose();
        resolve(value);
      };
      const listener = services.changes.on(['promptFinished'], ({ prompt: done }) => {
        if (done.id === prompt.id) finish(done);
      });
      const cancel = token.onCancellationRequested(() => finish(undefined));
      const timer = setTimeout(() => finish(undefined), seconds * 1000);
      poller.watchPrompt(prompt);
    });

  return {
    tuneStudio_findTunes: {
      invoke: withErrors(async (input) => {
        const query = str(input, 'query') ?? '';
        const limit = int(input, 'limit', { min: 1, max: 50 }) ?? 20;
        // The same search as Find Tune: the server's title filter when it honours it, else a page scan.
        const found = await services.tunes.search(query, { limit });
        if (found.length === 0) return text(query ? `No tune's title contains “${query}”.` : 'The account has no tunes yet.');
        return text(`${plural(Math.min(found.length, limit), 'tune')}${query ? ` whose title contains “${query}”` : ''}, newest first:`, ...found.slice(0, limit).map(tuneLine));
      }),
    },

    tuneStudio_getTune: {
      invoke: withErrors(async (input) => {
        const { tune, base } = await loadTune(int(input, 'tuneId', { required: true })!);
        const lines = [tuneLine(tune)];
        if (base) lines.push(`  base tune ${base.id} “${base.title}”`);
        if (tune.trained_at) lines.push(`  trained at ${tune.trained_at}`);
        if (tune.expires_at) lines.push(`  expires at ${tune.expires_at}`);
        if (tune.model_type === 'lora' || tune.model_type === 'faceid') {
          lines.push(`  use it in prompts on tune ${tune.base_tune_id ?? 'its base tune'} with <${tune.model_type}:${tune.id}:1> in the text`);
        }
        for (const url of (tune.orig_images ?? []).slice(0, 4)) lines.push(`  training image ${url}`);
        return text(...lines);
      }),
    },

    tuneStudio_listPrompts: {
      invoke: withErrors(async (input) => {
        const tuneId = int(input, 'tuneId', { required: true })!;
        const limit = int(input, 'limit', { min: 1, max: 50 }) ?? 10;
        const prompts = (await astria().listPrompts(tuneId, { limit })).slice(0, limit);
        if (prompts.length === 0) return text(`Tune ${tuneId} has no prompts yet.`);
        return text(`The newest ${plural(prompts.length, 'prompt')} of tune ${tuneId}:`, ...prompts.map(promptLine));
      }),
    },

    tuneStudio_generateImages: {
      async prepareInvocation(options) {
        const input = (options.input ?? {}) as Input;
        const tuneId = typeof input.tuneId === 'number' ? input.tuneId : undefined;
        const count = typeof input.num_images === 'number' ? input.num_images : 4;
        let tuneText = `tune ${tuneId ?? '?'}`;
        let branch: string | undefined;
        if (tuneId !== undefined) {
          // The catalog's lookup: the tool's invoke finds it cached (one request for both).
          const tune = (await services.tunes.get(tuneId).catch(() => undefined))?.tune;
          if (tune) {
            tuneText = `tune ${tune.id} “${tune.title}”`;
            branch = tune.branch ?? undefined;
          }
        }
        const cost = branch === 'fast' ? ' Branch “fast” is Astria’s free mock mode: no cost.' : ' This is billed by Astria.';
        // Plain text: the prompt is full of <…> tokens and must show as typed.
        const message = `Generate ${plural(count, 'image')} with ${tuneText} from the prompt:\n\n${String(input.text ?? '').slice(0, 500)}\n\n${cost.trim()}`;
        return {
          invocationMessage: `Generating ${plural(count, 'image')} with ${tuneText}`,
          confirmationMessages: { title: `Generate ${plural(count, 'image')} on Astria?`, message },
        };
      },
      invoke: withErrors(async (input, token) => {
        const tuneId = int(input, 'tuneId', { required: true })!;
        str(input, 'text', true);
        const waitSeconds = int(input, 'waitSeconds', { min: 1, max: MAX_WAIT_S }) ?? DEFAULT_WAIT_S;
        const { draft, problems } = toolDraft(input);
        if (problems.length) throw new InputProblem(problems.join(' '));
        const { tune, editor } = await loadTune(tuneId);
        const state = tuneState(tune);
        if (state !== 'trained') throw new InputProblem(`Tune ${tune.id} “${tune.title}” is ${state}: only a trained tune can generate images.`);
        // Workspace image files, as the prompt editor takes them: checked (inside the workspace, an image, a sane size), then streamed.
        for (const [field, target] of [['input_image_file', 'input'], ['mask_image_file', 'mask']] as const) {
          const relative = str(input, field);
          if (relative === undefined) continue;
          draft[field] = workspaceUri(relative).toString();
          draft[`${target}_image_source`] = 'file';
        }
        // The prompt editor's own rules and words.
        const checked = validateDraft(draft, { capabilities: editor.capabilities, characteristics: Object.keys(editor.characteristics) });
        const errors = checked.issues.filter((issue) => issue.severity === 'error');
        if (hasErrors(checked.issues) || !checked.params) {
          throw new InputProblem(`Not sent: ${errors.map((issue) => `${issue.field ?? 'prompt'}: ${issue.message}`).join(' ')}`);
        }
        const files: PromptFiles = {};
        for (const [target, value] of Object.entries(checked.files) as [keyof PromptFiles, string][]) {
          try {
            const image = await workspaceImage(value);
            files[target] = { path: image.path, name: image.name, type: image.type };
          } catch (error) {
            if (error instanceof ImageFileProblem) throw new InputProblem(`Not sent: ${error.message}`);
            throw error;
          }
        }
        // The one way to create a prompt (src/domain/generation.ts): never sent twice.
        const outcome = await services.generation.createPrompt(tune.id, checked.params, files);
        if (outcome.status === 'unknown') {
          return text(`${unknownOutcomeMessage('prompt', outcome.error, services.generation.waitedMs)} Ask the user before calling this tool again with the same input.`);
        }
        if (outcome.status === 'failed') throw outcome.error;
        const prompt = outcome.value;
        services.log.info(`Agent tool: created prompt ${prompt.id} on tune ${tune.id}${outcome.recovered ? ' (found on the server after a failed request)' : ''}`);
        const warnings = checked.issues.filter((issue) => issue.severity === 'warning').map((issue) => `Note: ${issue.message}`);
        // Found on the server after a failed request: said first, so the model does not send it again.
        const note = recoveryNote(outcome, 'prompt');
        if (input.wait !== true) {
          return text(`${note}Created prompt ${prompt.id} on tune ${tune.id}: ${plural(checked.params.num_images ?? 4, 'image')} queued. Call tuneStudio_listPrompts (or this tool with wait) to get the images.`, ...warnings);
        }
        const done = await waitForPrompt(prompt, waitSeconds, token);
        if (!done) {
          return text(`${note}Created prompt ${prompt.id} on tune ${tune.id}; its images were not ready ${token.isCancellationRequested ? 'when waiting was cancelled' : `within ${waitSeconds} s`}. Ask again later with tuneStudio_listPrompts.`, ...warnings);
        }
        if (promptState(done) === 'failed') return text(`${note}Prompt ${done.id} failed: ${done.user_error ?? 'Astria gave no reason'}.`);
        return text(`${note}Prompt ${done.id} on tune ${tune.id} is done:`, ...done.images.map((url) => `- ${url}`), ...warnings);
      }),
    },

    tuneStudio_createTune: {
      async prepareInvocation(options) {
        const input = (options.input ?? {}) as Input;
        const paths = Array.isArray(input.paths) ? input.paths.map(String) : [];
        const branch = typeof input.branch === 'string' ? input.branch : 'flux1';
        const message =
          `Create a ${String(input.className ?? '?')} tune from ${paths.join(', ') || '(no files)'} on branch ${branch}.` +
          (branch === 'fast' ? ' Branch “fast” is Astria’s free mock mode: no cost.' : ' Training is billed by Astria.');
        return { invocationMessage: 'Creating a tune from workspace images', confirmationMessages: { title: 'Create and train a tune on Astria?', message } };
      },
      invoke: withErrors(async (input) => {
        const rawPaths = input.paths;
        if (!Array.isArray(rawPaths) || rawPaths.length === 0 || !rawPaths.every((p) => typeof p === 'string')) throw new InputProblem('"paths" must list workspace image files or folders.');
        const className = str(input, 'className', true)!;
        if (!/^[a-z][a-z ]{0,40}$/i.test(className)) throw new InputProblem('"className" must be a class such as man, woman, dog, cat, style or a product such as dress.');
        const branch = str(input, 'branch') ?? 'flux1';
        if (!(TUNE_BRANCHES as readonly string[]).includes(branch)) throw new InputProblem(`"branch" must be ${TUNE_BRANCHES.join(', ')}.`);
        const maxMb = vscode.workspace.getConfiguration().get<number>(MAX_IMAGE_SIZE_SETTING, DEFAULT_MAX_IMAGE_MB);
        const selection = await collectImageFiles(rawPaths.map((p) => workspaceUri(p).fsPath), { maxImageBytes: megabytesToBytes(maxMb) });
        const verdict = judgeSelection(selection);
        if (verdict.refusal) throw new InputProblem(verdict.refusal);
        const title = `${(str(input, 'title') ?? path.basename(selection.scannedFolders[0] ?? 'tune')).slice(0, 60)}-${uniqueSuffix()}`;
        const flux = branch === 'flux1' || branch === 'fast';
        const params: TuneCreateParams = { title, name: className.toLowerCase(), branch: branch as Branch, ...(flux ? { base_tune_id: FLUX_BASE_TUNE_ID, model_type: 'lora' as const } : {}) };
        const result = await uploadTune(services, { params, images: selection.images });
        if (result.status === 'cancelled') return text('The user cancelled the upload: no tune was created.');
        if (result.status === 'failed') throw result.error;
        if (result.status === 'unknown') return text(`${result.message} Ask the user before calling this tool again with the same input.`);
        return text(
          `${result.note}Created tune ${result.tune.id} “${result.tune.title}” from ${plural(selection.images.length, 'image')}; it is ${tuneState(result.tune)}.`,
          ...(selection.skipped.length ? [`${describeSkipped(selection.skipped)}: ${selection.skipped.map((s) => s.message).join(' ')}`] : []),
          ...(verdict.fewImages ? [verdict.fewImages] : []),
        );
      }),
    },

    tuneStudio_saveImage: {
      invoke: withErrors(async (input, token) => {
        const url = str(input, 'url', true)!;
        if (!/^https?:\/\//i.test(url)) throw new InputProblem('"url" must be an http(s) image URL, as tuneStudio_listPrompts returns them.');
        const promptId = int(input, 'promptId') ?? 0;
        const target = workspaceUri(str(input, 'path') ?? path.posix.join(...defaultSavePath(undefined, int(input, 'tuneId') ?? 0, promptId, 1, url)));
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          if (await vscode.workspace.fs.stat(target).then(() => true, () => false)) throw new InputProblem(`${vscode.workspace.asRelativePath(target)} already exists: choose another "path".`);
          await downloadImage(url, target, abort.signal);
        } finally {
          cancel.dispose();
        }
        return text(`Saved ${vscode.workspace.asRelativePath(target)}.`);
      }),
    },

    tuneStudio_insertImageMarkdown: {
      invoke: withErrors(async (input) => {
        const url = str(input, 'url', true)!;
        if (!/^https?:\/\//i.test(url)) throw new InputProblem('"url" must be an http(s) image URL.');
        const target = workspaceUri(str(input, 'file', true)!);
        const document = await vscode.workspace.openTextDocument(target);
        const markdown = imageMarkdown(str(input, 'alt') ?? 'Generated image', url);
        const end = document.lineAt(document.lineCount - 1).range.end;
        const edit = new vscode.WorkspaceEdit();
        edit.insert(target, end, `${document.getText().endsWith('\n') || document.getText() === '' ? '' : '\n'}\n${markdown}\n`);
        if (!(await vscode.workspace.applyEdit(edit))) throw new InputProblem(`${vscode.workspace.asRelativePath(target)} could not be edited.`);
        return text(`Added ${markdown} at the end of ${vscode.workspace.asRelativePath(target)} (not saved yet: the user sees the change in the editor).`);
      }),
    },

    tuneStudio_open: {
      invoke: withErrors(async (input) => {
        const view = str(input, 'view', true);
        const tuneId = int(input, 'tuneId');
        const promptId = int(input, 'promptId');
        if (view === 'promptEditor') {
          if (tuneId === undefined) throw new InputProblem('"tuneId" is required to open the prompt editor.');
          await open.promptEditor({ kind: 'tune', tuneId });
          return text(`Opened the prompt editor of tune ${tuneId}.`);
        }
        if (view !== 'gallery') throw new InputProblem('"view" must be gallery or promptEditor.');
        const subject: GallerySubject =
          promptId !== undefined && tuneId !== undefined ? { kind: 'prompt', tuneId, promptId } : tuneId !== undefined ? { kind: 'tune', tuneId } : { kind: 'recent' };
        await open.gallery(subject);
        return text(`Opened the gallery of ${subject.kind === 'recent' ? 'recent images' : subject.kind === 'tune' ? `tune ${tuneId}` : `prompt ${promptId}`}.`);
      }),
    },
  };
}

/** Registers every tool; the chat (or any extension) reaches them through vscode.lm. */
