// The create-tune wizard as a flow of steps over a WizardUi: QuickInput in VS Code (quickInputUi.ts), a
// scripted UI in tests. Modelled after vscode-extension-samples' quickinput-sample multiStepInput.ts.
// Plain TypeScript, no `vscode` import.
import type { Pack } from '../../api/astria/types';
import { describeSkipped, formatMegabytes } from '../../domain/trainingImages';
import { plural } from '../../shared/plural';
import {
  BRANCHES,
  checkBaseTuneId,
  checkCallbackUrl,
  checkCharacteristics,
  checkClassName,
  checkPromptText,
  checkTitle,
  checkToken,
  COMMON_CLASSES,
  draftProblems,
  MODEL_TYPES,
  MODELS,
  modelById,
  packClasses,
  PRESETS,
  withModel,
  type ModelId,
  type PackChoice,
  type TrainedModelType,
  type TuneDraft,
} from './tuneOptions';

export type { Answer, InputRequest, PackSource, PickItem, PickRequest, ScreenFrame, StepId, WizardContext, WizardResult, WizardUi } from './wizardScreens';
import { STEP_ORDER, type PickItem, type SummaryAction, type ScreenFrame, type StepId, type WizardContext, type WizardResult, type WizardUi } from './wizardScreens';

type StepOutcome = 'next' | 'back' | 'cancel' | 'done' | { edit: StepId };

const WIZARD_TITLE = 'Create Tune';
const CUSTOM_CLASS = null;

/**
 * Runs the wizard from `startAt` (the first step, or the step an error names) until the user
 * confirms on the summary (→ the answers) or cancels (→ undefined). Back keeps every answer.
 */
export async function runTuneWizard(
  ui: WizardUi,
  draft: TuneDraft,
  context: WizardContext,
  options: { startAt?: StepId; pack?: PackChoice } = {},
): Promise<WizardResult | undefined> {
  return new TuneWizard(ui, draft, context, options.pack).run(options.startAt);
}

class TuneWizard {
  /** Set while a step was opened from the summary: accepting or Back returns there. */
  private editingFromSummary = false;
  private problems: string[] = [];

  constructor(
    private readonly ui: WizardUi,
    private draft: TuneDraft,
    private readonly context: WizardContext,
    private pack: PackChoice | undefined,
  ) {}

  async run(startAt?: StepId): Promise<WizardResult | undefined> {
    let current: StepId = startAt === undefined ? this.steps()[0] : this.applies(startAt) ? startAt : 'summary';
    // Re-opened at the step an error names: fixing it leads straight back to the summary.
    this.editingFromSummary = current !== 'summary' && startAt !== undefined;
    for (;;) {
      const outcome = await this.show(current);
      if (outcome === 'cancel') return undefined;
      if (outcome === 'done') return { draft: this.draft, pack: this.pack };
      if (typeof outcome === 'object') {
        this.editingFromSummary = true;
        current = outcome.edit;
      } else if (this.editingFromSummary) {
        this.editingFromSummary = false;
        current = 'summary';
      } else {
        current = (outcome === 'back' ? this.previous(current) : this.next(current)) ?? current;
      }
    }
  }

  private isPackFlow(): boolean {
    return this.context.packs !== undefined;
  }

  private applies(step: StepId): boolean {
    switch (step) {
      case 'pack':
        return this.isPackFlow();
      case 'model':
      case 'prompts':
        return !this.isPackFlow();
      case 'preset':
        return !this.isPackFlow() && modelById(this.draft.modelId).offersPresets;
      default:
        return true;
    }
  }

  private steps(): StepId[] {
    return STEP_ORDER.filter((step) => this.applies(step));
  }

  private next(step: StepId): StepId | undefined {
    const steps = this.steps();
    return steps[steps.indexOf(step) + 1];
  }

  private previous(step: StepId): StepId | undefined {
    const steps = this.steps();
    const index = steps.indexOf(step);
    return index > 0 ? steps[index - 1] : undefined;
  }

  private frame(step: StepId, screen: string = step): ScreenFrame {
    const steps = this.steps();
    return {
      step,
      screen,
      title: this.pack ? `${WIZARD_TITLE} from “${this.pack.pack.title}”` : WIZARD_TITLE,
      stepNumber: steps.indexOf(step) + 1,
      totalSteps: steps.length,
      canGoBack: this.editingFromSummary || this.previous(step) !== undefined,
    };
  }

