// Drawing one layout row: a prompt's header (text, negative prompt, parameters) or a row of tiles.
import { el, formatDateTime, icon, iconButton } from '../common/dom';
import type { GalleryPrompt } from '../../src/shared/gallery';
import type { LayoutRow } from './layout';
import { tilesOf, type Tile } from './store';
import { setLazySource } from './virtualRows';
import { GRID_KEYS_HELP_ID } from './keyboard';

export interface RowContext {
  prompt(groupIndex: number): GalleryPrompt;
  version(promptId: number): number;
  tileWidth: number;
  showTuneTitle: boolean;
  canOpenPromptEditor: boolean;
  isSelected(image: { promptId: number; imageIndex: number }): boolean;
}

export function rowKey(row: LayoutRow, context: RowContext): string {
  const prompt = context.prompt(row.group);
  // Tiles do not depend on likes or text: a like redraws the header only, and images are not reloaded.
  return row.kind === 'header'
    ? `h:${prompt.id}.${context.version(prompt.id)}:${context.canOpenPromptEditor ? 1 : 0}`
    : `t:${prompt.id}:${prompt.status}:${prompt.images.length}:${row.first}:${row.count}:${context.tileWidth}`;
}

export function renderRow(row: LayoutRow, context: RowContext): HTMLElement {
  const prompt = context.prompt(row.group);
  return row.kind === 'header' ? renderHeader(prompt, context) : renderTiles(prompt, row.first, row.count, row.height, context);
}

/** "seed 42 · 30 steps · cfg 7.0 · 1024×1024 · 16:9" */
export function parameterSummary(prompt: GalleryPrompt): string {
  const parts: string[] = [];
  if (prompt.seed !== undefined) parts.push(`seed ${prompt.seed}`);
  if (prompt.steps !== undefined) parts.push(`${prompt.steps} steps`);
  if (prompt.cfgScale !== undefined) parts.push(`cfg ${prompt.cfgScale}`);
  if (prompt.size) parts.push(prompt.size);
  if (prompt.aspectRatio) parts.push(prompt.aspectRatio);
  return parts.join(' · ');
}

export function statusText(prompt: GalleryPrompt): string | undefined {
  switch (prompt.status) {
    case 'pending':
      return 'Queued…';
    case 'generating':
      return 'Generating…';
    case 'failed':
      return prompt.error ? `Failed: ${prompt.error}` : 'Failed';
    case 'done':
      return undefined;
  }
}

function renderHeader(prompt: GalleryPrompt, context: RowContext): HTMLElement {
  const status = statusText(prompt);
  const meta = el('p', { className: 'meta' });
  if (status) {
    const busy = prompt.status === 'pending' || prompt.status === 'generating';
    meta.append(
      el('span', { className: `status status-${prompt.status}` }, icon(busy ? 'loading' : 'error', busy), el('span', { text: status })),
    );
  }
  const params = parameterSummary(prompt);
  if (params) meta.append(el('span', { className: 'params', text: params }));
  if (context.showTuneTitle && prompt.tuneTitle) meta.append(el('span', { className: 'tune-title', text: prompt.tuneTitle, title: prompt.tuneTitle }));
  const date = prompt.createdAt ? new Date(prompt.createdAt) : undefined;
  if (date && !Number.isNaN(date.getTime())) {
    meta.append(el('span', { className: 'date', text: formatDateTime(date), title: prompt.createdAt }));
  }

  const like = likeButton(prompt);
  // The header's buttons are reached with the mouse, or from an image's menu (Shift+F10): the grid is one Tab stop.
  const actions = el('div', { className: 'group-actions' }, outOfTabOrder(like));
  if (context.canOpenPromptEditor) actions.append(outOfTabOrder(iconButton('sparkle', 'Remix…', 'remix', { promptId: prompt.id })));

  return el(
    'section',
    { className: 'group-header', data: { promptId: prompt.id }, attrs: { 'aria-label': `Prompt ${prompt.id}` } },
    el(
      'div',
      { className: 'group-text' },
      el('p', { className: 'prompt-text', text: prompt.text || '(no prompt text)', title: prompt.text }),
      prompt.negativePrompt ? el('p', { className: 'negative', text: `Negative: ${prompt.negativePrompt}`, title: prompt.negativePrompt }) : null,
      meta,
    ),
    actions,
  );
}

