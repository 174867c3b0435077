import * as vscode from 'vscode';
import type { Services } from '../services';
import type { StatusPoller } from '../jobs/statusPoller';
import type { Prompt } from '../api/astria/types';
import { NumberedPages } from '../api/paging';
import type { Open } from '../open';
import {
  galleryChecks,
  isDisplayableImageUrl,
  type GalleryFilters,
  type GalleryFocus,
  type GalleryInit,
  type GalleryPage,
  type GalleryProtocol,
  type GallerySubject,
  type BulkAction,
  type CopyableField,
  type ImageAction,
  type ImageRef,
  type PromptEditorMode,
} from '../shared/gallery';
import { UserFacingError, WebviewPanelHost, type HostedPanel } from './panelHost';
import { panelTitle, textSearchHonoured, toGalleryPrompt } from './galleryModel';
import type { GalleryDialogs } from './saveImage';
import type { BulkImage } from './galleryBulk';
import { copyPromptParameter, deleteSelection, exportSelection, likeSelection, saveSelection } from './gallerySelection';
import { runImageAction } from './galleryImageActions';
import { imageMarkdown } from '../domain/savedImages';
import { errorMessage } from '../shared/errorMessage';
import { LastTextEditor } from './lastTextEditor';

/** Prompts per page; Astria allows up to 120, and one page of groups fills several screens. */
const PAGE_SIZE = 40;
/** Favorites: server pages scanned for one page of liked prompts before answering with what was found. */
const FAVORITES_SCAN_PAGES = 5;
/** Favorites: enough liked prompts found to answer early. */
const FAVORITES_ENOUGH = 12;

export const LIKES_NOT_REPORTED =
  'This server does not support likes: it does not report which prompts are liked (the “liked” field, which Astria does not document), so Favorites has nothing to show here.';

export interface GalleryDeps {
  extensionUri: vscode.Uri;
  services: Services;
  poller: StatusPoller;
  lastEditor: LastTextEditor;
  open: Open;
  dialogs: GalleryDialogs;
}

interface CachedPage {
  promptIds: number[];
  nextCursor: number | null;
  /** Whether any prompt of the page came with a `liked` field; null for an empty page. */
  likesReported: boolean | null;
  textSearch?: 'server' | 'ignored';
}


