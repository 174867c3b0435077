import * as vscode from 'vscode';

/**
 * Modal questions, in one replaceable place: the integration suite answers them through the
 * extension's exported API, since a test cannot click a modal dialog.
 */
export const dialogs = {
  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  },
};

export type Dialogs = typeof dialogs;
