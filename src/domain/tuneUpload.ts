// The one upload: streamed by the Astria client, shown as a cancellable progress notification.
import * as vscode from 'vscode';
import { recoveryNote, unknownOutcomeMessage, type Generation } from './generation';
import type { Tune, TuneCreateParams, UploadFile, UploadProgress } from '../api/astria/types';
import { ApiError } from '../api/errors';
import { errorMessage } from '../shared/errorMessage';
import { plural } from '../shared/plural';
import { formatMegabytes, type ImageFile } from './trainingImages';
import { UploadProgressTracker } from './uploadProgress';

/** What an upload needs of the extension's services (src/services.ts): the one generation path and the log. */
export interface UploadServices {
  readonly generation: Generation;
  readonly log: Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error'>;
}

export interface UploadRequest {
  params: TuneCreateParams;
  images: readonly ImageFile[];
  /** POST /p/:packId/tunes instead of POST /tunes. */
  packId?: number;
}

export interface UploadHooks {
  /** Aborts like the notification's Cancel button (tests, other callers). */
  signal?: AbortSignal;
  /** Every byte count the client reports (tests wait on it to cancel mid-body). */
  onProgress?: (progress: UploadProgress) => void;
}

export type UploadResult =
  /** `note`: what happened when the request failed but the tune was found on the server by its title ('' otherwise). */
  | { status: 'created'; tune: Tune; attempts: number; note: string }
  /** Cancelled before the body was complete: nothing was created. */
  | { status: 'cancelled' }
  /** No answer, and not found by its title even after waiting: not sent again without the user's word. */
  | { status: 'unknown'; error: ApiError | Error; message: string; attempts: number }
  | { status: 'failed'; error: ApiError | Error; attempts: number };

/**
 * Creates the tune with its images streamed from disk, through the one generation path (src/domain):
 * after a failure that may have created it, it is looked for by its unique title, twice, and never sent again here.
 */
export async function uploadTune(services: UploadServices, request: UploadRequest, hooks: UploadHooks = {}): Promise<UploadResult> {
  const { params, images } = request;
  const files: UploadFile[] = images.map((image) => ({ path: image.path, name: image.name, type: image.mime }));
  const totalFileBytes = images.reduce((sum, image) => sum + image.size, 0);
  const title = `Creating tune “${params.title}”: uploading ${plural(images.length, 'image')} (${formatMegabytes(totalFileBytes)})`;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const tracker = new UploadProgressTracker();
    const onCancel = (): void => abort.abort(new Error('Cancelled by the user'));
    const cancelListener = token.onCancellationRequested(onCancel);
    if (hooks.signal?.aborted) onCancel();
    hooks.signal?.addEventListener('abort', onCancel, { once: true });
    const onProgress = (sent: UploadProgress): void => {
      hooks.onProgress?.(sent);
      const report = tracker.update(sent);
      if (report) progress.report(report);
    };
    try {
      const outcome = await services.generation.createTune(params, files, { signal: abort.signal, onProgress, packId: request.packId });
      if (outcome.status === 'failed') throw outcome.error;
      if (outcome.status === 'unknown') {
        if (abort.signal.aborted) return afterCancel(services, params.title, tracker);
        services.log.warn(`Creating tune “${params.title}”: no answer (${errorMessage(outcome.error)}), and no tune has its title; not sent again.`);
        return { status: 'unknown', error: asError(outcome.error), message: unknownOutcomeMessage('tune', outcome.error, services.generation.waitedMs), attempts: tracker.attemptNumber };
      }
      const tune = outcome.value;
      if (outcome.recovered) services.log.warn(`Creating tune “${params.title}” failed (${errorMessage(outcome.failure)}), but it was created: found by its title.`);
      services.log.info(`Created tune ${tune.id} “${tune.title}” (${plural(tracker.attemptNumber, 'attempt')}).`);
      return { status: 'created', tune, attempts: tracker.attemptNumber, note: recoveryNote(outcome, 'tune') };
    } catch (error) {
      if (abort.signal.aborted) return afterCancel(services, params.title, tracker);
      services.log.error(`Creating tune “${params.title}” failed: ${errorMessage(error)}`);
      return { status: 'failed', error: asError(error), attempts: tracker.attemptNumber };
    } finally {
      cancelListener.dispose();
      hooks.signal?.removeEventListener('abort', onCancel);
    }
  });
}

/**
 * A cancel that came after the whole body had left may have been too late: the server may have created
 * the tune anyway. Look it up by its (unique) title so the user is told the truth.
 */
async function afterCancel(services: UploadServices, title: string, tracker: UploadProgressTracker): Promise<UploadResult> {
  if (!tracker.bodyEverComplete) return { status: 'cancelled' };
  try {
    const found = await services.generation.findTune(title);
    if (found) return { status: 'created', tune: found, attempts: tracker.attemptNumber, note: 'The cancel came too late: the tune was created. ' };
  } catch (error) {
    services.log.warn(`Could not check whether “${title}” was created after the cancel: ${errorMessage(error)}`);
  }
  return { status: 'cancelled' };
}

function asError(error: unknown): ApiError | Error {
  return error instanceof Error ? error : new Error(String(error));
}
