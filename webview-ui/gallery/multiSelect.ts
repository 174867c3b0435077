// Selecting images in the grid (marks, Ctrl/Cmd+A, Esc) and the bulk bar's commands on the selection.
import type { BulkAction, ImageRef } from '../../src/shared/gallery';
import { errorMessage } from '../../src/shared/errorMessage';
import { BulkBar, type BulkCommand } from './bulkBar';
import type { Compare } from './compare';
import type { GalleryContext } from './context';
import type { ImageId } from './selection';
import type { ImagePosition } from './store';

export class MultiSelect {
  readonly bulkBar = new BulkBar((command) => void this.runBulk(command));

  constructor(
    private readonly ctx: GalleryContext,
    private readonly compare: Compare,
  ) {}

  /** A selecting click (or Space): `range` from the anchor (Shift), `toggle` one image (Ctrl/Cmd). */
  click(image: ImageId, range: boolean, toggle: boolean): void {
    if (this.ctx.selection.click(image, { range, toggle }, this.ctx.store.images())) this.render();
  }

  /** Marks the drawn tiles and updates the bulk bar (the DOM holds only the rows near the viewport). */
  render(): void {
    for (const tile of this.ctx.grid.content.querySelectorAll<HTMLElement>('.tile-image')) {
      const selected = this.ctx.selection.has({ promptId: Number(tile.dataset.promptId), imageIndex: Number(tile.dataset.imageIndex) });
      tile.classList.toggle('selected', selected);
      tile.querySelector('.tile-open')?.setAttribute('aria-pressed', String(selected));
    }
    this.bulkBar.show(this.ctx.selection.size);
  }

  onDocumentKeyDown(event: KeyboardEvent): void {
    const { selection, store } = this.ctx;
    if (this.ctx.lightbox.shown || this.compare.isOpen || event.defaultPrevented) return;
    const target = event.target as Element | null;
    // Ctrl+A in a text field selects its text, Esc there is the field's own.
    if (target?.closest('input, textarea, vscode-textfield, .image-menu')) return;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      if (selection.selectAll(store.images())) this.render();
      // VS Code also runs its own "select all" on the webview (every text selected), a moment later: undo that.
      const clearText = () => {
        const text = window.getSelection();
        if (text && !text.isCollapsed) text.removeAllRanges();
      };
      document.addEventListener('selectionchange', clearText);
      window.setTimeout(() => document.removeEventListener('selectionchange', clearText), 1000);
    } else if (event.key === 'Escape' && selection.size > 0) {
      event.preventDefault();
      selection.clear();
      this.render();
    }
  }

  /** Selected images in display order, as refs the host can check. */
  private selectedImages(): ImageRef[] {
    return this.ctx.selection.inOrder(this.ctx.store.images()) as ImageRef[];
  }

  private async runBulk(command: BulkCommand): Promise<void> {
    const { selection, store, host } = this.ctx;
    if (command === 'clear') {
      selection.clear();
      this.render();
      return;
    }
    const images = this.selectedImages();
    if (images.length === 0) return;
    if (command === 'compare') {
      const [a, b] = selection.inOrder(store.images()) as ImagePosition[];
      if (a && b) this.compare.open(a, b);
      return;
    }
    const promptIds = [...new Set(images.map((i) => i.promptId))];
    try {
      if (command === 'like' || command === 'unlike') {
        const result = await host.request('setLikedMany', { promptIds, liked: command === 'like' });
        for (const p of result.prompts) store.update(p.id, { liked: p.liked, likes: p.likes });
        this.ctx.refilter();
        this.ctx.relayout();
        if (result.message) this.ctx.toast(result.message);
      } else if (command === 'delete') {
        const result = await host.request('deletePrompts', { promptIds });
        if (result.deleted.length > 0) {
          store.remove(result.deleted);
          selection.retain(store.images());
          this.ctx.grid.rows.redrawAll();
          this.ctx.relayout();
          this.render();
        }
        if (result.message) this.ctx.toast(result.message);
      } else {
        const action: BulkAction = command;
        const result = await host.request('bulkAction', { action, images });
        if (result.message) this.ctx.toast(result.message, /could not/i.test(result.message));
      }
    } catch (error) {
      this.ctx.toast(errorMessage(error), true);
    }
  }
}