/** One gallery panel: pages of prompts for its webview, the image actions, and live updates from the poller. */
export class GalleryPanel implements HostedPanel {
  readonly host: WebviewPanelHost<GalleryProtocol>;
  /** Every prompt the webview was sent, freshest copy: the only images actions may touch. */
  private readonly shown = new Map<number, Prompt>();
  /** Pages fetched or being fetched, by search text and cursor: a webview reloaded after being hidden gets them without a request. */
  private readonly pages = new Map<string, Promise<CachedPage>>();
  /** The first page once it arrived: new prompts from the poller are put on top of it. */
  private firstPage: CachedPage | undefined;
  /** Bumped when the cache is dropped, so a fetch still under way does not refill it. */
  private cacheGeneration = 0;
  /** The server's pages of this subject, by number (the webview's cursor); dropped with the cache. */
  private readonly numberedPages = new Map<string, NumberedPages<Prompt>>();
  /** The server sent prompts without the searched text once: it does not search, so the webview filters. */
  private textIgnored = false;
  private readonly tuneTitles = new Map<number, string>();
  private pendingFocus: GalleryFocus | null = null;
  private rendered: { prompts: number; images: number } | undefined;
  private readonly renderWaiters: ((stats: { prompts: number; images: number }) => void)[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private subject: GallerySubject,
    private readonly deps: GalleryDeps,
    /** Filters of the state VS Code restored this panel with (the serializer's), for a webview without its own. */
    private readonly restoredFilters: GalleryFilters | null = null,
  ) {
    if ('title' in subject && subject.title) this.tuneTitles.set(subject.tuneId, subject.title);
    panel.iconPath = {
      light: vscode.Uri.joinPath(deps.extensionUri, 'media', 'gallery-light.svg'),
      dark: vscode.Uri.joinPath(deps.extensionUri, 'media', 'gallery-dark.svg'),
    };
    this.host = new WebviewPanelHost<GalleryProtocol>(panel, {
      extensionUri: deps.extensionUri,
      bundle: 'gallery',
      log: deps.services.log,
      apiBaseUrl: () => deps.services.settings.astriaBaseUrl,
      checks: galleryChecks,
      onReady: () => void this.sendInit(),
      initialMessage: async () => ({ method: 'init', params: await this.init() }),
      requests: {
        loadPage: ({ cursor, refresh, text }) => this.loadPage(cursor, refresh, text),
        imageAction: (params) => this.imageAction(params.action, params),
        setLiked: ({ promptId, liked }) => this.setLiked(promptId, liked),
        openPromptEditor: ({ promptId, mode, image }) => this.openPromptEditor(promptId, mode, image),
        bulkAction: ({ action, images }) => this.bulkAction(action, images),
        setLikedMany: ({ promptIds, liked }) => this.setLikedMany(promptIds, liked),
        deletePrompts: ({ promptIds }) => this.deletePrompts(promptIds),
        copyParameter: ({ promptId, imageIndex, field }) => this.copyParameter(promptId, imageIndex, field),
        setApiKey: async () => ({ saved: await deps.open.apiKey('astria') }),
      },
      notifications: {
        didRender: (stats) => {
          this.rendered = stats;
          for (const resolve of this.renderWaiters.splice(0)) resolve(stats);
        },
        error: ({ message }) => deps.services.log.warn(`Gallery webview: ${message}`),
      },
    });
    this.disposables.push(
      this.host,
      // New, progressing, finished and liked prompts, whoever made the change.
      deps.services.changes.on(['promptCreated', 'promptProgressed', 'promptFinished', 'promptLiked'], ({ prompt }) => this.promptChanged(prompt)),
      deps.services.changes.on(['promptDeleted'], ({ promptId }) => this.forget(promptId)),
      deps.services.onDidChangeConnection(() => {
        // Another key or server: nothing shown may be reused, and the CSP's allowed origins may change.
        this.dropCache();
        this.prefetchFirstPage();
        this.host.render();
      }),
    );
    this.prefetchFirstPage();
  }

  /** Fetches the first page while the webview is still booting: `init` then carries it. */
  private prefetchFirstPage(): void {
    this.page(null).catch(() => undefined);
  }

  private dropCache(): void {
    this.cacheGeneration++;
    this.numberedPages.clear();
    this.textIgnored = false;
    this.pages.clear();
    this.shown.clear();
    this.firstPage = undefined;
  }

  get currentSubject(): GallerySubject {
    return this.subject;
  }

  /** Shown image URLs, for tests. */
  get shownImageUrls(): string[] {
    return [...this.shown.values()].flatMap((p) => p.images);
  }

  whenRendered(): Promise<{ prompts: number; images: number }> {
    if (this.rendered) return Promise.resolve(this.rendered);
    return new Promise((resolve) => this.renderWaiters.push(resolve));
  }

  /** Scrolls to an image and opens it large, now or as soon as the webview is ready. */
  focus(focus: GalleryFocus | undefined): void {
    if (!focus) return;
    if (!this.host.notify('focus', focus)) this.pendingFocus = focus;
  }

  /** A newer title for the same subject (e.g. the tree knows the tune's title). */
  retitle(subject: GallerySubject): void {
    if ('title' in subject && subject.title) {
      this.subject = subject;
      this.tuneTitles.set(subject.tuneId, subject.title);
      this.panel.title = panelTitle(subject);
    }
  }

  /**
   * What the webview is told first, also put into its page (the host's first fetch is done by then, or the
   * page goes without it). Without a first page (it failed), the webview asks for it itself and shows the
   * error. Never a focus: a page reloaded later would open that image again; the focus follows `ready`.
   */
  private async init(): Promise<GalleryInit> {
    const firstPage = await this.loadPage(null, false).catch(() => null);
    return { subject: this.subject, title: this.panel.title, canOpenPromptEditor: true, focus: null, firstPage, filters: this.restoredFilters };
  }

  private async sendInit(): Promise<void> {
    const init = await this.init();
    const focus = this.pendingFocus;
    this.pendingFocus = null;
    // When the webview drew this very init from its page, only the focus is left to send.
    if (!this.host.drewInitial('init', init)) this.host.notify('init', { ...init, focus });
    else if (focus) this.host.notify('focus', focus);
  }

