import * as vscode from 'vscode';
import type { Changes } from '../domain/changes';
import { tuneState } from '../api/astria/state';
import type { Open } from '../open';
import type { TunesView } from '../views/tunesTree';
import { gallerySubjectFor } from '../views/nodes';
import { inertLinks } from '../shared/inertText';

/** When a watched tune finishes training or a prompt's images arrive, say so and offer the gallery. */
export function announceFinishedWork(changes: Changes, tunes: TunesView, open: Open): vscode.Disposable {
  return vscode.Disposable.from(
    changes.on(['tuneFinished'], async ({ tune }) => {
      const state = tuneState(tune);
      const title = tune.title || `Tune ${tune.id}`;
      if (state === 'trained') {
        const choice = await vscode.window.showInformationMessage(inertLinks(`“${title}” finished training.`), 'Open Gallery', 'Show in Tree');
        const node = tunes.provider.tuneNode(tune.id);
        if (choice === 'Open Gallery') {
          open.gallery({ kind: 'tune', tuneId: tune.id, title: tune.title });
        } else if (choice === 'Show in Tree' && node) {
          await tunes.view.reveal(node, { select: true, focus: true });
        }
      } else if (state === 'failed') {
        void vscode.window.showErrorMessage(inertLinks(`Training “${title}” failed${tune.user_error ? `: ${tune.user_error}` : '.'}`));
      }
    }),
    changes.on(['promptFinished'], async ({ prompt }) => {
      if (prompt.user_error) {
        void vscode.window.showErrorMessage(inertLinks(`A prompt failed: ${prompt.user_error}`));
        return;
      }
      const count = prompt.images.length;
      const choice = await vscode.window.showInformationMessage(
        inertLinks(`${count} new image${count === 1 ? '' : 's'} for “${prompt.text.length > 50 ? `${prompt.text.slice(0, 49)}…` : prompt.text}”.`),
        'Open Gallery',
      );
      if (choice === 'Open Gallery') {
        const node = tunes.provider.promptNode(prompt.tune_id, prompt.id);
        const resolved = node && gallerySubjectFor(node);
        open.gallery(resolved?.subject ?? { kind: 'prompt', tuneId: prompt.tune_id, promptId: prompt.id });
      }
    }),
  );
}
