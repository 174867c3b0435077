// One paged list of a tree (a view's tunes, a tune's prompts, Cartesia fine-tunes, a fine-tune's voices).
// The first page is shown in the list's owner (the view's root, or a row); every older page in a group of
// its own ("Tunes 21–40"), and the groups in blocks of ten pages ("Older tunes 21–220") next to the first
// page. "Load more", at the end of the newest block, adds the next page to that block (or starts a new
// one): only that block is redrawn, the page arrives open and the page opened before it folds. Why this
// shape: docs/ARCHITECTURE.md, "Trees that stay fast at 10,000 rows". Pure TypeScript (no vscode): the
// rows' tree items are built in listRows.ts.
import type { Pager } from '../api/paging';

/** Which tree a row belongs to: the Load more / Retry commands hand it back to that tree. */
export type ListView = 'tunes' | 'cartesia';

/** How a message row looks and what clicking it does (default: an info icon, nothing). */
export interface MessageRowOptions {
  /** A codicon name, e.g. 'warning'. */
  icon?: string;
  tooltip?: string;
  command?: { command: string; title: string };
}

/** Where a row of a list sits: the list's owner (undefined = the view's root), a block or a page group. */
export type Container<O extends object> = O | PageNode<O> | undefined;

/**
 * A group of a list's older rows: a `block` of up to ten pages next to the first page, or one `page` in
 * its block. Every group holds rows already loaded: opening one asks the server nothing.
 */
export class PageNode<O extends object = object> {
  readonly kind = 'page';
  /**
   * Bumped when the group folds: VS Code sees a new row (shown folded) instead of asking again for every
   * row the group shows when its container is redrawn.
   */
  generation = 0;
  /** Shown open when VS Code first sees this id: the newest page and its block; folded groups are not. */
  open = true;
  constructor(
    readonly view: ListView,
    readonly listKey: string,
    readonly listSerial: number,
    /** The row that owns the whole list (undefined = the view's root). */
    readonly owner: O | undefined,
    readonly level: 'block' | 'page',
    /** The block's number (0 = the first), or the page's (1 = the second page: the first is in the owner). */
    readonly index: number,
    /** The owner for a block; the block for a page. */
    readonly parent: Container<O>,
    public label: string,
  ) {}

  /** The tree item's id: new for every list (a refresh) and every fold. */
  get id(): string {
    return `page:${this.view}:${this.listKey}:${this.listSerial}:${this.level}${this.index}:${this.generation}`;
  }

  /** Fold: a new id, shown folded (its rows stay loaded). */
  fold(): void {
    this.generation++;
    this.open = false;
  }
}

/** The "Load more" row at the end of the newest block (or of the first page while there is no block). */
export class LoadMoreNode<O extends object = object> {
  readonly kind = 'loadMore';
  loading = false;
  constructor(
    readonly view: ListView,
    readonly parent: Container<O>,
    /** Stable id of the list and of the block it ends, e.g. "root:7:b0". */
    readonly listKey: string,
    readonly listSerial: number,
  ) {}
}

/** A page that failed to load: the message, and Retry (or Set API Key when the key was refused). */
export class ErrorNode<O extends object = object> {
  readonly kind = 'error';
  constructor(
    readonly view: ListView,
    readonly error: unknown,
    readonly parent: Container<O>,
    readonly listKey: string,
    /** The page that failed (0 = the first: its list starts again on Retry). */
    readonly pageIndex = 0,
  ) {}
}

/** An informative row such as "No prompts yet." */
export class MessageNode<O extends object = object> {
  readonly kind = 'message';
  constructor(
    readonly message: string,
    readonly parent: Container<O>,
    readonly options: MessageRowOptions = {},
  ) {}
}

export type ListRow<T, O extends object> = T | PageNode<O> | LoadMoreNode<O> | ErrorNode<O> | MessageNode<O>;

