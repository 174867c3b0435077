// The "Get started with Tune Studio" walkthrough (package.json `contributes.walkthroughs`): its steps tick
// on what really happened, told to VS Code as context keys (`onContext:` completion events). The first
// step follows `tuneStudio.astria.hasKey` (auth/apiKeys.ts); the others follow the keys set here.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { isPromptFile } from './promptFiles/names';

/** The walkthrough's id in package.json; VS Code knows it as `<publisher>.<name>#getStarted`. */
export const WALKTHROUGH_ID = 'getStarted';

/** Context keys that tick the steps, set to true once it happened in this window (VS Code remembers a ticked step). */
export const WALKTHROUGH_KEYS = {
  tuneCreated: 'tuneStudio.walkthrough.tuneCreated',
  promptGenerated: 'tuneStudio.walkthrough.promptGenerated',
  galleryOpened: 'tuneStudio.walkthrough.galleryOpened',
  promptFileSaved: 'tuneStudio.walkthrough.promptFileSaved',
  agentAsked: 'tuneStudio.walkthrough.agentAsked',
} as const;

export type WalkthroughMilestone = keyof typeof WALKTHROUGH_KEYS;

export class WalkthroughProgress implements vscode.Disposable {
  private readonly reached = new Set<WalkthroughMilestone>();
  private readonly subscriptions: { dispose(): void }[] = [];
  private promptFileWatch: vscode.Disposable[];

  constructor(services: Services) {
    this.subscriptions.push(
      // A tune or a prompt made here, whoever made it (the wizard, a prompt file, the prompt editor, a sweep, the agent).
      services.changes.on(['tuneCreated'], () => this.reach('tuneCreated')),
      services.changes.on(['promptCreated'], () => this.reach('promptGenerated')),
    );
    // A prompt file saved from its editor, or a new one in the workspace (Save as Prompt File… writes it
    // with workspace.fs, then opens it). Followed until it happened once.
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.astria.{yaml,yml,json}', false, true, true);
    const saved = vscode.workspace.onDidSaveTextDocument((document) => {
      if (isPromptFile(document)) this.reach('promptFileSaved');
    });
    const created = watcher.onDidCreate(() => this.reach('promptFileSaved'));
    this.promptFileWatch = [saved, created, watcher];
  }

  /** Whether a milestone was reached in this window. */
  has(milestone: WalkthroughMilestone): boolean {
    return this.reached.has(milestone);
  }

  /** Says that a milestone was reached: its step in the walkthrough ticks. */
  reach(milestone: WalkthroughMilestone): void {
    if (this.reached.has(milestone)) return;
    this.reached.add(milestone);
    if (milestone === 'promptFileSaved') this.stopWatchingPromptFiles();
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_KEYS[milestone], true);
  }

  private stopWatchingPromptFiles(): void {
    for (const d of this.promptFileWatch.splice(0)) d.dispose();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.stopWatchingPromptFiles();
  }
}

/** "Tune Studio: Get Started": the walkthrough, opened on the Welcome page. */
export async function openWalkthrough(context: vscode.ExtensionContext): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false);
}
