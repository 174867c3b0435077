// Every action on a gallery image, and which of them the host performs (the image actions of the protocol).
import { IMAGE_ACTIONS, type ImageAction } from '../../src/shared/gallery';

/** Everything a user can do with an image: the host's image actions plus what the webview handles. */
export type GalleryAction = ImageAction | 'open' | 'like' | 'unlike' | 'remix' | 'img2img';

export function isImageAction(action: string): action is ImageAction {
  return (IMAGE_ACTIONS as readonly string[]).includes(action);
}

const GALLERY_ACTIONS: readonly string[] = [...IMAGE_ACTIONS, 'open', 'like', 'unlike', 'remix', 'img2img'];

export function isGalleryAction(action: string | undefined): action is GalleryAction {
  return action !== undefined && GALLERY_ACTIONS.includes(action);
}
