// The line below the grid: Loading…, a load error with Retry (and Set API Key when no key is set), what a
// server cannot do, End of gallery, or what a filter searched. Its buttons are defined in elements.ts.
import { el, formatNumber, icon } from '../common/dom';
import { NO_FILTERS } from '../../src/shared/gallery';
import { errorMessage } from '../../src/shared/errorMessage';
import type { ResponseRemedy } from '../../src/shared/rpc';
import type { GalleryContext } from './context';

type FooterAction = 'retry' | 'more' | 'clear-filters' | 'set-key';

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
      } else if (action === 'set-key') {
        void this.setKey();
      }
    });
  }

  render(): void {
    const { store, pages } = this.ctx;
    const top = this.ctx.grid.layout?.height ?? 0;
    this.element.style.transform = `translateY(${top}px)`;
    if (pages.loadError) {
      this.renderError(pages.loadError, pages.loadErrorRemedy);
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

  /**
   * A load that failed: Retry, and Set API Key first when there is no key (or it was refused); when this
   * server cannot do it at all (Favorites without likes) the reason alone, as information: Retry could not help.
   */
  private renderError(message: string, remedy: ResponseRemedy | undefined): void {
    if (remedy === 'none') {
      this.element.replaceChildren(el('span', { className: 'unsupported-text' }, icon('info'), el('span', { text: ` ${message}` })));
      return;
    }
    const buttons = remedy === 'setKey' ? [footerButton('Set API Key', 'set-key', false), footerButton('Retry', 'retry', true)] : [footerButton('Retry', 'retry', true)];
    this.element.replaceChildren(el('span', { className: 'error-text' }, icon('error'), el('span', { text: ` ${message}` })), ...buttons);
  }

  /** Set API Key (the host asks for it, as the command does); once a key is stored, the page is asked for again. */
  private async setKey(): Promise<void> {
    try {
      const { saved } = await this.ctx.host.request('setApiKey', {});
      if (!saved) return;
      this.ctx.pages.loadError = undefined;
      this.ctx.pages.loadErrorRemedy = undefined;
      void this.ctx.pages.loadNextPage();
    } catch (error) {
      this.ctx.toast(errorMessage(error), true);
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
