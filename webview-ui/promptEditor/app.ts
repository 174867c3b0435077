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
  DRAFT_FIELDS,
  RESOLUTIONS,
  defaultDraft,
  normalizeDraft,
  sameDraft,
  type DraftField,
  type PromptDraft,
} from '../../src/shared/prompt/draft';
import { SEED_MAX, validateDraft, type DraftIssue } from '../../src/shared/prompt/validation';
import type {
  DraftReplacedReason,
  EditorSection,
  ImageTarget,
  PromptEditorInit,
  PromptEditorProtocol,
  PromptEditorTune,
  PromptEditorViewState,
  PromptPreset,
  ReferenceTune,
} from '../../src/shared/promptEditor';
import { errorMessage } from '../../src/shared/errorMessage';
import type { EditorContext } from './context';
import { onDragOver, onDrop } from './dropZone';
import { issueList, selectControl, textControl, type FieldBinding } from './form';
import { advancedFields, choices, imageFields, textHint, textToolbar } from './layout';
import { PopupMenu } from './menu';
import { historyItems, presetItems } from './menus';
import { ResultsStrip } from './results';
import { SweepSection } from './sweep';

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


export class PromptEditorApp implements EditorContext {
  readonly host: HostConnection<PromptEditorProtocol, PromptEditorViewState>;
  tune: PromptEditorTune | null = null;
  draft: PromptDraft = defaultDraft();
  private initialized = false;
  private busy = false;
  private submitting = false;
  private submitAttempted = false;
  private advancedOpen: boolean;
  private readonly touched = new Set<DraftField>();
  private serverIssues: DraftIssue[] = [];
  fileLabels: Record<string, string> = {};
  readonly bindings = new Map<DraftField, FieldBinding>();
  private undo: { draft: PromptDraft; text: string } | null = null;
  references: { tunes: ReferenceTune[]; nextCursor: number | null } | undefined;
  presets: PromptPreset[] = [];
  private statusTimer: number | undefined;

