// The gallery's top bar: title, image and prompt counts, search, Liked Only, filters, tile size, refresh.
import { el, formatNumber } from '../common/dom';
import { toolbarButton } from '../common/toolbarButton';
import type { FilterBar } from './filterBar';
import type { GalleryStore } from './store';

export interface TopBarActions {
  refresh(): void;
  toggleFilters(): void;
  changeTileSize(step: 1 | -1): void;
}

export class TopBar {
  readonly element: HTMLElement;
  private readonly title = el('h1', { className: 'title' });
  private readonly summary = el('span', { className: 'summary', attrs: { 'aria-live': 'polite' } });

  constructor(filterBar: FilterBar, actions: TopBarActions) {
    this.element = el(
      'header',
      { className: 'topbar' },
      this.title,
      this.summary,
      el('span', { className: 'spacer' }),
      filterBar.searchField,
      filterBar.likedToggle,
      toolbarButton('filter', 'Filters', { toolbar: 'filters' }),
      toolbarButton('zoom-out', 'Smaller Tiles', { toolbar: 'smaller' }),
      toolbarButton('zoom-in', 'Larger Tiles', { toolbar: 'larger' }),
      toolbarButton('refresh', 'Refresh', { toolbar: 'refresh' }),
    );
    this.element.addEventListener('click', (event) => {
      const action = (event.target as Element).closest<HTMLElement>('[data-toolbar]')?.dataset.toolbar;
      if (action === 'refresh') actions.refresh();
      else if (action === 'filters') actions.toggleFilters();
      else if (action === 'smaller' || action === 'larger') actions.changeTileSize(action === 'larger' ? 1 : -1);
    });
  }

  /** The panel's title, also the document's. */
  setTitle(title: string): void {
    this.title.textContent = title;
    document.title = title;
  }

  /** "1,234+ images · 56+ prompts", or while filtering "12 of 1,234+ images match". */
  showCounts(store: GalleryStore): void {
    const images = store.imageCount;
    const prompts = store.prompts.length;
    const more = store.hasMore && store.loadedOnce ? '+' : '';
    if (store.filtered && store.loadedOnce) {
      const loaded = store.loadedImageCount;
      this.summary.textContent = `${formatNumber(images)} of ${formatNumber(loaded)}${more} image${loaded === 1 ? '' : 's'} match`;
      return;
    }
    this.summary.textContent = store.loadedOnce
      ? `${formatNumber(images)}${more} image${images === 1 ? '' : 's'} · ${formatNumber(prompts)}${more} prompt${prompts === 1 ? '' : 's'}`
      : '';
  }
}