  // ─── Requests ──────────────────────────────────────────────────────────────────────────────────

  private async loadPage(cursor: number | null, refresh: boolean, text = ''): Promise<GalleryPage> {
    if (refresh) this.dropCache();
    // Only GET /prompts (subjects across tunes) has a text filter; a server seen ignoring it is not asked again.
    const search = text.trim() !== '' && (this.subject.kind === 'recent' || this.subject.kind === 'favorites') ? text.trim() : '';
    if (search && this.textIgnored) return { prompts: [], nextCursor: null, textSearch: 'ignored' };
    return this.pageView(await this.page(cursor, search));
  }

  /** One page from the cache, or one request to the server (concurrent askers share it). */
  private page(cursor: number | null, text = ''): Promise<CachedPage> {
    const key = `${text}\n${cursor}`;
    let page = this.pages.get(key);
    if (!page) {
      const generation = this.cacheGeneration;
      page = this.fetchPage(cursor, generation, text);
      this.pages.set(key, page);
      const failed = page;
      page.catch(() => {
        if (this.pages.get(key) === failed) this.pages.delete(key);
      });
    }
    return page;
  }

  /** The server's pages of this subject (and search), by number: keyset or offset, whichever the server honours. */
  private pager(text: string): NumberedPages<Prompt> {
    const { astria } = this.deps.services;
    const subject = this.subject;
    let pages = this.numberedPages.get(text);
    if (!pages) {
      const tuneId = subject.kind === 'tune' ? subject.tuneId : undefined;
      pages = new NumberedPages(astria.promptPager(tuneId, { limit: PAGE_SIZE, ...(text ? { text } : {}) }));
      this.numberedPages.set(text, pages);
    }
    return pages;
  }

  private async fetchPage(cursor: number | null, generation: number, text: string): Promise<CachedPage> {
    const { astria } = this.deps.services;
    const subject = this.subject;
    let prompts: Prompt[];
    let nextCursor: number | null = null;
    let likesReported: boolean | null = null;
    const ignored = (): CachedPage => {
      this.textIgnored = true;
      this.deps.services.log.info('Gallery: the server ignores the text filter of GET /prompts; the webview filters the loaded prompts instead.');
      return { promptIds: [], nextCursor: null, likesReported: null, textSearch: 'ignored' };
    };
    if (subject.kind === 'prompt') {
      prompts = cursor === null ? [await astria.getPrompt(subject.tuneId, subject.promptId)] : [];
    } else if (subject.kind === 'favorites') {
      // No server filter for likes: scan pages of all prompts and keep the liked ones.
      const pages = this.pager(text);
      prompts = [];
      let index = cursor ?? 0;
      let more = true;
      for (let scanned = 0; more && scanned < FAVORITES_SCAN_PAGES && prompts.length < FAVORITES_ENOUGH; scanned++) {
        const page = await pages.page(index++);
        if (text && !textSearchHonoured(page.items, text)) return ignored();
        if (page.items.length > 0) likesReported = (likesReported ?? false) || page.items.some((p) => typeof p.liked === 'boolean');
        if (likesReported === false) throw new UserFacingError(LIKES_NOT_REPORTED, { remedy: 'none' });
        prompts.push(...page.items.filter((p) => p.liked === true));
        more = page.hasMore;
      }
      nextCursor = more ? index : null;
    } else {
      const index = cursor ?? 0;
      const page = await this.pager(text).page(index);
      if (text && !textSearchHonoured(page.items, text)) return ignored();
      prompts = page.items;
      if (page.hasMore) nextCursor = index + 1;
    }
    if (subject.kind !== 'favorites' && prompts.length > 0) likesReported = prompts.some((p) => typeof p.liked === 'boolean');
    const page: CachedPage = { promptIds: prompts.map((p) => p.id), nextCursor, likesReported, ...(text ? { textSearch: 'server' as const } : {}) };
    // The cache was dropped meanwhile (refresh, other connection): answer, but remember nothing.
    if (generation !== this.cacheGeneration) return page;
    for (const prompt of prompts) {
      this.shown.set(prompt.id, prompt);
      if (prompt.tune?.title) this.tuneTitles.set(prompt.tune_id, prompt.tune.title);
      this.deps.poller.watchPrompt(prompt);
    }
    if (subject.kind === 'tune' && !subject.title && this.tuneTitles.has(subject.tuneId)) {
      this.retitle({ ...subject, title: this.tuneTitles.get(subject.tuneId) });
    }
    if (cursor === null && !text) this.firstPage = page;
    return page;
  }

