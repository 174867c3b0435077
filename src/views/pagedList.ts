// One paged list of a tree (root tunes, a tune's prompts, Cartesia fine-tunes, a fine-tune's voices).
// It only asks its pager for the next page: how pages are requested is the API layer's business.
import type { Pager } from '../api/paging';
import { ErrorNode, LoadMoreNode, MessageNode, type ListView, type MessageRowOptions } from './listRows';

export interface PagedListOptions<R, T, P extends object> {
  pager: Pager<R>;
  /** The row for an item, or undefined to skip it (already shown elsewhere). */
  toItem: (raw: R) => T | undefined;
  /** False once the tree replaced this list (refresh): a page arriving afterwards is dropped. */
  isCurrent: () => boolean;
  view: ListView;
  parent: P | undefined;
  /** Stable id of the list for its trailing rows, e.g. "root" or "tune:42". */
  listKey: string;
  /** Shown when the list is complete and empty. */
  emptyMessage: string;
  /**
   * The last row when the server ignored paging (the list stopped after its first page and may be
   * incomplete); `shown` = items listed. Default: a generic sentence.
   */
  incompleteRow?: (shown: number) => { message: string } & MessageRowOptions;
}

export class PagedList<T, P extends object = object, R = unknown> {
  items: T[] = [];
  hasMore = true;
  /** The server ignored paging: the list stopped early and may be incomplete. */
  incomplete = false;
  error: unknown;
  private loading: Promise<void> | undefined;
  private started = false;
  readonly loadMoreNode: LoadMoreNode<P>;

  constructor(private readonly options: PagedListOptions<R, T, P>) {
    this.loadMoreNode = new LoadMoreNode<P>(options.view, options.parent, options.listKey);
  }

  /** The next page; concurrent callers share the one request in flight. */
  loadNext(): Promise<void> {
    this.started = true;
    if (this.loading) return this.loading;
    this.loading = (async () => {
      try {
        const page = await this.options.pager.next();
        if (!this.options.isCurrent()) return;
        for (const raw of page.items) {
          const item = this.options.toItem(raw);
          if (item !== undefined) this.items.push(item);
        }
        this.hasMore = page.hasMore;
        this.incomplete = page.incomplete === true;
        this.error = undefined;
      } catch (error) {
        if (this.options.isCurrent()) this.error = error;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Drops rows whose items were deleted on the server (so offset paging does not skip the next one). */
  removeDeleted(match: (item: T) => boolean): void {
    const before = this.items.length;
    this.items = this.items.filter((item) => !match(item));
    if (this.items.length < before) this.options.pager.itemsDeleted?.(before - this.items.length);
  }

  /** The first page once, or the load in flight. */
  async ensureLoaded(): Promise<void> {
    if (!this.started) await this.loadNext();
    else if (this.loading) await this.loading;
  }

  /**
   * The items, then the trailing row: the error (with Retry), Load more, "may be incomplete" (the server
   * ignored paging), or the empty message.
   */
  rows(): (T | LoadMoreNode<P> | ErrorNode<P> | MessageNode<P>)[] {
    const { view, parent, listKey, emptyMessage } = this.options;
    const rows: (T | LoadMoreNode<P> | ErrorNode<P> | MessageNode<P>)[] = [...this.items];
    if (this.error) rows.push(new ErrorNode<P>(view, this.error, parent, listKey));
    else if (this.hasMore) rows.push(this.loadMoreNode);
    else if (this.incomplete) rows.push(this.incompleteNode());
    else if (this.items.length === 0) rows.push(new MessageNode<P>(emptyMessage, parent));
    return rows;
  }

  private incompleteNode(): MessageNode<P> {
    const shown = this.items.length;
    const { message, ...options } = this.options.incompleteRow?.(shown) ?? {
      message: `The server ignored paging: only the first ${shown} ${shown === 1 ? 'item is' : 'items are'} shown.`,
    };
    return new MessageNode<P>(message, this.options.parent, { icon: 'warning', ...options });
  }
}
