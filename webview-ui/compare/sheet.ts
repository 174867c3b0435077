// The contact sheet: the grid of every tab drawn on a canvas with its labels, as a PNG for the host.
// Images are loaded again with crossOrigin="anonymous" so the canvas stays exportable; one the CDN does
// not allow that way is drawn as a labelled empty box instead of spoiling the whole sheet.
import { contactSheetLayout, type CompareCell, type CompareInit } from '../../src/shared/compare';

function loadImage(url: string): Promise<HTMLImageElement | undefined> {
  return new Promise((resolve) => {
    const image = new Image();
    image.crossOrigin = 'anonymous';
    image.decoding = 'async';
    image.onload = () => resolve(image);
    image.onerror = () => resolve(undefined);
    image.src = url;
  });
}

function cssColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function fitText(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

export async function drawContactSheet(init: CompareInit, cells: readonly CompareCell[]): Promise<{ png: string; width: number; height: number }> {
  const axes = init.axes;
  const shape = { columns: axes[0]?.values.length ?? 1, rows: axes[1]?.values.length ?? 1, tabs: axes[2]?.values.length ?? 1 };
  const perCell = Math.max(1, ...cells.map((c) => Math.max(c.images.length, c.expectedImages)));
  const layout = contactSheetLayout(shape, perCell);
  const canvas = document.createElement('canvas');
  canvas.width = layout.width;
  canvas.height = layout.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This webview cannot draw on a canvas.');
  const background = cssColor('--vscode-editor-background', '#1e1e1e');
  const foreground = cssColor('--vscode-foreground', '#cccccc');
  const muted = cssColor('--vscode-descriptionForeground', '#999999');
  const font = cssColor('--vscode-font-family', 'sans-serif');
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.textBaseline = 'middle';
  ctx.fillStyle = foreground;
  ctx.font = `600 18px ${font}`;
  ctx.fillText(fitText(ctx, init.title, layout.width - layout.margin * 2), layout.margin, layout.margin + layout.titleHeight / 2);

  const images = new Map<string, Promise<HTMLImageElement | undefined>>();
  for (const cell of cells) for (const url of cell.images) if (!images.has(url)) images.set(url, loadImage(url));
  const left = layout.margin + layout.rowLabelWidth;
  for (let t = 0; t < shape.tabs; t++) {
    let y = layout.groupTops[t];
    if (layout.groupTitleHeight > 0) {
      ctx.fillStyle = foreground;
      ctx.font = `600 15px ${font}`;
      ctx.fillText(fitText(ctx, `${axes[2].label}: ${axes[2].values[t]}`, layout.width - layout.margin * 2), layout.margin, y + layout.groupTitleHeight / 2);
      y += layout.groupTitleHeight;
    }
    ctx.font = `13px ${font}`;
    ctx.fillStyle = muted;
    for (let c = 0; c < shape.columns; c++) {
      const label = axes[0] ? `${axes[0].label}: ${axes[0].values[c]}` : '';
      ctx.fillText(fitText(ctx, label, layout.cellWidth), left + c * (layout.cellWidth + layout.gap), y + layout.columnLabelHeight / 2);
    }
    y += layout.columnLabelHeight;
    for (let r = 0; r < shape.rows; r++) {
      const top = y + r * (layout.cellHeight + layout.gap);
      if (layout.rowLabelWidth > 0 && axes[1]) {
        ctx.fillStyle = muted;
        ctx.font = `13px ${font}`;
        ctx.fillText(fitText(ctx, `${axes[1].label}: ${axes[1].values[r]}`, layout.rowLabelWidth - 12), layout.margin, top + layout.cellHeight / 2);
      }
      for (let c = 0; c < shape.columns; c++) {
        const cell = cells[c + shape.columns * (r + shape.rows * t)];
        const x = left + c * (layout.cellWidth + layout.gap);
        if (!cell) continue;
        const count = Math.max(cell.images.length, 1);
        for (let i = 0; i < count; i++) {
          const ix = x + (i % layout.imageColumns) * (layout.imageSize + layout.imageGap);
          const iy = top + Math.floor(i / layout.imageColumns) * (layout.imageSize + layout.imageGap);
          ctx.fillStyle = 'rgba(128, 128, 128, 0.18)';
          ctx.fillRect(ix, iy, layout.imageSize, layout.imageSize);
          const url = cell.images[i];
          const image = url ? await images.get(url) : undefined;
          if (image && image.naturalWidth > 0) {
            const scale = Math.min(layout.imageSize / image.naturalWidth, layout.imageSize / image.naturalHeight);
            const w = image.naturalWidth * scale;
            const h = image.naturalHeight * scale;
            ctx.drawImage(image, ix + (layout.imageSize - w) / 2, iy + (layout.imageSize - h) / 2, w, h);
          } else {
            ctx.fillStyle = muted;
            ctx.font = `12px ${font}`;
            const note = cell.error ?? (url ? 'image not available' : cell.status === 'done' ? 'no image' : cell.status);
            ctx.fillText(fitText(ctx, note, layout.imageSize - 12), ix + 6, iy + layout.imageSize / 2);
          }
        }
      }
    }
  }
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The contact sheet could not be encoded as PNG.');
  return { png: bytesToBase64(new Uint8Array(await blob.arrayBuffer())), width: layout.width, height: layout.height };
}
