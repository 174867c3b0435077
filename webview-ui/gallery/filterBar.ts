// The gallery's filter controls: the search field and a "Liked Only" toggle in the top bar, a panel of
// the other filters (seed, tune, aspect ratio, date range) behind the Filters button, and one removable
// chip per active filter. It only edits a GalleryFilters value; the app applies it (filters.ts decides
// matches). Tunes and aspect ratios are offered as toggle buttons of the values among the loaded
// prompts: a select component would double the bundle the gallery's first paint waits for.
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { VscodeToolbarButton } from '@vscode-elements/elements/dist/vscode-toolbar-button/vscode-toolbar-button.js';
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
  // Read before the component is defined (after the first paint): an empty value until then, kept by it.
  field.value = '';
  if (options.type) field.type = options.type;
  if (options.placeholder) field.placeholder = options.placeholder;
  field.setAttribute('aria-label', label);
  field.title = label;
  field.dataset.filter = options.filter;
  return field;
}

/** A group of toggle buttons, one per value; at most one is pressed. */
function facetGroup(label: string, filter: string): HTMLElement {
  return el('div', { className: 'facets', attrs: { role: 'group', 'aria-label': label }, data: { filter } });
}

function facetButton(value: string, label: string, pressed: boolean): HTMLElement {
  return el('button', {
    className: 'facet',
    text: label,
    title: label,
    attrs: { type: 'button', 'aria-pressed': String(pressed) },
    data: { value },
  });
}

export class FilterBar {
  readonly element = el('div', { className: 'filter-bar' });
  readonly searchField = textfield('Search prompt text', { type: 'search', placeholder: 'Search prompts', filter: 'text' });
  private readonly panel = el('div', { className: 'filter-panel', attrs: { role: 'group', 'aria-label': 'Filters' } });
  private readonly chips = el('div', { className: 'filter-chips', attrs: { role: 'list', 'aria-label': 'Active filters' } });
  private readonly seedField = textfield('Seed', { placeholder: 'Seed', filter: 'seed' });
  private readonly tuneFacets = facetGroup('Tune', 'tuneId');
  private readonly tuneLabel = el('span', { className: 'filter-label', text: 'Tune' });
  private readonly aspectFacets = facetGroup('Aspect ratio', 'aspectRatio');
  private readonly fromField = textfield('From (day)', { type: 'date', filter: 'from' });
  private readonly toField = textfield('To (day)', { type: 'date', filter: 'to' });
  /** In the top bar: the filter people use most. */
  readonly likedToggle = document.createElement('vscode-toolbar-button') as VscodeToolbarButton;
  private filters: GalleryFilters = { ...NO_FILTERS };
  private acrossTunes = false;
  private panelOpen = false;
  private typingTimer: number | undefined;

  constructor(private readonly callbacks: FilterBarCallbacks) {
    this.likedToggle.icon = 'heart';
    this.likedToggle.label = 'Liked Only';
    this.likedToggle.title = 'Liked Only';
    this.likedToggle.toggleable = true;
    this.likedToggle.dataset.filter = 'likedOnly';
    this.panel.hidden = true;
    this.panel.append(
      el('span', { className: 'filter-label', text: 'Seed' }),
      this.seedField,
      el('span', { className: 'filter-label', text: 'From' }),
      this.fromField,
      el('span', { className: 'filter-label', text: 'To' }),
      this.toField,
      el('span', { className: 'filter-label', text: 'Aspect' }),
      this.aspectFacets,
      this.tuneLabel,
      this.tuneFacets,
    );
    this.element.append(this.panel, this.chips);
    this.searchField.addEventListener('input', () => this.typed());
    this.seedField.addEventListener('input', () => this.typed());
    this.fromField.addEventListener('change', () => this.edit({ from: this.fromField.value || null }));
    this.toField.addEventListener('change', () => this.edit({ to: this.toField.value || null }));
    this.likedToggle.addEventListener('change', () => this.edit({ likedOnly: this.likedToggle.checked }));
    // A pressed value is released by a second click.
    this.aspectFacets.addEventListener('click', (event) => {
      const value = (event.target as Element).closest<HTMLElement>('.facet')?.dataset.value;
      if (value !== undefined) this.edit({ aspectRatio: value === this.filters.aspectRatio ? null : value }, true);
    });
    this.tuneFacets.addEventListener('click', (event) => {
      const value = (event.target as Element).closest<HTMLElement>('.facet')?.dataset.value;
      if (value !== undefined) this.edit({ tuneId: Number(value) === this.filters.tuneId ? null : Number(value) }, true);
    });
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
    this.likedToggle.checked = options.filters.likedOnly;
    this.tuneLabel.hidden = !this.acrossTunes;
    this.tuneFacets.hidden = !this.acrossTunes;
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

  /** The server says nothing about likes (documented API): "Liked Only" would hide everything, so it is off. */
  setLikesReported(reported: boolean | null): void {
    const unknown = reported === false;
    this.likedToggle.toggleAttribute('disabled', unknown && !this.filters.likedOnly);
    this.likedToggle.title = unknown ? 'This server does not report which prompts are liked.' : 'Liked Only';
  }

  /** The tunes and aspect ratios among the loaded prompts (and the current choice) as toggle buttons. */
  refreshOptions(): void {
    const { tunes, aspectRatios } = this.callbacks.facets();
    const tuneId = this.filters.tuneId;
    if (tuneId !== null && !tunes.has(tuneId)) tunes.set(tuneId, `Tune ${tuneId}`);
    this.tuneFacets.replaceChildren(...[...tunes].map(([id, title]) => facetButton(String(id), title, id === tuneId)));
    const ratio = this.filters.aspectRatio;
    const ratios = ratio !== null && !aspectRatios.includes(ratio) ? [...aspectRatios, ratio] : aspectRatios;
    this.aspectFacets.replaceChildren(...ratios.map((r) => facetButton(r, r, r === ratio)));
    if (ratios.length === 0) this.aspectFacets.append(el('span', { className: 'filter-label', text: 'none reported' }));
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
