// The one stream of what happened to tunes and prompts, whoever did it (a panel, a prompt file, a
// sweep, an agent tool, the poller). Views follow it; nobody pushes into another view. Pure TypeScript.
import type { Prompt, Tune } from '../api/astria/types';

export type Change =
  /** A prompt now exists on the server (created here, or found after an unanswered create). */
  | { kind: 'promptCreated'; prompt: Prompt }
  /** A fresh copy of a prompt that is still generating. */
  | { kind: 'promptProgressed'; prompt: Prompt }
  /** A prompt got its images, or failed (`prompt.user_error`). */
  | { kind: 'promptFinished'; prompt: Prompt }
  /** Liked or unliked here. */
  | { kind: 'promptLiked'; prompt: Prompt }
  | { kind: 'promptDeleted'; tuneId: number; promptId: number }
  /** A tune now exists on the server (created here, or found by its title after an unanswered create). */
  | { kind: 'tuneCreated'; tune: Tune }
  /** A fresh copy of a tune (training progressed, renamed, auto-extend changed). */
  | { kind: 'tuneProgressed'; tune: Tune }
  /** A tune left training: trained, failed or expired. */
  | { kind: 'tuneFinished'; tune: Tune }
  | { kind: 'tuneDeleted'; tuneId: number };

export type ChangeKind = Change['kind'];
export type ChangeOf<K extends ChangeKind> = Extract<Change, { kind: K }>;

export interface Subscription {
  dispose(): void;
}

/** A listener that throws is logged by the owner, never breaks the others. */
export class Changes {
  private readonly listeners = new Set<(change: Change) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  publish(change: Change): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Every change. */
  subscribe(listener: (change: Change) => void): Subscription {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Only changes of these kinds, typed. */
  on<K extends ChangeKind>(kinds: readonly K[], listener: (change: ChangeOf<K>) => void): Subscription {
    const wanted = new Set<ChangeKind>(kinds);
    return this.subscribe((change) => {
      if (wanted.has(change.kind)) listener(change as ChangeOf<K>);
    });
  }
}

/** The prompt a change is about, if any (for views that only show prompts). */
export function promptOf(change: Change): Prompt | undefined {
  return 'prompt' in change ? change.prompt : undefined;
}
