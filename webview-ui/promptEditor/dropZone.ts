// Dropping a workspace file on the form (Shift+drop from the Explorer): it becomes the input or mask image.
import type { ImageTarget } from '../../src/shared/promptEditor';
import type { EditorContext } from './context';

/** Turns whatever a drop carries into `text/uri-list` text (VS Code may send a JSON list instead). */
function droppedUriList(data: DataTransfer): string {
  const uriList = data.getData('text/uri-list');
  if (uriList) return uriList;
  const code = data.getData('application/vnd.code.uri-list');
  if (code.startsWith('[')) {
    try {
      const list: unknown = JSON.parse(code);
      if (Array.isArray(list)) return list.filter((item): item is string => typeof item === 'string').join('\n');
    } catch {
      return '';
    }
  }
  return code;
}


export function onDragOver(ctx: EditorContext, event: DragEvent): void {
  if (!ctx.tune || !event.dataTransfer) return;
  const types = [...event.dataTransfer.types];
  if (types.includes('text/uri-list') || types.includes('application/vnd.code.uri-list') || types.includes('Files')) {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }
}

export async function onDrop(ctx: EditorContext, event: DragEvent): Promise<void> {
  if (!ctx.tune || !event.dataTransfer) return;
  event.preventDefault();
  const uriList = droppedUriList(event.dataTransfer);
  const zone = (event.target as HTMLElement | null)?.closest?.('[data-drop-target]');
  const target: ImageTarget = zone?.getAttribute('data-drop-target') === 'mask_image' && ctx.draft.input_image_source !== 'none' ? 'mask_image' : 'input_image';
  if (!uriList) {
    ctx.showStatus('Drop a file from the Explorer (hold Shift while dropping).', true);
    return;
  }
  const result = await ctx.host.request('dropFile', { target, uriList });
  if ('error' in result) {
    ctx.bindings.get(`${target}_file`)?.setIssues([{ field: `${target}_file`, message: result.error, severity: 'error' }]);
    ctx.showStatus(result.error, true);
    return;
  }
  ctx.fileLabels[result.uri] = result.label;
  ctx.bindings.get(`${target}_source`)?.write('file');
  ctx.bindings.get(`${target}_file`)?.write(result.uri);
  if (ctx.imageSection) ctx.imageSection.open = true;
  ctx.onFieldChanged(`${target}_file`);
  ctx.showStatus(`Using ${result.label} as the ${target === 'input_image' ? 'input' : 'mask'} image.`);
}
