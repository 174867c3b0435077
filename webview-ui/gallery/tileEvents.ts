// What clicks and keys on the grid's tiles do, and what happens when a tile's image loads or fails.
import { el, icon } from '../common/dom';
import { isGalleryAction } from './actions';
import type { GalleryContext } from './context';
import type { ImageActions } from './imageActions';
import type { ImageMenu } from './imageMenu';
import type { MultiSelect } from './multiSelect';
import type { ImagePosition } from './store';

export class TileEvents {
  private firstImageMarked = false;

  constructor(
    private readonly ctx: GalleryContext,
    private readonly actions: ImageActions,
    private readonly multiSelect: MultiSelect,
    private readonly menu: ImageMenu,
  ) {}

  /** Call once the grid is in the page: one delegated listener of each kind serves every tile. */
  listen(): void {
    const content = this.ctx.grid.content;
    content.addEventListener('click', (event) => this.onClick(event));
    content.addEventListener('contextmenu', (event) => this.onContextMenu(event));
    content.addEventListener('keydown', (event) => this.onKeyDown(event));
    // load and error do not bubble: one capturing listener serves every tile.
    content.addEventListener('load', (event) => this.onImageLoad(event), true);
    content.addEventListener('error', (event) => this.onImageError(event), true);
  }

  /** The image of the tile an element is in, if it has a URL. */
  private imageAt(element: Element | null): ImagePosition | undefined {
    const tile = element?.closest<HTMLElement>('[data-image-index]');
    const promptId = Number(tile?.dataset.promptId);
    const imageIndex = Number(tile?.dataset.imageIndex);
    const image = this.ctx.store.get(promptId)?.images[imageIndex];
    return image && 'url' in image ? { promptId, imageIndex, url: image.url } : undefined;
  }

  private onClick(event: MouseEvent): void {
    const target = event.target as Element;
    const retryTile = target.closest<HTMLElement>('[data-action="retry-image"]');
    if (retryTile) {
      this.retryImage(retryTile);
      return;
    }
    const actionElement = target.closest<HTMLElement>('[data-action]');
    const action = actionElement?.dataset.action;
    if (!actionElement || !action) return;
    if (action === 'menu') {
      const image = this.imageAt(actionElement);
      const box = actionElement.getBoundingClientRect();
      if (image) this.openMenu(image, box.left, box.bottom);
      return;
    }
    if (!isGalleryAction(action)) return;
    const promptId = Number(actionElement.dataset.promptId);
    const image = this.imageAt(actionElement);
    // Ctrl/Cmd+click toggles, Shift+click selects a range; once something is selected, a click toggles.
    const toggle = event.ctrlKey || event.metaKey;
    const selecting = this.ctx.selection.size > 0;
    if (action === 'open' && image && (toggle || event.shiftKey || selecting)) {
      event.preventDefault();
      this.multiSelect.click(image, event.shiftKey, toggle || selecting);
      return;
    }
    if (image) void this.actions.run(action, image);
    else if (action === 'like' || action === 'unlike' || action === 'remix') void this.actions.runForPrompt(action, promptId);
  }

  private onContextMenu(event: MouseEvent): void {
    const image = this.imageAt(event.target as Element);
    if (!image) return;
    event.preventDefault();
    this.openMenu(image, event.clientX, event.clientY);
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key === ' ' && (event.target as Element).closest('.tile-open')) {
      const image = this.imageAt(event.target as Element);
      if (image) {
        event.preventDefault();
        this.multiSelect.click(image, event.shiftKey, true);
      }
      return;
    }
    if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
      const image = this.imageAt(event.target as Element);
      if (!image) return;
      event.preventDefault();
      const box = (event.target as Element).getBoundingClientRect();
      this.openMenu(image, box.left + 8, box.top + 8);
    }
  }

  private openMenu(image: ImagePosition, x: number, y: number): void {
    this.menu.open(image, x, y, { liked: this.ctx.store.get(image.promptId)?.liked ?? null, canOpenPromptEditor: this.ctx.canOpenPromptEditor });
  }

  private onImageLoad(event: Event): void {
    const img = event.target;
    if (!(img instanceof HTMLImageElement) || !img.closest('.tile')) return;
    img.closest('.tile')?.classList.add('loaded');
    if (!this.firstImageMarked) {
      this.firstImageMarked = true;
      // Two frames after load, the image has been painted: the benchmark reads this mark.
      requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('gallery:first-image-painted')));
    }
  }

  private onImageError(event: Event): void {
    const img = event.target;
    if (!(img instanceof HTMLImageElement) || !img.getAttribute('src')) return;
    const tile = img.closest<HTMLElement>('.tile');
    if (tile && !tile.classList.contains('broken')) {
      tile.classList.add('broken');
      const retry = el(
        'button',
        { className: 'retry-image', attrs: { type: 'button' }, data: { action: 'retry-image' } },
        icon('refresh'),
        el('span', { text: ' Retry' }),
      );
      tile.append(el('span', { className: 'broken-note' }, icon('warning'), el('span', { text: ' Image unavailable' }), retry));
    }
  }

  /** The retry tile: the same URL again (the host's URL, never another). */
  private retryImage(button: HTMLElement): void {
    const tile = button.closest<HTMLElement>('.tile');
    const img = tile?.querySelector('img');
    const src = img?.getAttribute('src');
    if (!tile || !img || !src) return;
    tile.classList.remove('broken');
    tile.querySelector('.broken-note')?.remove();
    img.removeAttribute('src');
    img.src = src;
  }
}
