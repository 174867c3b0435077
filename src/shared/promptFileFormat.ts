// Which files are prompt files, by name alone: light enough for activation (the parser is in promptFile.ts).
export type PromptFileFormat = 'yaml' | 'json';

export function promptFileFormat(fileName: string): PromptFileFormat | undefined {
  if (/\.astria\.ya?ml$/i.test(fileName)) return 'yaml';
  if (/\.astria\.json$/i.test(fileName)) return 'json';
  return undefined;
}
