// A WizardUi that answers from a script instead of a person: tests drive the real wizard with it.
// Plain TypeScript, no `vscode` import.
import type { Answer, InputRequest, PickItem, PickRequest, WizardUi } from './wizard';

/**
 * `'enter'` accepts what is shown (the highlighted item, the pre-filled text); `type` replaces the text;
 * `pick` chooses the item whose label (icons stripped) equals or else contains the text, with `filter`
 * as the text typed in the filter box; `check` sets exactly these items of a multi-select.
 */
export type ScriptedAnswer = 'enter' | 'back' | 'cancel' | { type: string } | { pick: string; filter?: string } | { check: string[] };

export interface ScriptedStep {
  /** The screen expected, e.g. 'title', 'class.custom', 'summary'. */
  screen: string;
  answer: ScriptedAnswer;
}

export type ShownScreen = (PickRequest<unknown> & { kind: 'pick' }) | (InputRequest & { kind: 'input' });

export class ScriptedWizardUi implements WizardUi {
  /** Every screen the wizard showed, in order, as shown (values pre-filled, items). */
  readonly shown: ShownScreen[] = [];
  /** Typed values the screen refused, with the problem it showed (a person would then retype). */
  readonly refused: { screen: string; value: string; problem: string }[] = [];
  private next = 0;

  constructor(private readonly script: readonly ScriptedStep[]) {}

  get finished(): boolean {
    return this.next === this.script.length;
  }

  async pick<T>(request: PickRequest<T>): Promise<Answer<T>> {
    const answer = await this.pickMany(request, false);
    return answer.action === 'accept' ? { ...answer, value: answer.value[0] } : answer;
  }

  async pickMany<T>(request: PickRequest<T>, many = true): Promise<Answer<T[]>> {
    this.shown.push({ ...(request as PickRequest<unknown>), kind: 'pick' });
    const answer = this.take(request.screen);
    if (answer === 'back' || answer === 'cancel') return { action: answer };
    if (answer === 'enter') {
      const chosen = many ? request.items.filter((item) => item.picked) : [request.items.find((item) => item.active) ?? request.items[0]];
      return { action: 'accept', value: chosen.map((item) => item.value) };
    }
    if ('check' in answer) return { action: 'accept', value: answer.check.map((label) => findItem(request, label).value) };
    if ('pick' in answer) return { action: 'accept', value: [findItem(request, answer.pick).value], filterText: answer.filter };
    throw new Error(`Screen ${request.screen} is a pick; the script types “${answer.type}”`);
  }

  async input(request: InputRequest): Promise<Answer<string>> {
    this.shown.push({ ...request, kind: 'input' });
    for (;;) {
      const answer = this.take(request.screen);
      if (answer === 'back' || answer === 'cancel') return { action: answer };
      if (answer !== 'enter' && !('type' in answer)) throw new Error(`Screen ${request.screen} is an input; the script picks an item`);
      const value = answer === 'enter' ? request.value : answer.type;
      const problem = request.check(value);
      if (problem === undefined) return { action: 'accept', value };
      this.refused.push({ screen: request.screen, value, problem });
    }
  }

  private take(screen: string): ScriptedAnswer {
    const step = this.script[this.next];
    if (!step) throw new Error(`The script ended but the wizard showed “${screen}”`);
    if (step.screen !== screen) throw new Error(`The script expected “${step.screen}” but the wizard showed “${screen}”`);
    this.next++;
    return step.answer;
  }
}

function findItem<T>(request: PickRequest<T>, text: string): PickItem<T> {
  const plain = (label: string): string => label.replace(/\$\([\w~-]+\)\s*/g, '').trim();
  const item = request.items.find((i) => plain(i.label) === text) ?? request.items.find((i) => plain(i.label).includes(text));
  if (!item) throw new Error(`No item “${text}” on ${request.screen}: ${request.items.map((i) => plain(i.label)).join(' | ')}`);
  return item;
}
