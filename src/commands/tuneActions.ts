import * as vscode from 'vscode';
import type { Tune } from '../api/astria/types';
import type { Services } from '../services';
import type { TunesView } from '../views/tunesTree';
import { PromptNode, TuneNode, gallerySubjectFor, isTunesNode, modelLabel, stateLabel } from '../views/nodes';
import { ApiError } from '../api/errors';
import { changeRecoveredNote, outcomeUnknown, unknownChangeMessage } from '../domain/generation';
import { errorMessage } from '../shared/errorMessage';
import { inertLinks } from '../shared/inertText';
import type { Open } from '../open';
import type { Dialogs } from './dialogs';
import { searchQuickPick, tuneSearchNote } from './searchQuickPick';

export function reportError(services: Services, what: string, error: unknown): void {
  const message = errorMessage(error);
  services.log.error(`${what}: ${message}`);
  void vscode.window.showErrorMessage(inertLinks(`${what}: ${message}`));
}

/** QuickPick searching titles (on the server when it filters, else page by page); the chosen tune is revealed. */
export async function findTune(services: Services, tunes: TunesView): Promise<Tune | undefined> {
  type Item = vscode.QuickPickItem & { tune: Tune };
  const toItem = (tune: Tune): Item => ({
    label: tune.title || `Tune ${tune.id}`,
    description: [tune.name, modelLabel(tune), stateLabel(tune)].filter(Boolean).join(' · '),
    detail: `ID ${tune.id}`,
    tune,
  });
  const chosen = (
    await searchQuickPick<Item>({
      title: 'Tune Studio: Find Tune',
      placeholder: 'Type part of a title to search all your tunes',
      initialItems: tunes.provider.loadedTunes.map(toItem),
      search: async (title, signal, progress) => (await searchTunesFor(services)(title, signal, progress)).map(toItem),
    })
  )?.tune;
  if (chosen) await revealTune(tunes, chosen);
  return chosen;
}

/** Find Tune's search (exported for the integration suite, which cannot type into a QuickPick). */
export function searchTunesFor(services: Services): (query: string, signal: AbortSignal, progress: (note: string) => void) => Promise<Tune[]> {
  return (query, signal, progress) => services.astria.searchTunes(query, { limit: 50, signal, onProgress: (p) => progress(tuneSearchNote(p)) });
}

