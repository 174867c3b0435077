// The "More Actions…" menu of a tile (also on right click and Shift+F10), one instance for the whole grid.
import { el } from '../common/dom';
import type { ImagePosition } from './store';
import { isGalleryAction, type GalleryAction } from './actions';

interface MenuItem {
  label?: string;
  value?: string;
  separator?: boolean;
}

export class ImageMenu {
  readonly element: HTMLElement;
  private readonly menu = document.createElement('vscode-context-menu');
  private target: ImagePosition | undefined;

  constructor(private readonly onSelect: (action: GalleryAction, image: ImagePosition) => void) {
    this.element = el('div', { className: 'image-menu' }, this.menu);
    this.menu.addEventListener('vsc-context-menu-select', (event) => {
      const action = event.detail.value;
      const target = this.target;
      if (target && isGalleryAction(action)) this.onSelect(action, target);
    });
  }

  open(image: ImagePosition, x: number, y: number, options: { liked: boolean | null; canOpenPromptEditor: boolean }): void {
    this.target = image;
    const items: MenuItem[] = [
      { label: 'Open Large', value: 'open' },
      { separator: true },
      { label: 'Save to Workspace', value: 'save' },
      { label: 'Save As…', value: 'saveAs' },
      { separator: true },
      { label: 'Copy URL', value: 'copyUrl' },
      { label: 'Copy as Markdown', value: 'copyMarkdown' },
      { label: 'Insert as Markdown', value: 'insertMarkdown' },
      { label: 'Copy as Prompt File Entry', value: 'copyPromptFileEntry' },
      { label: 'Open Externally', value: 'openExternal' },
      { separator: true },
      // Unknown (the server does not say whether it is liked): both are offered.
      ...(options.liked === null
        ? [{ label: 'Like Prompt', value: 'like' }, { label: 'Unlike Prompt', value: 'unlike' }]
        : [options.liked ? { label: 'Unlike Prompt', value: 'unlike' } : { label: 'Like Prompt', value: 'like' }]),
    ];
    if (options.canOpenPromptEditor) {
      items.push({ separator: true }, { label: 'Remix…', value: 'remix' }, { label: 'Use as Input Image…', value: 'img2img' });
    }
    this.menu.data = items;
    this.menu.show = true;
    // Place it at the pointer, then pull it back inside the window once its size is known.
    this.element.style.left = `${x}px`;
    this.element.style.top = `${y}px`;
    void this.menu.updateComplete.then(() => {
      const box = this.element.getBoundingClientRect();
      this.element.style.left = `${Math.max(4, Math.min(x, window.innerWidth - box.width - 4))}px`;
      this.element.style.top = `${Math.max(4, Math.min(y, window.innerHeight - box.height - 4))}px`;
    });
  }

  get isOpen(): boolean {
    return this.menu.show;
  }

  close(): void {
    this.menu.show = false;
  }
}
