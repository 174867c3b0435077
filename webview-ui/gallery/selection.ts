// Which images are selected for bulk actions, with the usual rules of file managers and photo apps:
// click selects one, Ctrl/Cmd+click toggles one, Shift+click selects the range from the anchor (the last
// plain or toggling click) in display order, Ctrl/Cmd+A selects everything shown, Esc clears. Pure.

export interface ImageId {
  promptId: number;
  imageIndex: number;
}

export const imageKey = (image: ImageId): string => `${image.promptId}:${image.imageIndex}`;

export interface ClickModifiers {
  /** Shift: extend to a range. */
  range: boolean;
  /** Ctrl on Windows/Linux, Cmd on macOS: toggle one, keep the rest. */
  toggle: boolean;
}

export class SelectionModel {
  private readonly selected = new Set<string>();
  private anchor: string | undefined;

  get size(): number {
    return this.selected.size;
  }

  has(image: ImageId): boolean {
    return this.selected.has(imageKey(image));
  }

  /** Selected keys in the given display order (images not in `order` are left out). */
  inOrder(order: readonly ImageId[]): ImageId[] {
    return order.filter((image) => this.selected.has(imageKey(image)));
  }

  /**
   * A click on an image. `order` is every image shown, in display order (the range is taken from it).
   * Returns whether the selection changed.
   */
  click(image: ImageId, modifiers: ClickModifiers, order: readonly ImageId[]): boolean {
    const key = imageKey(image);
    const before = this.signature();
    if (
      modifiers.range &&
      // Stryker disable next-line ConditionalExpression: without an anchor indexOf finds nothing and the click falls through to a toggle anyway (the check narrows the type)
      this.anchor !== undefined
    ) {
      const keys = order.map(imageKey);
      const from = keys.indexOf(this.anchor);
      const to = keys.indexOf(key);
      if (from !== -1 && to !== -1) {
        if (!modifiers.toggle) this.selected.clear();
        for (let i = Math.min(from, to); i <= Math.max(from, to); i++) this.selected.add(keys[i]);
        return this.signature() !== before;
      }
    }
    if (modifiers.toggle || modifiers.range) {
      if (this.selected.has(key)) this.selected.delete(key);
      else this.selected.add(key);
    } else {
      this.selected.clear();
      this.selected.add(key);
    }
    this.anchor = key;
    return this.signature() !== before;
  }

  selectAll(order: readonly ImageId[]): boolean {
    const before = this.signature();
    for (const image of order) this.selected.add(imageKey(image));
    if (order.length > 0 && this.anchor === undefined) this.anchor = imageKey(order[0]);
    return this.signature() !== before;
  }

  clear(): boolean {
    const changed = this.selected.size > 0;
    this.selected.clear();
    this.anchor = undefined;
    return changed;
  }

  /** Keeps only images still shown (after a filter, a delete or a refresh). */
  retain(order: readonly ImageId[]): boolean {
    const shown = new Set(order.map(imageKey));
    let changed = false;
    for (const key of [...this.selected]) {
      if (!shown.has(key)) {
        this.selected.delete(key);
        changed = true;
      }
    }
    // Stryker disable next-line ConditionalExpression: with no anchor, has(undefined) is false and the anchor is set to undefined again (the check narrows the type)
    if (this.anchor !== undefined && !shown.has(this.anchor)) this.anchor = undefined;
    return changed;
  }

  private signature(): string {
    return `${this.selected.size}:${[...this.selected].join(',')}`;
  }
}
