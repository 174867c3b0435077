// One image, large: ← → walk through every loaded image, Esc closes, Z (or a double click) switches
// between zoom-to-fit and actual size. Its toolbar offers the same actions as a tile's menu.
import { el, icon } from '../common/dom';
import { toolbarButton } from '../common/toolbarButton';
import type { CopyableField, GalleryPrompt } from '../../src/shared/gallery';
import { parameterSummary, statusText } from './rows';
import type { ImagePosition } from './store';
import type { GalleryAction } from './actions';
import { GRID_KEYS_HELP } from './keyboard';

export interface LightboxHost {
  images(): ImagePosition[];
  prompt(promptId: number): GalleryPrompt | undefined;
  canOpenPromptEditor(): boolean;
  /** Loads the next page if there is one; resolves true when images were added. */
  loadMore(): Promise<boolean>;
  run(action: GalleryAction, image: ImagePosition): void;
  /** The lightbox closed on this image: put the focus back on its tile. */
  closed(image: ImagePosition): void;
  /** Copies a parameter of the shown image's prompt (the host reads it from the prompt it sent). */
  copy(image: ImagePosition, field: CopyableField): void;
}

interface ToolbarItem {
  action: GalleryAction;
  icon: string;
  label: string;
  needsPromptEditor?: boolean;
}

/** The lightbox's keys, and the grid's it returns to (said when the lightbox opens). */
export const LIGHTBOX_KEYS_HELP = `Left and Right arrows: previous and next image; Z: actual size; I: details; Escape: back to the grid. In the grid: ${GRID_KEYS_HELP}`;

const TOOLBAR: ToolbarItem[] = [
  { action: 'save', icon: 'save', label: 'Save to Workspace' },
  { action: 'saveAs', icon: 'save-as', label: 'Save As…' },
  { action: 'copyUrl', icon: 'link', label: 'Copy URL' },
  { action: 'copyMarkdown', icon: 'markdown', label: 'Copy as Markdown' },
  { action: 'insertMarkdown', icon: 'insert', label: 'Insert as Markdown' },
  { action: 'openExternal', icon: 'link-external', label: 'Open Externally' },
  { action: 'like', icon: 'heart', label: 'Like Prompt' },
  { action: 'remix', icon: 'sparkle', label: 'Remix…', needsPromptEditor: true },
  { action: 'img2img', icon: 'wand', label: 'Use as Input Image…', needsPromptEditor: true },
];

export class Lightbox {
  readonly element: HTMLElement;
  private readonly image: HTMLImageElement;
  private readonly stage: HTMLElement;
  private readonly counter: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly zoomButton: HTMLElement;
  private readonly buttons = new Map<GalleryAction, HTMLElement>();
  private readonly details: HTMLElement;
  private readonly detailsButton: HTMLElement;
  private current: ImagePosition | undefined;
  private actualSize = false;
  private detailsOpen = false;

