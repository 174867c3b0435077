// "Create Tune from Images…" and "Create Tune from Pack…" from start to end: pick files, check them,
// ask (wizard), upload, reveal. Every entry point (Explorer, palette, view button, drop) runs this.
import * as vscode from 'vscode';
import type { CreateTuneDialogs } from './dialogs';
import type { Pack, Tune, UploadProgress } from '../../api/astria/types';
import { ApiError } from '../../api/errors';
import { errorMessage } from '../../shared/errorMessage';
import type { Services } from '../../services';
import {
  collectImageFiles,
  judgeSelection,
  megabytesToBytes,
  sourceFolderName,
  type ImageSelection,
} from '../../domain/trainingImages';
import { DEFAULT_MAX_IMAGE_MB, IMAGE_EXTENSIONS } from '../../shared/imageFormats';
import { QuickInputWizardUi } from './quickInputUi';
import { defaultDraft, draftProblems, packClasses, tuneParams, type PackChoice, type TuneDraft } from './tuneOptions';
import { uploadTune } from '../../domain/tuneUpload';
import { runTuneWizard, type StepId, type WizardContext, type WizardUi } from './wizard';
import { inertLinks } from '../../shared/inertText';

export interface CreateTuneWiring {
  /** Shows the new tune in the Tunes view (selects it). */
  revealTune(tune: Tune): Promise<void>;
}

/** Optional third argument of the commands, for tests and scripts. The upload path is the same. */
export interface CreateTuneOptions {
  /** Skip the wizard: these answers over the defaults (a pack needs `packId`). */
  answers?: Partial<TuneDraft>;
  /** Drive the wizard with another UI (a scripted one in tests) instead of QuickInputs. */
  ui?: WizardUi;
  /** Aborts the upload like the notification's Cancel button. */
  signal?: AbortSignal;
  /** Every byte count of the upload. */
  onProgress?: (progress: UploadProgress) => void;
}

export interface CreateTuneOutcome {
  status: 'created' | 'cancelled' | 'refused' | 'failed';
  tune?: Tune;
  selection?: ImageSelection;
  /** What the user was told, if anything. */
  message?: string;
  error?: Error;
  /** Steps the wizard re-opened at after Astria refused the tune (422). */
  reopenedAt?: StepId[];
}

const MAX_IMAGE_SIZE_KEY = 'createTune.maxImageSizeMB';
/** A tune returned for our title but older than this was not created now: the title was already taken. */
const FRESH_TUNE_MS = 10 * 60_000;

/** Which wizard step fixes a field Astria complained about. */
const STEP_FOR_FIELD: Record<string, StepId> = {
  title: 'title',
  name: 'class',
  base_tune_id: 'model',
  model_type: 'model',
  branch: 'branch',
  preset: 'preset',
  token: 'token',
  face_crop: 'options',
  training_face_correct: 'options',
  auto_extend: 'options',
  characteristics: 'characteristics',
  prompts_attributes: 'prompts',
  callback: 'callback',
};

export class CreateTuneFlow {
  constructor(
    private readonly services: Services,
    private readonly wiring: CreateTuneWiring,
    private readonly dialogs: CreateTuneDialogs,
  ) {}

  async run(uris: readonly vscode.Uri[], mode: 'images' | 'pack', options: CreateTuneOptions = {}): Promise<CreateTuneOutcome> {
    if (!(await this.services.keys.get('astria'))) return this.refuse('Set your Astria API key first: Tune Studio needs it to create tunes.', 'Set API Key');
    const picked = uris.length > 0 ? [...uris] : await pickImageFiles();
    if (!picked) return { status: 'cancelled' };

    const local = picked.filter(isOnThisDisk);
    const remote = picked.filter((uri) => !isOnThisDisk(uri));
    if (remote.length > 0) this.services.log.warn(`Not on this machine's disk, left out: ${remote.map((uri) => uri.toString()).join(', ')}`);
    if (local.length === 0) {
      return this.refuse(`The selected files are not on this machine's disk (${remote[0]?.scheme}:), so they cannot be uploaded. Copy them into a local folder first.`);
    }
    const selection = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Checking images…' }, () =>
      collectImageFiles(
        local.map((uri) => uri.fsPath),
        { maxImageBytes: megabytesToBytes(maxImageSizeMB()) },
      ),
    );
    for (const file of selection.skipped) this.services.log.info(`Create tune: skipped ${file.message}`);
    const verdict = judgeSelection(selection);
    if (verdict.refusal) return { ...this.refuse(verdict.refusal, selection.skipped.length > 0 ? 'Show Log' : undefined), selection };

