// One cell of the sweep grid: its toolbar, its images or placeholders, its error and its options.
import { el, icon, iconButton } from '../common/dom';
import type { CompareCell } from '../../src/shared/compare';
import { visibleOptions } from '../../src/shared/sweep';
import { STATUS_TEXT, isBusy } from './cells';
import type { CompareContext } from './context';

/** `lazy` gives an image its `data-src` as its source once it nears the viewport. */
export function renderCell(cell: CompareCell, ctx: CompareContext, lazy: IntersectionObserver): HTMLElement {
  const busy = isBusy(cell);
  const images = el('div', { className: 'images', data: { count: Math.max(cell.images.length, cell.expectedImages) } });
  const slots = Math.min(Math.max(cell.images.length, cell.status === 'done' ? 0 : cell.expectedImages), 16);
  for (let i = 0; i < slots; i++) {
    const url = cell.images[i];
    if (url) {
      // The first row is asked for at once, while the grid is built (waiting for the observer's first
      // callback after layout cost a frame or two before any request); the rest once on screen (or
      // nearly), never the whole grid at once.
      const firstRow = (cell.coords[1] ?? 0) === 0;
      const img = el('img', { attrs: { alt: `Image ${i + 1}`, decoding: 'async', draggable: 'false', fetchpriority: firstRow ? 'high' : 'auto' } });
      if (firstRow) img.src = url;
      else {
        img.dataset.src = url;
        lazy.observe(img);
      }
      images.append(el('button', { className: 'thumb', attrs: { type: 'button', tabindex: '-1', 'aria-label': `Open image ${i + 1}` }, data: { action: 'open', image: i } }, img));
    } else {
      images.append(el('div', { className: 'thumb placeholder' }, busy ? icon('loading', true) : null));
    }
  }
  const statusText = cell.status === 'failed' ? '' : STATUS_TEXT[cell.status];
  const error = cell.error ? el('div', { className: 'cell-error', attrs: { role: 'alert' }, text: cell.error }) : null;
  const options = visibleOptions(cell.params, ctx.diffOnly ? ctx.differing : null).filter(([key]) => ctx.diffOnly || key !== 'text');
  const optionList = el(
    'dl',
    { className: 'options' },
    ...options.flatMap(([key, value]) => [el('dt', { text: key }), el('dd', { text: value.length > 120 ? `${value.slice(0, 119)}…` : value, title: value })]),
  );
  const toolbar = el(
    'div',
    { className: 'cell-toolbar' },
    cell.promptId !== null ? likeButton(cell) : null,
    iconButton('edit', 'Use these settings', 'useSettings'),
    cell.promptId !== null ? el('span', { className: 'prompt-id', text: `#${cell.promptId}` }) : null,
    statusText ? el('span', { className: `cell-status status-${cell.status}` }, busy ? icon('loading', true) : null, el('span', { text: ` ${statusText}` })) : null,
  );
  const coords = ctx.axes.map((axis, i) => `${axis.label} ${axis.values[cell.coords[i]] ?? ''}`).join(', ');
  return el(
    'div',
    { className: `cell status-${cell.status}`, attrs: { role: 'gridcell', tabindex: '-1', 'aria-label': `${coords}${statusText ? `, ${statusText}` : ''}${cell.error ? `, failed: ${cell.error}` : ''}` }, data: { index: cell.index } },
    toolbar,
    images,
    error,
    optionList,
  );
}

/** Like or Unlike (the cell's and the lightbox's toolbar). */
export function likeButton(cell: CompareCell): HTMLButtonElement {
  return iconButton(cell.liked ? 'heart-filled' : 'heart', cell.liked ? 'Unlike' : 'Like', cell.liked ? 'unlike' : 'like');
}
