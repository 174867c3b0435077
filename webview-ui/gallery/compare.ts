// A/B compare of two images: side by side, or one over the other with a slider that reveals the left
// image up to the handle. Zoom (Z: fit / actual size) applies to both, and in side-by-side mode at
// actual size, scrolling one pane scrolls the other to the same place. M switches mode, Esc closes.
import { el, icon } from '../common/dom';
import type { ImagePosition } from './store';

export type CompareMode = 'side' | 'slider';

export class Compare {
  readonly element: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly panes: [HTMLElement, HTMLElement];
  private readonly images: [HTMLImageElement, HTMLImageElement];
  private readonly labels: [HTMLElement, HTMLElement];
  private readonly slider: HTMLInputElement;
  private mode: CompareMode = 'side';
  private actualSize = false;
  private syncing = false;
  private returnFocus: HTMLElement | null = null;

  constructor(private readonly describe: (image: ImagePosition) => string) {
    const image = () => el('img', { className: 'compare-image', attrs: { alt: '', draggable: 'false' } });
    this.images = [image(), image()];
    this.labels = [el('span', { className: 'compare-label' }), el('span', { className: 'compare-label' })];
    this.panes = [
      el('div', { className: 'compare-pane a' }, this.images[0]),
      el('div', { className: 'compare-pane b' }, this.images[1]),
    ];
    this.slider = el('input', {
      className: 'compare-slider',
      attrs: { type: 'range', min: '0', max: '100', value: '50', 'aria-label': 'Reveal A up to' },
    });
    this.stage = el('div', { className: 'compare-stage side fit' }, ...this.panes, this.slider);
    const button = (action: string, iconName: string, label: string) =>
      el('button', { className: 'icon-button', title: label, attrs: { type: 'button', 'aria-label': label }, data: { compare: action } }, icon(iconName));
    const toolbar = el(
      'div',
      { className: 'lightbox-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Compare' } },
      el('span', { className: 'compare-title', text: 'Compare' }),
      el('span', { className: 'compare-labels' }, el('b', { text: 'A ' }), this.labels[0], el('b', { text: ' · B ' }), this.labels[1]),
      el('span', { className: 'spacer' }),
      button('mode', 'split-horizontal', 'Side by Side / Slider (M)'),
      button('zoom', 'screen-full', 'Actual Size / Fit, both (Z)'),
      button('close', 'close', 'Close (Esc)'),
    );
    this.element = el(
      'div',
      { className: 'compare', attrs: { role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Compare two images', tabindex: '-1' } },
      toolbar,
      this.stage,
    );
    this.element.hidden = true;
    this.element.addEventListener('click', (event) => {
      const action = (event.target as Element).closest<HTMLElement>('[data-compare]')?.dataset.compare;
      if (action === 'close') this.close();
      else if (action === 'mode') this.setMode(this.mode === 'side' ? 'slider' : 'side');
      else if (action === 'zoom') this.toggleZoom();
    });
    // On the document: the keys work wherever the focus went inside the page (the slider, a pane, the body).
    document.addEventListener('keydown', (event) => {
      if (this.isOpen) this.onKeyDown(event);
    });
    this.slider.addEventListener('input', () => this.applySlider());
    // Synced scrolling: whichever pane moves, the other follows (once, not back and forth).
    this.panes.forEach((pane, i) =>
      pane.addEventListener(
        'scroll',
        () => {
          if (this.syncing) return;
          this.syncing = true;
          const other = this.panes[1 - i];
          other.scrollLeft = pane.scrollLeft;
          other.scrollTop = pane.scrollTop;
          requestAnimationFrame(() => (this.syncing = false));
        },
        { passive: true },
      ),
    );
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  get currentMode(): CompareMode {
    return this.mode;
  }

  open(a: ImagePosition, b: ImagePosition): void {
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    [a, b].forEach((image, i) => {
      this.images[i].src = image.url;
      this.images[i].alt = this.describe(image);
      this.labels[i].textContent = this.describe(image);
    });
    this.element.hidden = false;
    this.setMode(this.mode);
    this.element.focus();
  }

  close(): void {
    if (!this.isOpen) return;
    this.element.hidden = true;
    for (const img of this.images) img.removeAttribute('src');
    this.returnFocus?.focus({ preventScroll: true });
  }

  private setMode(mode: CompareMode): void {
    this.mode = mode;
    this.stage.classList.toggle('side', mode === 'side');
    this.stage.classList.toggle('slider', mode === 'slider');
    this.slider.hidden = mode !== 'slider';
    this.applySlider();
  }

  /** Slider mode: A (on top) is shown from the left edge up to the handle, B beyond it. */
  private applySlider(): void {
    const value = Number(this.slider.value);
    this.panes[0].style.clipPath = this.mode === 'slider' ? `inset(0 ${100 - value}% 0 0)` : '';
  }

  private toggleZoom(): void {
    this.actualSize = !this.actualSize;
    this.stage.classList.toggle('fit', !this.actualSize);
    this.stage.classList.toggle('actual', this.actualSize);
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target === this.slider && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) return;
    switch (event.key) {
      case 'Escape':
        this.close();
        break;
      case 'm':
      case 'M':
        this.setMode(this.mode === 'side' ? 'slider' : 'side');
        break;
      case 'z':
      case 'Z':
        this.toggleZoom();
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }
}
