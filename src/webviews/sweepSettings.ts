import * as vscode from 'vscode';
import { sweepSettingsFrom, type SweepSettings } from '../jobs/sweeps';

/** The sweep settings now (`tuneStudio.sweeps.maxPrompts`, `.concurrency`), each within its limits. */
export function readSweepSettings(): SweepSettings {
  const config = vscode.workspace.getConfiguration('tuneStudio');
  return sweepSettingsFrom((name) => config.get(name));
}
