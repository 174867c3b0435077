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
/** Faster than this (viewports per second) is a fling: images wait until it slows down. */
const FLING_VIEWPORTS_PER_SECOND = 3;
/** How often a waiting image checks whether the fling is over. */
const FLING_CHECK_MS = 80;

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
  /** Images near the viewport whose URL waits for a fling to end. */
  private readonly waiting = new Set<HTMLImageElement>();
  private flingTimer: number | undefined;
  private lastScroll = { top: 0, at: 0, speed: 0 };

  constructor(
    private readonly scroller: HTMLElement,
    private readonly content: HTMLElement,
    private readonly renderer: RowRenderer,
  ) {
    this.observer = new IntersectionObserver((entries) => this.reveal(entries), { root: scroller, rootMargin: LAZY_MARGIN });
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
    this.measureSpeed(viewport);
    const scrollTop = this.scroller.scrollTop;
    const top = scrollTop - viewport * OVERSCAN;
    const bottom = scrollTop + viewport * (1 + OVERSCAN);
    // Rows already on screen get their images now, not a frame later from the IntersectionObserver.
    const loadNow = !this.flinging;
    const firstScreen = this.rendered.size === 0;
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
        const onScreen = loadNow && row.top < scrollTop + viewport && row.top + row.height > scrollTop;
        for (const img of element.querySelectorAll<HTMLImageElement>('img[data-lazy]')) {
          if (onScreen) this.load(img, firstScreen);
          else this.observer.observe(img);
        }
      }
      element.style.transform = `translateY(${row.top}px)`;
      element.style.height = `${row.height}px`;
    }
    return range;
  }

  /** Scroll speed in viewports per second, smoothed over the last updates. */
  private measureSpeed(viewport: number): void {
    const now = performance.now();
    const top = this.scroller.scrollTop;
    const elapsed = now - this.lastScroll.at;
    const speed = elapsed > 0 && elapsed < 500 ? (Math.abs(top - this.lastScroll.top) / viewport) * (1000 / elapsed) : 0;
    this.lastScroll = { top, at: now, speed: (this.lastScroll.speed + speed) / 2 };
  }

  private get flinging(): boolean {
    return performance.now() - this.lastScroll.at < FLING_CHECK_MS && this.lastScroll.speed > FLING_VIEWPORTS_PER_SECOND;
  }

  private reveal(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const img = entry.target as HTMLImageElement;
      if (entry.isIntersecting) this.waiting.add(img);
      else this.waiting.delete(img);
    }
    this.loadWaiting();
  }

  /** Gives the waiting images their URL, unless a fling would make them useless a frame later. */
  private loadWaiting(): void {
    if (this.flinging) {
      this.flingTimer ??= window.setTimeout(() => {
        this.flingTimer = undefined;
        this.loadWaiting();
      }, FLING_CHECK_MS);
      return;
    }
    for (const img of this.waiting) {
      this.observer.unobserve(img);
      if (img.isConnected) this.load(img, false);
    }
    this.waiting.clear();
  }

  /** Gives an image its URL; the first screen's images go before anything else the page fetches. */
  private load(img: HTMLImageElement, urgent: boolean): void {
    const url = lazySources.get(img);
    if (urgent) img.fetchPriority = 'high';
    if (url) img.src = url;
    delete img.dataset.lazy;
  }

  private remove(key: string): void {
    const element = this.rendered.get(key);
    if (!element) return;
    this.rendered.delete(key);
    for (const img of element.querySelectorAll('img')) {
      this.observer.unobserve(img);
      this.waiting.delete(img);
      // Detaching alone does not always stop a download; clearing src does.
      if (!img.complete) img.removeAttribute('src');
    }
    element.remove();
  }

  dispose(): void {
    this.observer.disconnect();
    if (this.flingTimer !== undefined) clearTimeout(this.flingTimer);
  }
}
