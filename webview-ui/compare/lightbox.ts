// One cell's image large: ← → across cells, ↑ ↓ across its images, + − zoom, Esc; save, copy, like, use.
import { el, iconButton } from '../common/dom';
import { STATUS_TEXT } from './cells';
import { likeButton } from './cell';
import type { CompareContext } from './context';

export class CellLightbox {
  readonly element = el('div', { className: 'lightbox', attrs: { hidden: '', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Image' } });
  /** The cell shown and which of its images; null while closed. */
  private shown: { index: number; image: number } | null = null;

  constructor(private readonly ctx: CompareContext) {
    this.element.addEventListener('click', (event) => this.onClick(event));
  }

  get isOpen(): boolean {
    return this.shown !== null;
  }

  /** The cell shown, if open. */
  get cellIndex(): number | undefined {
    return this.shown?.index;
  }

  open(index: number, image: number): void {
    this.shown = { index, image };
    this.element.hidden = false;
    this.render();
    this.element.querySelector<HTMLElement>('[data-action="close"]')?.focus();
  }

  close(): void {
    const index = this.shown?.index;
    this.shown = null;
    this.element.hidden = true;
    this.element.replaceChildren();
    if (index !== undefined) this.ctx.grid.focusCell(index);
  }

  /** Draws the shown image again (its cell changed, or another image or cell is shown). */
  render(): void {
    const box = this.shown;
    if (!box) return;
    const cell = this.ctx.cells[box.index];
    const count = cell.images.length;
    const image = count > 0 ? Math.min(box.image, count - 1) : 0;
    box.image = image;
    const url = cell.images[image];
    const coords = this.ctx.axes.map((axis, i) => `${axis.label}: ${axis.values[cell.coords[i]] ?? ''}`).join(' · ');
    const picture = url
      ? el('img', { className: 'lightbox-image', attrs: { alt: `${coords}, image ${image + 1} of ${count}`, src: url, draggable: 'false' } })
      : el('div', { className: 'lightbox-empty', text: cell.error ?? (STATUS_TEXT[cell.status] || 'No image yet') });
    const toolbar = el(
      'div',
      { className: 'lightbox-toolbar' },
      el('span', { className: 'lightbox-caption', text: `${coords}${count ? ` — image ${image + 1} of ${count}` : ''}` }),
      el('span', { className: 'spacer' }),
      url ? iconButton('save', 'Save to workspace', 'save') : null,
      url ? iconButton('markdown', 'Copy as Markdown', 'copyMarkdown') : null,
      cell.promptId !== null ? likeButton(cell) : null,
      iconButton('edit', 'Use these settings', 'useSettings'),
      iconButton('zoom-in', 'Actual size', 'zoom'),
      iconButton('close', 'Close (Escape)', 'close'),
    );
    this.element.replaceChildren(
      toolbar,
      el('div', { className: 'lightbox-stage' }, iconButton('chevron-left', 'Previous cell (←)', 'prev'), picture, iconButton('chevron-right', 'Next cell (→)', 'next')),
    );
  }

  onKey(event: KeyboardEvent): void {
    const box = this.shown;
    if (!box) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      this.close();
    } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault();
      this.move(event.key === 'ArrowLeft' ? -1 : 1);
    } else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      const count = this.ctx.cells[box.index].images.length;
      if (count > 0) {
        box.image = (box.image + (event.key === 'ArrowDown' ? 1 : -1) + count) % count;
        this.render();
      }
    } else if (event.key === '+' || event.key === '=' || event.key === '-') {
      this.element.classList.toggle('actual-size', event.key !== '-');
    }
  }

  private onClick(event: MouseEvent): void {
    const box = this.shown;
    const action = (event.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset.action;
    if (!box || !action) return;
    switch (action) {
      case 'close':
        return this.close();
      case 'prev':
      case 'next':
        return this.move(action === 'prev' ? -1 : 1);
      case 'zoom':
        this.element.classList.toggle('actual-size');
        return;
      case 'like':
      case 'unlike':
        void this.ctx.setLiked(box.index, action === 'like');
        return;
      case 'save':
      case 'copyMarkdown':
      case 'useSettings':
        void this.ctx.cellAction(box.index, box.image, action);
        return;
    }
  }

  /** The previous (-1) or next (1) cell of the shown tab, the same image index. */
  private move(delta: number): void {
    const box = this.shown;
    if (!box) return;
    const next = this.ctx.grid.step(box.index, delta);
    if (next === undefined) return;
    this.shown = { index: next, image: box.image };
    this.render();
  }
}
