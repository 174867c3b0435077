import * as vscode from 'vscode';

/** The wizard's questions after a failed upload, replaceable by the integration suite (a test cannot click them). */
export class CreateTuneDialogs {
  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  }
  async tryAgain(message: string): Promise<boolean> {
    return (await vscode.window.showErrorMessage(message, 'Try Again')) === 'Try Again';
  }
}
