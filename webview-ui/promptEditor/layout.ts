// The form's layout: the text toolbar and hint, the image fields, the advanced options, the file picker.
import { el, icon } from '../common/dom';
import { errorMessage } from '../../src/shared/errorMessage';
import { COLOR_GRADINGS, CONTROLNETS, SCHEDULERS, STYLES, type DraftField } from '../../src/shared/prompt/draft';
import type { ImageTarget, PromptEditorTune } from '../../src/shared/promptEditor';
import type { EditorContext } from './context';
import { checkboxControl, issueList, radioControl, selectControl, textControl, type Choice, type FieldBinding } from './form';
import { PopupMenu, type MenuContent } from './menu';
import { referenceItems } from './menus';

export const choices = (values: readonly string[], empty?: string): Choice[] => [
  ...(empty === undefined ? [] : [{ value: '', label: empty }]),
  ...values.map((value) => ({ value, label: value })),
];


const IMAGE_SOURCE_CHOICES: Choice[] = [
  { value: 'none', label: 'None' },
  { value: 'file', label: 'Workspace file' },
  { value: 'url', label: 'URL' },
];


export function textToolbar(ctx: EditorContext, tune: PromptEditorTune): HTMLElement {
  const caps = tune.capabilities;
  const referenceMenu: PopupMenu = new PopupMenu({
    label: 'Insert reference',
    iconName: 'references',
    items: (): Promise<MenuContent[]> => referenceItems(ctx, referenceMenu),
    filterable: true,
    className: 'reference-menu',
  });
  const toolbar = el('div', { className: 'text-toolbar' }, referenceMenu.element);
  if (caps.subjectToken) {
    const subject = el('button', { className: 'chip-button', title: 'Insert the subject token <1>', attrs: { type: 'button' }, text: '<1>' });
    subject.addEventListener('click', () => ctx.insertAtCursor('<1>'));
    toolbar.append(subject);
  }
  for (const key of Object.keys(tune.characteristics)) {
    const chip = el('button', { className: 'chip-button', title: `Inserts {{${key}}}: “${tune.characteristics[key]}”`, attrs: { type: 'button' }, text: `{{${key}}}` });
    chip.addEventListener('click', () => ctx.insertAtCursor(`{{${key}}}`));
    toolbar.append(chip);
  }
  if (caps.referenceKind && tune.baseTune) {
    const onBase = el('button', { className: 'link-button', attrs: { type: 'button' }, text: `Write on ${tune.baseTune.title} with this ${caps.referenceKind === 'lora' ? 'LoRA' : 'FaceID'}…` });
    onBase.title = `${caps.referenceKind === 'lora' ? 'LoRA' : 'FaceID'} tunes are usually used from their base model's prompts as <${caps.referenceKind}:${tune.id}:1>`;
    onBase.addEventListener('click', () => void ctx.host.request('openOnBaseTune', {}).catch((error: unknown) => ctx.showStatus(errorMessage(error), true)));
    toolbar.append(onBase);
  }
  return toolbar;
}

export function textHint(tune: PromptEditorTune): string {
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

export function imageFields(ctx: EditorContext, onChange: (field: DraftField) => void, bind: <T extends FieldBinding>(b: T) => T): HTMLElement[] {
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
    const file = bind(fileControl(ctx, fileField, which === 'input' ? 'input_image' : 'mask_image'));
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

export function advancedFields(tune: PromptEditorTune, onChange: (field: DraftField) => void, bind: <T extends FieldBinding>(b: T) => T): HTMLElement[] {
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
export function fileControl(ctx: EditorContext, field: 'input_image_file' | 'mask_image_file', target: ImageTarget): FieldBinding {
  let value = '';
  const name = el('span', { className: 'file-name', text: '' });
  const choose = el('vscode-button', { attrs: { secondary: '', 'data-action': `choose-${target}` } }, icon('folder-opened'), el('span', { text: ' Choose file…' }));
  const clear = el('button', { className: 'icon-button', title: 'Remove the file', attrs: { type: 'button', 'aria-label': 'Remove the file' } }, icon('close'));
  const issues = issueList('field-issues');
  const container = el('div', { className: 'field file-field', data: { field } }, el('div', { className: 'file-row' }, choose, name, clear), issues.element);
  const show = () => {
    name.textContent = value ? (ctx.fileLabels[value] ?? decodeURIComponent(value.split('/').pop() ?? value)) : 'No file chosen';
    name.title = value ? (ctx.fileLabels[value] ?? value) : '';
    clear.hidden = value === '';
  };
  choose.addEventListener('click', async () => {
    try {
      const picked = await ctx.host.request('chooseFile', { target });
      if (!picked) return;
      ctx.fileLabels[picked.uri] = picked.label;
      value = picked.uri;
      show();
      ctx.onFieldChanged(field);
    } catch (error) {
      issues.show([{ field, message: errorMessage(error), severity: 'error' }]);
    }
  });
  clear.addEventListener('click', () => {
    value = '';
    show();
    ctx.onFieldChanged(field);
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

