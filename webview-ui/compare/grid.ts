// The sweep grid: tabs, labelled columns and rows, one element per cell, lazy images, the roving focus.
import { el } from '../common/dom';
import type { CompareCell } from '../../src/shared/compare';
import { cellsOfTab } from './cells';
import { renderCell } from './cell';
import type { CompareContext } from './context';

export class SweepGrid {
  readonly element = el('div', { className: 'grid', attrs: { role: 'grid' } });
  readonly scroller = el('div', { className: 'scroller' }, this.element);
  readonly tabs = el('div', { className: 'tabs', attrs: { role: 'tablist' } });
  /** The cell with the roving focus (index into the cells). */
  focused = 0;
  private readonly cellElements = new Map<number, HTMLElement>();
  /** Sets an image's source once it comes within 100 px of the viewport (loading="lazy" asks for far more). */
  private readonly lazy: IntersectionObserver;

  constructor(private readonly ctx: CompareContext) {
    this.lazy = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const img = entry.target as HTMLImageElement;
          if (!entry.isIntersecting || !img.dataset.src) continue;
          img.src = img.dataset.src;
          delete img.dataset.src;
          this.lazy.unobserve(img);
        }
      },
      { root: this.scroller, rootMargin: '100px' },
    );
    this.element.addEventListener('click', (event) => void this.onClick(event));
    this.element.addEventListener('focusin', (event) => {
      const cell = (event.target as HTMLElement).closest<HTMLElement>('.cell');
      if (cell) this.focused = Number(cell.dataset.index);
    });
  }

  /** How many cells and images are drawn (the host's didRender). */
  get drawn(): { cells: number; images: number } {
    return { cells: this.cellElements.size, images: this.element.querySelectorAll('img').length };
  }

  renderTabs(): void {
    const axes = this.ctx.axes;
    this.tabs.hidden = axes.length < 3;
    if (axes.length < 3) return this.tabs.replaceChildren();
    const third = axes[2];
    this.tabs.replaceChildren(
      el('span', { className: 'tabs-label', text: `${third.label}:` }),
      ...third.values.map((value, t) =>
        el('button', {
          className: `tab${t === this.ctx.tab ? ' selected' : ''}`,
          text: value,
          title: value,
          attrs: { type: 'button', role: 'tab', 'aria-selected': String(t === this.ctx.tab) },
          data: { tab: t },
        }),
      ),
    );
    for (const button of this.tabs.querySelectorAll<HTMLButtonElement>('button.tab')) {
      button.addEventListener('click', () => this.ctx.selectTab(Number(button.dataset.tab)));
    }
  }

  /** Draws the shown tab afresh: labels on every edge, every cell; the focus stays on its cell if shown. */
  render(): void {
    const axes = this.ctx.axes;
    const columnAxis = axes[0];
    const rowAxis = axes[1];
    const rows = this.visibleCells();
    for (const element of this.cellElements.values()) for (const img of element.querySelectorAll('img')) this.lazy.unobserve(img);
    this.cellElements.clear();
    const columns = columnAxis?.values.length ?? 1;
    this.element.style.gridTemplateColumns = `${rowAxis ? 'auto ' : ''}repeat(${columns}, var(--cell-width)) ${rowAxis ? 'auto' : ''}`.trim();
    this.element.setAttribute('aria-rowcount', String(rows.length + 2));
    this.element.setAttribute('aria-colcount', String(columns + (rowAxis ? 2 : 0)));
    // Which axis runs which way: a caption across the whole grid, so the row labels' column stays as narrow as
    // its values (in the corner it widened that column and pushed the right column out of an 853 px panel).
    const caption = rowAxis ? el('div', { className: 'axes-caption', text: `${rowAxis.label} ↓ · ${columnAxis.label} →` }) : null;
    const corner = (where: string) => (rowAxis ? el('div', { className: `corner ${where}` }) : null);
    const columnLabels = (where: string) =>
      (columnAxis?.values ?? []).map((value) => el('div', { className: `column-label ${where}`, text: value, title: `${columnAxis.label}: ${value}`, attrs: { role: 'columnheader' } }));
    const children: (HTMLElement | null)[] = [caption, corner('top'), ...columnLabels('top'), rowAxis ? el('div', { className: 'corner top-right' }) : null];
    if (!rowAxis && columnAxis) {
      this.element.classList.add('single-axis');
    }
    rows.forEach((row, r) => {
      const label = rowAxis?.values[r] ?? '';
      if (rowAxis) children.push(el('div', { className: 'row-label left', text: label, title: `${rowAxis.label}: ${label}`, attrs: { role: 'rowheader' } }));
      for (const cell of row) {
        const element = renderCell(cell, this.ctx, this.lazy);
        this.cellElements.set(cell.index, element);
        children.push(element);
      }
      if (rowAxis) children.push(el('div', { className: 'row-label right', text: label, title: `${rowAxis.label}: ${label}`, attrs: { 'aria-hidden': 'true' } }));
    });
    children.push(corner('bottom'), ...columnLabels('bottom').map((e) => (e.setAttribute('aria-hidden', 'true'), e)), rowAxis ? el('div', { className: 'corner bottom-right' }) : null);
    this.element.replaceChildren(...children.filter((c): c is HTMLElement => c !== null));
    const first = rows[0]?.[0];
    const keep = this.cellElements.get(this.focused) ?? (first ? this.cellElements.get(first.index) : undefined);
    if (keep) {
      keep.tabIndex = 0;
      this.focused = Number(keep.dataset.index);
    }
  }

  /** A cell changed: its element (if shown) is drawn again in place, keeping the focus. */
  replaceCell(cell: CompareCell): void {
    const existing = this.cellElements.get(cell.index);
    if (!existing) return;
    for (const img of existing.querySelectorAll('img')) this.lazy.unobserve(img);
    const fresh = renderCell(cell, this.ctx, this.lazy);
    existing.replaceWith(fresh);
    this.cellElements.set(cell.index, fresh);
    if (document.activeElement === existing || this.focused === cell.index) fresh.tabIndex = 0;
  }

  focusCell(index: number): void {
    const next = this.cellElements.get(index);
    if (!next) return;
    for (const element of this.cellElements.values()) element.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
    this.focused = index;
  }

  /** Moves the focus `dx` columns and `dy` rows within the shown tab, if there is a cell there. */
  moveFocus(dx: number, dy: number): void {
    const rows = this.visibleCells();
    for (let r = 0; r < rows.length; r++) {
      const c = rows[r].findIndex((cell) => cell.index === this.focused);
      if (c < 0) continue;
      const next = rows[r + dy]?.[c + dx]?.index;
      if (next !== undefined) this.focusCell(next);
      return;
    }
  }

  /** The next cell in reading order across the shown tab (for the lightbox's ← →). */
  step(index: number, delta: number): number | undefined {
    const order = this.visibleCells().flat().map((cell) => cell.index);
    const at = order.indexOf(index);
    return at < 0 ? undefined : order[at + delta];
  }

  private visibleCells(): CompareCell[][] {
    return cellsOfTab(this.ctx.axes, this.ctx.cells, this.ctx.tab);
  }

  private async onClick(event: MouseEvent): Promise<void> {
    const target = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
    const cellElement = (event.target as HTMLElement).closest<HTMLElement>('.cell');
    if (!target || !cellElement) return;
    const index = Number(cellElement.dataset.index);
    this.focusCell(index);
    const action = target.dataset.action;
    if (action === 'open') this.ctx.lightbox.open(index, Number(target.dataset.image ?? 0));
    else if (action === 'like' || action === 'unlike') await this.ctx.setLiked(index, action === 'like');
    else if (action === 'useSettings') await this.ctx.cellAction(index, 0, 'useSettings');
  }
}