  private show(step: StepId): Promise<StepOutcome> {
    switch (step) {
      case 'pack':
        return this.packStep();
      case 'title':
        return this.inputStep('title', {
          prompt: 'Title of the tune. Astria also uses it to recognise a retried upload, so it ends with a unique suffix.',
          value: this.draft.title,
          check: checkTitle,
          save: (title) => (this.draft.title = title.trim()),
        });
      case 'class':
        return this.classStep();
      case 'model':
        return this.modelStep();
      case 'branch':
        return this.branchStep();
      case 'preset':
        return this.presetStep();
      case 'token':
        return this.inputStep('token', {
          prompt: 'Token: the word that stands for your subject in prompts, as in “ohwx man on a beach”.',
          value: this.draft.token,
          check: checkToken,
          save: (token) => (this.draft.token = token.trim()),
        });
      case 'options':
        return this.optionsStep();
      case 'characteristics':
        return this.inputStep('characteristics', {
          prompt: 'Characteristics (optional): key=value pairs, comma separated. Prompts can use them as {{key}}.',
          placeholder: 'eye_color=blue eyes, hair=short brown hair',
          value: this.draft.characteristics,
          check: checkCharacteristics,
          save: (text) => (this.draft.characteristics = text.trim()),
        });
      case 'prompts':
        return this.promptsStep();
      case 'callback':
        return this.inputStep('callback', {
          prompt: 'Callback URL (optional): Astria POSTs the tune there when training ends. Tune Studio polls anyway.',
          placeholder: 'https://example.com/astria-callback',
          value: this.draft.callback,
          check: checkCallbackUrl,
          save: (url) => (this.draft.callback = url.trim()),
        });
      case 'summary':
        return this.summaryStep();
    }
  }

  private async inputStep(
    step: StepId,
    spec: { prompt: string; placeholder?: string; value: string; check: (value: string) => string | undefined; save: (value: string) => void },
  ): Promise<StepOutcome> {
    const answer = await this.ui.input({ ...this.frame(step), prompt: spec.prompt, placeholder: spec.placeholder, value: spec.value, check: spec.check });
    if (answer.action !== 'accept') return answer.action;
    spec.save(answer.value);
    return 'next';
  }

  private async packStep(): Promise<StepOutcome> {
    const packs = this.context.packs;
    if (!packs) return 'next';
    const answer = await this.ui.pick<Pack>({
      ...this.frame('pack'),
      placeholder: 'Pick a pack: it decides the base model and queues its prompts once the tune is trained',
      items: packs.list.map((pack) => ({
        label: pack.title,
        description: packClasses(pack).join(', '),
        detail: [pack.base_tune_id != null ? `base tune ${pack.base_tune_id}` : undefined, pack.model_type ?? undefined, pack.slug]
          .filter(Boolean)
          .join(' · '),
        value: pack,
        active: pack.id === this.pack?.pack.id,
      })),
    });
    if (answer.action !== 'accept') return answer.action;
    const pack = answer.value;
    const classes = await packs.classesOf(pack).catch(() => packClasses(pack));
    this.pack = { pack, classes };
    this.draft.packId = pack.id;
    if (classes.length > 0 && !classes.includes(this.draft.className)) {
      this.draft.className = pack.main_class_name && classes.includes(pack.main_class_name) ? pack.main_class_name : classes[0];
    }
    return 'next';
  }

  private async classStep(): Promise<StepOutcome> {
    for (;;) {
      const current = this.draft.className;
      const items: PickItem<string | typeof CUSTOM_CLASS>[] = this.pack
        ? this.pack.classes.map((name) => ({ label: name, value: name, active: name === current, description: name === this.pack?.pack.main_class_name ? 'main class' : undefined }))
        : this.commonClassItems(current);
      const answer = await this.ui.pick({
        ...this.frame('class'),
        placeholder: this.pack ? `Class of the subject (the classes “${this.pack.pack.title}” supports)` : 'Class of the subject: what the photos show',
        items,
      });
      if (answer.action !== 'accept') return answer.action;
      if (answer.value !== CUSTOM_CLASS) {
        this.draft.className = answer.value;
        return 'next';
      }
      const isCommon = COMMON_CLASSES.some((c) => c.name === current);
      const typed = answer.filterText?.trim();
      const custom = await this.ui.input({
        ...this.frame('class', 'class.custom'),
        canGoBack: true,
        prompt: 'Class name: a word Astria knows for the subject (e.g. sneakers, teapot, sofa)',
        value: typed || (isCommon ? '' : current),
        check: checkClassName,
      });
      if (custom.action === 'cancel') return 'cancel';
      if (custom.action === 'accept') {
        this.draft.className = custom.value.trim();
        return 'next';
      }
    }
  }

