// The wizard's screens as VS Code QuickInputs with a Back button (after quickinput-sample's multiStepInput.ts).
import * as vscode from 'vscode';
import type { Answer, InputRequest, PickItem, PickRequest, ScreenFrame, WizardUi } from './wizard';

type ItemWithValue<T> = vscode.QuickPickItem & { value?: T; active?: boolean };

export class QuickInputWizardUi implements WizardUi {
  pick<T>(request: PickRequest<T>): Promise<Answer<T>> {
    return this.showPick(request, false).then((answer) => (answer.action === 'accept' ? { ...answer, value: answer.value[0] } : answer));
  }

  pickMany<T>(request: PickRequest<T>): Promise<Answer<T[]>> {
    return this.showPick(request, true);
  }

  input(request: InputRequest): Promise<Answer<string>> {
    const box = vscode.window.createInputBox();
    applyFrame(box, request);
    box.prompt = request.prompt;
    box.placeholder = request.placeholder;
    box.value = request.value;
    box.valueSelection = [0, request.value.length];
    box.validationMessage = request.value === '' ? undefined : request.check(request.value);
    return settle<string>(box, (resolve) => [
      box.onDidChangeValue((value) => (box.validationMessage = request.check(value))),
      box.onDidAccept(() => {
        const problem = request.check(box.value);
        box.validationMessage = problem;
        if (problem === undefined) resolve({ action: 'accept', value: box.value });
      }),
    ]);
  }

  private showPick<T>(request: PickRequest<T>, canSelectMany: boolean): Promise<Answer<T[]>> {
    const pick = vscode.window.createQuickPick<ItemWithValue<T>>();
    applyFrame(pick, request);
    pick.placeholder = request.placeholder;
    pick.canSelectMany = canSelectMany;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    const items = withSeparators(request.items);
    pick.items = items;
    const chosen = items.filter((item) => item.picked);
    if (canSelectMany) pick.selectedItems = chosen;
    const active = items.find((item) => item.active);
    if (active) pick.activeItems = [active];
    return settle<T[]>(pick, (resolve) => [
      pick.onDidAccept(() => {
        const selected = canSelectMany ? pick.selectedItems : pick.activeItems.slice(0, 1);
        if (!canSelectMany && selected.length === 0) return;
        resolve({ action: 'accept', value: selected.map((item) => item.value as T), filterText: pick.value });
      }),
    ]);
  }
}

function applyFrame(input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox, frame: ScreenFrame): void {
  input.title = frame.title;
  input.step = frame.stepNumber;
  input.totalSteps = frame.totalSteps;
  // Clicking elsewhere (to look at a file, say) must not throw the answers away.
  input.ignoreFocusOut = true;
  input.buttons = frame.canGoBack ? [vscode.QuickInputButtons.Back] : [];
}

/** Shows the input and resolves once: accepted (by the listeners given), Back, or hidden (Escape = cancel). */
function settle<T>(input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox, listen: (resolve: (answer: Answer<T>) => void) => vscode.Disposable[]): Promise<Answer<T>> {
  return new Promise<Answer<T>>((resolve) => {
    let done = false;
    const disposables: vscode.Disposable[] = [];
    const finish = (answer: Answer<T>): void => {
      if (done) return;
      done = true;
      resolve(answer);
      for (const d of disposables) d.dispose();
      input.dispose();
    };
    disposables.push(
      ...listen(finish),
      input.onDidTriggerButton((button) => {
        if (button === vscode.QuickInputButtons.Back) finish({ action: 'back' });
      }),
      input.onDidHide(() => finish({ action: 'cancel' })),
    );
    input.show();
  });
}

/** Inserts a separator before each item that starts a group; items keep their value. */
function withSeparators<T>(items: readonly PickItem<T>[]): ItemWithValue<T>[] {
  const result: ItemWithValue<T>[] = [];
  for (const item of items) {
    if (item.group !== undefined) result.push({ label: item.group, kind: vscode.QuickPickItemKind.Separator });
    const { label, description, detail, picked, value, active, alwaysShow } = item;
    result.push({ label, description, detail, picked, value, active, alwaysShow });
  }
  return result;
}
