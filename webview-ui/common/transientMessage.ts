// A short message that goes away by itself (longer for errors): the gallery's toast, compare's message.

export interface TransientMessageOptions {
  /** How long a message stays, and an error. */
  showMs: number;
  errorMs: number;
  /**
   * 'class': shown while the element has the class `visible` (the stylesheet fades it in and out; the
   * text stays for the fade); 'text': shown while it has text.
   */
  hideBy: 'class' | 'text';
}

export class TransientMessage {
  private timer: number | undefined;

  constructor(
    readonly element: HTMLElement,
    private readonly options: TransientMessageOptions,
  ) {}

  show(text: string, isError = false): void {
    this.element.textContent = text;
    this.element.classList.toggle('error', isError);
    if (this.options.hideBy === 'class') this.element.classList.add('visible');
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.hide(), isError ? this.options.errorMs : this.options.showMs);
  }

  private hide(): void {
    if (this.options.hideBy === 'class') this.element.classList.remove('visible');
    else this.element.textContent = '';
  }
}
