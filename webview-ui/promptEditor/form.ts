// Form controls of the prompt editor (vscode-elements), each bound to one draft field with its label,
// short hint and the place where its messages appear. Text only ever goes through textContent.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import type { VscodeRadioGroup } from '@vscode-elements/elements/dist/vscode-radio-group/vscode-radio-group.js';
import { el } from '../common/dom';
import type { DraftField } from '../../src/shared/prompt/draft';
import type { DraftIssue } from '../../src/shared/prompt/validation';

/** One control bound to one draft field. */
export interface FieldBinding {
  readonly field: DraftField;
  /** The whole block: label, control, hint, messages. */
  readonly container: HTMLElement;
  read(): string | boolean;
  write(value: string | boolean): void;
  setDisabled(disabled: boolean): void;
  setIssues(issues: readonly DraftIssue[]): void;
  focus(): void;
}

export type ChangeListener = (field: DraftField) => void;

let nextId = 0;
function controlId(field: DraftField): string {
  return `field-${field}-${++nextId}`;
}

function block(field: DraftField, label: string | null, hint: string | null, control: HTMLElement, id: string, className = ''): {
  container: HTMLElement;
  issues: HTMLElement;
} {
  const issues = el('ul', { className: 'issues', attrs: { 'aria-live': 'polite', id: `${id}-issues` } });
  const labelElement = label ? el('vscode-label', { text: label, attrs: { for: id } }) : null;
  const hintElement = hint ? el('div', { className: 'hint', text: hint, attrs: { id: `${id}-hint` } }) : null;
  const container = el('div', { className: `field ${className}`.trim(), data: { field } }, labelElement, control, hintElement, issues);
  return { container, issues };
}

function renderIssues(list: HTMLElement, issues: readonly DraftIssue[]): void {
  list.replaceChildren(
    ...issues.map((issue) =>
      el('li', { className: `issue ${issue.severity}`, text: issue.message, attrs: { role: issue.severity === 'error' ? 'alert' : 'status' } }),
    ),
  );
}

/** Disabling, issues and focus of a control that is one element with `disabled` and `invalid`. */
function controlState(
  element: HTMLElement & { disabled: boolean; invalid: boolean },
  container: HTMLElement,
  issues: HTMLElement,
): Pick<FieldBinding, 'setDisabled' | 'setIssues' | 'focus'> {
  return {
    setDisabled: (disabled) => {
      element.disabled = disabled;
      container.classList.toggle('disabled', disabled);
    },
    setIssues: (list) => {
      element.invalid = list.some((i) => i.severity === 'error');
      renderIssues(issues, list);
    },
    focus: () => element.focus(),
  };
}

export interface TextOptions {
  placeholder?: string;
  /** Numeric keyboard on touch devices; the value stays text so typos can be shown back. */
  numeric?: boolean;
  multiline?: number;
  monospace?: boolean;
  className?: string;
}

export function textControl(field: DraftField, label: string | null, hint: string | null, onChange: ChangeListener, options: TextOptions = {}): FieldBinding & { element: VscodeTextfield | VscodeTextarea } {
  const id = controlId(field);
  const element: VscodeTextfield | VscodeTextarea = options.multiline ? document.createElement('vscode-textarea') : document.createElement('vscode-textfield');
  element.id = id;
  element.setAttribute('data-field', field);
  if (options.placeholder) element.placeholder = options.placeholder;
  if (options.multiline && element instanceof HTMLElement && 'rows' in element) {
    (element as VscodeTextarea).rows = options.multiline;
    (element as VscodeTextarea).resize = 'vertical';
    if (options.monospace) (element as VscodeTextarea).monospace = true;
  }
  if (options.numeric) element.setAttribute('inputmode', 'decimal');
  element.addEventListener('input', () => onChange(field));
  const { container, issues } = block(field, label, hint, element, id, options.className);
  return {
    field,
    element,
    container,
    read: () => element.value,
    write: (value) => {
      if (element.value !== String(value)) element.value = String(value);
    },
    ...controlState(element, container, issues),
  };
}

export interface Choice {
  value: string;
  label: string;
}

export function selectControl(field: DraftField, label: string, hint: string | null, choices: readonly Choice[], onChange: ChangeListener, className?: string): FieldBinding {
  const id = controlId(field);
  const element: VscodeSingleSelect = document.createElement('vscode-single-select');
  element.id = id;
  element.setAttribute('data-field', field);
  for (const choice of choices) {
    const option = el('vscode-option', { text: choice.label, attrs: { value: choice.value } });
    element.append(option);
  }
  element.addEventListener('change', () => onChange(field));
  const { container, issues } = block(field, label, hint, element, id, className);
  return {
    field,
    container,
    read: () => element.value,
    write: (value) => {
      const text = String(value);
      // A value the list does not have (an old draft, a server value) is shown as an extra option, never lost.
      if (!choices.some((c) => c.value === text) && !element.querySelector(`vscode-option[data-extra="${CSS.escape(text)}"]`)) {
        element.append(el('vscode-option', { text: `${text} (unknown)`, attrs: { value: text }, data: { extra: text } }));
      }
      if (element.value !== text) element.value = text;
    },
    ...controlState(element, container, issues),
  };
}

export function checkboxControl(field: DraftField, label: string, hint: string | null, onChange: ChangeListener): FieldBinding {
  const id = controlId(field);
  const element: VscodeCheckbox = document.createElement('vscode-checkbox');
  element.id = id;
  element.setAttribute('data-field', field);
  element.label = label;
  element.addEventListener('change', () => onChange(field));
  const { container, issues } = block(field, null, hint, element, id, 'checkbox-field');
  return {
    field,
    container,
    read: () => element.checked,
    write: (value) => {
      if (element.checked !== (value === true)) element.checked = value === true;
    },
    ...controlState(element, container, issues),
  };
}

export function radioControl(field: DraftField, label: string, hint: string | null, choices: readonly Choice[], onChange: ChangeListener): FieldBinding {
  const id = controlId(field);
  const group: VscodeRadioGroup = document.createElement('vscode-radio-group');
  group.id = id;
  group.setAttribute('data-field', field);
  const radios = choices.map((choice) => {
    const radio = document.createElement('vscode-radio');
    radio.name = id;
    radio.value = choice.value;
    radio.label = choice.label;
    radio.setAttribute('data-value', choice.value);
    group.append(radio);
    return radio;
  });
  group.addEventListener('change', () => onChange(field));
  const { container, issues } = block(field, label, hint, group, id);
  return {
    field,
    container,
    read: () => radios.find((r) => r.checked)?.value ?? choices[0].value,
    write: (value) => {
      for (const radio of radios) radio.checked = radio.value === value;
    },
    setDisabled: (disabled) => {
      for (const radio of radios) radio.disabled = disabled;
      container.classList.toggle('disabled', disabled);
    },
    setIssues: (list) => renderIssues(issues, list),
    focus: () => (radios.find((r) => r.checked) ?? radios[0])?.focus(),
  };
}

/** Messages for a place that is not a field (the top of the form). */
export function issueList(className: string): { element: HTMLElement; show(issues: readonly DraftIssue[]): void } {
  const element = el('ul', { className: `issues ${className}`, attrs: { 'aria-live': 'polite' } });
  return { element, show: (issues) => renderIssues(element, issues) };
}