function renderTiles(prompt: GalleryPrompt, first: number, count: number, height: number, context: RowContext): HTMLElement {
  const tiles = tilesOf(prompt);
  const row = el('div', { className: 'tile-row' });
  for (let index = first; index < first + count; index++) {
    const tile = renderTile(prompt, tiles[index], index, tiles.length);
    if (tiles[index].kind === 'image' && context.isSelected({ promptId: prompt.id, imageIndex: index })) {
      tile.classList.add('selected');
      tile.querySelector('.tile-open')?.setAttribute('aria-pressed', 'true');
    }
    tile.style.width = `${context.tileWidth}px`;
    tile.style.height = `${height}px`;
    row.append(tile);
  }
  return row;
}

function renderTile(prompt: GalleryPrompt, tile: Tile, index: number, total: number): HTMLElement {
  const data = { promptId: prompt.id, imageIndex: index };
  switch (tile.kind) {
    case 'image': {
      const img = el('img', { attrs: { alt: '', decoding: 'async', draggable: 'false', elementtiming: 'gallery-image' } });
      setLazySource(img, tile.url);
      return el(
        'div',
        { className: 'tile tile-image', data },
        // Out of the Tab order: the grid is one Tab stop, given to one tile at a time (keyboard.ts).
        el(
          'button',
          { className: 'tile-open', attrs: { type: 'button', tabindex: '-1', 'aria-label': `Open image ${index + 1} of ${total}`, 'aria-describedby': GRID_KEYS_HELP_ID }, data: { action: 'open', ...data } },
          img,
        ),
        el('div', { className: 'tile-actions' }, outOfTabOrder(iconButton('save', 'Save to Workspace', 'save', data)), outOfTabOrder(iconButton('ellipsis', 'More Actions…', 'menu', data))),
      );
    }
    case 'blocked':
      return el(
        'div',
        { className: 'tile tile-note tile-blocked', data, title: 'Blocked image: only http(s) image URLs are shown.' },
        icon('circle-slash'),
        el('span', { text: 'Blocked image' }),
      );
    case 'pending':
      return el(
        'div',
        { className: 'tile tile-note tile-pending', data },
        icon('loading', true),
        el('span', { text: tile.generating ? 'Generating…' : 'Queued…' }),
      );
    case 'failed':
      return el('div', { className: 'tile tile-note tile-failed', data, title: prompt.error ?? 'Failed' }, icon('error'), el('span', { text: 'Failed' }));
  }
}

function outOfTabOrder<T extends HTMLElement>(element: T): T {
  element.tabIndex = -1;
  return element;
}

/**
 * The prompt's heart: filled when liked, empty when not, and marked "?" when the server does not say
 * (`liked` is not in Astria's documentation): an unknown state never looks like "not liked".
 */
export function likeButton(prompt: GalleryPrompt): HTMLButtonElement {
  if (prompt.liked === null) {
    const button = iconButton('heart', 'Like Prompt (this server does not say whether it is liked)', 'like', { promptId: prompt.id });
    button.classList.add('like-unknown');
    button.setAttribute('aria-pressed', 'mixed');
    button.append(el('span', { className: 'unknown-mark', text: '?', attrs: { 'aria-hidden': 'true' } }));
    return button;
  }
  const button = iconButton(prompt.liked ? 'heart-filled' : 'heart', prompt.liked ? 'Unlike Prompt' : 'Like Prompt', prompt.liked ? 'unlike' : 'like', { promptId: prompt.id });
  button.setAttribute('aria-pressed', String(prompt.liked));
  if (prompt.likes) button.append(el('span', { className: 'count', text: String(prompt.likes) }));
  return button;
}
