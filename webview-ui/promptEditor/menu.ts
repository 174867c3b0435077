// A small drop-down menu anchored to a button: keyboard friendly (arrows, Home/End, Enter, Escape),
// closes on outside clicks, and its items are filled when it opens (they often come from the host).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { el, icon } from '../common/dom';
import { errorMessage } from '../../src/shared/errorMessage';

export interface MenuItem {
  label: string;
  /** Secondary text on the right (a kind, a date). */
  description?: string;
  title?: string;
  run(): void;
  /** An extra icon button at the end of the row (e.g. delete a preset). */
  secondary?: { icon: string; label: string; run(): void };
}

export type MenuContent = MenuItem | { separator: true } | { note: string } | { custom: HTMLElement };

export interface PopupMenuOptions {
  label: string;
  iconName: string;
  /** Items to show; may be async (the menu shows "Loading…" meanwhile). */
  items(): MenuContent[] | Promise<MenuContent[]>;
  /** A filter box above the items. */
  filterable?: boolean;
  className?: string;
}

export class PopupMenu {
  readonly element: HTMLElement;
  readonly button: HTMLElement;
  private readonly panel: HTMLElement;
  private readonly list: HTMLElement;
  private readonly filter: HTMLInputElement | undefined;
  private open = false;
  private generation = 0;
  private content: MenuContent[] = [];

  constructor(private readonly options: PopupMenuOptions) {
    const id = `menu-${options.label.replace(/\W+/g, '-').toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`;
    this.button = el('vscode-button', { attrs: { secondary: '', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-controls': id } }, icon(options.iconName), el('span', { text: ` ${options.label}` }), icon('chevron-down'));
    this.button.addEventListener('click', () => (this.open ? this.close(true) : void this.show()));
    this.list = el('div', { className: 'menu-items', attrs: { role: 'menu', 'aria-label': options.label } });
    if (options.filterable) {
      this.filter = el('input', { className: 'menu-filter', attrs: { type: 'search', placeholder: 'Filter…', 'aria-label': `Filter ${options.label}` } });
      this.filter.addEventListener('input', () => this.renderItems());
    }
    this.panel = el('div', { className: 'menu-panel', attrs: { id, hidden: '' } }, this.filter, this.list);
    this.panel.addEventListener('keydown', (event) => this.onKey(event));
    this.element = el('div', { className: `menu ${options.className ?? ''}`.trim() }, this.button, this.panel);
    document.addEventListener('mousedown', (event) => {
      if (this.open && !this.element.contains(event.target as Node)) this.close(false);
    });
  }

  async show(): Promise<void> {
    this.open = true;
    this.panel.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    const generation = ++this.generation;
    this.list.replaceChildren(el('div', { className: 'menu-note', text: 'Loading…' }));
    try {
      const content = await this.options.items();
      if (generation !== this.generation || !this.open) return;
      this.content = content;
    } catch (error) {
      if (generation !== this.generation) return;
      this.content = [{ note: errorMessage(error) }];
    }
    this.renderItems();
    if (this.filter) this.filter.focus();
    else this.items()[0]?.focus();
  }

  /** Re-reads the items while open (e.g. after "Load more…" or a delete). */
  async refresh(): Promise<void> {
    if (this.open) await this.show();
  }

  close(focusButton: boolean): void {
    this.open = false;
    this.generation++;
    this.panel.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (focusButton) this.button.focus();
  }

  private renderItems(): void {
    const query = this.filter?.value.trim().toLowerCase() ?? '';
    const rows: HTMLElement[] = [];
    for (const entry of this.content) {
      if ('separator' in entry) rows.push(el('div', { className: 'menu-separator', attrs: { role: 'separator' } }));
      else if ('note' in entry) rows.push(el('div', { className: 'menu-note', text: entry.note }));
      else if ('custom' in entry) rows.push(entry.custom);
      else if (!query || `${entry.label} ${entry.description ?? ''}`.toLowerCase().includes(query)) rows.push(this.renderItem(entry));
    }
    if (rows.length === 0) rows.push(el('div', { className: 'menu-note', text: 'Nothing here yet.' }));
    this.list.replaceChildren(...rows);
  }

  private renderItem(item: MenuItem): HTMLElement {
    const main = el(
      'button',
      { className: 'menu-item', title: item.title ?? item.label, attrs: { type: 'button', role: 'menuitem' } },
      el('span', { className: 'menu-label', text: item.label }),
      item.description ? el('span', { className: 'menu-description', text: item.description }) : null,
    );
    main.addEventListener('click', () => {
      this.close(true);
      item.run();
    });
    if (!item.secondary) return main;
    const secondary = item.secondary;
    const extra = el('button', { className: 'icon-button', title: secondary.label, attrs: { type: 'button', 'aria-label': `${secondary.label}: ${item.label}` } }, icon(secondary.icon));
    extra.addEventListener('click', (event) => {
      event.stopPropagation();
      secondary.run();
    });
    return el('div', { className: 'menu-row' }, main, extra);
  }

  private items(): HTMLElement[] {
    return [...this.list.querySelectorAll<HTMLElement>('button')];
  }

  private onKey(event: KeyboardEvent): void {
    const items = this.items();
    const index = items.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    switch (event.key) {
      case 'Escape':
        event.preventDefault();
        this.close(true);
        break;
      case 'ArrowDown':
        move(index + 1);
        break;
      case 'ArrowUp':
        move(index <= 0 ? items.length - 1 : index - 1);
        break;
      case 'Home':
        if (document.activeElement !== this.filter) move(0);
        break;
      case 'End':
        if (document.activeElement !== this.filter) move(items.length - 1);
        break;
    }
  }
}
