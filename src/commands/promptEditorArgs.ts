// The arguments `tuneStudio.openPromptEditor`, `tuneStudio.generate` and `tuneStudio.newPrompt` may get,
// read once, at the command's edge, into a typed front-door request (open.ts). Pure: unit-tested.
import type { Prompt, Tune } from '../api/astria/types';
import type { PromptEditorRequest } from '../open';
import { isRecord } from '../shared/check';
import { isHttpUrl } from '../shared/prompt/validation';

function positiveId(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function tuneOf(value: unknown): Tune | undefined {
  return isRecord(value) && positiveId(value.id) !== undefined && typeof value.title === 'string' ? (value as unknown as Tune) : undefined;
}

function promptOf(value: unknown): Prompt | undefined {
  return isRecord(value) && positiveId(value.tune_id) !== undefined && typeof value.text === 'string' ? (value as unknown as Prompt) : undefined;
}

/**
 * Reads any argument the commands may get: nothing (command palette: undefined = ask which tune), a tree
 * node (`{kind:'tune', tune}`, or `{kind:'prompt', prompt}` = remix), or `{tuneId?, prefill?, mode?,
 * inputImageUrl?}` (a prompt to remix or use with an input image, or `{text}` to start from).
 */
export function parseOpenArgument(arg: unknown): PromptEditorRequest | undefined {
  if (!isRecord(arg)) return undefined;
  if (arg.kind === 'tune') {
    const tune = tuneOf(arg.tune);
    return tune ? { kind: 'tune', tuneId: tune.id, tune } : undefined;
  }
  if (arg.kind === 'prompt') {
    const prompt = promptOf(arg.prompt);
    return prompt ? { kind: 'remix', prompt } : undefined;
  }
  const prefill = isRecord(arg.prefill) ? arg.prefill : undefined;
  const prompt = promptOf(prefill ? { tune_id: arg.tuneId, ...prefill } : undefined);
  const tuneId = positiveId(arg.tuneId) ?? prompt?.tune_id;
  if (tuneId === undefined) return undefined;
  const imageUrl = typeof arg.inputImageUrl === 'string' && isHttpUrl(arg.inputImageUrl) ? arg.inputImageUrl : undefined;
  if (prompt && imageUrl && arg.mode !== 'remix') return { kind: 'img2img', prompt: { ...prompt, tune_id: tuneId }, imageUrl };
  if (prompt && (arg.mode === 'remix' || arg.mode === 'img2img' || positiveId(prefill?.id) !== undefined)) return { kind: 'remix', prompt: { ...prompt, tune_id: tuneId } };
  if (prompt) return { kind: 'prefill', tuneId, text: prompt.text };
  return { kind: 'tune', tuneId };
}
