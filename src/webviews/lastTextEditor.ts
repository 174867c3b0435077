import * as vscode from 'vscode';

/** Schemes of editors a user can type into (not output channels, not the debug console). */
const INSERTABLE_SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-userdata', 'vscode-notebook-cell']);

/**
 * The text editor the user was last in. While a webview has focus `activeTextEditor` is undefined,
 * so "Insert at cursor" needs to remember where the cursor was.
 */
export class LastTextEditor implements vscode.Disposable {
  private document: vscode.TextDocument | undefined;
  private column: vscode.ViewColumn | undefined;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.remember(vscode.window.activeTextEditor);
    this.subscription = vscode.window.onDidChangeActiveTextEditor((editor) => this.remember(editor));
  }

  private remember(editor: vscode.TextEditor | undefined): void {
    if (!editor || !INSERTABLE_SCHEMES.has(editor.document.uri.scheme)) return;
    this.document = editor.document;
    this.column = editor.viewColumn;
  }

  /** The editor to insert into: the last one used if its document is still open, else a visible one. */
  async editor(): Promise<vscode.TextEditor | undefined> {
    const visible = vscode.window.visibleTextEditors.filter((e) => INSERTABLE_SCHEMES.has(e.document.uri.scheme));
    const doc = this.document;
    if (doc && !doc.isClosed) {
      const shown = visible.find((e) => e.document === doc);
      if (shown) return shown;
      return vscode.window.showTextDocument(doc, { viewColumn: this.column, preserveFocus: true, preview: false });
    }
    return visible[0];
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