  private commonClassItems(current: string): PickItem<string | typeof CUSTOM_CLASS>[] {
    const isCommon = COMMON_CLASSES.some((c) => c.name === current);
    const items: PickItem<string | typeof CUSTOM_CLASS>[] = COMMON_CLASSES.map((c) => ({ label: c.name, value: c.name, group: c.group, active: c.name === current }));
    if (!isCommon && current !== '') items.unshift({ label: current, description: 'typed earlier', value: current, group: 'Custom', active: true });
    // Always listed, so typing a class that is not in the list leaves it one Enter away.
    items.push({ label: '$(edit) Custom class…', description: 'type any class', value: CUSTOM_CLASS, group: isCommon || current === '' ? 'Custom' : undefined, alwaysShow: true });
    return items;
  }

  private async modelStep(): Promise<StepOutcome> {
    for (;;) {
      const answer = await this.ui.pick<ModelId>({
        ...this.frame('model'),
        placeholder: 'Model to train',
        items: MODELS.map((model) => ({ label: model.label, description: model.description, detail: model.detail, value: model.id, active: model.id === this.draft.modelId })),
      });
      if (answer.action !== 'accept') return answer.action;
      const modelId = answer.value;
      if (modelId !== 'base-tune') {
        this.setModel(modelId);
        return 'next';
      }
      const custom = await this.customBaseTune();
      if (custom === 'cancel') return 'cancel';
      if (custom === 'next') {
        this.setModel('base-tune');
        return 'next';
      }
    }
  }

  private setModel(modelId: ModelId): void {
    if (modelId !== this.draft.modelId) this.draft = withModel(this.draft, modelId);
  }

  /** Base tune id, then its model type; Back walks back through these two screens. */
  private async customBaseTune(): Promise<'next' | 'back' | 'cancel'> {
    for (;;) {
      const id = await this.ui.input({
        ...this.frame('model', 'model.baseTuneId'),
        canGoBack: true,
        prompt: 'Base tune id: the number in its Astria URL (or paste the URL)',
        placeholder: '1504944',
        value: this.draft.baseTuneIdText,
        check: checkBaseTuneId,
      });
      if (id.action !== 'accept') return id.action;
      this.draft.baseTuneIdText = id.value.trim();
      const type = await this.ui.pick<TrainedModelType>({
        ...this.frame('model', 'model.modelType'),
        canGoBack: true,
        placeholder: 'What to train on top of it',
        items: MODEL_TYPES.map((t) => ({ label: t.label, detail: t.detail, value: t.value, active: t.value === this.draft.customModelType })),
      });
      if (type.action === 'cancel') return 'cancel';
      if (type.action === 'accept') {
        this.draft.customModelType = type.value;
        return 'next';
      }
    }
  }

  private async branchStep(): Promise<StepOutcome> {
    const model = modelById(this.draft.modelId);
    const custom = !this.pack && model.id === 'base-tune';
    const fast = BRANCHES.find((b) => b.value === 'fast');
    const defaultLabel = this.pack ? 'The pack’s branch' : custom ? 'The base tune’s branch' : `${model.branch} (default for ${model.label})`;
    const choices = custom ? BRANCHES : fast ? [fast] : [];
    const answer = await this.ui.pick<TuneDraft['branch']>({
      ...this.frame('branch'),
      placeholder: 'Branch: where the tune trains. “fast” is Astria’s free mock mode.',
      items: [
        { label: defaultLabel, detail: 'A real training run, billed to your account.', value: 'default', active: this.draft.branch === 'default' },
        ...choices.map((b) => ({
          label: b.value,
          description: b.value === 'fast' ? 'free mock mode' : undefined,
          detail: b.detail,
          value: b.value,
          active: b.value === this.draft.branch,
        })),
      ],
    });
    if (answer.action !== 'accept') return answer.action;
    this.draft.branch = answer.value;
    return 'next';
  }