  private pageView(page: CachedPage): GalleryPage {
    const prompts = page.promptIds.flatMap((id) => {
      const prompt = this.shown.get(id);
      return prompt ? [toGalleryPrompt(prompt, this.tuneTitles.get(prompt.tune_id))] : [];
    });
    return { prompts, nextCursor: page.nextCursor, likesReported: page.likesReported, ...(page.textSearch ? { textSearch: page.textSearch } : {}) };
  }

  /** The prompt and URL of an image the webview names, if this panel really showed it. */
  private shownImage(ref: ImageRef): { prompt: Prompt; url: string } {
    const prompt = this.shown.get(ref.promptId);
    const url = prompt?.images[ref.imageIndex];
    if (!prompt || url !== ref.url || !isDisplayableImageUrl(url)) {
      this.deps.services.log.warn(`Gallery: refused an action on an image it did not show (prompt ${ref.promptId}, #${ref.imageIndex})`);
      throw new UserFacingError('That image is not in this gallery.');
    }
    return { prompt, url };
  }

  private imageAction(action: ImageAction, ref: ImageRef): Promise<{ message?: string }> {
    const { prompt, url } = this.shownImage(ref);
    return runImageAction(action, { prompt, url, imageIndex: ref.imageIndex, tuneTitle: () => this.tuneTitle(prompt.tune_id) }, this.deps);
  }

  private async tuneTitle(tuneId: number): Promise<string | undefined> {
    if (!this.tuneTitles.has(tuneId)) {
      try {
        this.tuneTitles.set(tuneId, (await this.deps.services.astria.getTune(tuneId)).title);
      } catch (error) {
        this.deps.services.log.warn(`Gallery: could not read the title of tune ${tuneId}: ${errorMessage(error)}`);
      }
    }
    return this.tuneTitles.get(tuneId);
  }

  private async setLiked(promptId: number, liked: boolean): Promise<{ liked: boolean; likes?: number }> {
    const prompt = this.shown.get(promptId);
    if (!prompt) throw new UserFacingError('That prompt is not in this gallery.');
    const { astria } = this.deps.services;
    await (liked ? astria.likePrompt(promptId) : astria.unlikePrompt(promptId));
    const wasLiked = prompt.liked === true;
    const likes =
      typeof prompt.prompt_likes_count === 'number' ? Math.max(0, prompt.prompt_likes_count + (liked === wasLiked ? 0 : liked ? 1 : -1)) : undefined;
    const updated = { ...prompt, liked, prompt_likes_count: likes ?? prompt.prompt_likes_count };
    this.shown.set(promptId, updated);
    this.deps.services.changes.publish({ kind: 'promptLiked', prompt: updated }); // the tree's heart follows
    return { liked, likes };
  }

  private async copyParameter(promptId: number, imageIndex: number, field: CopyableField): Promise<{ message?: string }> {
    const prompt = this.shown.get(promptId);
    if (!prompt) throw new UserFacingError('That prompt is not in this gallery.');
    return copyPromptParameter(prompt, imageIndex, field, await this.tuneTitle(prompt.tune_id));
  }

  // ─── Bulk actions over a selection ─────────────────────────────────────────────────────────────

  /** The selected images, each checked against what this panel showed: one unknown ref refuses them all. */
  private async shownImages(refs: ImageRef[]): Promise<BulkImage[]> {
    const images = refs.map((ref) => ({ ...this.shownImage(ref), imageIndex: ref.imageIndex }));
    for (const tuneId of new Set(images.map((i) => i.prompt.tune_id))) await this.tuneTitle(tuneId);
    return images.map(({ prompt, url, imageIndex }) => ({ prompt, url, imageIndex, tuneTitle: this.tuneTitles.get(prompt.tune_id) }));
  }

