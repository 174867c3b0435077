// Generate from a prompt file: one entry (CodeLens "Generate") or all of them ("Generate All", one
// confirmation with the number of prompts and images), through the shared batch runner with the
// concurrency setting. Nothing is sent for an entry with an error diagnostic; each created prompt's id is
// written next to its entry at once, as an edit the user can undo (so a failure half way leaves the
// finished ones recorded), and the file is never saved by the run; a 422 becomes a diagnostic on that
// entry in Astria's words; the summary names what did not run.
import * as vscode from 'vscode';
import type { PromptFileDialogs } from './names';
import type { PromptCreateParams } from '../../api/astria/types';
import { ApiError } from '../../api/errors';
import { recoveryNote, unknownOutcomeMessage, type BatchOutcome, type BatchPrompt } from '../../domain/generation';
import type { Services } from '../../services';
import { errorMessage } from '../../shared/errorMessage';
import { issuesFromServerError } from '../../shared/prompt/validation';
import { entryForCreatedPrompt, idEditPlan, paramsFingerprint, parsePromptFile } from '../../shared/promptFile';
import { plural } from '../../shared/plural';
import type { EntryState, FileState, PromptFilesController } from './controller';

export const CONCURRENCY_SETTING = 'promptFiles.concurrency';
const DEFAULT_CONCURRENCY = 2;


export interface RunSummary {
  /** `note`: what happened when the request failed and the prompt was then found on the server. */
  created: { name: string; promptId: number; note?: string; /** The file changed too much during the run to tell where its id goes (the user was told to add it). */ idNotWritten?: true }[];
  /** Entries that were asked for and not created, with the reason in words. */
  notRun: { name: string; reason: string }[];
  /** Indexes of entries that got no answer and were not found on the server (not sent again unasked). */
  unknown?: number[];
}

function imagesOf(params: PromptCreateParams): number {
  return params.num_images ?? 4;
}

