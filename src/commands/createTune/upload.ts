// The one upload: streamed by the Astria client, shown as a cancellable progress notification.
import * as vscode from 'vscode';
import type { CreateRecovery } from '../../api/astria/client';
import type { Tune, TuneCreateParams, UploadFile, UploadProgress } from '../../api/astria/types';
import { ApiError } from '../../api/errors';
import { errorMessage } from '../../shared/errorMessage';
import type { Services } from '../../services';
import { formatMegabytes, plural, type ImageFile } from './imageFiles';
import { UploadProgressTracker } from './uploadProgress';

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
  /** `recovery`: a failure happened and the tune was found by its title, or was not and was created again. */
  | { status: 'created'; tune: Tune; attempts: number; recovery?: CreateRecovery; failure?: ApiError }
  /** Cancelled before the body was complete: nothing was created. */
  | { status: 'cancelled' }
  | { status: 'failed'; error: ApiError | Error; attempts: number };

/**
 * Creates the tune with its images streamed from disk. After a 5xx, 504 or network failure the client
 * looks for the tune by its unique title before sending it again, so at most one tune is created.
 */
export async function uploadTune(services: Services, request: UploadRequest, hooks: UploadHooks = {}): Promise<UploadResult> {
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
      const options = { signal: abort.signal, onProgress };
      const { tune, recovery, failure } =
        request.packId === undefined
          ? await services.astria.createTuneReporting(params, files, options)
          : await services.astria.createTuneFromPackReporting(request.packId, params, files, options);
      if (failure) services.log.warn(`Creating tune “${params.title}” failed (${failure.message}); ${recovery === 'found-after-failure' ? 'it was created anyway' : 'it was not created, so it was sent again'}.`);
      services.log.info(`Created tune ${tune.id} “${tune.title}” (${plural(tracker.attemptNumber, 'attempt')}).`);
      return { status: 'created', tune, attempts: tracker.attemptNumber, recovery, failure };
    } catch (error) {
      if (abort.signal.aborted) return afterCancel(services, params.title, tracker);
      services.log.error(`Creating tune “${params.title}” failed: ${errorMessage(error)}`);
      return { status: 'failed', error: error instanceof Error ? error : new Error(String(error)), attempts: tracker.attemptNumber };
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
async function afterCancel(services: Services, title: string, tracker: UploadProgressTracker): Promise<UploadResult> {
  if (!tracker.bodyEverComplete) return { status: 'cancelled' };
  try {
    const found = await services.astria.findTuneByTitle(title);
    if (found) return { status: 'created', tune: found, attempts: tracker.attemptNumber };
  } catch (error) {
    services.log.warn(`Could not check whether “${title}” was created after the cancel: ${errorMessage(error)}`);
  }
  return { status: 'cancelled' };
}
