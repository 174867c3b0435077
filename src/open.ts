// The typed front doors between features: how one feature opens another's panel. Built in extension.ts,
// bound to the two panel registries once they exist, and handed to every feature that opens a panel.
// Commands parse their `unknown` arguments once, at their edge, and then come through here too.
import type { Prompt, Tune } from './api/astria/types';
import type { GalleryFocus, GallerySubject } from './shared/gallery';
import type { EditorSection } from './shared/promptEditor';
import type { PromptDraft } from './shared/prompt/draft';
import type { Provider } from './auth/apiKeys';

/** What the prompt editor is opened for. Every variant names its tune ("which tune?" is asked before). */
export type PromptEditorRequest =
  /** A tune's editor as it was (or a fresh one); `tune` spares a request when the caller has it. */
  | { kind: 'tune'; tuneId: number; tune?: Tune }
  /** A saved prompt's text and options in its tune's editor (gallery and tree "Remix…"). */
  | { kind: 'remix'; prompt: Prompt }
  /** Like remix, with one of the prompt's images as the input image (gallery "Use as Input Image"). */
  | { kind: 'img2img'; prompt: Prompt; imageUrl: string }
  /** A text to start from, other options at their defaults ("Use on the base tune" of a LoRA/FaceID). */
  | { kind: 'prefill'; tuneId: number; text: string }
  /**
   * A complete draft, every option included (a sweep cell's "Use these settings", a prompt file entry's
   * "Open in Prompt Editor"); `section` also opens and focuses that section (a prompt file entry's "Sweep…").
   */
  | { kind: 'draft'; tuneId: number; draft: PromptDraft; section?: EditorSection };

/**
 * Each door resolves once the panel is shown (a panel's host loads on first use). It never rejects: a
 * failure to open is told to the user and logged where the doors are bound (extension.ts).
 */
export interface Open {
  /** Opens (or reveals and retitles) the gallery of a subject, optionally at one image. */
  gallery(subject: GallerySubject, focus?: GalleryFocus): Promise<void>;
  /** Opens (or reveals) a tune's prompt editor; a remix, img2img or prefill replaces the form, with Undo. */
  promptEditor(request: PromptEditorRequest): Promise<void>;
  /** Opens (or reveals) the compare panel of a remembered sweep. */
  compare(sweepId: string): Promise<void>;
  /** Asks for a provider's API key, as Set API Key does (a panel whose request found none); true once one is stored. */
  apiKey(provider: Provider): Promise<boolean>;
}

/**
 * The doors, built before the panels that use them (the gallery opens the editor and the other way
 * round) and bound once both exist. Using a door before that is a wiring bug, said loudly.
 */
export class FrontDoors implements Open {
  private target: Open | undefined;

  bind(target: Open): void {
    this.target = target;
  }

  gallery(subject: GallerySubject, focus?: GalleryFocus): Promise<void> {
    return this.bound().gallery(subject, focus);
  }

  promptEditor(request: PromptEditorRequest): Promise<void> {
    return this.bound().promptEditor(request);
  }

  compare(sweepId: string): Promise<void> {
    return this.bound().compare(sweepId);
  }

  apiKey(provider: Provider): Promise<boolean> {
    return this.bound().apiKey(provider);
  }

  private bound(): Open {
    if (!this.target) throw new Error('Tune Studio: a panel was opened before the panels were registered.');
    return this.target;
  }
}
