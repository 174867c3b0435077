// The editor's "Sweep" section: up to three axes of values over the current form, the grid size the
// host computes with the same rules (and the tune's state), and the button that asks once and runs it.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { VscodeCollapsible } from '@vscode-elements/elements/dist/vscode-collapsible/vscode-collapsible.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import { el, icon } from '../common/dom';
import { errorMessage } from '../../src/shared/errorMessage';
import { MAX_AXIS_VALUES, MAX_SWEEP_AXES, SWEEP_AXES, SWEEP_AXIS_KINDS, parseAxisValues, randomSeeds, referencedTunes, type SweepAxis, type SweepAxisKind } from '../../src/shared/sweep';
import type { EditorContext } from './context';

const PLAN_DELAY_MS = 300;

interface AxisRow {
  kind: SweepAxisKind;
  raw: string;
  referenceId: number | undefined;
  /** Values were typed here: from then on an empty row is an error, not a row still to fill in. */
  edited?: boolean;
}

export class SweepSection {
  readonly element: VscodeCollapsible;
  private rows: AxisRow[] = [{ kind: 'seed', raw: '', referenceId: undefined }];
  private readonly list = el('div', { className: 'sweep-axes' });
  private readonly summary = el('div', { className: 'sweep-summary', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly problems = el('ul', { className: 'issues sweep-problems', attrs: { 'aria-live': 'polite' } });
  private readonly runButton: HTMLElement;
  private readonly addButton: HTMLElement;
  private planTimer: number | undefined;
  private planGeneration = 0;
  private runnable = false;
  private running = false;

  constructor(private readonly ctx: EditorContext) {
    this.element = document.createElement('vscode-collapsible');
    this.element.heading = 'Sweep';
    this.element.description = 'a grid of prompts over up to three options';
    this.element.className = 'section sweep-section';
    this.addButton = el('vscode-button', { attrs: { secondary: '', 'data-action': 'add-axis' } }, icon('add'), el('span', { text: ' Add axis' }));
    this.addButton.addEventListener('click', () => {
      const used = new Set(this.rows.map((r) => r.kind));
      this.rows.push({ kind: SWEEP_AXIS_KINDS.find((k) => !used.has(k)) ?? 'seed', raw: '', referenceId: undefined });
      this.render();
      this.schedulePlan();
    });
    this.runButton = el('vscode-button', { attrs: { 'data-action': 'run-sweep' } }, icon('table'), el('span', { text: ' Sweep…' }));
    this.runButton.addEventListener('click', () => void this.run());
    this.element.append(
      el('div', { className: 'hint', text: 'Each axis takes a list of values (commas or spaces; one prompt text per line). Columns, rows, then tabs.' }),
      this.list,
      el('div', { className: 'sweep-actions' }, this.addButton, this.runButton, this.summary),
      this.problems,
    );
    this.element.addEventListener('vsc-collapsible-toggle', () => {
      if (this.element.open) void this.plan();
    });
    this.updateButton();
    this.render();
  }

  /** Opens the section, scrolls to it and focuses the first axis's values; true when it is open. */
  reveal(): boolean {
    if (!this.element.open) {
      this.element.open = true;
      void this.plan();
    }
    this.element.scrollIntoView({ block: 'start' });
    this.list.querySelector<HTMLElement>('.sweep-values')?.focus();
    return this.element.open;
  }

  /** The axes as typed, parsed. */
  axes(): SweepAxis[] {
    return this.rows.map((row) => ({
      kind: row.kind,
      values: parseAxisValues(row.kind, row.raw),
      ...(row.kind === 'weight' && row.referenceId !== undefined ? { referenceId: row.referenceId } : {}),
    }));
  }

  /** The form changed: the grid may have too (e.g. a reference was added to the text). */
  draftChanged(): void {
    if (this.rows.some((r) => r.kind === 'weight')) this.render();
    this.schedulePlan();
  }

  private render(): void {
    const references = referencedTunes(this.ctx.readDraft().text);
    this.list.replaceChildren(...this.rows.map((row, i) => this.renderRow(row, i, references)));
    this.addButton.hidden = this.rows.length >= MAX_SWEEP_AXES;
  }

  private renderRow(row: AxisRow, index: number, references: ReturnType<typeof referencedTunes>): HTMLElement {
    const kind = document.createElement('vscode-single-select') as VscodeSingleSelect;
    kind.setAttribute('aria-label', `Axis ${index + 1}`);
    kind.dataset.axis = String(index);
    kind.className = 'sweep-kind';
    for (const k of SWEEP_AXIS_KINDS) {
      const option = el('vscode-option', { text: SWEEP_AXES[k].label, attrs: { value: k } });
      if (k === row.kind) option.setAttribute('selected', '');
      kind.append(option);
    }
    kind.addEventListener('change', () => {
      row.kind = kind.value as SweepAxisKind;
      row.raw = '';
      row.referenceId = row.kind === 'weight' ? references[0]?.id : undefined;
      this.render();
      this.schedulePlan();
    });
    const choices = SWEEP_AXES[row.kind].choices;
    const values: VscodeTextfield | VscodeTextarea = row.kind === 'text' ? document.createElement('vscode-textarea') : document.createElement('vscode-textfield');
    values.className = 'sweep-values';
    values.dataset.axisValues = String(index);
    values.setAttribute('aria-label', `Values of axis ${index + 1}`);
    values.placeholder =
      row.kind === 'text' ? 'One prompt text per line' : choices ? choices.join(', ') : row.kind === 'weight' ? 'e.g. 0.6, 0.8, 1' : row.kind === 'seed' ? 'e.g. 1, 2, 3 (or N random)' : 'e.g. 3, 5, 7';
    if (row.kind === 'text') (values as VscodeTextarea).rows = 3;
    values.value = row.raw;
    values.addEventListener('input', () => {
      row.raw = values.value;
      row.edited = true;
      this.schedulePlan();
    });
    const extras: HTMLElement[] = [];
    if (row.kind === 'seed') {
      const count = document.createElement('vscode-textfield');
      count.className = 'sweep-seed-count';
      count.value = '4';
      count.setAttribute('inputmode', 'numeric');
      count.setAttribute('aria-label', 'How many random seeds');
      const random = el('vscode-button', { attrs: { secondary: '', 'data-action': 'random-seeds' }, title: 'Replace the values with this many random seeds' }, icon('refresh'), el('span', { text: ' random' }));
      random.addEventListener('click', () => {
        const n = Number(count.value);
        if (!Number.isInteger(n) || n < 1 || n > MAX_AXIS_VALUES) {
          this.showProblems([`Ask for 1 to ${MAX_AXIS_VALUES} random seeds.`], 'error');
          return;
        }
        const buffer = new Uint32Array(1);
        row.raw = randomSeeds(n, () => crypto.getRandomValues(buffer)[0] / 2 ** 32).join(', ');
        values.value = row.raw;
        this.schedulePlan();
      });
      extras.push(count, random);
    }
    if (row.kind === 'weight') {
      if (row.referenceId === undefined || !references.some((r) => r.id === row.referenceId)) row.referenceId = references[0]?.id;
      if (references.length === 0) {
        extras.push(el('span', { className: 'hint', text: 'Insert a <lora:ID:1> or <faceid:ID:1> into the text first.' }));
      } else {
        const which = document.createElement('vscode-single-select') as VscodeSingleSelect;
        which.setAttribute('aria-label', 'Which reference');
        for (const ref of references) {
          const option = el('vscode-option', { text: `<${ref.kind}:${ref.id}:…>`, attrs: { value: String(ref.id) } });
          if (ref.id === row.referenceId) option.setAttribute('selected', '');
          which.append(option);
        }
        which.addEventListener('change', () => {
          row.referenceId = Number(which.value);
          this.schedulePlan();
        });
        extras.push(which);
      }
    }
    const remove = el('button', { className: 'icon-button', title: 'Remove this axis', attrs: { type: 'button', 'aria-label': `Remove axis ${index + 1}`, 'data-action': 'remove-axis' } }, icon('close'));
    remove.addEventListener('click', () => {
      this.rows.splice(index, 1);
      this.render();
      this.schedulePlan();
    });
    const place = ['Columns', 'Rows', 'Tabs'][index] ?? '';
    return el('div', { className: 'sweep-axis', data: { axis: index } }, el('span', { className: 'sweep-place', text: place }), kind, values, ...extras, remove);
  }

  private schedulePlan(): void {
    if (this.planTimer) window.clearTimeout(this.planTimer);
    // Closed, nothing is shown: the host is asked when the section opens.
    if (!this.element.open) return;
    this.planTimer = window.setTimeout(() => void this.plan(), PLAN_DELAY_MS);
  }

  /** Asks the host for the grid size (it alone knows the tune's state and the referenced tunes'). */
  async plan(): Promise<void> {
    const generation = ++this.planGeneration;
    const axes = this.axes();
    if (axes.some((axis, i) => axis.values.length === 0 && !this.rows[i]?.edited)) {
      // A new axis waits for its values: a hint, not an error before anything was typed.
      this.summary.textContent = 'Add values to each axis to see the grid size.';
      this.showProblems([], 'error');
      this.runnable = false;
      this.updateButton();
      return;
    }
    try {
      const result = await this.ctx.host.request('planSweep', { draft: this.ctx.readDraft(), axes });
      if (generation !== this.planGeneration) return;
      if (result.ok) {
        const grid = [result.columns, result.rows, result.tabs].slice(0, this.rows.length).join(' × ');
        this.summary.textContent = `${grid} grid · ${result.prompts} prompt${result.prompts === 1 ? '' : 's'} · ${result.images} images`;
        this.showProblems(result.warnings, 'warning');
      } else {
        this.summary.textContent = '';
        this.showProblems(result.problems, 'error');
      }
      this.runnable = result.ok;
    } catch (error) {
      if (generation !== this.planGeneration) return;
      this.runnable = false;
      this.summary.textContent = '';
      this.showProblems([errorMessage(error)], 'error');
    }
    this.updateButton();
  }

  private showProblems(messages: readonly string[], severity: 'error' | 'warning'): void {
    this.problems.replaceChildren(...messages.map((message) => el('li', { className: `issue ${severity}`, text: message, attrs: { role: severity === 'error' ? 'alert' : 'status' } })));
  }

  private updateButton(): void {
    if (this.runnable && !this.running) this.runButton.removeAttribute('disabled');
    else this.runButton.setAttribute('disabled', '');
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.updateButton();
    try {
      const result = await this.ctx.host.request('runSweep', { draft: this.ctx.readDraft(), axes: this.axes() });
      if (result.status === 'started') this.ctx.showStatus(`Sweep started: ${result.prompts} prompts. The compare panel shows them as they finish.`);
      else if (result.status === 'refused') this.showProblems(result.problems, 'error');
    } catch (error) {
      this.ctx.showStatus(errorMessage(error), true);
    } finally {
      this.running = false;
      this.updateButton();
    }
  }
}
