// What the prompt-file unit tests share: a Flux tune to check entries against, the text after an id is
// written back, and which entry a created prompt's id goes to after the file changed.
import { modelCapabilities } from '../../src/shared/prompt/capabilities';
import { applyPlan, checkEntry, entryForCreatedPrompt, idEditPlan, paramsFingerprint, parsePromptFile, type PromptFileFormat } from '../../src/shared/promptFile';

/** A Flux LoRA tune (the most common kind) as a prompt file's entries are checked against it. */
export const FLUX_TUNE = { capabilities: modelCapabilities({ id: 1, title: 'Priya', name: 'woman', branch: 'flux1', model_type: 'lora', base_tune_id: 1504944 }), characteristics: [] };

/** `text` after prompt id `id` is written into entry `index`, or undefined when nothing would be written. */
export function withIdWritten(text: string, format: PromptFileFormat, index: number, id = 5): string | undefined {
  const plan = idEditPlan(text, format, index, id);
  return plan && applyPlan(text, plan);
}

/** Entry `index` of YAML file `then` was sent and the file is now `now`: the entry that gets the id, as "index name". */
export function entryGettingTheId(then: string, index: number, now: string): string | undefined {
  const sentFile = parsePromptFile(then, 'yaml');
  const sent = sentFile.entries[index];
  const fingerprint = paramsFingerprint(checkEntry(sentFile, sent, FLUX_TUNE).params!);
  const found = entryForCreatedPrompt(parsePromptFile(now, 'yaml'), { file: sentFile, entry: sent, fingerprint }, FLUX_TUNE);
  return found && `${found.index} ${found.name}`;
}