  private readonly results = new ResultsStrip((promptId, imageIndex) => void this.openResult(promptId, imageIndex));
  private readonly topIssues = issueList('top-issues');
  private readonly banner = el('div', { className: 'banner', attrs: { hidden: '', role: 'status' } });
  private readonly statusLine = el('span', { className: 'submit-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private submitButton: HTMLElement | undefined;
  private textArea: VscodeTextarea | undefined;
  private advancedSection: VscodeCollapsible | undefined;
  imageSection: VscodeCollapsible | undefined;
  presetMenu: PopupMenu | undefined;
  private sweep: SweepSection | undefined;
  /** A section the host asked to open, kept until the form is built. */
  private pendingReveal: EditorSection | undefined;

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
      reveal: ({ section }) => {
        this.pendingReveal = section;
        if (this.initialized) this.revealPending();
      },
    });
    const saved = readSavedState(this.host.api.getState());
    this.advancedOpen = saved?.advancedOpen ?? false;
    this.root.replaceChildren(el('div', { className: 'loading', text: 'Loading the prompt editor…' }));
  }

  start(): void {
    window.addEventListener('error', (event) => this.host.notify('error', { message: String(event.message) }));
    window.addEventListener('unhandledrejection', (event) => this.host.notify('error', { message: String(event.reason) }));
    document.addEventListener('dragover', (event) => onDragOver(this, event));
    document.addEventListener('drop', (event) => void onDrop(this, event));
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
    this.revealPending();
  }

  /** Opens and focuses the section the host asked for, and says whether it is open. */
  private revealPending(): void {
    const section = this.pendingReveal;
    this.pendingReveal = undefined;
    if (!section) return;
    const open = section === 'sweep' && this.sweep ? this.sweep.reveal() : false;
    this.host.notify('revealed', { section, open });
  }

  private onDraftReplaced(draft: PromptDraft, fileLabels: Record<string, string>, reason: DraftReplacedReason): void {
    if (!this.initialized || !this.tune) return; // `init` brings the new draft
    this.replaceDraft(normalizeDraft(draft), REPLACED_TEXT[reason], fileLabels);
  }

  // ─── Building the form ─────────────────────────────────────────────────────────────────────────

  /** Save as Prompt File…: the host asks where, writes a `*.astria.yaml` with this form, and opens it. */
  private savePromptFileButton(): HTMLElement {
    const button = el('vscode-button', { attrs: { secondary: '', 'data-action': 'save-prompt-file', title: 'Save this form as a prompt file (*.astria.yaml) to keep it in the workspace' } }, icon('save'), el('span', { text: ' Save as Prompt File…' }));
    button.addEventListener('click', () => {
      this.host
        .request('saveAsPromptFile', { draft: this.readDraft() })
        .then((result) => result && this.showStatus(`Saved ${result.saved}.`))
        .catch((error: unknown) => this.showStatus(errorMessage(error), true));
    });
    return button;
  }

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
    const historyMenu = new PopupMenu({ label: 'History', iconName: 'history', items: () => historyItems(this), filterable: true, className: 'history-menu' });
    this.presetMenu = new PopupMenu({ label: 'Presets', iconName: 'bookmark', items: () => presetItems(this), className: 'preset-menu' });
    const kind = caps.isBaseModel ? 'base model' : caps.referenceKind === 'faceid' ? 'FaceID' : caps.referenceKind === 'lora' ? 'LoRA' : 'fine-tune';
    const header = el(
      'header',
      { className: 'topbar' },
      el('h1', { className: 'title', text: tune.title, title: `${tune.title} (ID ${tune.id})` }),
      el('span', { className: 'chip', text: `${caps.label} · ${kind}` }),
      el('span', { className: 'spacer' }),
      historyMenu.element,
      this.presetMenu.element,
      this.savePromptFileButton(),
    );

    // Prompt text
    const text = bind(
      textControl('text', 'Prompt', null, onChange, { multiline: 5, placeholder: caps.subjectToken ? 'e.g. portrait of <1>, studio lighting' : 'Describe the image', className: 'text-field' }),
    );
    this.textArea = text.element as VscodeTextarea;
    text.container.querySelector('vscode-label')?.after(textToolbar(this, tune));
    text.container.insertBefore(el('div', { className: 'hint', text: textHint(tune) }), text.container.querySelector('.issues'));
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
    this.imageSection.append(...imageFields(this, onChange, bind));

    // Advanced
    this.advancedSection = document.createElement('vscode-collapsible');
    this.advancedSection.heading = 'Advanced options';
    this.advancedSection.className = 'section advanced-section';
    this.advancedSection.open = this.advancedOpen;
    this.advancedSection.addEventListener('vsc-collapsible-toggle', () => {
      this.advancedOpen = this.advancedSection?.open ?? false;
      this.saveState();
    });
    this.advancedSection.append(...advancedFields(tune, onChange, bind));

    // Sweep
    this.sweep = new SweepSection(this);

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
      this.sweep.element,
    );
    // Wide panels show the results beside the form, narrow ones below it.
    this.root.replaceChildren(header, el('div', { className: 'layout' }, form, this.results.element));
  }

  // ─── Editing ───────────────────────────────────────────────────────────────────────────────────

  insertAtCursor(snippet: string): void {
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

  readDraft(): PromptDraft {
    const draft = { ...this.draft } as unknown as Record<string, unknown>;
    for (const [field, binding] of this.bindings) draft[field] = binding.read();
    return draft as unknown as PromptDraft;
  }

  private writeDraft(draft: PromptDraft): void {
    for (const field of DRAFT_FIELDS) this.bindings.get(field)?.write(draft[field]);
    if (this.imageSection && (draft.input_image_source !== 'none' || draft.mask_image_source !== 'none')) this.imageSection.open = true;
  }

  onFieldChanged(field: DraftField): void {
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
  replaceDraft(draft: PromptDraft, message: string, fileLabels: Record<string, string> = {}): void {
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
    this.sweep?.draftChanged();
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
          this.showStatus(result.note ? `${result.note} It is prompt #${result.promptId}.` : `Created prompt #${result.promptId}.`);
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
      this.serverIssues = [{ field: null, message: errorMessage(error), severity: 'error' }];
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

  showStatus(message: string, isError = false): void {
    this.statusLine.textContent = message;
    this.statusLine.classList.toggle('error', isError);
    window.clearTimeout(this.statusTimer);
    if (!isError) this.statusTimer = window.setTimeout(() => (this.statusLine.textContent = ''), 8000);
  }

  private async openResult(promptId: number, imageIndex: number): Promise<void> {
    try {
      await this.host.request('openResult', { promptId, imageIndex });
    } catch (error) {
      this.showStatus(errorMessage(error), true);
    }
  }
}
