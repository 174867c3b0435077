// The results strip: every prompt submitted from this editor, its progress (sending → queued →
// generating → done) and its images; clicking an image opens it in the gallery.
import { el, icon } from '../common/dom';
import type { PromptRun, PromptRunPhase } from '../../src/shared/promptEditor';

const PHASE_TEXT: Record<PromptRunPhase, string> = {
  sending: 'Sending…',
  queued: 'Queued: waiting for the model',
  generating: 'Generating…',
  done: 'Done',
  failed: 'Failed',
};

const PHASE_ICON: Record<PromptRunPhase, { name: string; spin: boolean }> = {
  sending: { name: 'cloud-upload', spin: false },
  queued: { name: 'clock', spin: false },
  generating: { name: 'loading', spin: true },
  done: { name: 'pass', spin: false },
  failed: { name: 'error', spin: false },
};

const STEPS: PromptRunPhase[] = ['sending', 'queued', 'generating', 'done'];

export class ResultsStrip {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;
  private runs: PromptRun[] = [];

  constructor(private readonly openImage: (promptId: number, imageIndex: number) => void) {
    this.list = el('div', { className: 'runs' });
    this.empty = el('p', { className: 'hint', text: 'Prompts you generate here appear with their progress and images. Click an image to open it in the gallery.' });
    this.element = el('aside', { className: 'results', attrs: { 'aria-label': 'Results' } }, el('h2', { text: 'Results' }), this.empty, this.list);
  }

  setAll(runs: readonly PromptRun[]): void {
    this.runs = [...runs];
    this.render();
  }

  upsert(run: PromptRun, replacesKey: string | null): void {
    const index = this.runs.findIndex((r) => r.key === run.key || (replacesKey !== null && r.key === replacesKey));
    if (index >= 0) this.runs[index] = run;
    else this.runs.unshift(run);
    this.render();
  }

  remove(key: string): void {
    this.runs = this.runs.filter((r) => r.key !== key);
    this.render();
  }

  private render(): void {
    this.empty.hidden = this.runs.length > 0;
    this.list.replaceChildren(...this.runs.map((run) => this.renderRun(run)));
  }

  private renderRun(run: PromptRun): HTMLElement {
    const phaseIcon = PHASE_ICON[run.phase];
    let status = PHASE_TEXT[run.phase];
    if (run.phase === 'sending' && run.uploaded !== null) status = `Uploading the image… ${Math.round(run.uploaded * 100)}%`;
    if (run.phase === 'done') status = `Done: ${run.images.length} image${run.images.length === 1 ? '' : 's'}`;
    if (run.phase === 'failed' && run.error) status = `Failed: ${run.error}`;
    const steps = el(
      'ol',
      { className: 'steps', attrs: { 'aria-hidden': 'true' } },
      ...STEPS.map((step) => el('li', { className: stepClass(step, run.phase), text: step })),
    );
    const header = el(
      'div',
      { className: 'run-header' },
      icon(phaseIcon.name, phaseIcon.spin),
      el('span', { className: 'run-status', text: status, attrs: { role: 'status' } }),
      run.promptId !== null ? el('span', { className: 'run-id', text: `#${run.promptId}` }) : null,
      steps,
    );
    const text = el('div', { className: 'run-text', text: run.text, title: run.text });
    const thumbs = el('div', { className: 'thumbs' });
    if (run.phase === 'done' && run.promptId !== null) {
      const promptId = run.promptId;
      run.images.forEach((url, index) => {
        const image = el('img', { attrs: { src: url, alt: `Image ${index + 1} of prompt ${promptId}`, loading: 'lazy' } });
        const button = el('button', { className: 'thumb', title: 'Open in the gallery', attrs: { type: 'button' }, data: { promptId, imageIndex: index } }, image);
        button.addEventListener('click', () => this.openImage(promptId, index));
        thumbs.append(button);
      });
    } else if (run.phase !== 'failed') {
      for (let n = 0; n < Math.min(run.expectedImages, 8); n++) thumbs.append(el('div', { className: 'thumb placeholder', attrs: { 'aria-hidden': 'true' } }));
    }
    return el('article', { className: `run ${run.phase}`, data: { key: run.key, phase: run.phase } }, header, text, thumbs);
  }
}

function stepClass(step: PromptRunPhase, phase: PromptRunPhase): string {
  if (phase === 'failed') return 'step';
  const at = STEPS.indexOf(phase);
  const index = STEPS.indexOf(step);
  return index < at || phase === 'done' ? 'step done' : index === at ? 'step current' : 'step';
}
