// What the create-tune wizard shows and is answered with: the steps, the screens and the UI they run on
// (QuickInput in VS Code, a scripted UI in tests). Plain TypeScript, no `vscode` import.
import type { Pack } from '../../api/astria/types';
import type { ImageSelection, SelectionVerdict } from '../../domain/trainingImages';
import type { PackChoice, TuneDraft } from './tuneOptions';

export type StepId =
  | 'pack'
  | 'title'
  | 'class'
  | 'model'
  | 'branch'
  | 'preset'
  | 'token'
  | 'options'
  | 'characteristics'
  | 'prompts'
  | 'callback'
  | 'summary';

export const STEP_ORDER: readonly StepId[] = ['pack', 'title', 'class', 'model', 'branch', 'preset', 'token', 'options', 'characteristics', 'prompts', 'callback', 'summary'];

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
  /** Starts a titled group (a separator line in a QuickPick). */
  group?: string;
  /** Checked when a multi-select pick opens. */
  picked?: boolean;
  /** Highlighted when the pick opens (the current answer). */
  active?: boolean;
  /** Stays listed whatever is typed in the filter box. */
  alwaysShow?: boolean;
}

/** Where a screen sits in the wizard. `screen` names sub-screens too, e.g. 'class.custom'. */
export interface ScreenFrame {
  step: StepId;
  screen: string;
  title: string;
  stepNumber: number;
  totalSteps: number;
  canGoBack: boolean;
}

export interface PickRequest<T> extends ScreenFrame {
  placeholder: string;
  items: PickItem<T>[];
}

export interface InputRequest extends ScreenFrame {
  prompt: string;
  placeholder?: string;
  value: string;
  /** The problem with a value, shown while typing; accepting is refused while there is one. */
  check: (value: string) => string | undefined;
}

/** `filterText` is what the user had typed into a pick's filter box when accepting. */
export type Answer<T> = { action: 'accept'; value: T; filterText?: string } | { action: 'back' } | { action: 'cancel' };

/** What the wizard needs from a user interface. */
export interface WizardUi {
  pick<T>(request: PickRequest<T>): Promise<Answer<T>>;
  pickMany<T>(request: PickRequest<T>): Promise<Answer<T[]>>;
  input(request: InputRequest): Promise<Answer<string>>;
}

export interface PackSource {
  list: readonly Pack[];
  /** The classes a pack supports (its detail knows prompts_per_class); falls back to the list's data. */
  classesOf(pack: Pack): Promise<string[]>;
}

export interface WizardContext {
  selection: ImageSelection;
  verdict: SelectionVerdict;
  /** Set for "Create Tune from Pack…". */
  packs?: PackSource;
  /** Shown at the top of the summary, e.g. Astria's words after a 422. */
  notices?: readonly string[];
}

export interface WizardResult {
  draft: TuneDraft;
  pack?: PackChoice;
}

/** What a row of the summary does when picked. */
export type SummaryAction =
  | { kind: 'create' }
  | { kind: 'back' }
  | { kind: 'cancel' }
  | { kind: 'edit'; step: StepId }
  | { kind: 'images' }
  | { kind: 'skipped' }
  | { kind: 'info' };
