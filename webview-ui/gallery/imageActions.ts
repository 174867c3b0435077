// The actions on one image or its prompt (open, like, remix, img2img, copy, the host's image actions).
import type { CopyableField } from '../../src/shared/gallery';
import { errorMessage } from '../../src/shared/errorMessage';
import { isImageAction, type GalleryAction } from './actions';
import type { GalleryContext } from './context';
import type { ImagePosition } from './store';

export type PromptAction = 'like' | 'unlike' | 'remix';

export class ImageActions {
  constructor(private readonly ctx: GalleryContext) {}

  async run(action: GalleryAction, image: ImagePosition): Promise<void> {
    if (action === 'open') {
      this.ctx.lightbox.open(image);
      return;
    }
    if (action === 'like' || action === 'unlike' || action === 'remix') return this.runForPrompt(action, image.promptId);
    try {
      if (action === 'img2img') {
        await this.ctx.host.request('openPromptEditor', { promptId: image.promptId, mode: 'img2img', image });
      } else if (isImageAction(action)) {
        const result = await this.ctx.host.request('imageAction', { action, ...image });
        if (result.message) this.ctx.toast(result.message);
      }
    } catch (error) {
      this.ctx.toast(errorMessage(error), true);
    }
  }

  /** An action on the prompt itself (its header's buttons, or an image's). */
  async runForPrompt(action: PromptAction, promptId: number): Promise<void> {
    const { store, lightbox } = this.ctx;
    if (!store.get(promptId)) return;
    try {
      if (action === 'remix') {
        await this.ctx.host.request('openPromptEditor', { promptId, mode: 'remix', image: null });
        return;
      }
      const result = await this.ctx.host.request('setLiked', { promptId, liked: action === 'like' });
      store.update(promptId, { liked: result.liked, likes: result.likes });
      // Under "Liked Only", an unliked prompt leaves the view.
      if (store.filtered) {
        this.ctx.refilter();
        this.ctx.relayout();
      }
      this.ctx.grid.rows.update();
      if (lightbox.shown?.promptId === promptId) lightbox.refresh();
    } catch (error) {
      this.ctx.toast(errorMessage(error), true);
    }
  }

  async copyParameter(image: ImagePosition, field: CopyableField): Promise<void> {
    try {
      const result = await this.ctx.host.request('copyParameter', { promptId: image.promptId, imageIndex: image.imageIndex, field });
      if (result.message) this.ctx.toast(result.message);
    } catch (error) {
      this.ctx.toast(errorMessage(error), true);
    }
  }
}