  private async presetStep(): Promise<StepOutcome> {
    const answer = await this.ui.pick({
      ...this.frame('preset'),
      placeholder: 'Flux LoRA training preset',
      items: PRESETS.map((p) => ({ label: p.label, description: p.value ?? undefined, detail: p.detail, value: p.value, active: p.value === this.draft.preset })),
    });
    if (answer.action !== 'accept') return answer.action;
    this.draft.preset = answer.value;
    return 'next';
  }

  private async optionsStep(): Promise<StepOutcome> {
    type Flag = 'faceCrop' | 'trainingFaceCorrect' | 'autoExtend';
    const flags: { value: Flag; label: string; detail: string }[] = [
      { value: 'faceCrop', label: 'Face crop', detail: 'Find faces and add cropped close-ups to the training set (unchecked: your account’s setting).' },
      { value: 'trainingFaceCorrect', label: 'Training face correct', detail: 'Enhance low-quality photos (GFPGAN) before training; may over-smooth.' },
      { value: 'autoExtend', label: 'Auto-extend', detail: 'Renew the tune when it would expire after 30 days (billed).' },
    ];
    const answer = await this.ui.pickMany<Flag>({
      ...this.frame('options'),
      placeholder: 'Training options: check the ones you want, then press Enter',
      items: flags.map((flag) => ({ ...flag, picked: this.draft[flag.value] })),
    });
    if (answer.action !== 'accept') return answer.action;
    for (const flag of flags) this.draft[flag.value] = answer.value.includes(flag.value);
    return 'next';
  }

  /** A small list editor: the prompts so far, "Add a prompt…", and Continue. */
  private async promptsStep(): Promise<StepOutcome> {
    for (;;) {
      const prompts = this.draft.prompts;
      const answer = await this.ui.pick<number | 'add' | 'continue'>({
        ...this.frame('prompts'),
        placeholder: 'First prompts (optional): created with the tune, rendered once it is trained',
        items: [
          { label: '$(arrow-right) Continue', description: prompts.length ? plural(prompts.length, 'prompt') : 'no prompts', value: 'continue', active: true },
          { label: '$(add) Add a prompt…', value: 'add' },
          ...prompts.map((text, index) => ({ label: text, description: 'edit or remove', value: index, group: index === 0 ? 'Prompts' : undefined })),
        ],
      });
      if (answer.action !== 'accept') return answer.action;
      if (answer.value === 'continue') return 'next';
      const index = answer.value === 'add' ? undefined : answer.value;
      const edited = await this.ui.input({
        ...this.frame('prompts', 'prompts.edit'),
        canGoBack: true,
        prompt: index === undefined ? 'Prompt text, e.g. “ohwx man in a leather jacket, studio light”' : 'Prompt text (clear it to remove the prompt)',
        value: index === undefined ? '' : prompts[index],
        check: index === undefined ? checkPromptText : () => undefined,
      });
      if (edited.action === 'cancel') return 'cancel';
      if (edited.action === 'back') continue;
      const text = edited.value.trim();
      if (index === undefined) this.draft.prompts = [...prompts, text];
      else this.draft.prompts = text === '' ? prompts.filter((_, i) => i !== index) : prompts.map((p, i) => (i === index ? text : p));
    }
  }

  private async summaryStep(): Promise<StepOutcome> {
    for (;;) {
      const answer = await this.ui.pick<SummaryAction>({ ...this.frame('summary'), placeholder: 'Check the images and options: nothing is sent until you choose Create tune', items: this.summaryItems() });
      if (answer.action !== 'accept') return answer.action;
      const action = answer.value;
      switch (action.kind) {
        case 'create':
          this.problems = draftProblems(this.draft, this.pack);
          if (this.problems.length === 0) return 'done';
          continue;
        case 'back':
          return 'back';
        case 'cancel':
          return 'cancel';
        case 'edit':
          this.problems = [];
          return { edit: action.step };
        case 'images':
        case 'skipped':
          if ((await this.showFileList(action.kind)) === 'cancel') return 'cancel';
          continue;
        case 'info':
          continue;
      }
    }
  }

