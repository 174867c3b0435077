// Turns the client's byte counts into what a progress notification shows. Plain TypeScript.
import type { UploadProgress } from '../api/astria/types';
import { formatMegabytes } from './trainingImages';

export interface ProgressReport {
  /** e.g. "45% · 14.2 of 31.6 MB". */
  message: string;
  /** Percent points to add to the bar (VS Code bars only move forward). */
  increment: number;
}

/**
 * Follows one upload across the client's automatic retries. A retry restarts the body from byte 0:
 * the message then shows the new attempt's own percentage, while the bar holds its furthest point
 * instead of jumping backwards (VS Code's bar cannot go back).
 */
export class UploadProgressTracker {
  private attempt = 1;
  private lastSent = 0;
  private barPercent = 0;
  private lastMessage: string | undefined;
  private anyComplete = false;

  /** Which try this is (1 = first); the client retries network errors and 5xx with the same title. */
  get attemptNumber(): number {
    return this.attempt;
  }

  /** The whole body of some attempt has left: the server may have created the tune, even if a retry is under way. */
  get bodyEverComplete(): boolean {
    return this.anyComplete;
  }

  /** A report when something visible changed, else undefined (the client reports every chunk). */
  update(progress: UploadProgress): ProgressReport | undefined {
    const { sentBytes, totalBytes } = progress;
    // A retry starts its body again: fewer bytes than last time (0, or the first chunk of the new try).
    if (sentBytes < this.lastSent) this.attempt++;
    this.lastSent = sentBytes;
    const complete = totalBytes > 0 && sentBytes >= totalBytes;
    this.anyComplete ||= complete;
    const percent = totalBytes > 0 ? Math.min(100, Math.floor((sentBytes / totalBytes) * 100)) : 0;
    const increment = Math.max(0, percent - this.barPercent);
    this.barPercent += increment;
    const message = this.describe(percent, sentBytes, totalBytes, complete);
    // The same words mean the same percent, which the bar already shows.
    if (message === this.lastMessage) return undefined;
    this.lastMessage = message;
    return { message, increment };
  }

  private describe(percent: number, sentBytes: number, totalBytes: number, complete: boolean): string {
    const retry = this.attempt > 1 ? `Retrying (attempt ${this.attempt}): ` : '';
    if (complete) return `${retry}all ${formatMegabytes(totalBytes)} sent, waiting for Astria to answer…`;
    return `${retry}${percent}% · ${megabytes(sentBytes)} of ${megabytes(totalBytes)} MB`;
  }
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
