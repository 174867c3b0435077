// Which documents are prompt files (by name: *.astria.yaml / *.astria.yml / *.astria.json, whatever
// language the editor gives them). Light: activation imports it; the machinery loads on first use.
import * as vscode from 'vscode';
import { promptFileFormat } from '../../shared/promptFileFormat';

export const PROMPT_FILE_SELECTOR: vscode.DocumentSelector = [{ pattern: '**/*.astria.{yaml,yml,json}' }];

export function isPromptFile(document: { readonly fileName: string }): boolean {
  return promptFileFormat(document.fileName) !== undefined;
}

/** The prompt file commands (CodeLenses and the palette). */
export const COMMANDS = {
  generate: 'tuneStudio.promptFile.generate',
  generateAll: 'tuneStudio.promptFile.generateAll',
  openInPromptEditor: 'tuneStudio.promptFile.openInPromptEditor',
  sweep: 'tuneStudio.promptFile.sweep',
  openGallery: 'tuneStudio.promptFile.openGallery',
} as const;

/** The questions Generate asks, replaceable by the integration suite (a test cannot click a modal). */
export class PromptFileDialogs {
  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  }
}