export interface PagedListOptions<R, T, O extends object> {
  pager: Pager<R>;
  /** The row for an item in `container`, or undefined to skip it (already shown elsewhere). */
  toItem: (raw: R, container: Container<O>) => T | undefined;
  /** False once the tree replaced this list (refresh): a page arriving afterwards is dropped. */
  isCurrent: () => boolean;
  view: ListView;
  /** The row the list belongs to; undefined = the view's root. */
  owner: O | undefined;
  /** Stable id of the list for its rows, e.g. "root" or "tune:42". */
  listKey: string;
  /** Shown when the list is complete and empty. */
  emptyMessage: string;
  /** What the items are called in a group's label: "tunes" → "Tunes 21–40", "Older tunes 21–220". */
  noun: string;
  /** The label of a block (default "Older <noun> 21–220"). */
  blockLabel?: (range: string) => string;
  /**
   * The last row when the server ignored paging (the list stopped after its first page and may be
   * incomplete); `shown` = items listed. Default: a generic sentence.
   */
  incompleteRow?: (shown: number) => { message: string } & MessageRowOptions;
  /** Pages per block (default 10). */
  pagesPerBlock?: number;
}

interface Page<T, O extends object> {
  items: T[];
  container: Container<O>;
  /** Position of the page's first item in the list when it arrived (1 = the newest). */
  first: number;
}

/** What a load changed: the container to redraw (its rows, and the groups it shows open). */
export interface Loaded<O extends object> {
  redraw: Container<O>;
}

let serials = 0;

const count = (n: number) => n.toLocaleString('en-US');
const range = (first: number, last: number) => (last > first ? `${count(first)}–${count(last)}` : count(first));

export class PagedList<T, O extends object = object, R = unknown> {
  /** Distinguishes this list from the one a refresh puts in its place (the groups' ids change). */
  readonly serial = ++serials;
  hasMore = true;
  /** The server ignored paging: the list stopped early and may be incomplete. */
  incomplete = false;
  /** Why the next page failed; cleared by Retry. */
  error: unknown;
  private readonly pages: Page<T, O>[] = [];
  /** groups[k] holds page k (k ≥ 1). */
  private readonly groups: PageNode<O>[] = [];
  private readonly blocks: PageNode<O>[] = [];
  /** Added on top (made here) before the first page arrived: shown on top of it. */
  private readonly top: T[] = [];
  private itemCount = 0;
  private loading: Promise<Loaded<O> | undefined> | undefined;
  private readonly trailing = new Map<string, LoadMoreNode<O> | ErrorNode<O> | MessageNode<O>>();
  private readonly perBlock: number;

  constructor(private readonly options: PagedListOptions<R, T, O>) {
    this.perBlock = Math.max(1, options.pagesPerBlock ?? 10);
  }

  get view(): ListView {
    return this.options.view;
  }

  get owner(): O | undefined {
    return this.options.owner;
  }

  /** Items shown, every page. */
  get size(): number {
    return this.itemCount;
  }

  get loadedPages(): number {
    return this.pages.length;
  }

  /** Every item, page by page (nothing is copied), with those added on top before the first page arrived. */
  *items(): IterableIterator<T> {
    yield* this.top;
    for (const page of this.pages) yield* page.items;
  }

  find(match: (item: T) => boolean): T | undefined {
    for (const item of this.items()) if (match(item)) return item;
    return undefined;
  }

  /** True for a row of this list (not of the one a refresh replaced). */
  owns(node: PageNode<O> | LoadMoreNode<O> | ErrorNode<O>): boolean {
    if (node instanceof PageNode || node instanceof LoadMoreNode) return node.listSerial === this.serial;
    return this.trailing.get(this.trailingKey(node.parent)) === node;
  }

