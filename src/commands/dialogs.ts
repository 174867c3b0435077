import * as vscode from 'vscode';

/**
 * The commands' modal questions. One instance, made in extension.ts, is handed to the commands that ask;
 * the integration suite answers them on that instance through the extension's exported API, since a
 * test cannot click a modal dialog.
 */
export class Dialogs {
  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  }
  /** A modal with several answers; undefined = cancelled. */
  async choose<T extends string>(message: string, detail: string, actions: T[]): Promise<T | undefined> {
    return vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions);
  }
  /** The server did not say whether auto-extend is on: true = turn on, false = turn off, undefined = cancelled. */
  async chooseAutoExtend(title: string): Promise<boolean | undefined> {
    const choice = await vscode.window.showQuickPick(['Turn On', 'Turn Off'], {
      title: `Auto-extend for “${title}”`,
      placeHolder: 'Astria did not say whether auto-extend is on for this tune',
    });
    return choice === undefined ? undefined : choice === 'Turn On';
  }
}