export async function revealTune(tunes: TunesView, tune: Tune): Promise<void> {
  const node = await tunes.provider.nodeForTune(tune);
  // VS Code waits for the redraws already under way before a reveal, but not always for one that was
  // still being merged (under load): then it cannot find the row's block yet and quietly selects nothing.
  // Asking again once the redraw has landed selects it.
  for (let attempt = 0; attempt < 3; attempt++) {
    await tunes.view.reveal(node, { select: true, focus: true, expand: false });
    if (tunes.view.selection[0] === node) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function copyId(node: unknown): Promise<void> {
  const id = idOf(node);
  if (id === undefined) return;
  await vscode.env.clipboard.writeText(id);
  vscode.window.setStatusBarMessage(`Copied ID ${id}`, 2500);
}

function idOf(node: unknown): string | undefined {
  if (node instanceof TuneNode) return String(node.tune.id);
  if (node instanceof PromptNode) return String(node.prompt.id);
  const n = node as { fineTune?: { id: string }; voice?: { id: string } };
  return n.voice?.id ?? n.fineTune?.id;
}

export async function openOnAstria(node: TuneNode): Promise<void> {
  await vscode.env.openExternal(vscode.Uri.parse(`https://www.astria.ai/tunes/${node.tune.id}`));
}

/** Titles typed into Rename whose request failed, per tune: offered again instead of the old title. */
const unsavedTitles = new Map<number, string>();

export async function renameTune(services: Services, tunes: TunesView, node: TuneNode): Promise<void> {
  const title = await vscode.window.showInputBox({
    title: 'Rename Tune',
    value: unsavedTitles.get(node.tune.id) ?? node.tune.title,
    prompt: 'The title is also Astria\'s idempotency key: keep it unique.',
    validateInput: (v) => (v.trim() ? undefined : 'The title cannot be empty.'),
  });
  if (!title || title.trim() === node.tune.title) return;
  unsavedTitles.set(node.tune.id, title.trim());
  await withBusy(services, tunes, node, 'Renaming…', 'Renaming the tune failed (Rename again: the new title is kept)', async () => {
    const done = await changeOnce(services, () => services.astria.updateTune(node.tune.id, { title: title.trim() }), {
      change: 'new title',
      done: 'the tune was renamed',
      check: 'Look at its title in the Tunes view before renaming it again.',
      isDone: async () => {
        const now = await services.astria.getTune(node.tune.id);
        services.changes.publish({ kind: 'tuneProgressed', tune: { ...node.tune, ...now } });
        return now.title === title.trim();
      },
    });
    if (done === 'unknown') return;
    unsavedTitles.delete(node.tune.id);
    if (done !== 'checked') services.changes.publish({ kind: 'tuneProgressed', tune: { ...node.tune, ...done } });
  });
}

export async function toggleAutoExtend(services: Services, tunes: TunesView, node: TuneNode, dialogs: Dialogs): Promise<void> {
  // `auto_extend` is undocumented: when the server does not say, ask rather than guess from a missing field.
  const current = node.tune.auto_extend;
  const next = current === undefined ? await dialogs.chooseAutoExtend(node.tune.title) : !current;
  if (next === undefined) return;
  await withBusy(services, tunes, node, next ? 'Turning auto-extend on…' : 'Turning auto-extend off…', 'Changing auto-extend failed', async () => {
    const updated = await services.astria.updateTune(node.tune.id, { auto_extend: next });
    services.changes.publish({ kind: 'tuneProgressed', tune: { ...node.tune, ...updated, auto_extend: updated.auto_extend ?? next } });
    vscode.window.setStatusBarMessage(`Auto-extend is ${next ? 'on' : 'off'} for “${node.tune.title}”.`, 3000);
  });
}

export async function deleteTune(services: Services, tunes: TunesView, node: TuneNode, dialogs: Dialogs): Promise<void> {
  const confirmed = await dialogs.confirm(
    `Delete the tune “${node.tune.title}” (ID ${node.tune.id})?`,
    'Its trained model and, for checkpoint tunes, its prompts and images are deleted on Astria. This cannot be undone.',
    'Delete',
  );
  if (!confirmed) return;
  await withBusy(services, tunes, node, 'Deleting…', 'Deleting the tune failed', async () => {
    const done = await changeOnce(services, () => alreadyGone(() => services.astria.deleteTune(node.tune.id, { retries: 0 })), {
      change: 'deletion',
      done: 'the tune was deleted',
      check: 'Refresh the Tunes view before deleting it again.',
      isDone: () => isGone(() => services.astria.getTune(node.tune.id)),
    });
    if (done === 'unknown') return;
    const gone = done === true;
    services.changes.publish({ kind: 'tuneDeleted', tuneId: node.tune.id });
    if (done === 'checked') return;
    if (gone) void vscode.window.showWarningMessage(inertLinks(`“${node.tune.title}” was not found on Astria: it was already deleted (perhaps by an earlier attempt). The row is removed.`));
    else vscode.window.setStatusBarMessage(`Deleted “${node.tune.title}”.`, 3000);
  });
}

export async function deletePrompt(services: Services, tunes: TunesView, node: PromptNode, dialogs: Dialogs): Promise<void> {
  const text = node.prompt.text.length > 60 ? `${node.prompt.text.slice(0, 59)}…` : node.prompt.text;
  const confirmed = await dialogs.confirm(
    `Delete the prompt “${text}” (ID ${node.prompt.id})?`,
    'Its generated images are deleted on Astria. This cannot be undone.',
    'Delete',
  );
  if (!confirmed) return;
  await withBusy(services, tunes, node, 'Deleting…', 'Deleting the prompt failed', async () => {
    const done = await changeOnce(services, () => alreadyGone(() => services.astria.deletePrompt(node.prompt.tune_id, node.prompt.id, { retries: 0 })), {
      change: 'deletion',
      done: 'the prompt was deleted',
      check: 'Refresh the Tunes view before deleting it again.',
      isDone: () => isGone(() => services.astria.getPrompt(node.prompt.tune_id, node.prompt.id)),
    });
    if (done === 'unknown') return;
    services.changes.publish({ kind: 'promptDeleted', tuneId: node.prompt.tune_id, promptId: node.prompt.id });
    if (done === true) void vscode.window.showWarningMessage(`Prompt ${node.prompt.id} was not found on Astria: it was already deleted (perhaps by an earlier attempt). The row is removed.`);
  });
}

export async function setLiked(services: Services, tunes: TunesView, node: PromptNode, liked: boolean): Promise<void> {
  await withBusy(services, tunes, node, liked ? 'Liking…' : 'Unliking…', liked ? 'Liking the prompt failed' : 'Unliking the prompt failed', async () => {
    const done = await changeOnce(services, () => (liked ? services.astria.likePrompt(node.prompt.id) : services.astria.unlikePrompt(node.prompt.id, { retries: 0 })), {
      change: liked ? 'like' : 'unlike',
      done: liked ? 'the prompt was liked' : 'the prompt was unliked',
      check: 'Refresh the Tunes view before trying again.',
      isDone: async () => {
        const now = await services.astria.getPrompt(node.prompt.tune_id, node.prompt.id);
        // A server that does not report likes (undocumented) cannot say: the outcome stays unknown.
        if (now.liked === undefined) return false;
        services.changes.publish({ kind: 'promptLiked', prompt: { ...node.prompt, ...now } });
        return now.liked === liked;
      },
    });
    if (done === 'unknown' || done === 'checked') return;
    // The count is only adjusted when the server reports one (it is undocumented).
    const count = node.prompt.prompt_likes_count;
    const likes = count === undefined ? {} : { prompt_likes_count: Math.max(0, count + (liked ? 1 : -1)) };
    services.changes.publish({ kind: 'promptLiked', prompt: { ...node.prompt, liked, ...likes } });
  });
}

interface Change {
  /** What the server would show once done: "new title", "deletion". */
  change: string;
  /** "the tune was renamed" */
  done: string;
  /** What the user should look at before doing it again. */
  check: string;
  /** Asks the server whether the change is there (and shows what it says in the views). */
  isDone: () => Promise<boolean>;
}

/**
 * Sends a change once. When it fails without saying whether it was done (no answer, a 5xx, an answer that
 * cannot be read), it is never sent again: the server is asked (now and after the usual waits) and the user
 * told what it shows. Returns the request's result, 'checked' (found done) or 'unknown' (told); other errors throw.
 */
async function changeOnce<T>(services: Services, send: () => Promise<T>, change: Change): Promise<T | 'checked' | 'unknown'> {
  try {
    return await send();
  } catch (error) {
    if (!outcomeUnknown(error)) throw error;
    if (await services.generation.confirmChange(change.isDone)) {
      const note = changeRecoveredNote(error, change.done);
      services.log.warn(note);
      void vscode.window.showWarningMessage(note);
      return 'checked';
    }
    const message = unknownChangeMessage(change.change, error, change.check, services.generation.waitedMs);
    services.log.error(message);
    void vscode.window.showErrorMessage(inertLinks(message));
    return 'unknown';
  }
}

/** Whether a read says the thing is gone (a 404); other failures throw (nobody can tell). */
async function isGone(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return false;
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'not_found') return true;
    throw error;
  }
}