  private shownPrompts(promptIds: number[]): Prompt[] {
    const prompts = [...new Set(promptIds)].map((id) => this.shown.get(id));
    if (prompts.some((p) => p === undefined)) {
      this.deps.services.log.warn('Gallery: refused a bulk action on prompts it did not show');
      throw new UserFacingError('Some of those prompts are not in this gallery.');
    }
    return prompts as Prompt[];
  }

  private async bulkAction(action: BulkAction, refs: ImageRef[]): Promise<{ message?: string }> {
    const images = await this.shownImages(refs);
    switch (action) {
      case 'copyMarkdown':
        await vscode.env.clipboard.writeText(images.map((i) => imageMarkdown(i.prompt.text, i.url)).join('\n\n'));
        return { message: `Copied ${images.length} image${images.length === 1 ? '' : 's'} as Markdown.` };
      case 'save':
        return this.saveMany(images);
      case 'exportZip':
        return this.exportZip(images);
    }
  }

  private saveMany(images: BulkImage[]): Promise<{ message?: string }> {
    return saveSelection(images, this.deps);
  }

  private exportZip(images: BulkImage[]): Promise<{ message?: string }> {
    return exportSelection(images, this.panel.title, this.deps);
  }

  private setLikedMany(promptIds: number[], liked: boolean): Promise<{ prompts: { id: number; liked: boolean; likes?: number }[]; message?: string }> {
    return likeSelection(this.shownPrompts(promptIds), liked, (id) => this.setLiked(id, liked));
  }

  private deletePrompts(promptIds: number[]): Promise<{ deleted: number[]; message?: string }> {
    return deleteSelection(this.shownPrompts(promptIds), this.deps);
  }

  /** A deleted prompt leaves the cache: a reload of the webview does not bring it back. */
  private forget(promptId: number): void {
    this.shown.delete(promptId);
    for (const page of this.pages.values()) {
      void page.then((p) => {
        const at = p.promptIds.indexOf(promptId);
        if (at >= 0) p.promptIds.splice(at, 1);
      }, () => undefined);
    }
  }

  private async openPromptEditor(promptId: number, mode: PromptEditorMode, image: ImageRef | null): Promise<null> {
    const prompt = this.shown.get(promptId);
    if (!prompt) throw new UserFacingError('That prompt is not in this gallery.');
    const inputImageUrl = image ? this.shownImage(image).url : undefined;
    if (image && image.promptId !== promptId) throw new UserFacingError('That image belongs to another prompt.');
    await this.deps.open.promptEditor(mode === 'img2img' && inputImageUrl ? { kind: 'img2img', prompt, imageUrl: inputImageUrl } : { kind: 'remix', prompt });
    return null;
  }

  // ─── Live updates ──────────────────────────────────────────────────────────────────────────────

  private belongsHere(prompt: Prompt): boolean {
    const subject = this.subject;
    if (subject.kind === 'tune') return prompt.tune_id === subject.tuneId;
    if (subject.kind === 'prompt') return prompt.id === subject.promptId;
    // A prompt liked elsewhere joins Favorites; one unliked stays until a refresh (the user may undo).
    if (subject.kind === 'favorites') return prompt.liked === true || this.shown.has(prompt.id);
    return true;
  }

  /** The poller saw a prompt: update it in place, or add it on top when it is newer than anything shown. */
  private promptChanged(prompt: Prompt): void {
    if (!this.belongsHere(prompt)) return;
    const before = this.shown.get(prompt.id);
    if (!before) {
      const firstPage = this.firstPage;
      const newest = firstPage?.promptIds[0];
      if (!firstPage || (newest !== undefined && prompt.id < newest)) return;
      firstPage.promptIds.unshift(prompt.id);
    }
    const fresh = { ...prompt, liked: prompt.liked ?? before?.liked };
    const view = toGalleryPrompt(fresh, this.tuneTitles.get(prompt.tune_id));
    if (before && JSON.stringify(toGalleryPrompt(before, this.tuneTitles.get(prompt.tune_id))) === JSON.stringify(view)) return;
    this.shown.set(prompt.id, fresh);
    this.host.notify('promptUpdated', { prompt: view });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}
