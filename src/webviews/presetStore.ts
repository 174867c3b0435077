// The prompt editor's named presets, kept in globalState and shared by every open editor.
import * as vscode from 'vscode';
import type { PresetOptions } from '../shared/prompt/draft';
import type { PromptPreset } from '../shared/promptEditor';
import { errorMessage } from '../shared/errorMessage';
import { UserFacingError } from './panelHost';
import { PRESETS_STORAGE_KEY, deletePreset, normalizePresets, savePreset } from './promptEditorModel';

/** Named presets in globalState, shared by every editor; changes reach every open one. */
export class PresetStore {
  private readonly changed = new vscode.EventEmitter<PromptPreset[]>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  get all(): PromptPreset[] {
    return normalizePresets(this.state.get<unknown>(PRESETS_STORAGE_KEY));
  }

  async save(name: string, options: PresetOptions): Promise<PromptPreset[]> {
    let next: PromptPreset[];
    try {
      next = savePreset(this.all, name, options);
    } catch (error) {
      throw new UserFacingError(errorMessage(error));
    }
    await this.state.update(PRESETS_STORAGE_KEY, next);
    this.changed.fire(next);
    return next;
  }

  async delete(name: string): Promise<PromptPreset[]> {
    const next = deletePreset(this.all, name);
    await this.state.update(PRESETS_STORAGE_KEY, next);
    this.changed.fire(next);
    return next;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