  private summaryItems(): PickItem<SummaryAction>[] {
    const { selection, verdict } = this.context;
    const info = { kind: 'info' } as const;
    const items: PickItem<SummaryAction>[] = [];
    for (const notice of [...(this.context.notices ?? []), ...this.problems]) items.push({ label: `$(error) ${notice}`, value: info, group: 'Needs attention' });
    // Create first: it is what Enter does, and the list then opens at its top, images in view.
    items.push({ label: '$(check) Create tune', description: `upload ${formatMegabytes(selection.totalBytes)} and start training`, value: { kind: 'create' }, active: true });
    const names = selection.images.map((image) => image.name);
    items.push({
      label: `$(file-media) ${plural(selection.images.length, 'image')} · ${formatMegabytes(selection.totalBytes)}`,
      detail: names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', '),
      value: { kind: 'images' },
      group: 'Upload',
    });
    if (selection.skipped.length > 0) {
      items.push({
        label: `$(warning) ${describeSkipped(selection.skipped)}`,
        detail: selection.skipped.map((file) => file.message).join(' · '),
        value: { kind: 'skipped' },
      });
    }
    if (verdict.fewImages) items.push({ label: `$(warning) ${verdict.fewImages}`, value: info });
    this.optionRows().forEach(([label, text, step], index) => {
      items.push({ label, description: text, value: { kind: 'edit', step }, group: index === 0 ? 'Options (select one to change it)' : undefined });
    });
    items.push(
      { label: '$(arrow-left) Back', value: { kind: 'back' }, group: '' },
      { label: '$(close) Cancel', description: 'nothing is uploaded', value: { kind: 'cancel' } },
    );
    return items;
  }

  private optionRows(): [label: string, text: string, step: StepId][] {
    const d = this.draft;
    const model = modelById(d.modelId);
    const rows: [string, string, StepId][] = [];
    if (this.pack) rows.push(['Pack', `${this.pack.pack.title} (decides the model)`, 'pack']);
    rows.push(['Title', d.title, 'title'], ['Class', d.className, 'class']);
    if (!this.pack) {
      const modelText =
        model.id === 'base-tune'
          ? `base tune ${d.baseTuneIdText} · ${MODEL_TYPES.find((t) => t.value === d.customModelType)?.label ?? 'LoRA'}`
          : `${model.label} · ${model.description}`;
      rows.push(['Model', modelText, 'model']);
    }
    const branchText =
      d.branch === 'fast' ? 'fast (free mock mode)' : d.branch !== 'default' ? d.branch : this.pack || model.id === 'base-tune' ? 'default' : model.branch;
    rows.push(['Branch', branchText, 'branch']);
    if (this.applies('preset')) rows.push(['Preset', d.preset ?? 'none', 'preset']);
    rows.push(['Token', d.token, 'token']);
    const flags = [d.faceCrop && 'face crop', d.trainingFaceCorrect && 'training face correct', d.autoExtend && 'auto-extend'].filter(Boolean);
    rows.push(['Options', flags.length ? flags.join(', ') : 'none', 'options']);
    rows.push(['Characteristics', d.characteristics || 'none', 'characteristics']);
    if (!this.pack) rows.push(['Prompts', d.prompts.length ? d.prompts.map((p) => `“${p}”`).join(', ') : 'none', 'prompts']);
    rows.push(['Callback', d.callback || 'none', 'callback']);
    return rows;
  }

  private async showFileList(kind: 'images' | 'skipped'): Promise<'back' | 'cancel'> {
    const { images, skipped } = this.context.selection;
    const items: PickItem<null>[] =
      kind === 'images'
        ? images.map((image) => ({ label: image.name, description: `${formatMegabytes(image.size)} · ${image.format.toUpperCase()}`, detail: image.path, value: null }))
        : skipped.map((file) => ({ label: file.name, description: file.reason, detail: file.message, value: null }));
    const answer = await this.ui.pick({
      ...this.frame('summary', `summary.${kind}`),
      canGoBack: true,
      placeholder: kind === 'images' ? 'The images that will be uploaded (Back or Enter returns to the summary)' : 'Files left out, and why (Back or Enter returns to the summary)',
      items,
    });
    return answer.action === 'cancel' ? 'cancel' : 'back';
  }
}
