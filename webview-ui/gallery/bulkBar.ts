// The bar that appears while images are selected: how many, and what can be done with all of them.
import { el, formatNumber } from '../common/dom';
import { toolbarButton } from '../common/toolbarButton';

export type BulkCommand = 'compare' | 'save' | 'copyMarkdown' | 'like' | 'unlike' | 'exportZip' | 'delete' | 'clear';

const COMMANDS: [command: BulkCommand, icon: string, label: string][] = [
  ['compare', 'split-horizontal', 'Compare the Two (A/B)'],
  ['save', 'save', 'Save to Workspace'],
  ['copyMarkdown', 'markdown', 'Copy as Markdown'],
  ['like', 'heart', 'Like'],
  ['unlike', 'heart-filled', 'Unlike'],
  ['exportZip', 'file-zip', 'Export as ZIP…'],
  ['delete', 'trash', 'Delete Prompts…'],
  ['clear', 'close', 'Clear Selection (Esc)'],
];

export class BulkBar {
  readonly element = el('div', { className: 'bulk-bar', attrs: { role: 'toolbar', 'aria-label': 'Selected images' } });
  private readonly count = el('span', { className: 'bulk-count', attrs: { 'aria-live': 'polite' } });

  private readonly compareButton: HTMLElement | undefined;

  constructor(run: (command: BulkCommand) => void) {
    this.element.hidden = true;
    this.element.append(this.count, el('span', { className: 'spacer' }));
    for (const [command, iconName, label] of COMMANDS) {
      const button = toolbarButton(iconName, label, { bulk: command });
      if (command === 'compare') this.compareButton = button;
      this.element.append(button);
    }
    this.element.addEventListener('click', (event) => {
      const command = (event.target as Element).closest<HTMLElement>('[data-bulk]')?.dataset.bulk as BulkCommand | undefined;
      if (command) run(command);
    });
  }

  show(selected: number): void {
    this.element.hidden = selected === 0;
    this.count.textContent = `${formatNumber(selected)} selected`;
    // Compare takes exactly two.
    if (this.compareButton) this.compareButton.hidden = selected !== 2;
  }
}
