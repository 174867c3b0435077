// What the form's parts (layout, menus, drop zone) need from the editor: its host connection, the state
// they read and write, and the few actions they trigger. PromptEditorApp implements it.
import type { HostConnection } from '../common/rpc';
import type { PromptDraft, DraftField } from '../../src/shared/prompt/draft';
import type { PromptEditorProtocol, PromptEditorTune, PromptEditorViewState, PromptPreset, ReferenceTune } from '../../src/shared/promptEditor';
import type { VscodeCollapsible } from '@vscode-elements/elements/dist/vscode-collapsible/vscode-collapsible.js';
import type { FieldBinding } from './form';
import type { PopupMenu } from './menu';

export interface EditorContext {
  readonly host: HostConnection<PromptEditorProtocol, PromptEditorViewState>;
  readonly tune: PromptEditorTune | null;
  readonly draft: PromptDraft;
  readonly bindings: Map<DraftField, FieldBinding>;
  /** Workspace-relative labels of chosen files, by URI. */
  readonly fileLabels: Record<string, string>;
  references: { tunes: ReferenceTune[]; nextCursor: number | null } | undefined;
  presets: PromptPreset[];
  readonly presetMenu: PopupMenu | undefined;
  readonly imageSection: VscodeCollapsible | undefined;
  readDraft(): PromptDraft;
  replaceDraft(draft: PromptDraft, message: string, fileLabels?: Record<string, string>): void;
  insertAtCursor(snippet: string): void;
  onFieldChanged(field: DraftField): void;
  showStatus(message: string, isError?: boolean): void;
}
