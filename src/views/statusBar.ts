import * as vscode from 'vscode';
import type { StatusPoller } from '../jobs/statusPoller';

/** "2 training · 1 generating" while anything is in flight; hidden otherwise. Click reveals the view. */
export class InFlightStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tuneStudio.inFlight', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly poller: StatusPoller) {
    this.item.name = 'Tune Studio: Work in Progress';
    this.item.command = 'tuneStudio.tunes.focus';
    this.subscription = poller.onDidChangePending(() => this.update());
    this.update();
  }

  get text(): string | undefined {
    return this.item.text || undefined;
  }

  /** The tooltip's text (tests read what a hover shows). */
  get tooltipText(): string | undefined {
    const tooltip = this.item.tooltip;
    return typeof tooltip === 'string' ? tooltip : tooltip?.value;
  }

  private update(): void {
    const training = this.poller.trainingCount;
    const generating = this.poller.generatingCount;
    if (!training && !generating) {
      this.item.text = '';
      this.item.hide();
      return;
    }
    const failure = this.poller.lastFailure;
    const parts = [training ? `${training} training` : undefined, generating ? `${generating} generating` : undefined].filter(Boolean);
    this.item.text = failure ? `$(warning) ${parts.join(' · ')} · status checks failing` : `$(sync~spin) ${parts.join(' · ')}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.isTrusted = { enabledCommands: ['tuneStudio.tunes.focus'] };
    tooltip.appendMarkdown(`**Tune Studio**\n\n`);
    if (failure) tooltip.appendText(`The last status check failed: ${failure} Tune Studio keeps checking.\n\n`);
    if (training) tooltip.appendMarkdown(`$(loading~spin) ${training} tune${training === 1 ? '' : 's'} pending or training\n\n`);
    if (generating) tooltip.appendMarkdown(`$(file-media) ${generating} prompt${generating === 1 ? '' : 's'} generating images\n\n`);
    tooltip.appendMarkdown('[Show the Tunes view](command:tuneStudio.tunes.focus)');
    this.item.tooltip = tooltip;
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
