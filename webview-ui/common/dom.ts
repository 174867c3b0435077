// Building DOM without HTML strings: text only ever goes through textContent, so prompt text full of
// `<faceid:1:1>` tokens (or anything hostile) stays text.

export interface ElementOptions {
  className?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
  data?: Record<string, string | number>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  ...children: (Node | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  if (options.title !== undefined) node.title = options.title;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  for (const [name, value] of Object.entries(options.data ?? {})) node.dataset[name] = String(value);
  for (const child of children) if (child) node.append(child);
  return node;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "2026-11-30 14:05", local time. Not Intl: the first Intl formatter a page creates loads locale data
 * (about 20 ms in Chromium), which would be most of the gallery's work before its first paint.
 */
export function formatDateTime(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "12,345": the UI speaks English; not Intl, for the same reason as formatDateTime. */
export function formatNumber(value: number): string {
  return String(Math.trunc(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A codicon as a decorative span (the codicons stylesheet is linked by the shell). */
export function icon(name: string, spin = false): HTMLSpanElement {
  return el('span', { className: `codicon codicon-${name}${spin ? ' codicon-modifier-spin' : ''}`, attrs: { 'aria-hidden': 'true' } });
}

/** A small icon-only button; `action` tells the delegated click handler what to do. */
export function iconButton(iconName: string, label: string, action: string, data: Record<string, string | number> = {}): HTMLButtonElement {
  return el(
    'button',
    { className: 'icon-button', title: label, attrs: { type: 'button', 'aria-label': label }, data: { action, ...data } },
    icon(iconName),
  );
}
