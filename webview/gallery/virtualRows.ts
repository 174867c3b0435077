// Keeps only the rows near the viewport in the DOM (absolutely placed in a spacer of the full height),
// and gives images their URL only when they come near the viewport.
import { rowsBetween, type GalleryLayout, type LayoutRow } from './layout';

export interface RowRenderer {
  /** Same key = same content: the element is kept and only moved. */
  key(row: LayoutRow): string;
  render(row: LayoutRow): HTMLElement;
}

/** How far beyond the viewport rows exist (in viewports); images load only within LAZY_MARGIN. */
const OVERSCAN = 0.75;
const LAZY_MARGIN = '25% 0px';

/** Where an image's URL waits until it is near the viewport. */
const lazySources = new WeakMap<HTMLImageElement, string>();

/** Marks an image to be loaded when it nears the viewport (its src stays unset until then). */
export function setLazySource(img: HTMLImageElement, url: string): void {
  lazySources.set(img, url);
  img.dataset.lazy = '';
}

export class VirtualRows {
  private layout: GalleryLayout | undefined;
  private readonly rendered = new Map<string, HTMLElement>();
  private readonly observer: IntersectionObserver;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly content: HTMLElement,
    private readonly renderer: RowRenderer,
  ) {
    this.observer = new IntersectionObserver((entries) => this.reveal(entries), { root: scroller, rootMargin: LAZY_MARGIN });
  }

  get renderedRowCount(): number {
    return this.rendered.size;
  }

  /** Rows currently in the DOM, by key. */
  rowElement(key: string): HTMLElement | undefined {
    return this.rendered.get(key);
  }

  setLayout(layout: GalleryLayout, extraHeight: number): void {
    this.layout = layout;
    this.content.style.height = `${layout.height + extraHeight}px`;
  }

  /** Drops every row so the next update draws them afresh (e.g. capabilities changed). */
  redrawAll(): void {
    for (const key of [...this.rendered.keys()]) this.remove(key);
  }

  /** Draws the rows near the viewport and removes the others. Returns the index range drawn. */
  update(): { start: number; end: number } {
    const layout = this.layout;
    if (!layout) return { start: 0, end: 0 };
    const viewport = this.scroller.clientHeight || window.innerHeight;
    const top = this.scroller.scrollTop - viewport * OVERSCAN;
    const bottom = this.scroller.scrollTop + viewport * (1 + OVERSCAN);
    const range = rowsBetween(layout, top, bottom);
    const wanted = new Map<string, LayoutRow>();
    for (let i = range.start; i < range.end; i++) {
      const row = layout.rows[i];
      wanted.set(this.renderer.key(row), row);
    }
    for (const key of [...this.rendered.keys()]) if (!wanted.has(key)) this.remove(key);
    for (const [key, row] of wanted) {
      let element = this.rendered.get(key);
      if (!element) {
        element = this.renderer.render(row);
        element.classList.add('row');
        this.rendered.set(key, element);
        this.content.append(element);
        for (const img of element.querySelectorAll<HTMLImageElement>('img[data-lazy]')) this.observer.observe(img);
      }
      element.style.transform = `translateY(${row.top}px)`;
      element.style.height = `${row.height}px`;
    }
    return range;
  }

  private reveal(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const img = entry.target as HTMLImageElement;
      this.observer.unobserve(img);
      const url = lazySources.get(img);
      if (url) img.src = url;
      delete img.dataset.lazy;
    }
  }

  private remove(key: string): void {
    const element = this.rendered.get(key);
    if (!element) return;
    this.rendered.delete(key);
    for (const img of element.querySelectorAll('img')) {
      this.observer.unobserve(img);
      // Detaching alone does not always stop a download; clearing src does.
      if (!img.complete) img.removeAttribute('src');
    }
    element.remove();
  }

  dispose(): void {
    this.observer.disconnect();
  }
}
