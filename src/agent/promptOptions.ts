// The generate tool's input: the prompt editor's options under Astria's own names. The JSON Schema and
// the value → draft conversion live in shared/prompt/schema.ts (one builder for the tool, prompt files
// and the editor); package.json repeats the tool's schema (VS Code reads it from the manifest) and a
// unit test fails when the two drift apart. VS Code 1.100 does not enforce the schema, so toolDraft()
// checks the input.
import type { PromptDraft } from '../shared/prompt/draft';
import { PROMPT_OPTION_NAMES, TOOL_FILE_OPTIONS, draftFromOptions, generateImagesInputSchema } from '../shared/prompt/schema';

export { PROMPT_OPTION_NAMES, generateImagesInputSchema };

export interface ToolDraft {
  draft: PromptDraft;
  /** Input the rules cannot even read (wrong types, unknown names): said to the model as is. */
  problems: string[];
}

/** The prompt editor's draft for a tool's input; the editor's own validateDraft() judges it next. */
export function toolDraft(input: Record<string, unknown>): ToolDraft {
  const problems: string[] = [];
  const known = new Set<string>([...PROMPT_OPTION_NAMES, ...TOOL_FILE_OPTIONS, 'tuneId', 'wait', 'waitSeconds']);
  for (const name of Object.keys(input)) if (!known.has(name)) problems.push(`Unknown option "${name}".`);
  // Workspace files are the tool's own options: the tool turns them into files once it knows the workspace.
  const converted = draftFromOptions(Object.fromEntries(Object.entries(input).filter(([name]) => !(TOOL_FILE_OPTIONS as readonly string[]).includes(name))));
  return { draft: converted.draft, problems: [...problems, ...converted.problems.map((p) => p.message)] };
}
