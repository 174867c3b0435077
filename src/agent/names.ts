/** The Language Model tools this extension contributes (package.json `languageModelTools`). */
export const TOOL_NAMES = [
  'tuneStudio_findTunes',
  'tuneStudio_getTune',
  'tuneStudio_listPrompts',
  'tuneStudio_generateImages',
  'tuneStudio_createTune',
  'tuneStudio_saveImage',
  'tuneStudio_insertImageMarkdown',
  'tuneStudio_open',
] as const;

export type ToolName = (typeof TOOL_NAMES)[number];
