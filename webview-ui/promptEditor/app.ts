// The prompt editor webview: the form, validated as you type with the same rules the host applies,
// the submit with its progress, the results strip, History, Presets and the reference menu.
// The host owns the draft (it saves it); this side mirrors every change to it and to setState.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import type { VscodeCollapsible } from '@vscode-elements/elements/dist/vscode-collapsible/vscode-collapsible.js';
import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import { HostConnection } from '../common/rpc';
import { el, icon } from '../common/dom';
import {
  ASPECT_RATIOS,
  COLOR_GRADINGS,
  CONTROLNETS,
  DRAFT_FIELDS,
  RESOLUTIONS,
  SCHEDULERS,
  STYLES,
  defaultDraft,
  normalizeDraft,
  presetOptions,
  applyPreset,
  sameDraft,
  type DraftField,
  type PromptDraft,
} from '../../src/shared/prompt/draft';
import { SEED_MAX, validateDraft, type DraftIssue } from '../../src/shared/prompt/validation';
import type {
  DraftReplacedReason,
  ImageTarget,
  PromptEditorInit,
  PromptEditorProtocol,
  PromptEditorTune,
  PromptEditorViewState,
  PromptPreset,
  ReferenceTune,
} from '../../src/shared/promptEditor';
import { checkboxControl, issueList, radioControl, selectControl, textControl, type Choice, type FieldBinding } from './form';
import { PopupMenu, type MenuContent } from './menu';
import { ResultsStrip } from './results';

const choices = (values: readonly string[], empty?: string): Choice[] => [
  ...(empty === undefined ? [] : [{ value: '', label: empty }]),
  ...values.map((value) => ({ value, label: value })),
];

const IMAGE_SOURCE_CHOICES: Choice[] = [
  { value: 'none', label: 'None' },
  { value: 'file', label: 'Workspace file' },
  { value: 'url', label: 'URL' },
];

const REPLACED_TEXT: Record<DraftReplacedReason, string> = {
  remix: 'The form now holds the settings of the prompt you remix.',
  img2img: 'The form now starts from the image you chose.',
  prefill: 'The form was filled in for you.',
};

function readSavedState(value: unknown): PromptEditorViewState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const state = value as Partial<PromptEditorViewState>;
  if (state.version !== 1 || typeof state.tuneId !== 'number') return undefined;
  return { version: 1, tuneId: state.tuneId, draft: normalizeDraft(state.draft), advancedOpen: state.advancedOpen === true };
}

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

export class PromptEditorApp {
  private readonly host: HostConnection<PromptEditorProtocol, PromptEditorViewState>;
  private tune: PromptEditorTune | null = null;
  private draft: PromptDraft = defaultDraft();
  private initialized = false;
  private busy = false;
  private submitting = false;
  private submitAttempted = false;
  private advancedOpen: boolean;
  private readonly touched = new Set<DraftField>();
  private serverIssues: DraftIssue[] = [];
  private fileLabels: Record<string, string> = {};
  private readonly bindings = new Map<DraftField, FieldBinding>();
  private undo: { draft: PromptDraft; text: string } | null = null;
  private references: { tunes: ReferenceTune[]; nextCursor: number | null } | undefined;
  private presets: PromptPreset[] = [];
  private statusTimer: number | undefined;