export class PromptFileRunner {
  /** Write-backs one after the other: each edit is planned on the text as it is then. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly services: Services,
    private readonly files: PromptFilesController,
    readonly dialogs: PromptFileDialogs,
  ) {}

  /** Generate one entry (index) or all entries (undefined) of a prompt file; `signal` cancels like the progress's Cancel. */
  async run(document: vscode.TextDocument, index?: number, signal?: AbortSignal): Promise<RunSummary | undefined> {
    const name = vscode.workspace.asRelativePath(document.uri);
    // A tune that finished training since the last check must be seen: look it up again.
    const first = await this.files.check(document);
    if (first?.parsed.tune) this.files.tunes.forget(first.parsed.tune.value);
    const state = await this.files.check(document);
    if (!state) return undefined;
    const { lookup } = state;
    if (!state.parsed.tune || !lookup?.tune || lookup.problem) {
      const why = lookup?.problem ?? 'The file does not say which tune to use (tune: id or title).';
      void vscode.window.showErrorMessage(`Nothing was generated from ${name}: ${why}`);
      return { created: [], notRun: state.entries.filter((e) => index === undefined || e.entry.index === index).map((e) => ({ name: e.entry.name, reason: why })) };
    }
    const tune = lookup.tune;
    const asked = state.entries.filter((e) => index === undefined || e.entry.index === index);
    if (asked.length === 0) return undefined;
    const notRun: RunSummary['notRun'] = [];
    const ready: EntryState[] = [];
    for (const entryState of asked) {
      const firstError = entryState.checked.problems.find((p) => p.severity === 'error');
      if (firstError || !entryState.checked.params) notRun.push({ name: entryState.entry.name, reason: firstError?.message ?? 'it has a problem' });
      else ready.push(entryState);
    }

    // Unchanged entries that already ran are a duplicate: asked about, never sent silently.
    const unchangedFlags = await Promise.all(ready.map((e) => this.files.ranUnchanged(e, tune.id)));
    const unchanged = ready.filter((_, i) => unchangedFlags[i]);
    let toRun = ready;
    if (index !== undefined) {
      if (ready.length === 0) {
        void vscode.window.showErrorMessage(`“${asked[0].entry.name}” was not sent: ${notRun[0]?.reason ?? 'it has a problem'}`);
        return { created: [], notRun };
      }
      const entry = ready[0];
      if (unchanged.length) {
        const again = await this.dialogs.confirm(
          `“${entry.entry.name}” already ran as prompt ${entry.entry.id!.value} with the same text and options. Generate it again?`,
          `This creates a new prompt with ${plural(imagesOf(entry.checked.params!), 'image')} on tune ${tune.id} “${tune.title}”, and the file will record the new id.`,
          'Generate Again',
        );
        if (!again) return { created: [], notRun: [{ name: entry.entry.name, reason: 'you chose not to run it again' }] };
      } else if (!vscode.workspace.isTrusted) {
        // Restricted Mode: a file that came with an untrusted folder spends credits only on the user's word.
        const ok = await this.dialogs.confirm(
          `Generate “${entry.entry.name}” from ${name}? This folder is not trusted.`,
          `Restricted Mode: the prompt file came with the folder. Generating creates a prompt with ${plural(imagesOf(entry.checked.params!), 'image')} on tune ${tune.id} “${tune.title}”.`,
          'Generate',
        );
        if (!ok) return { created: [], notRun: [{ name: entry.entry.name, reason: 'you chose not to run it from an untrusted folder' }] };
      }
    } else {
      toRun = ready.filter((e) => !unchanged.includes(e));
      if (toRun.length === 0 && unchanged.length > 0) {
        const again = await this.dialogs.confirm(
          `All ${plural(unchanged.length, 'prompt')} of ${name} already ran with the same text and options. Generate them again?`,
          `${plural(unchanged.reduce((n, e) => n + imagesOf(e.checked.params!), 0), 'image')} on tune ${tune.id} “${tune.title}”.`,
          'Generate Again',
        );
        if (!again) return { created: [], notRun: unchanged.map((e) => ({ name: e.entry.name, reason: 'already ran unchanged' })) };
        toRun = unchanged;
      } else if (toRun.length === 0) {
        void vscode.window.showErrorMessage(`Nothing was generated from ${name}: every prompt has a problem (see the Problems view).`);
        return { created: [], notRun };
      } else {
        const images = toRun.reduce((n, e) => n + imagesOf(e.checked.params!), 0);
        const details = [
          vscode.workspace.isTrusted ? '' : 'Restricted Mode: this prompt file came with a folder you have not trusted.',
          `Tune ${tune.id} “${tune.title}”${tune.branch === 'fast' ? ' (branch “fast”: Astria’s free mock mode)' : ''}.`,
          notRun.length ? `Not sent, because of their problems: ${notRun.map((n) => `“${n.name}”`).join(', ')}.` : '',
          unchanged.length ? `Left out, because they already ran unchanged: ${unchanged.map((e) => `“${e.entry.name}”`).join(', ')}.` : '',
        ].filter(Boolean);
        const ok = await this.dialogs.confirm(`Generate ${plural(toRun.length, 'prompt')} with ${plural(images, 'image')} from ${name}?`, details.join('\n'), 'Generate All');
        if (!ok) return { created: [], notRun: [] };
        for (const e of unchanged) notRun.push({ name: e.entry.name, reason: 'already ran unchanged' });
      }
    }

    let summary = await this.send(state, toRun, signal);
    // No answer, and not on the server even after waiting: sent again only on the user's word.
    const unanswered = toRun.filter((e) => summary.unknown?.includes(e.entry.index));
    if (unanswered.length > 0) {
      const again = await this.dialogs.confirm(
        `${plural(unanswered.length, 'prompt')} of ${name} got no answer from Astria. Send ${unanswered.length === 1 ? 'it' : 'them'} again?`,
        `Astria gave no clear answer, and they were not found on the server ${Math.round(this.services.generation.waitedMs / 1000)} s later either. Sending them again may generate and bill twice. Not found: ${unanswered.map((e) => `“${e.entry.name}”`).join(', ')}.`,
        'Send Again',
      );
      if (again) {
        const retried = await this.send(state, unanswered, signal);
        const retriedNames = new Set(unanswered.map((e) => e.entry.name));
        summary = {
          created: [...summary.created, ...retried.created],
          notRun: [...summary.notRun.filter((n) => !retriedNames.has(n.name)), ...retried.notRun],
          unknown: retried.unknown,
        };
      }
    }
    summary.notRun.unshift(...notRun);
    this.report(name, summary, index === undefined);
    return summary;
  }

