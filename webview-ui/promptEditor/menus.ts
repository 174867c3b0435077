// The editor's menus: references to insert, History (its tune's prompts) and Presets.
import { el } from '../common/dom';
import { errorMessage } from '../../src/shared/errorMessage';
import { applyPreset, normalizeDraft, presetOptions } from '../../src/shared/prompt/draft';
import type { EditorContext } from './context';
import type { MenuContent, PopupMenu } from './menu';

function relativeTime(iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const minutes = Math.round((Date.now() - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(at).toLocaleDateString();
}


function oneLine(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line || '(no text)';
}


export async function referenceItems(ctx: EditorContext, menu: PopupMenu): Promise<MenuContent[]> {
  if (!ctx.references) ctx.references = await ctx.host.request('listReferences', { cursor: null });
  const refs = ctx.references;
  const items: MenuContent[] = refs.tunes.map((tune) => ({
    label: tune.title,
    description: `${tune.kind === 'lora' ? 'LoRA' : 'FaceID'}${tune.className ? ` · ${tune.className}` : ''} · ${tune.id}`,
    title: `Inserts <${tune.kind}:${tune.id}:1>`,
    run: () => ctx.insertAtCursor(`<${tune.kind}:${tune.id}:1>`),
  }));
  if (items.length === 0 && refs.nextCursor === null) items.push({ note: 'No trained LoRA or FaceID tunes yet.' });
  if (refs.nextCursor !== null) {
    const cursor = refs.nextCursor;
    const more = el('button', { className: 'menu-item more', attrs: { type: 'button', role: 'menuitem' }, text: 'Load more…' });
    more.addEventListener('click', async () => {
      const next = await ctx.host.request('listReferences', { cursor });
      ctx.references = { tunes: [...refs.tunes, ...next.tunes], nextCursor: next.nextCursor };
      await menu.refresh();
    });
    items.push({ separator: true }, { custom: more });
  }
  return items;
}

export async function historyItems(ctx: EditorContext): Promise<MenuContent[]> {
  const [entries, sweeps] = await Promise.all([ctx.host.request('loadHistory', {}), ctx.host.request('listSweeps', {})]);
  // Sweeps first: opening one shows its compare grid.
  const sweepItems: MenuContent[] = sweeps.map((sweep) => ({
    label: `Sweep: ${oneLine(sweep.title)}`,
    description: `${sweep.prompts} prompts${sweep.missing ? ` · ${sweep.missing} missing` : ''} · ${relativeTime(sweep.createdAt)}`,
    title: `Open the compare grid of this sweep`,
    run: () => void ctx.host.request('openSweep', { sweepId: sweep.sweepId }).catch((error: unknown) => ctx.showStatus(errorMessage(error), true)),
  }));
  if (sweepItems.length > 0) sweepItems.push({ separator: true });
  if (entries.length === 0) return [...sweepItems, { note: 'No prompts for this tune yet.' }];
  return [...sweepItems, ...entries.map((entry) => ({
    label: oneLine(entry.text),
    description: `#${entry.promptId} · ${relativeTime(entry.createdAt)}`,
    title: entry.text,
    run: () => ctx.replaceDraft(normalizeDraft(entry.draft), `The form now holds prompt #${entry.promptId}.`),
  }))];
}

export function presetItems(ctx: EditorContext): MenuContent[] {
  const name = el('input', { className: 'menu-input', attrs: { type: 'text', placeholder: 'Preset name', maxlength: '80', 'aria-label': 'Preset name' } });
  const save = el('button', { className: 'menu-item', attrs: { type: 'button' }, text: 'Save' });
  const saveCurrent = async () => {
    const value = name.value.trim();
    if (!value) return name.focus();
    try {
      ctx.presets = await ctx.host.request('savePreset', { name: value, options: presetOptions(ctx.readDraft()) });
      ctx.showStatus(`Saved the preset “${value}”.`);
      ctx.presetMenu?.close(true);
    } catch (error) {
      ctx.showStatus(errorMessage(error), true);
    }
  };
  save.addEventListener('click', () => void saveCurrent());
  name.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void saveCurrent();
    }
  });
  const saveRow = el('div', { className: 'menu-save' }, el('span', { className: 'menu-note', text: 'Save the current options (not the text or images):' }), el('div', { className: 'menu-save-row' }, name, save));
  const items: MenuContent[] = [{ custom: saveRow }];
  if (ctx.presets.length > 0) items.push({ separator: true });
  for (const preset of ctx.presets) {
    items.push({
      label: preset.name,
      title: `Apply “${preset.name}”: keeps your text and images`,
      run: () => ctx.replaceDraft(applyPreset(ctx.readDraft(), preset.options), `Applied the preset “${preset.name}”.`),
      secondary: {
        icon: 'trash',
        label: 'Delete preset',
        run: async () => {
          ctx.presets = await ctx.host.request('deletePreset', { name: preset.name });
          await ctx.presetMenu?.refresh();
        },
      },
    });
  }
  return items;
}