  constructor(private readonly host: LightboxHost) {
    this.image = el('img', { className: 'lightbox-image', attrs: { alt: '', draggable: 'false' } });
    this.stage = el(
      'div',
      { className: 'lightbox-stage fit' },
      this.image,
    );
    this.counter = el('span', { className: 'lightbox-counter', attrs: { 'aria-live': 'polite' } });
    this.caption = el('div', { className: 'lightbox-caption' });
    this.zoomButton = toolbarButton('screen-full', 'Actual Size (Z)', { action: 'zoom' });
    const toolbar = el('div', { className: 'lightbox-toolbar', attrs: { role: 'toolbar', 'aria-label': 'Image actions' } }, this.counter, el('span', { className: 'spacer' }));
    for (const item of TOOLBAR) {
      const button = toolbarButton(item.icon, item.label, { action: item.action });
      this.buttons.set(item.action, button);
      toolbar.append(button);
    }
    this.detailsButton = toolbarButton('info', 'Details (I)', { action: 'details' });
    this.details = el('aside', { className: 'lightbox-details', attrs: { 'aria-label': 'Details' } });
    this.details.hidden = true;
    toolbar.append(this.detailsButton, this.zoomButton, toolbarButton('close', 'Close (Esc): back to the grid, where the arrow keys move between images', { action: 'close' }));
    const prev = el('button', { className: 'lightbox-nav prev', title: 'Previous (←)', attrs: { type: 'button', 'aria-label': 'Previous image' }, data: { nav: 'prev' } }, icon('chevron-left'));
    const next = el('button', { className: 'lightbox-nav next', title: 'Next (→)', attrs: { type: 'button', 'aria-label': 'Next image' }, data: { nav: 'next' } }, icon('chevron-right'));
    this.element = el(
      'div',
      { className: 'lightbox', attrs: { role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Image viewer', 'aria-describedby': 'lightbox-keys-help', tabindex: '-1' } },
      el('p', { className: 'visually-hidden', text: LIGHTBOX_KEYS_HELP, attrs: { id: 'lightbox-keys-help' } }),
      toolbar,
      el('div', { className: 'lightbox-body' }, prev, this.stage, next, this.details),
      this.caption,
    );
    this.element.hidden = true;
    this.element.addEventListener('click', (event) => this.onClick(event));
    this.element.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.image.addEventListener('dblclick', () => this.toggleZoom());
    this.image.addEventListener('error', () => this.stage.classList.add('broken'));
    this.image.addEventListener('load', () => this.stage.classList.remove('broken'));
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  get shown(): ImagePosition | undefined {
    return this.isOpen ? this.current : undefined;
  }

  open(position: ImagePosition): void {
    this.element.hidden = false;
    this.show(position);
    this.element.focus();
  }

  close(): void {
    if (!this.isOpen) return;
    this.element.hidden = true;
    this.image.removeAttribute('src');
    if (this.current) this.host.closed(this.current);
  }

  /** The prompt of the shown image changed (liked, or the capabilities did): redraw the caption and buttons. */
  refresh(): void {
    if (this.isOpen && this.current) this.show(this.current);
  }

  private show(position: ImagePosition): void {
    this.current = position;
    const images = this.host.images();
    const index = images.findIndex((i) => i.promptId === position.promptId && i.imageIndex === position.imageIndex);
    this.counter.textContent = index >= 0 ? `${index + 1} / ${images.length}` : '';
    if (this.image.getAttribute('src') !== position.url) {
      this.stage.classList.remove('broken');
      this.image.src = position.url;
    }
    const prompt = this.host.prompt(position.promptId);
    this.image.alt = prompt?.text.slice(0, 300) ?? '';
    this.caption.replaceChildren();
    if (prompt) {
      const status = statusText(prompt);
      this.caption.append(
        el('p', { className: 'prompt-text', text: prompt.text || '(no prompt text)' }),
        prompt.negativePrompt ? el('p', { className: 'negative', text: `Negative: ${prompt.negativePrompt}` }) : '',
        el('p', { className: 'meta', text: [`Prompt ${prompt.id}`, `image ${position.imageIndex + 1}`, parameterSummary(prompt), prompt.tuneTitle ?? '', status ?? ''].filter(Boolean).join(' · ') }),
      );
      const like = this.buttons.get('like');
      if (like) {
        // Unknown (the server does not say): its own words, never "not liked".
        const label = prompt.liked === null ? 'Like Prompt (this server does not say whether it is liked)' : prompt.liked ? 'Unlike Prompt' : 'Like Prompt';
        like.setAttribute('icon', prompt.liked ? 'heart-filled' : 'heart');
        like.setAttribute('label', label);
        like.title = label;
        like.classList.toggle('like-unknown', prompt.liked === null);
      }
    }
    for (const item of TOOLBAR) {
      const button = this.buttons.get(item.action);
      if (button && item.needsPromptEditor) button.hidden = !this.host.canOpenPromptEditor();
    }
    this.renderDetails(prompt, position);
  }

  private toggleDetails(): void {
    this.detailsOpen = !this.detailsOpen;
    this.details.hidden = !this.detailsOpen;
    this.detailsButton.toggleAttribute('checked', this.detailsOpen);
    if (this.current) this.renderDetails(this.host.prompt(this.current.promptId), this.current);
  }

  /** Every parameter as text, each with a copy button; "Use These Settings" opens the prompt editor with them. */
  private renderDetails(prompt: GalleryPrompt | undefined, position: ImagePosition): void {
    if (!this.detailsOpen) return;
    if (!prompt) {
      this.details.replaceChildren();
      return;
    }
    const copyButton = (field: CopyableField, label: string) =>
      el('button', { className: 'icon-button', title: `Copy ${label}`, attrs: { type: 'button', 'aria-label': `Copy ${label}` }, data: { copy: field } }, icon('copy'));
    const row = (label: string, value: string, field?: CopyableField) =>
      el('div', { className: 'detail' }, el('dt', { text: label }), el('dd', { text: value }), field ? copyButton(field, label) : null);
    const rows: HTMLElement[] = [row('Prompt', prompt.text || '(none)', prompt.text ? 'text' : undefined)];
    if (prompt.negativePrompt) rows.push(row('Negative prompt', prompt.negativePrompt, 'negative_prompt'));
    for (const [field, value] of prompt.parameters ?? []) rows.push(row(field, value, field as CopyableField));
    rows.push(row('Prompt id', String(prompt.id)), row('Image', `${position.imageIndex + 1} of ${prompt.images.length}`));
    rows.push(row('Tune', prompt.tuneTitle ? `${prompt.tuneTitle} (${prompt.tuneId})` : String(prompt.tuneId)));
    if (prompt.createdAt) rows.push(row('Created', prompt.createdAt));
    const actions = el('div', { className: 'detail-actions' });
    const copyAll = document.createElement('vscode-button');
    copyAll.secondary = true;
    copyAll.textContent = 'Copy All';
    copyAll.dataset.copy = 'all';
    actions.append(copyAll);
    if (this.host.canOpenPromptEditor()) {
      const use = document.createElement('vscode-button');
      use.textContent = 'Use These Settings';
      use.dataset.action = 'remix';
      actions.append(use);
    }
    this.details.replaceChildren(el('h2', { text: 'Details' }), el('dl', {}, ...rows), actions);
  }

  private async step(delta: 1 | -1): Promise<void> {
    const current = this.current;
    if (!current) return;
    let images = this.host.images();
    let index = images.findIndex((i) => i.promptId === current.promptId && i.imageIndex === current.imageIndex);
    if (delta === 1 && index === images.length - 1 && (await this.host.loadMore())) {
      images = this.host.images();
      index = images.findIndex((i) => i.promptId === current.promptId && i.imageIndex === current.imageIndex);
    }
    const target = images[index + delta];
    if (target && this.current === current) this.show(target);
  }

  private toggleZoom(): void {
    this.actualSize = !this.actualSize;
    this.stage.classList.toggle('fit', !this.actualSize);
    this.stage.classList.toggle('actual', this.actualSize);
    const label = this.actualSize ? 'Zoom to Fit (Z)' : 'Actual Size (Z)';
    this.zoomButton.setAttribute('icon', this.actualSize ? 'screen-normal' : 'screen-full');
    this.zoomButton.setAttribute('label', label);
    this.zoomButton.title = label;
  }

  private onClick(event: MouseEvent): void {
    const target = event.target as Element;
    const nav = target.closest<HTMLElement>('[data-nav]')?.dataset.nav;
    if (nav) {
      void this.step(nav === 'next' ? 1 : -1);
      return;
    }
    const copy = target.closest<HTMLElement>('[data-copy]')?.dataset.copy;
    if (copy && this.current) {
      this.host.copy(this.current, copy as CopyableField);
      return;
    }
    const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
    if (!action) return;
    if (action === 'close') this.close();
    else if (action === 'zoom') this.toggleZoom();
    else if (action === 'details') this.toggleDetails();
    else if (this.current) {
      const prompt = this.host.prompt(this.current.promptId);
      this.host.run(action === 'like' && prompt?.liked ? 'unlike' : (action as GalleryAction), this.current);
    }
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    switch (event.key) {
      case 'Escape':
        this.close();
        break;
      case 'ArrowLeft':
        void this.step(-1);
        break;
      case 'ArrowRight':
        void this.step(1);
        break;
      case 'z':
      case 'Z':
        this.toggleZoom();
        break;
      case 'i':
      case 'I':
        this.toggleDetails();
        break;
      case 'Tab':
        this.trapFocus(event);
        return;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  /** Keeps Tab inside the dialog. */
  private trapFocus(event: KeyboardEvent): void {
    const focusable = [...this.element.querySelectorAll<HTMLElement>('vscode-toolbar-button, button')].filter((e) => !e.hidden);
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === this.element)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  }
}