    let packs: WizardContext['packs'];
    let pack: PackChoice | undefined;
    if (mode === 'pack') {
      const loaded = await this.loadPacks();
      if ('refused' in loaded) return { ...loaded.refused, selection };
      packs = loaded.source;
      if (options.answers?.packId !== undefined) {
        const chosen = loaded.source.list.find((p) => p.id === options.answers?.packId);
        if (!chosen) return { ...this.refuse(`There is no pack ${options.answers.packId} in your account.`), selection };
        pack = { pack: chosen, classes: await loaded.source.classesOf(chosen) };
      }
    }

    let draft = defaultDraft(sourceFolderName(selection), options.answers);
    const ui = options.ui ?? new QuickInputWizardUi();
    const scripted = options.answers !== undefined;
    const reopenedAt: StepId[] = [];
    let startAt: StepId | undefined;
    let notices: string[] = [];
    for (;;) {
      if (scripted) {
        const problems = draftProblems(draft, pack);
        if (problems.length > 0) return { ...this.refuse(problems.join(' ')), selection };
      } else {
        const answered = await runTuneWizard(ui, draft, { selection, verdict, packs, notices }, { startAt, pack });
        if (!answered) return { status: 'cancelled', selection };
        ({ draft, pack } = answered);
      }

      // A run scripted with answers cannot answer a question, so it is never asked one (nothing is sent again). A wizard
      // run, with QuickInputs or a driven UI, is asked "Send Again?" / "Try Again" through the replaceable dialogs.
      const result = await this.uploadUntilSettled({ draft, pack, selection, options, asks: !scripted });
      if (result.status !== 'failed' || !(result.error instanceof ApiError) || result.error.kind !== 'validation' || scripted) {
        return { ...result, selection, reopenedAt };
      }
      // Astria refused the tune (422): back to the wizard with everything kept, at the step it names.
      startAt = stepForError(result.error);
      reopenedAt.push(startAt);
      notices = [`Astria refused the tune: ${result.error.message}`];
    }
  }

  /**
   * Uploads. No answer and not found: asks "Send Again?"; a failure other than a 422: offers Try Again. Either way
   * the tune is looked up by its title before it is sent again (see `sentEarlier`).
   */
  private async uploadUntilSettled(run: {
    draft: TuneDraft;
    pack: PackChoice | undefined;
    selection: ImageSelection;
    options: CreateTuneOptions;
    asks: boolean;
  }): Promise<Omit<CreateTuneOutcome, 'selection'>> {
    const params = tuneParams(run.draft, run.pack);
    for (;;) {
      const startedAt = Date.now();
      const result = await uploadTune(
        this.services,
        { params, images: run.selection.images, packId: run.pack?.pack.id },
        { signal: run.options.signal, onProgress: run.options.onProgress },
      );
      if (result.status === 'created') return this.created(result.tune, startedAt, result.note);
      if (result.status === 'unknown') {
        // No answer, and no tune has its title even after waiting: sent again only on the user's word.
        const again = !run.asks
          ? false
          : await this.dialogs.confirm(`Astria did not answer whether “${params.title}” was created. Send it again?`, `${result.message} If you send it again and the first one appears later, you will have two tunes.`, 'Send Again');
        if (!again) {
          const message = result.message;
          void vscode.window.showWarningMessage(inertLinks(message));
          return { status: 'failed', error: result.error, message };
        }
      } else if (result.status === 'cancelled') {
        const message = 'Upload cancelled: no tune was created.';
        void vscode.window.showInformationMessage(message);
        return { status: 'cancelled', message };
      } else {
        const { error } = result;
        if (error instanceof ApiError && error.kind === 'validation') {
          const message = `Astria refused the tune: ${error.message}`;
          void vscode.window.showErrorMessage(inertLinks(message));
          return { status: 'failed', error, message };
        }
        const message = `The tune “${params.title}” could not be created: ${error.message}`;
        if (!run.asks) {
          void vscode.window.showErrorMessage(inertLinks(message));
          return { status: 'failed', error, message };
        }
        if (!(await this.dialogs.tryAgain(inertLinks(message)))) return { status: 'failed', error, message };
      }
      const earlier = await this.sentEarlier(params.title, startedAt);
      if (earlier) return earlier;
    }
  }

  /**
   * The user said to send the tune again, maybe long after the failure: the failed attempt may have created it
   * after all (a server may finish after its gateway gave up; titles are idempotent only on some accounts). It is
   * looked up by its title first: found, that tune is the outcome and nothing is sent; a lookup that fails sends
   * nothing either (Try Again looks again). `undefined`: the lookup shows it is not there, so it may be sent.
   */
  private async sentEarlier(title: string, startedAt: number): Promise<Omit<CreateTuneOutcome, 'selection'> | undefined> {
    for (;;) {
      let existing: Tune | undefined;
      try {
        existing = await this.services.generation.findTune(title);
      } catch (error) {
        const message = `“${title}” was not sent again: Tune Studio could not check whether the earlier attempt created it, and sending it twice may train and bill twice. ${errorMessage(error)}`;
        this.services.log.warn(message);
        if (await this.dialogs.tryAgain(inertLinks(message))) continue;
        return { status: 'failed', error: error instanceof Error ? error : new Error(errorMessage(error)), message };
      }
      return existing ? this.created(existing, startedAt, 'The earlier attempt did create the tune; it was not sent again. ') : undefined;
    }
  }

  private async created(tune: Tune, startedAt: number, note = ''): Promise<Omit<CreateTuneOutcome, 'selection'>> {
    // The poller and the Tunes view follow the change stream (the one generation path published the tune).
    try {
      await this.wiring.revealTune(tune);
    } catch (error) {
      this.services.log.warn(`Could not reveal tune ${tune.id}: ${errorMessage(error)}`);
    }
    const createdAt = Date.parse(tune.created_at);
    const preExisting = Number.isFinite(createdAt) && createdAt < startedAt - FRESH_TUNE_MS;
    const message = preExisting
      ? `Astria already had a tune titled “${tune.title}” (id ${tune.id}) and returned it instead of creating another. Use a new title to create a new tune.`
      : `${note}Tune “${tune.title}” created: training has started. Tune Studio will tell you when it is trained.`;
    void (preExisting ? vscode.window.showWarningMessage(inertLinks(message)) : vscode.window.showInformationMessage(inertLinks(message)));
    return { status: 'created', tune, message };
  }

  private async loadPacks(): Promise<{ source: NonNullable<WizardContext['packs']> } | { refused: CreateTuneOutcome }> {
    const astria = this.services.astria;
    let list: Pack[];
    try {
      list = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Loading packs…' }, () => astria.listPacks());
    } catch (error) {
      return { refused: this.refuse(`Could not load your packs: ${errorMessage(error)}`) };
    }
    if (list.length === 0) return { refused: this.refuse('Your Astria account has no packs yet. Create one on astria.ai, or use “Create Tune from Images…”.') };
    const classesOf = async (pack: Pack): Promise<string[]> => {
      const detail = await astria.getPack(pack.id);
      return [...new Set([...packClasses(pack), ...packClasses(detail)])];
    };
    return { source: { list, classesOf } };
  }

  /** Tells the user why nothing happens; the message is not awaited so the command can finish. */
  private refuse(message: string, action?: 'Set API Key' | 'Show Log'): CreateTuneOutcome {
    const shown = action ? vscode.window.showErrorMessage(inertLinks(message), action) : vscode.window.showErrorMessage(inertLinks(message));
    void shown.then((choice) => {
      if (choice === 'Set API Key') void vscode.commands.executeCommand('tuneStudio.setAstriaKey');
      if (choice === 'Show Log') this.services.log.show();
    });
    return { status: 'refused', message };
  }
}

function maxImageSizeMB(): number {
  const value = vscode.workspace.getConfiguration('tuneStudio').get<number>(MAX_IMAGE_SIZE_KEY, DEFAULT_MAX_IMAGE_MB);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_MAX_IMAGE_MB;
}

async function pickImageFiles(): Promise<vscode.Uri[] | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Create Tune: pick the training photos',
    openLabel: 'Use for Tune',
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: true,
    filters: { Images: IMAGE_EXTENSIONS },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked && picked.length > 0 ? picked : undefined;
}

/** The upload streams from disk, so only files the extension host can open will do. */
function isOnThisDisk(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' || uri.scheme === 'vscode-remote';
}

function stepForError(error: ApiError): StepId {
  for (const field of Object.keys(error.fields ?? {})) {
    const step = STEP_FOR_FIELD[field];
    if (step) return step;
  }
  return 'summary';
}