/** Runs a delete; true when the server says there was nothing to delete (a 404: an earlier attempt, or elsewhere). */
async function alreadyGone(remove: () => Promise<void>): Promise<boolean> {
  try {
    await remove();
    return false;
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'not_found') return true;
    throw error;
  }
}

/** A row shows a spinner and what is happening while the request runs; errors are reported, the row restored. */
async function withBusy(
  services: Services,
  tunes: TunesView,
  node: TuneNode | PromptNode,
  busy: string,
  failure: string,
  work: () => Promise<void>,
): Promise<void> {
  tunes.provider.setBusy(node, busy);
  try {
    await work();
  } catch (error) {
    reportError(services, failure, error);
  } finally {
    tunes.provider.setBusy(node, undefined);
  }
}

/** The tree's "Open Gallery": the row's tune, prompt or image, the selection's, or recent images. */
export async function openGallery(node: unknown, tunes: TunesView, open: Open): Promise<void> {
  if (node !== undefined && !isTunesNode(node)) return; // not a row: nothing to open (the argument is not ours)
  const target = node ?? tunes.view.selection[0];
  const resolved = target && gallerySubjectFor(target);
  if (!resolved) await open.gallery({ kind: 'recent' });
  else await open.gallery(resolved.subject, resolved.focus);
}
