// The compare panel's top bar: title, progress, message, Only differences, zoom, Run missing, Cancel, Export.
// Its @vscode-elements components are defined after the first paint (elements.ts, loaded by ../compare.ts).
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import { el, icon } from '../common/dom';
import { TransientMessage } from '../common/transientMessage';
import { ZOOM_MAX, ZOOM_MIN, type CompareCell } from '../../src/shared/compare';
import { progress } from './cells';

export interface ToolbarActions {
  setDiffOnly(diffOnly: boolean): void;
  setZoom(zoom: number): void;
  runMissing(): void;
  cancel(): void;
  exportSheet(): void;
}

function textButton(action: string, iconName: string, label: string, title: string, run: () => void): HTMLElement {
  const button = el('vscode-button', { attrs: { secondary: '', 'data-action': action }, title }, icon(iconName), el('span', { text: ` ${label}` }));
  button.addEventListener('click', run);
  return button;
}

export class CompareToolbar {
  readonly element: HTMLElement;
  readonly message = new TransientMessage(el('span', { className: 'message', attrs: { role: 'status', 'aria-live': 'polite' } }), {
    showMs: 4_000,
    errorMs: 10_000,
    hideBy: 'text',
  });
  private readonly status = el('span', { className: 'status-line', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly runMissingButton: HTMLElement;
  private readonly cancelButton: HTMLElement;
  private readonly exportButton: HTMLElement;
  private readonly zoom: HTMLInputElement;

  constructor(title: string, options: { diffOnly: boolean; zoom: number }, actions: ToolbarActions) {
    this.runMissingButton = textButton('run-missing', 'play', 'Run missing', 'Create the prompts of the cells that have none', () => actions.runMissing());
    this.cancelButton = textButton('cancel', 'debug-stop', 'Cancel', 'Stop what has not started', () => actions.cancel());
    this.exportButton = textButton('export-sheet', 'file-media', 'Export contact sheet', 'A PNG of the grid with its labels, written into the workspace', () => actions.exportSheet());
    const diff = document.createElement('vscode-checkbox') as VscodeCheckbox;
    diff.label = 'Only differences';
    diff.checked = options.diffOnly;
    diff.dataset.action = 'diff-only';
    diff.title = 'Show only the options that differ between cells';
    diff.addEventListener('change', () => actions.setDiffOnly(diff.checked));
    this.zoom = el('input', { className: 'zoom', attrs: { type: 'range', min: String(ZOOM_MIN), max: String(ZOOM_MAX), step: '16', value: String(options.zoom), 'aria-label': 'Zoom' } });
    this.zoom.addEventListener('input', () => actions.setZoom(Number(this.zoom.value)));
    this.element = el(
      'header',
      { className: 'topbar' },
      el('h1', { className: 'title', text: title, title }),
      this.status,
      el('span', { className: 'spacer' }),
      this.message.element,
      diff,
      el('label', { className: 'zoom-label' }, icon('zoom-in'), this.zoom),
      this.runMissingButton,
      this.cancelButton,
      this.exportButton,
    );
  }

  /** The progress line, and Run missing or Cancel as fits. */
  showProgress(cells: readonly CompareCell[], running: boolean): void {
    const { text, missing } = progress(cells, running);
    this.status.textContent = text;
    this.runMissingButton.hidden = running || missing === 0;
    this.cancelButton.hidden = !running;
  }

  /** The slider follows a zoom set by the keyboard. */
  showZoom(zoom: number): void {
    if (Number(this.zoom.value) !== zoom) this.zoom.value = String(zoom);
  }

  /** Export is off while the sheet is drawn and sent. */
  setExporting(exporting: boolean): void {
    if (exporting) this.exportButton.setAttribute('disabled', '');
    else this.exportButton.removeAttribute('disabled');
  }
}
