// Astria objects have no status field: these pure functions derive one from the timestamps.
import type { Prompt, Tune } from './types';

export type TuneState = 'pending' | 'training' | 'trained' | 'expired' | 'failed';
export type PromptState = 'pending' | 'generating' | 'done' | 'failed';

/**
 * Order of checks: a `user_error` wins (failed); then a trained tune whose `expires_at` has passed is
 * expired unless `auto_extend` is on (Astria renews those, so a stale `expires_at` must not hide them);
 * an untrained tune is never "expired", because Astria only deletes data after training.
 */
export function tuneState(tune: Tune, now: number = Date.now()): TuneState {
  if (hasText(tune.user_error)) return 'failed';
  if (tune.trained_at) return isPast(tune.expires_at, now) && tune.auto_extend !== true ? 'expired' : 'trained';
  return tune.started_training_at ? 'training' : 'pending';
}

/** Images arriving count as done even if `trained_at` lags behind in the same response. */
export function promptState(prompt: Prompt): PromptState {
  if (hasText(prompt.user_error)) return 'failed';
  if (prompt.trained_at || (Array.isArray(prompt.images) && prompt.images.length > 0)) return 'done';
  return prompt.started_training_at ? 'generating' : 'pending';
}

/** States the poller keeps watching. */
export function isTuneInProgress(tune: Tune, now: number = Date.now()): boolean {
  const state = tuneState(tune, now);
  return state === 'pending' || state === 'training';
}

export function isPromptInProgress(prompt: Prompt): boolean {
  const state = promptState(prompt);
  return state === 'pending' || state === 'generating';
}

export interface TuneEta {
  /** When Astria expects training to finish. */
  at: Date;
  /** Milliseconds until then; 0 when the estimate has already passed. */
  remainingMs: number;
}

/** Astria's `eta` for a tune still training; undefined when not training or no usable estimate. */
export function tuneEta(tune: Tune, now: number = Date.now()): TuneEta | undefined {
  if (tuneState(tune, now) !== 'training' || !tune.eta) return undefined;
  const at = Date.parse(tune.eta);
  if (Number.isNaN(at)) return undefined;
  return { at: new Date(at), remainingMs: Math.max(0, at - now) };
}

function isPast(timestamp: string | null | undefined, now: number): boolean {
  if (!timestamp) return false;
  const at = Date.parse(timestamp);
  return !Number.isNaN(at) && at <= now;
}

function hasText(value: string | null | undefined): boolean {
  return typeof value === 'string' && value.trim() !== '';
}