  private readonly results = new ResultsStrip((promptId, imageIndex) => void this.openResult(promptId, imageIndex));
  private readonly topIssues = issueList('top-issues');
  private readonly banner = el('div', { className: 'banner', attrs: { hidden: '', role: 'status' } });
  private readonly statusLine = el('span', { className: 'submit-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private submitButton: HTMLElement | undefined;
  private textArea: VscodeTextarea | undefined;
  private advancedSection: VscodeCollapsible | undefined;
  private imageSection: VscodeCollapsible | undefined;
  private presetMenu: PopupMenu | undefined;

  constructor(private readonly root: HTMLElement) {
    this.host = new HostConnection<PromptEditorProtocol, PromptEditorViewState>({
      init: (init) => this.onInit(init),
      run: ({ run, replacesKey }) => this.results.upsert(run, replacesKey),
      removeRun: ({ key }) => this.results.remove(key),
      draft: ({ draft, fileLabels, reason }) => this.onDraftReplaced(draft, fileLabels, reason),
      presets: ({ presets }) => {
        this.presets = presets;
        void this.presetMenu?.refresh();
      },
      busy: ({ busy }) => this.setBusy(busy),
    });
    const saved = readSavedState(this.host.api.getState());
    this.advancedOpen = saved?.advancedOpen ?? false;
    this.root.replaceChildren(el('div', { className: 'loading', text: 'Loading the prompt editor…' }));
  }

  start(): void {
    window.addEventListener('error', (event) => this.host.notify('error', { message: String(event.message) }));
    window.addEventListener('unhandledrejection', (event) => this.host.notify('error', { message: String(event.reason) }));
    document.addEventListener('dragover', (event) => this.onDragOver(event));
    document.addEventListener('drop', (event) => void this.onDrop(event));
    document.addEventListener('keydown', (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
        event.preventDefault();
        void this.submit();
      }
    });
    this.host.ready();
  }

  // ─── Host messages ─────────────────────────────────────────────────────────────────────────────

  private onInit(init: PromptEditorInit): void {
    this.initialized = true;
    this.tune = init.tune;
    this.draft = normalizeDraft(init.draft);
    this.fileLabels = init.fileLabels;
    this.serverIssues = init.serverIssues;
    this.presets = init.presets;
    this.busy = init.busy;
    this.touched.clear();
    this.submitAttempted = init.serverIssues.length > 0;
    this.undo = null;
    if (!init.tune) {
      this.renderLoadError(init.loadError ?? 'The tune could not be loaded.');
      this.host.notify('didRender', { fields: 0 });
      return;
    }
    this.build(init.tune);
    this.writeDraft(this.draft);
    this.results.setAll(init.runs);
    this.setBusy(init.busy);
    this.refresh();
    this.saveState();
    this.textArea?.focus();
    this.host.notify('didRender', { fields: this.bindings.size });
  }

  private onDraftReplaced(draft: PromptDraft, fileLabels: Record<string, string>, reason: DraftReplacedReason): void {
    if (!this.initialized || !this.tune) return; // `init` brings the new draft
    this.replaceDraft(normalizeDraft(draft), REPLACED_TEXT[reason], fileLabels);
  }

  // ─── Building the form ─────────────────────────────────────────────────────────────────────────

  private renderLoadError(message: string): void {
    const retry = el('vscode-button', {}, icon('refresh'), el('span', { text: ' Try Again' }));
    retry.addEventListener('click', () => void this.host.request('retryLoad', {}));
    this.root.replaceChildren(el('div', { className: 'load-error', attrs: { role: 'alert' } }, el('p', { text: message }), retry));
  }

  private build(tune: PromptEditorTune): void {
    this.bindings.clear();
    const caps = tune.capabilities;
    const onChange = (field: DraftField) => this.onFieldChanged(field);
    const bind = <T extends FieldBinding>(binding: T): T => {
      this.bindings.set(binding.field, binding);
      return binding;
    };

    // Header
    const historyMenu = new PopupMenu({ label: 'History', iconName: 'history', items: () => this.historyItems(), filterable: true, className: 'history-menu' });
    this.presetMenu = new PopupMenu({ label: 'Presets', iconName: 'bookmark', items: () => this.presetItems(), className: 'preset-menu' });
    const kind = caps.isBaseModel ? 'base model' : caps.referenceKind === 'faceid' ? 'FaceID' : caps.referenceKind === 'lora' ? 'LoRA' : 'fine-tune';
    const header = el(
      'header',
      { className: 'topbar' },
      el('h1', { className: 'title', text: tune.title, title: `${tune.title} (ID ${tune.id})` }),
      el('span', { className: 'chip', text: `${caps.label} · ${kind}` }),
      el('span', { className: 'spacer' }),
      historyMenu.element,
      this.presetMenu.element,
    );

    // Prompt text
    const text = bind(
      textControl('text', 'Prompt', null, onChange, { multiline: 5, placeholder: caps.subjectToken ? 'e.g. portrait of <1>, studio lighting' : 'Describe the image', className: 'text-field' }),
    );
    this.textArea = text.element as VscodeTextarea;
    text.container.querySelector('vscode-label')?.after(this.textToolbar(tune));
    text.container.insertBefore(el('div', { className: 'hint', text: this.textHint(tune) }), text.container.querySelector('.issues'));
    const negative = bind(textControl('negative_prompt', 'Negative prompt', 'What to keep out of the image.', onChange, { multiline: 2 }));

    // Basics
    const numImages = bind(textControl('num_images', 'Images', `1–${caps.maxImages}${caps.maxImages < 8 ? ` (${caps.label} makes at most ${caps.maxImages})` : ''}.`, onChange, { numeric: true, className: 'narrow' }));
    const aspect = bind(selectControl('aspect_ratio', 'Aspect ratio', 'Shape of the image.', choices(ASPECT_RATIOS, 'Default'), onChange, 'narrow'));
    const resolution = caps.resolution ? bind(selectControl('resolution', 'Resolution', `Output size; ${caps.label} makes 2K by default.`, choices(RESOLUTIONS, 'Default'), onChange, 'narrow')) : undefined;
    const seed = bind(textControl('seed', 'Seed', 'Same seed and settings, same image. Empty = random.', onChange, { numeric: true, placeholder: 'random', className: 'seed-field' }));
    const dice = el('vscode-button', { title: 'A random seed', attrs: { secondary: '', 'data-action': 'random-seed' } }, icon('refresh'), el('span', { text: ' Random' }));
    dice.addEventListener('click', () => {
      // 0 … 2^32 − 1: inside the documented 0 … 2^32.
      const value = crypto.getRandomValues(new Uint32Array(1))[0] % (SEED_MAX + 1);
      this.bindings.get('seed')?.write(String(value));
      this.onFieldChanged('seed');
    });
    const seedInput = seed.container.querySelector('[data-field="seed"]');
    if (seedInput) {
      const inline = el('div', { className: 'inline' });
      seedInput.replaceWith(inline);
      inline.append(seedInput, dice);
    }
    const basics = el('div', { className: 'row' }, numImages.container, aspect.container, resolution?.container, seed.container);

    // Image to image
    this.imageSection = document.createElement('vscode-collapsible');
    this.imageSection.heading = 'Image to image';
    this.imageSection.description = 'start from an image, ControlNet, mask';
    this.imageSection.className = 'section image-section';
    this.imageSection.append(...this.imageFields(onChange, bind));

    // Advanced
    this.advancedSection = document.createElement('vscode-collapsible');
    this.advancedSection.heading = 'Advanced options';
    this.advancedSection.className = 'section advanced-section';
    this.advancedSection.open = this.advancedOpen;
    this.advancedSection.addEventListener('vsc-collapsible-toggle', () => {
      this.advancedOpen = this.advancedSection?.open ?? false;
      this.saveState();
    });
    this.advancedSection.append(...this.advancedFields(tune, onChange, bind));

    // Submit
    this.submitButton = el('vscode-button', { attrs: { 'data-action': 'generate' } }, icon('sparkle'), el('span', { text: ' Generate' }));
    this.submitButton.addEventListener('click', () => void this.submit());
    const footer = el('div', { className: 'submit-row' }, this.submitButton, el('span', { className: 'hint', text: 'Ctrl+Enter' }), this.statusLine);

    const form = el(
      'main',
      { className: 'form' },
      this.banner,
      this.topIssues.element,
      text.container,
      negative.container,
      basics,
      this.imageSection,
      this.advancedSection,
      footer,
    );
    // Wide panels show the results beside the form, narrow ones below it.
    this.root.replaceChildren(header, el('div', { className: 'layout' }, form, this.results.element));
  }

  private textToolbar(tune: PromptEditorTune): HTMLElement {
    const caps = tune.capabilities;
    const referenceMenu: PopupMenu = new PopupMenu({
      label: 'Insert reference',
      iconName: 'references',
      items: (): Promise<MenuContent[]> => this.referenceItems(referenceMenu),
      filterable: true,
      className: 'reference-menu',
    });
    const toolbar = el('div', { className: 'text-toolbar' }, referenceMenu.element);
    if (caps.subjectToken) {
      const subject = el('button', { className: 'chip-button', title: 'Insert the subject token <1>', attrs: { type: 'button' }, text: '<1>' });
      subject.addEventListener('click', () => this.insertAtCursor('<1>'));
      toolbar.append(subject);
    }
    for (const key of Object.keys(tune.characteristics)) {
      const chip = el('button', { className: 'chip-button', title: `Inserts {{${key}}}: “${tune.characteristics[key]}”`, attrs: { type: 'button' }, text: `{{${key}}}` });
      chip.addEventListener('click', () => this.insertAtCursor(`{{${key}}}`));
      toolbar.append(chip);
    }
    if (caps.referenceKind && tune.baseTune) {
      const onBase = el('button', { className: 'link-button', attrs: { type: 'button' }, text: `Write on ${tune.baseTune.title} with this ${caps.referenceKind === 'lora' ? 'LoRA' : 'FaceID'}…` });
      onBase.title = `${caps.referenceKind === 'lora' ? 'LoRA' : 'FaceID'} tunes are usually used from their base model's prompts as <${caps.referenceKind}:${tune.id}:1>`;
      onBase.addEventListener('click', () => void this.host.request('openOnBaseTune', {}).catch((error: unknown) => this.showStatus(String(error), true)));
      toolbar.append(onBase);
    }
    return toolbar;
  }

  private textHint(tune: PromptEditorTune): string {
    const caps = tune.capabilities;
    const hints = ['Reference your models with <lora:ID:1> or <faceid:ID:1> (ID, then weight).'];
    if (caps.subjectToken) {
      const subject = [tune.token, tune.className].filter(Boolean).join(' ');
      hints.push(` <1> stands for your subject${subject ? ` (“${subject}”)` : ''}.`);
    } else if (caps.forbidsSubjectToken || caps.family === 'gemini') {
      hints.push(` ${caps.label} takes plain text: describe the subject in words, no <1>.`);
    }
    const keys = Object.keys(tune.characteristics);
    if (keys.length > 0) hints.push(` {{${keys[0]}}} is replaced by this tune's “${tune.characteristics[keys[0]]}”.`);
    return hints.join('');
  }

  private imageFields(onChange: (field: DraftField) => void, bind: <T extends FieldBinding>(b: T) => T): HTMLElement[] {
    const fields: HTMLElement[] = [];
    for (const which of ['input', 'mask'] as const) {
      const sourceField = which === 'input' ? 'input_image_source' : 'mask_image_source';
      const urlField = which === 'input' ? 'input_image_url' : 'mask_image_url';
      const fileField = which === 'input' ? 'input_image_file' : 'mask_image_file';
      const label = which === 'input' ? 'Input image' : 'Mask image';
      const hint =
        which === 'input'
          ? 'The image to start from: a workspace file (uploaded) or a URL. Hold Shift to drop a file from the Explorer.'
          : 'White areas are painted anew (inpainting); needs an input image.';
      const source = bind(radioControl(sourceField, label, hint, IMAGE_SOURCE_CHOICES, onChange));
      const file = bind(this.fileControl(fileField, which === 'input' ? 'input_image' : 'mask_image'));
      const url = bind(textControl(urlField, null, null, onChange, { placeholder: 'https://…' }));
      fields.push(el('div', { className: `image-source ${which}-image`, data: { dropTarget: which === 'input' ? 'input_image' : 'mask_image' } }, source.container, file.container, url.container));
      if (which === 'input') {
        fields.push(
          el(
            'div',
            { className: 'row' },
            bind(textControl('denoising_strength', 'Denoising strength', '0–1: how far to move from the input (default 0.8).', onChange, { numeric: true, placeholder: '0.8', className: 'narrow' })).container,
            bind(selectControl('controlnet', 'ControlNet', "Keep the input's structure: pose, depth, edges…", choices(CONTROLNETS, 'None'), onChange, 'narrow')).container,
            bind(textControl('controlnet_conditioning_scale', 'Conditioning scale', 'How strongly ControlNet applies.', onChange, { numeric: true, className: 'narrow' })).container,
          ),
          bind(checkboxControl('controlnet_txt2img', 'ControlNet from scratch', 'Generate a new image guided only by the ControlNet (txt2img).', onChange)).container,
        );
      }
    }
    return fields;
  }

  private advancedFields(tune: PromptEditorTune, onChange: (field: DraftField) => void, bind: <T extends FieldBinding>(b: T) => T): HTMLElement[] {
    const caps = tune.capabilities;
    const expansion = bind(checkboxControl('prompt_expansion', 'Prompt expansion', 'Lets Astria elaborate the text.', onChange)).container;
    if (!caps.diffusionOptions) {
      return [el('p', { className: 'hint', text: `${caps.label} chooses steps, guidance and sampling itself, so those options are not offered.` }), expansion];
    }
    return [
      el(
        'div',
        { className: 'row' },
        bind(textControl('w', 'Width', 'Pixels, a multiple of 8; set with height.', onChange, { numeric: true, className: 'narrow' })).container,
        bind(textControl('h', 'Height', 'Pixels, a multiple of 8.', onChange, { numeric: true, className: 'narrow' })).container,
        bind(textControl('steps', 'Steps', '0–50: more is finer and slower.', onChange, { numeric: true, className: 'narrow' })).container,
        bind(textControl('cfg_scale', 'CFG scale', '0–15: how closely to follow the text.', onChange, { numeric: true, className: 'narrow' })).container,
      ),
      el(
        'div',
        { className: 'row' },
        bind(selectControl('scheduler', 'Scheduler', 'Sampling method.', choices(SCHEDULERS, 'Default'), onChange, 'narrow')).container,
        bind(selectControl('style', 'Style', 'A look applied on top of the text.', choices(STYLES, 'None'), onChange, 'narrow')).container,
        bind(selectControl('color_grading', 'Color grading', 'A film look.', choices(COLOR_GRADINGS, 'None'), onChange, 'narrow')).container,
        bind(selectControl('backend_version', 'Backend version', 'Leave the default unless told otherwise.', [{ value: '', label: 'Default' }, { value: '1', label: '1' }], onChange, 'narrow')).container,
      ),
      el(
        'div',
        { className: 'checks' },
        bind(checkboxControl('super_resolution', 'Super resolution', 'Upscales the result.', onChange)).container,
        bind(checkboxControl('inpaint_faces', 'Inpaint faces', 'Redraws faces in detail (needs super resolution).', onChange)).container,
        bind(checkboxControl('hires_fix', 'Hires fix', 'Sharper large images (needs super resolution).', onChange)).container,
        bind(checkboxControl('face_correct', 'Face correct', 'Fixes small or distorted faces.', onChange)).container,
        bind(checkboxControl('face_swap', 'Face swap', "Puts the tune's face onto the result.", onChange)).container,
        bind(checkboxControl('film_grain', 'Film grain', 'Adds analogue grain.', onChange)).container,
        expansion,
      ),
    ];
  }

  /** The chosen workspace file: a label, "Choose file…" and "Remove"; the draft keeps the URI. */
  private fileControl(field: 'input_image_file' | 'mask_image_file', target: ImageTarget): FieldBinding {
    let value = '';
    const name = el('span', { className: 'file-name', text: '' });
    const choose = el('vscode-button', { attrs: { secondary: '', 'data-action': `choose-${target}` } }, icon('folder-opened'), el('span', { text: ' Choose file…' }));
    const clear = el('button', { className: 'icon-button', title: 'Remove the file', attrs: { type: 'button', 'aria-label': 'Remove the file' } }, icon('close'));
    const issues = issueList('field-issues');
    const container = el('div', { className: 'field file-field', data: { field } }, el('div', { className: 'file-row' }, choose, name, clear), issues.element);
    const show = () => {
      name.textContent = value ? (this.fileLabels[value] ?? decodeURIComponent(value.split('/').pop() ?? value)) : 'No file chosen';
      name.title = value ? (this.fileLabels[value] ?? value) : '';
      clear.hidden = value === '';
    };
    choose.addEventListener('click', async () => {
      try {
        const picked = await this.host.request('chooseFile', { target });
        if (!picked) return;
        this.fileLabels[picked.uri] = picked.label;
        value = picked.uri;
        show();
        this.onFieldChanged(field);
      } catch (error) {
        issues.show([{ field, message: error instanceof Error ? error.message : String(error), severity: 'error' }]);
      }
    });
    clear.addEventListener('click', () => {
      value = '';
      show();
      this.onFieldChanged(field);
    });
    show();
    return {
      field,
      container,
      read: () => value,
      write: (next) => {
        value = String(next);
        show();
      },
      setDisabled: (disabled) => {
        (choose as HTMLElement & { disabled: boolean }).disabled = disabled;
        container.classList.toggle('disabled', disabled);
      },
      setIssues: (list) => issues.show(list),
      focus: () => choose.focus(),
    };
  }

  // ─── Menus ─────────────────────────────────────────────────────────────────────────────────────

  private async referenceItems(menu: PopupMenu): Promise<MenuContent[]> {
    if (!this.references) this.references = await this.host.request('listReferences', { cursor: null });
    const refs = this.references;
    const items: MenuContent[] = refs.tunes.map((tune) => ({
      label: tune.title,
      description: `${tune.kind === 'lora' ? 'LoRA' : 'FaceID'}${tune.className ? ` · ${tune.className}` : ''} · ${tune.id}`,
      title: `Inserts <${tune.kind}:${tune.id}:1>`,
      run: () => this.insertAtCursor(`<${tune.kind}:${tune.id}:1>`),
    }));
    if (items.length === 0 && refs.nextCursor === null) items.push({ note: 'No trained LoRA or FaceID tunes yet.' });
    if (refs.nextCursor !== null) {
      const cursor = refs.nextCursor;
      const more = el('button', { className: 'menu-item more', attrs: { type: 'button', role: 'menuitem' }, text: 'Load more…' });
      more.addEventListener('click', async () => {
        const next = await this.host.request('listReferences', { cursor });
        this.references = { tunes: [...refs.tunes, ...next.tunes], nextCursor: next.nextCursor };
        await menu.refresh();
      });
      items.push({ separator: true }, { custom: more });
    }
    return items;
  }

  private async historyItems(): Promise<MenuContent[]> {
    const entries = await this.host.request('loadHistory', {});
    if (entries.length === 0) return [{ note: 'No prompts for this tune yet.' }];
    return entries.map((entry) => ({
      label: oneLine(entry.text),
      description: `#${entry.promptId} · ${relativeTime(entry.createdAt)}`,
      title: entry.text,
      run: () => this.replaceDraft(normalizeDraft(entry.draft), `The form now holds prompt #${entry.promptId}.`),
    }));
  }

  private presetItems(): MenuContent[] {
    const name = el('input', { className: 'menu-input', attrs: { type: 'text', placeholder: 'Preset name', maxlength: '80', 'aria-label': 'Preset name' } });
    const save = el('button', { className: 'menu-item', attrs: { type: 'button' }, text: 'Save' });
    const saveCurrent = async () => {
      const value = name.value.trim();
      if (!value) return name.focus();
      try {
        this.presets = await this.host.request('savePreset', { name: value, options: presetOptions(this.readDraft()) });
        this.showStatus(`Saved the preset “${value}”.`);
        this.presetMenu?.close(true);
      } catch (error) {
        this.showStatus(error instanceof Error ? error.message : String(error), true);
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
    if (this.presets.length > 0) items.push({ separator: true });
    for (const preset of this.presets) {
      items.push({
        label: preset.name,
        title: `Apply “${preset.name}”: keeps your text and images`,
        run: () => this.replaceDraft(applyPreset(this.readDraft(), preset.options), `Applied the preset “${preset.name}”.`),
        secondary: {
          icon: 'trash',
          label: 'Delete preset',
          run: async () => {
            this.presets = await this.host.request('deletePreset', { name: preset.name });
            await this.presetMenu?.refresh();
          },
        },
      });
    }
    return items;
  }

  // ─── Editing ───────────────────────────────────────────────────────────────────────────────────

  private insertAtCursor(snippet: string): void {
    const area = this.textArea;
    if (!area) return;
    const inner = area.wrappedElement;
    const value = area.value;
    const start = inner ? inner.selectionStart : value.length;
    const end = inner ? inner.selectionEnd : value.length;
    const before = value.slice(0, start);
    const spacer = before === '' || /\s$/.test(before) ? '' : ' ';
    const inserted = `${spacer}${snippet}`;
    area.value = `${before}${inserted}${value.slice(end)}`;
    this.onFieldChanged('text');
    area.focus();
    const caret = start + inserted.length;
    requestAnimationFrame(() => area.wrappedElement?.setSelectionRange(caret, caret));
  }

  private readDraft(): PromptDraft {
    const draft = { ...this.draft } as unknown as Record<string, unknown>;
    for (const [field, binding] of this.bindings) draft[field] = binding.read();
    return draft as unknown as PromptDraft;
  }

  private writeDraft(draft: PromptDraft): void {
    for (const field of DRAFT_FIELDS) this.bindings.get(field)?.write(draft[field]);
    if (this.imageSection && (draft.input_image_source !== 'none' || draft.mask_image_source !== 'none')) this.imageSection.open = true;
  }

  private onFieldChanged(field: DraftField): void {
    this.touched.add(field);
    // A server message about this field is answered by changing it.
    this.serverIssues = this.serverIssues.filter((issue) => issue.field !== field);
    if (field === 'super_resolution' && this.bindings.get('super_resolution')?.read() === false) {
      for (const dependent of ['inpaint_faces', 'hires_fix'] as const) this.bindings.get(dependent)?.write(false);
    }
    this.draft = this.readDraft();
    this.refresh();
    this.saveState();
    this.host.notify('draftChanged', { draft: this.draft });
  }

  /** Replaces the whole form, keeping what was there for Undo. */
  private replaceDraft(draft: PromptDraft, message: string, fileLabels: Record<string, string> = {}): void {
    const previous = this.readDraft();
    Object.assign(this.fileLabels, fileLabels);
    this.draft = draft;
    this.touched.clear();
    this.submitAttempted = false;
    this.serverIssues = [];
    this.writeDraft(draft);
    this.refresh();
    this.saveState();
    this.host.notify('draftChanged', { draft });
    const worthUndoing = !sameDraft(previous, draft) && !sameDraft(previous, defaultDraft());
    this.undo = worthUndoing ? { draft: previous, text: message } : null;
    this.renderBanner(worthUndoing ? message : null);
  }

  private renderBanner(message: string | null): void {
    if (!message || !this.undo) {
      this.banner.hidden = true;
      this.banner.replaceChildren();
      return;
    }
    const undo = el('button', { className: 'link-button', attrs: { type: 'button' }, text: 'Undo' });
    undo.addEventListener('click', () => {
      const previous = this.undo?.draft;
      this.undo = null;
      if (previous) this.replaceDraft(previous, '');
      this.renderBanner(null);
    });
    const dismiss = el('button', { className: 'icon-button', title: 'Dismiss', attrs: { type: 'button', 'aria-label': 'Dismiss' } }, icon('close'));
    dismiss.addEventListener('click', () => {
      this.undo = null;
      this.renderBanner(null);
    });
    this.banner.hidden = false;
    this.banner.replaceChildren(icon('info'), el('span', { text: ` ${message} ` }), undo, dismiss);
  }

  private saveState(): void {
    if (!this.tune) return;
    this.host.api.setState({ version: 1, tuneId: this.tune.id, draft: this.draft, advancedOpen: this.advancedOpen });
  }

  /** Re-validates, shows messages where they belong, and enables what depends on what. */
  private refresh(): void {
    const tune = this.tune;
    if (!tune) return;
    const draft = this.draft;
    const checked = validateDraft(draft, { capabilities: tune.capabilities, characteristics: Object.keys(tune.characteristics) });
    const visible = (issue: DraftIssue) =>
      issue.severity === 'warning' || this.submitAttempted || (issue.field !== null && this.touched.has(issue.field));
    const all = [...this.serverIssues, ...checked.issues.filter(visible)];
    const byField = new Map<DraftField, DraftIssue[]>();
    const top: DraftIssue[] = [];
    for (const issue of all) {
      if (issue.field !== null && this.bindings.has(issue.field)) (byField.get(issue.field) ?? byField.set(issue.field, []).get(issue.field))?.push(issue);
      else top.push(issue);
    }
    for (const [field, binding] of this.bindings) binding.setIssues(byField.get(field) ?? []);
    this.topIssues.show(top);

    const set = (field: DraftField, disabled: boolean) => this.bindings.get(field)?.setDisabled(disabled);
    const superResolution = draft.super_resolution;
    set('inpaint_faces', !superResolution);
    set('hires_fix', !superResolution);
    const hasInput = draft.input_image_source !== 'none';
    for (const field of ['denoising_strength', 'controlnet', 'mask_image_source'] as const) set(field, !hasInput);
    set('controlnet_conditioning_scale', !hasInput || draft.controlnet === '');
    set('controlnet_txt2img', !hasInput || draft.controlnet === '');
    this.showSource('input_image', draft.input_image_source);
    this.showSource('mask_image', hasInput ? draft.mask_image_source : 'none');
  }

  private showSource(target: ImageTarget, source: string): void {
    const file = this.bindings.get(`${target}_file`);
    const url = this.bindings.get(`${target}_url`);
    if (file) file.container.hidden = source !== 'file';
    if (url) url.container.hidden = source !== 'url';
  }

  // ─── Submit ────────────────────────────────────────────────────────────────────────────────────

  private setBusy(busy: boolean): void {
    this.busy = busy;
    const button = this.submitButton as (HTMLElement & { disabled: boolean }) | undefined;
    if (button) button.disabled = busy || this.submitting;
    this.root.classList.toggle('busy', busy);
  }

  private async submit(): Promise<void> {
    const tune = this.tune;
    if (!tune || this.submitting || this.busy) return;
    this.draft = this.readDraft();
    this.submitAttempted = true;
    this.serverIssues = [];
    this.refresh();
    const checked = validateDraft(this.draft, { capabilities: tune.capabilities, characteristics: Object.keys(tune.characteristics) });
    if (checked.issues.some((issue) => issue.severity === 'error')) {
      this.focusFirstError(checked.issues);
      this.showStatus('Fix the marked fields first.', true);
      return;
    }
    this.submitting = true;
    this.setBusy(true);
    this.showStatus('Sending…');
    try {
      const result = await this.host.request('submit', { draft: this.draft });
      switch (result.status) {
        case 'created':
          this.submitAttempted = false;
          this.showStatus(`Created prompt #${result.promptId}.`);
          break;
        case 'invalid':
          this.serverIssues = result.issues;
          this.refresh();
          this.focusFirstError(result.issues);
          this.showStatus('The prompt was not created: see the messages.', true);
          break;
        case 'failed':
          this.serverIssues = [{ field: null, message: result.message, severity: 'error' }];
          this.refresh();
          this.showStatus('The prompt was not created.', true);
          break;
        case 'busy':
          this.showStatus('Still sending the previous prompt…');
          break;
        case 'duplicate':
          this.showStatus(`Already sent a moment ago as prompt #${result.promptId}.`);
          break;
      }
    } catch (error) {
      this.serverIssues = [{ field: null, message: error instanceof Error ? error.message : String(error), severity: 'error' }];
      this.refresh();
      this.showStatus('The prompt was not created.', true);
    } finally {
      this.submitting = false;
      this.setBusy(this.busy);
    }
  }

  private focusFirstError(issues: readonly DraftIssue[]): void {
    const first = issues.find((issue) => issue.severity === 'error' && issue.field !== null && this.bindings.has(issue.field));
    if (!first?.field) return;
    const binding = this.bindings.get(first.field);
    if (binding && this.advancedSection?.contains(binding.container)) this.advancedSection.open = true;
    if (binding && this.imageSection?.contains(binding.container)) this.imageSection.open = true;
    binding?.focus();
    binding?.container.scrollIntoView({ block: 'nearest' });
  }

  private showStatus(message: string, isError = false): void {
    this.statusLine.textContent = message;
    this.statusLine.classList.toggle('error', isError);
    window.clearTimeout(this.statusTimer);
    if (!isError) this.statusTimer = window.setTimeout(() => (this.statusLine.textContent = ''), 8000);
  }

  private async openResult(promptId: number, imageIndex: number): Promise<void> {
    try {
      await this.host.request('openResult', { promptId, imageIndex });
    } catch (error) {
      this.showStatus(error instanceof Error ? error.message : String(error), true);
    }
  }

  // ─── Drag and drop ─────────────────────────────────────────────────────────────────────────────

  private onDragOver(event: DragEvent): void {
    if (!this.tune || !event.dataTransfer) return;
    const types = [...event.dataTransfer.types];
    if (types.includes('text/uri-list') || types.includes('application/vnd.code.uri-list') || types.includes('Files')) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }

  private async onDrop(event: DragEvent): Promise<void> {
    if (!this.tune || !event.dataTransfer) return;
    event.preventDefault();
    const uriList = droppedUriList(event.dataTransfer);
    const zone = (event.target as HTMLElement | null)?.closest?.('[data-drop-target]');
    const target: ImageTarget = zone?.getAttribute('data-drop-target') === 'mask_image' && this.draft.input_image_source !== 'none' ? 'mask_image' : 'input_image';
    if (!uriList) {
      this.showStatus('Drop a file from the Explorer (hold Shift while dropping).', true);
      return;
    }
    const result = await this.host.request('dropFile', { target, uriList });
    if ('error' in result) {
      this.bindings.get(`${target}_file`)?.setIssues([{ field: `${target}_file`, message: result.error, severity: 'error' }]);
      this.showStatus(result.error, true);
      return;
    }
    this.fileLabels[result.uri] = result.label;
    this.bindings.get(`${target}_source`)?.write('file');
    this.bindings.get(`${target}_file`)?.write(result.uri);
    if (this.imageSection) this.imageSection.open = true;
    this.onFieldChanged(`${target}_file`);
    this.showStatus(`Using ${result.label} as the ${target === 'input_image' ? 'input' : 'mask'} image.`);
  }
}