  /** The next page; concurrent callers share the one request in flight. Says what to redraw, undefined when nothing changed. */
  loadNext(): Promise<Loaded<O> | undefined> {
    if (this.loading) return this.loading;
    if (!this.hasMore) return Promise.resolve(undefined);
    this.loading = (async () => {
      const index = this.pages.length;
      const before = this.trailingContainer();
      try {
        const page = await this.options.pager.next();
        if (!this.options.isCurrent()) return undefined;
        this.error = undefined;
        this.hasMore = page.hasMore;
        this.incomplete = page.incomplete === true;
        if (index === 0) {
          const items = this.top.splice(0);
          for (const raw of page.items) {
            const item = this.options.toItem(raw, this.options.owner);
            if (item !== undefined) items.push(item);
          }
          this.pages.push({ items, container: this.options.owner, first: 1 });
          this.itemCount += items.length;
          return { redraw: this.options.owner };
        }
        if (page.items.length === 0) return { redraw: before }; // the end (or paging ignored): the trailing row changes
        return this.addPage(index, page.items);
      } catch (error) {
        if (!this.options.isCurrent()) return undefined;
        this.error = error;
        return { redraw: before };
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Page `index` (≥ 1) into its group, open, in the newest block (a new block when that one is full); what was open before folds. */
  private addPage(index: number, raws: R[]): Loaded<O> {
    const blockIndex = Math.floor((index - 1) / this.perBlock);
    const newBlock = blockIndex === this.blocks.length;
    const first = this.itemCount + 1;
    const previous = this.groups[index - 1];
    if (previous) previous.fold();
    if (newBlock) {
      this.blocks.at(-1)?.fold();
      this.blocks.push(new PageNode<O>(this.options.view, this.options.listKey, this.serial, this.options.owner, 'block', blockIndex, this.options.owner, ''));
    }
    const block = this.blocks[blockIndex]!;
    const group = new PageNode<O>(this.options.view, this.options.listKey, this.serial, this.options.owner, 'page', index, block, '');
    this.groups[index] = group;
    const items: T[] = [];
    for (const raw of raws) {
      const item = this.options.toItem(raw, group);
      if (item !== undefined) items.push(item);
    }
    this.pages.push({ items, container: group, first });
    this.itemCount += items.length;
    group.label = `${this.options.noun[0]!.toUpperCase()}${this.options.noun.slice(1)} ${range(first, first + Math.max(1, items.length) - 1)}`;
    const blockFirst = this.pages[1 + blockIndex * this.perBlock]!.first;
    const blockRange = range(blockFirst, Math.max(blockFirst, this.itemCount));
    block.label = this.options.blockLabel?.(blockRange) ?? `Older ${this.options.noun} ${blockRange}`;
    return { redraw: newBlock ? this.options.owner : block };
  }

  /** The first page once (or the load in flight); a failed first page waits for Retry. */
  async ensureLoaded(): Promise<void> {
    if (this.pages.length === 0 && this.error === undefined) await this.loadNext();
    else if (this.loading && this.pages.length === 0) await this.loading;
  }

  /** A container's rows, after loading the first page when the owner is asked for the first time. */
  async rowsOf(container: Container<O>): Promise<ListRow<T, O>[]> {
    if (container === this.options.owner) await this.ensureLoaded();
    return this.rows(container);
  }

  /**
   * A container's rows as they are: the owner shows the first page and the blocks; a block its pages; a
   * page its items. The newest block (or the owner, before there is one) ends with the trailing row: the
   * error with Retry, Load more, "may be incomplete" when the server ignored paging, or the empty message.
   */
  rows(container: Container<O>): ListRow<T, O>[] {
    let rows: ListRow<T, O>[];
    if (container === this.options.owner) {
      const first = this.pages[0];
      if (!first) return this.error !== undefined ? [this.trailingRow(container)!] : [];
      rows = [...first.items, ...this.blocks];
    } else if (container instanceof PageNode && container.listSerial === this.serial) {
      if (container.level === 'page') return [...(this.pages[container.index]?.items ?? [])];
      const start = 1 + container.index * this.perBlock;
      rows = this.groups.slice(start, start + this.perBlock);
    } else {
      return [];
    }
    if (container === this.trailingContainer()) {
      const last = this.trailingRow(container);
      if (last) rows.push(last);
    }
    return rows;
  }

  /** Where the trailing row goes: the newest block, or the owner while there is none. */
  private trailingContainer(): Container<O> {
    return this.blocks.at(-1) ?? this.options.owner;
  }

  private trailingKey(container: Container<O>): string {
    return container instanceof PageNode ? `b${container.index}` : 'owner';
  }

  /** The trailing row of a container, the same object while its state lasts (tree items are cached per row). */
  private trailingRow(container: Container<O>): ListRow<T, O> | undefined {
    const key = this.trailingKey(container);
    const existing = this.trailing.get(key);
    const keep = <N extends LoadMoreNode<O> | ErrorNode<O> | MessageNode<O>>(matches: (node: typeof existing) => boolean, make: () => N) => {
      if (existing && matches(existing)) return existing;
      const node = make();
      this.trailing.set(key, node);
      return node;
    };
    const { view, listKey } = this.options;
    if (this.error !== undefined) {
      return keep((n) => n instanceof ErrorNode && n.error === this.error, () => new ErrorNode<O>(view, this.error, container, listKey, this.pages.length));
    }
    if (this.pages.length === 0) return undefined;
    if (this.hasMore) return keep((n) => n instanceof LoadMoreNode, () => new LoadMoreNode<O>(view, container, `${listKey}:${this.serial}:${key}`, this.serial));
    if (this.incomplete) {
      const shown = this.itemCount;
      const { message, ...rowOptions } = this.options.incompleteRow?.(shown) ?? {
        message: `The server ignored paging: only the first ${shown} ${shown === 1 ? 'item is' : 'items are'} shown.`,
      };
      return keep((n) => n instanceof MessageNode && n.message === message, () => new MessageNode<O>(message, container, { icon: 'warning', ...rowOptions }));
    }
    if (this.itemCount === 0) return keep((n) => n instanceof MessageNode && n.message === this.options.emptyMessage, () => new MessageNode<O>(this.options.emptyMessage, container));
    return undefined;
  }

  /** Retry: the failed page is asked for again by the next Load more. */
  clearError(): void {
    this.error = undefined;
  }

  /**
   * Before a container is redrawn for a change of its own rows: the groups it shows fold, but the newest
   * (where Load more adds pages), so VS Code does not ask again for every row they hold.
   */
  fold(container: Container<O>): void {
    let inside: PageNode<O>[] = [];
    if (container === this.options.owner) inside = this.blocks;
    else if (container instanceof PageNode && container.listSerial === this.serial && container.level === 'block') {
      const start = 1 + container.index * this.perBlock;
      inside = this.groups.slice(start, start + this.perBlock);
    }
    for (const group of inside.slice(0, -1)) group.fold();
  }

  /** An item made here, on top of the first page (kept until that page arrives when it is still loading). */
  unshift(item: T): void {
    const first = this.pages[0];
    if (!first) {
      this.top.unshift(item);
      return;
    }
    first.items.unshift(item);
    this.itemCount++;
  }

  /**
   * Drops the rows of items deleted on the server (so offset paging does not skip the next one); returns
   * the containers whose rows changed.
   */
  removeDeleted(match: (item: T) => boolean): Container<O>[] {
    const changed: Container<O>[] = [];
    let removed = 0;
    for (const page of this.pages) {
      const before = page.items.length;
      page.items = page.items.filter((item) => !match(item));
      if (page.items.length < before) {
        removed += before - page.items.length;
        changed.push(page.container);
      }
    }
    this.itemCount -= removed;
    if (removed > 0) this.options.pager.itemsDeleted?.(removed);
    return changed;
  }
}
