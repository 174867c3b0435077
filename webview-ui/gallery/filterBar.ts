// The gallery's filter controls: the search field in the top bar, a panel of the other filters (seed,
// tune, aspect ratio, date range, liked only) behind the Filters button, and one removable chip per
// active filter. It only edits a GalleryFilters value; the app applies it (filters.ts decides matches).
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import { el, icon } from '../common/dom';
import { NO_FILTERS, type GalleryFilters } from '../../src/shared/gallery';
import { filterChips, parseSeed, withoutFilter, type FilterKey } from './filters';

export interface FilterBarCallbacks {
  changed(filters: GalleryFilters): void;
  facets(): { tunes: Map<number, string>; aspectRatios: string[] };
  tuneTitle(tuneId: number): string | undefined;
}

/** Typing waits this long before filtering, so a fast typist does not filter on every key. */
const TYPING_DELAY_MS = 150;

function textfield(label: string, options: { type?: 'search' | 'date'; placeholder?: string; filter: string }): VscodeTextfield {
  const field = document.createElement('vscode-textfield');
  if (options.type) field.type = options.type;
  if (options.placeholder) field.placeholder = options.placeholder;
  field.setAttribute('aria-label', label);
  field.title = label;
  field.dataset.filter = options.filter;
  return field;
}

function select(label: string, filter: string): VscodeSingleSelect {
  const element = document.createElement('vscode-single-select');
  element.setAttribute('aria-label', label);
  element.title = label;
  element.dataset.filter = filter;
  return element;
}

function option(value: string, label: string): HTMLElement {
  const element = document.createElement('vscode-option');
  element.setAttribute('value', value);
  element.textContent = label;
  return element;
}

export class FilterBar {
  readonly element = el('div', { className: 'filter-bar' });
  readonly searchField = textfield('Search prompt text', { type: 'search', placeholder: 'Search prompts', filter: 'text' });
  private readonly panel = el('div', { className: 'filter-panel', attrs: { role: 'group', 'aria-label': 'Filters' } });
  private readonly chips = el('div', { className: 'filter-chips', attrs: { role: 'list', 'aria-label': 'Active filters' } });
  private readonly seedField = textfield('Seed', { placeholder: 'Seed', filter: 'seed' });
  private readonly tuneSelect = select('Tune', 'tuneId');
  private readonly tuneLabel = el('label', { className: 'filter-label', text: 'Tune' });
  private readonly aspectSelect = select('Aspect ratio', 'aspectRatio');
  private readonly fromField = textfield('From (day)', { type: 'date', filter: 'from' });
  private readonly toField = textfield('To (day)', { type: 'date', filter: 'to' });
  private readonly likedBox = document.createElement('vscode-checkbox') as VscodeCheckbox;
  private filters: GalleryFilters = { ...NO_FILTERS };
  private acrossTunes = false;
  private panelOpen = false;
  private typingTimer: number | undefined;

  constructor(private readonly callbacks: FilterBarCallbacks) {
    this.likedBox.label = 'Liked only';
    this.likedBox.dataset.filter = 'likedOnly';
    this.panel.hidden = true;
    this.panel.append(
      this.seedField,
      this.tuneLabel,
      this.tuneSelect,
      el('label', { className: 'filter-label', text: 'Aspect' }),
      this.aspectSelect,
      el('label', { className: 'filter-label', text: 'From' }),
      this.fromField,
      el('label', { className: 'filter-label', text: 'To' }),
      this.toField,
      this.likedBox,
    );
    this.element.append(this.panel, this.chips);
    this.searchField.addEventListener('input', () => this.typed());
    this.seedField.addEventListener('input', () => this.typed());
    this.tuneSelect.addEventListener('change', () => this.edit({ tuneId: this.tuneSelect.value ? Number(this.tuneSelect.value) : null }));
    this.aspectSelect.addEventListener('change', () => this.edit({ aspectRatio: this.aspectSelect.value || null }));
    this.fromField.addEventListener('change', () => this.edit({ from: this.fromField.value || null }));
    this.toField.addEventListener('change', () => this.edit({ to: this.toField.value || null }));
    this.likedBox.addEventListener('change', () => this.edit({ likedOnly: this.likedBox.checked }));
    this.chips.addEventListener('click', (event) => {
      const chip = (event.target as Element).closest<HTMLElement>('[data-chip]');
      if (!chip) return;
      const key = chip.dataset.chip;
      this.edit(key === 'all' ? { ...NO_FILTERS } : withoutFilter(this.filters, key as FilterKey), true);
    });
  }