  private async send(state: FileState, entries: readonly EntryState[], signal?: AbortSignal): Promise<RunSummary> {
    const { document } = state;
    const tune = state.lookup!.tune!;
    const byKey = new Map(entries.map((e) => [String(e.entry.index), e]));
    const items: BatchPrompt[] = entries.map((e) => ({ key: String(e.entry.index), tuneId: tune.id, params: e.checked.params! }));
    const concurrency = vscode.workspace.getConfiguration('tuneStudio').get<number>(CONCURRENCY_SETTING, DEFAULT_CONCURRENCY);
    const summary: RunSummary & { unknown: number[] } = { created: [], notRun: [], unknown: [] };
    const unwritten = new Set<number>();
    for (const e of entries) this.files.clearServerProblem(document, e.entry.index);

    const outcomes = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Generating ${plural(entries.length, 'prompt')}`, cancellable: entries.length > 1 },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        let done = 0;
        try {
          return await this.services.generation.createPrompts(items, {
            concurrency: Math.max(1, Math.min(8, Math.floor(concurrency) || DEFAULT_CONCURRENCY)),
            signal: signal ? AbortSignal.any([abort.signal, signal]) : abort.signal,
            onStart: (key) => this.files.setSending(document, Number(key), true),
            onOutcome: (outcome) => {
              this.files.setSending(document, Number(outcome.key), false);
              progress.report({ increment: 100 / entries.length, message: `${++done} of ${entries.length}` });
              void this.settle(state, byKey.get(outcome.key)!, outcome, unwritten);
            },
          });
        } finally {
          cancel.dispose();
          for (const e of entries) this.files.setSending(document, e.entry.index, false);
        }
      },
    );
    await this.writes;
    for (const outcome of outcomes) {
      const e = byKey.get(outcome.key)!;
      if (outcome.status === 'created') {
        const note = recoveryNote({ status: 'created', value: outcome.prompt, recovered: outcome.recovered, failure: outcome.failure, earlierAttempt: outcome.earlierAttempt }, 'prompt');
        summary.created.push({ name: e.entry.name, promptId: outcome.prompt.id, ...(note ? { note } : {}), ...(unwritten.has(outcome.prompt.id) ? { idNotWritten: true as const } : {}) });
      }
      else if (outcome.status === 'failed' && outcome.unknown) {
        summary.notRun.push({ name: e.entry.name, reason: unknownOutcomeMessage('prompt', outcome.error, this.services.generation.waitedMs) });
        summary.unknown.push(e.entry.index);
      } else if (outcome.status === 'failed') summary.notRun.push({ name: e.entry.name, reason: errorMessage(outcome.error) });
      else summary.notRun.push({ name: e.entry.name, reason: 'cancelled before it was sent' });
    }
    // Never saved here: the ids are edits in the editor (one Undo each), and saving would also write
    // whatever the user typed during the run without asking. The user saves when they choose.
    await this.files.check(document);
    return summary;
  }

  /** One outcome: the id written back and the run recorded, or a 422 on the entry's line. */
  private settle(state: FileState, entryState: EntryState, outcome: BatchOutcome, unwritten: Set<number>): Promise<unknown> {
    const { document } = state;
    const { entry } = entryState;
    if (outcome.status === 'created') {
      this.writes = this.writes.then(async () => {
        const fingerprint = paramsFingerprint(entryState.checked.params!);
        await this.files.recordRun(outcome.prompt, fingerprint);
        // The file may have changed while the prompt was sent (entries inserted, moved, renamed): the id goes
        // to the entry it came from, or nowhere.
        const text = document.getText();
        const target = entryForCreatedPrompt(parsePromptFile(text, state.format), { file: state.parsed, entry, fingerprint }, state.context);
        const plan = target === undefined ? undefined : idEditPlan(text, state.format, target.index, outcome.prompt.id);
        if (!plan) {
          unwritten.add(outcome.prompt.id);
          this.services.log.warn(`Prompt file: prompt ${outcome.prompt.id} was created for “${entry.name}”, but the file changed too much to record its id.`);
          void vscode.window.showWarningMessage(`Prompt ${outcome.prompt.id} was created for “${entry.name}”, but the file changed meanwhile: add “id: ${outcome.prompt.id}” to that prompt yourself.`);
          return;
        }
        const edit = new vscode.WorkspaceEdit();
        edit.replace(document.uri, new vscode.Range(document.positionAt(plan.offset), document.positionAt(plan.offset + plan.length)), plan.text);
        await vscode.workspace.applyEdit(edit);
        this.services.log.info(`Prompt file: “${entry.name}” created prompt ${outcome.prompt.id} on tune ${outcome.prompt.tune_id}${outcome.recovered ? ' (found on the server after a failed request)' : ''}.`);
      });
    } else if (outcome.status === 'failed' && outcome.error instanceof ApiError && (outcome.error.kind === 'validation' || (outcome.error.kind === 'bad_request' && outcome.error.fields))) {
      const issues = issuesFromServerError({ message: outcome.error.message, fields: outcome.error.fields });
      const issue = issues[0];
      this.files.addServerProblem(state, entry, issue?.field ?? null, issues.map((i) => i.message).join(' ') || outcome.error.message);
    }
    return this.writes;
  }

  private report(name: string, summary: RunSummary, all: boolean): void {
    const { created, notRun } = summary;
    if (created.length === 0 && notRun.length === 0) return;
    const notRunText = notRun.map((n) => `“${n.name}” (${n.reason})`).join('; ');
    // A prompt found on the server after a failed request: the user is told what happened first.
    const notes = created.filter((c) => c.note).map((c) => (all ? `“${c.name}”: ${c.note}` : (c.note ?? ''))).join('');
    // Where the ids are: never "in the file" for one the file changed too much to take.
    const missing = created.filter((c) => c.idNotWritten);
    const add = `add ${missing.map((c) => `id: ${c.promptId} to “${c.name}”`).join(', ')} yourself`;
    const ids =
      missing.length === 0
        ? `${created.length === 1 && !all ? 'its id is' : 'their ids are'} in the file (not saved yet)`
        : missing.length === created.length
          ? `the file changed meanwhile, so ${created.length === 1 ? 'its id is' : 'their ids are'} not in it: ${add}`
          : `their ids are in the file (not saved yet), but the file changed meanwhile: ${add}`;
    if (notRun.length === 0) {
      void vscode.window.showInformationMessage(
        all
          ? `${notes}Created ${plural(created.length, 'prompt')} from ${name}: ${ids}; the images are on their way.`
          : `${notes}Created prompt ${created[0].promptId} for “${created[0].name}”: ${ids}; the images are on their way.`,
      );
    } else if (created.length === 0) {
      void vscode.window.showErrorMessage(`Nothing was generated from ${name}. Not run: ${notRunText}.`);
    } else {
      void vscode.window.showWarningMessage(`${notes}Created ${created.length} of ${created.length + notRun.length} prompts from ${name} (${ids}). Not run: ${notRunText}.`);
    }
  }
}
