// The line below the grid: Loading…, a load error with Retry, End of gallery, or what a filter searched.
import { el, formatNumber, icon } from '../common/dom';
import { NO_FILTERS } from '../../src/shared/gallery';
import type { GalleryContext } from './context';

type FooterAction = 'retry' | 'more' | 'clear-filters';

function footerButton(label: string, action: FooterAction, secondary: boolean): HTMLElement {
  const button = document.createElement('vscode-button');
  button.secondary = secondary;
  button.textContent = label;
  button.dataset.footer = action;
  return button;
}

export class GridFooter {
  readonly element = el('div', { className: 'footer' });

  constructor(private readonly ctx: GalleryContext) {
    this.element.addEventListener('click', (event) => {
      const action = (event.target as Element).closest<HTMLElement>('[data-footer]')?.dataset.footer as FooterAction | undefined;
      if (action === 'retry') {
        this.ctx.pages.loadError = undefined;
        void this.ctx.pages.loadNextPage();
      } else if (action === 'more') {
        void this.ctx.pages.loadNextPage();
      } else if (action === 'clear-filters') {
        this.ctx.setFilters({ ...NO_FILTERS });
      }
    });
  }

  render(): void {
    const { store, pages } = this.ctx;
    const top = this.ctx.grid.layout?.height ?? 0;
    this.element.style.transform = `translateY(${top}px)`;
    if (pages.loadError) {
      this.element.replaceChildren(el('span', { className: 'error-text' }, icon('error'), el('span', { text: ` ${pages.loadError}` })), footerButton('Retry', 'retry', true));
    } else if (pages.loading || !store.loadedOnce) {
      this.element.replaceChildren(el('span', {}, icon('loading', true), el('span', { text: ' Loading…' })));
    } else if (store.filtered) {
      this.renderFiltered();
    } else if (store.prompts.length === 0) {
      this.element.replaceChildren(el('span', { text: 'No images yet.' }));
    } else if (!store.hasMore) {
      this.element.replaceChildren(el('span', { className: 'end', text: 'End of gallery' }));
    } else {
      this.element.replaceChildren();
    }
  }

  /** While filtering: say what was searched (the loaded prompts only), offer more, and a way out when nothing matched. */
  private renderFiltered(): void {
    const { store, pages, filters } = this.ctx;
    const loaded = store.all.length;
    const onlyServer = pages.onlyServerFilter();
    let searched: string;
    if (pages.serverText) {
      searched = `Searched the server for “${pages.serverText}”${onlyServer ? '' : `; the other filters apply to the ${formatNumber(loaded)} results loaded`}.`;
    } else {
      const cannot = pages.serverTextIgnored && filters.text.trim() ? 'This server does not search prompt text: ' : '';
      searched = `${cannot}${cannot ? 'filtered' : 'Filtered'} the ${formatNumber(loaded)} loaded prompt${loaded === 1 ? '' : 's'}${store.hasMore ? '; more are on the server' : ''}.`;
    }
    const parts: Node[] = [];
    if (store.prompts.length === 0) parts.push(el('p', { className: 'no-match', text: 'No image matches these filters.' }));
    parts.push(el('span', { className: 'filtered-note', text: searched }));
    if (store.hasMore && !onlyServer) parts.push(footerButton('Load More', 'more', true));
    parts.push(footerButton('Clear Filters', 'clear-filters', store.prompts.length > 0));
    this.element.replaceChildren(...parts);
  }
}