  /** New subject or filters from outside (restored state, Clear Filters): the controls follow. */
  configure(options: { acrossTunes?: boolean; filters: GalleryFilters }): void {
    if (options.acrossTunes !== undefined) this.acrossTunes = options.acrossTunes;
    this.filters = options.filters;
    if (this.searchField.value !== options.filters.text) this.searchField.value = options.filters.text;
    const seedText = options.filters.seed === null ? '' : String(options.filters.seed);
    if (parseSeed(this.seedField.value) !== options.filters.seed) this.seedField.value = seedText;
    this.fromField.value = options.filters.from ?? '';
    this.toField.value = options.filters.to ?? '';
    this.likedBox.checked = options.filters.likedOnly;
    this.tuneLabel.hidden = !this.acrossTunes;
    this.tuneSelect.hidden = !this.acrossTunes;
    if (this.panelOpen) this.refreshOptions();
    this.renderChips();
  }

  togglePanel(): void {
    this.panelOpen = !this.panelOpen;
    this.panel.hidden = !this.panelOpen;
    if (this.panelOpen) {
      this.refreshOptions();
      this.seedField.focus();
    }
  }

  /** The server says nothing about likes (documented API): "Liked only" would hide everything, so it is off. */
  setLikesReported(reported: boolean | null): void {
    const unknown = reported === false;
    this.likedBox.disabled = unknown;
    this.likedBox.title = unknown ? 'This server does not report which prompts are liked.' : 'Only liked prompts';
  }

  /** The select menus offer the tunes and aspect ratios among the loaded prompts (and the current choice). */
  refreshOptions(): void {
    const { tunes, aspectRatios } = this.callbacks.facets();
    const tuneId = this.filters.tuneId;
    if (tuneId !== null && !tunes.has(tuneId)) tunes.set(tuneId, `Tune ${tuneId}`);
    this.tuneSelect.replaceChildren(option('', 'All tunes'), ...[...tunes].map(([id, title]) => option(String(id), title)));
    this.tuneSelect.value = tuneId === null ? '' : String(tuneId);
    const ratio = this.filters.aspectRatio;
    const ratios = ratio !== null && !aspectRatios.includes(ratio) ? [...aspectRatios, ratio] : aspectRatios;
    this.aspectSelect.replaceChildren(option('', 'Any aspect'), ...ratios.map((r) => option(r, r)));
    this.aspectSelect.value = ratio ?? '';
  }

  private typed(): void {
    if (this.typingTimer !== undefined) clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => {
      this.typingTimer = undefined;
      this.edit({ text: this.searchField.value, seed: parseSeed(this.seedField.value) });
    }, TYPING_DELAY_MS);
  }

  private edit(change: Partial<GalleryFilters>, syncControls = false): void {
    const next = { ...this.filters, ...change };
    if (JSON.stringify(next) === JSON.stringify(this.filters)) return;
    this.filters = next;
    if (syncControls) this.configure({ filters: next });
    else this.renderChips();
    this.callbacks.changed(next);
  }

  private renderChips(): void {
    const chips = filterChips(this.filters, (id) => this.callbacks.tuneTitle(id));
    this.chips.hidden = chips.length === 0;
    const nodes: Node[] = chips.map((chip) =>
      el(
        'button',
        { className: 'chip', title: `Remove filter ${chip.label}`, attrs: { type: 'button', role: 'listitem', 'aria-label': `Remove filter ${chip.label}` }, data: { chip: chip.key } },
        el('span', { text: chip.label }),
        icon('close'),
      ),
    );
    if (chips.length > 1) nodes.push(el('button', { className: 'chip chip-clear', text: 'Clear All', attrs: { type: 'button' }, data: { chip: 'all' } }));
    this.chips.replaceChildren(...nodes);
  }
}
