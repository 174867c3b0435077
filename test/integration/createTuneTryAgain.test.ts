// The create-tune wizard's second send, inside a real VS Code host against the sandbox, on both profiles:
// after a failed create the person answers "Send Again?" (no answer, not found) or the failure notification's
// Try Again, and the flow looks the tune up by its title before anything is sent again. A tune the failed
// attempt did create is found and shown, never sent (and billed) twice; one that is not there is sent once
// more, with everything the person typed and picked; a lookup that fails sends nothing.
//
// The wizard is driven by a ScriptedWizardUi (the real wizard, its screens answered by a script) and the two
// questions are answered through the feature's replaceable dialogs (`api.createTune.dialogs`), the seam a
// person's click goes through. Every POST /tunes is counted in the sandbox's request log.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import type { Tune } from '../../src/api/astria/types';
import type { CreateTuneOutcome } from '../../src/commands/createTune/register';
import { ScriptedWizardUi } from '../../src/commands/createTune/scriptedUi';
import { TEST_CLIENT_HEADER, admin, astria, connectToSandbox, extensionApi, waitFor, type RecordedRequest } from './helpers';

type Profile = 'rich' | 'documented';

interface StoredUpload {
  field: string;
  filename: string;
  sha256: string;
}

/** A question the flow asked, and what the sandbox had seen of this test when it was answered. */
interface Asked {
  question: 'sendAgain' | 'tryAgain';
  message: string;
  /** POST /tunes of this test before the answer. */
  postsBefore: number;
  /** Requests of this test before the answer (an index into `requestsSince(mark)`). */
  requestsBefore: number;
}

/** What a person does when asked: waits (reads, looks elsewhere), then clicks or not. */
type Answer = (asked: Asked) => Promise<boolean>;

const TUNE_CREATE = /^\/tunes$/;
/** The extension's tune lookup is a GET of the tune list (with or without a title filter the server may ignore). */
const TUNE_LIST = /^\/tunes$/;
/** `lateCreate`: the sandbox creates the tune this long after its 504, after the flow's own looks (0, 0.1, 0.3 s). */
const LATE_MS = 1_500;
const QUICK_LOOKS = [100, 200];

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

let api: TuneStudioApi;
let mark = 0;
const asked: Asked[] = [];
let answers: Answer[] = [];
const shown: { severity: 'error' | 'warning' | 'info'; message: string }[] = [];

/** The extension's requests since `since`, oldest first (the test's own calls to the sandbox left out). */
async function requestsSince(since: number): Promise<RecordedRequest[]> {
  const all = await admin<RecordedRequest[]>('GET', `/requests?origin=api&since=${since}`);
  return all.filter((r) => r.headers[TEST_CLIENT_HEADER] === undefined);
}

function creates(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method === 'POST' && TUNE_CREATE.test(r.path));
}

/** Every tune with exactly this title, by offset pages (the documented profile ignores the title filter). */
async function tunesTitled(title: string): Promise<Tune[]> {
  const found: Tune[] = [];
  for (let offset = 0; ; offset += 20) {
    const page = await astria<Tune[]>('GET', `/tunes?title=${encodeURIComponent(title)}&limit=20&offset=${offset}`);
    found.push(...page.filter((tune) => tune.title === title));
    if (page.length < 20) return found;
  }
}

/** What the person types and picks in the wizard; each answer must reach Astria. */
function wizard(title: string): ScriptedWizardUi {
  return new ScriptedWizardUi([
    { screen: 'title', answer: { type: title } },
    { screen: 'class', answer: { pick: 'dog' } },
    { screen: 'model', answer: 'enter' },
    { screen: 'branch', answer: { pick: 'fast' } },
    { screen: 'preset', answer: 'enter' },
    { screen: 'token', answer: { type: 'zwx' } },
    { screen: 'options', answer: { check: ['Face crop'] } },
    { screen: 'characteristics', answer: { type: 'eye_color=brown eyes' } },
    { screen: 'prompts', answer: 'enter' },
    { screen: 'callback', answer: { type: 'https://example.com/try-again-hook' } },
    { screen: 'summary', answer: 'enter' },
  ]);
}

describe('Create tune: Send Again / Try Again look the tune up before sending it again', function () {
  this.timeout(120_000);
  const window = vscode.window as { -readonly [K in keyof typeof vscode.window]: (typeof vscode.window)[K] };
  const originals = { error: window.showErrorMessage, warning: window.showWarningMessage, info: window.showInformationMessage };
  let dialogs: { confirm: TuneStudioApi['createTune']['dialogs']['confirm']; tryAgain: TuneStudioApi['createTune']['dialogs']['tryAgain'] };
  let dir: string;
  let photos: vscode.Uri[] = [];
  let hashes: { filename: string; sha256: string }[] = [];

  before(async () => {
    api = await extensionApi();
    await admin('DELETE', '/faults');
    await connectToSandbox(api);
    // The notifications are read, not clicked: a test cannot see them on screen.
    const capture = (severity: 'error' | 'warning' | 'info') => ((message: string) => {
      shown.push({ severity, message });
      return Promise.resolve(undefined);
    }) as never;
    window.showErrorMessage = capture('error');
    window.showWarningMessage = capture('warning');
    window.showInformationMessage = capture('info');
    // The two questions, answered as the test's person would, noted with what the server had seen by then.
    dialogs = { confirm: api.createTune.dialogs.confirm, tryAgain: api.createTune.dialogs.tryAgain };
    const ask = async (question: Asked['question'], message: string): Promise<boolean> => {
      const requests = await requestsSince(mark);
      const entry: Asked = { question, message, postsBefore: creates(requests).length, requestsBefore: requests.length };
      const answer = answers.shift();
      assert.ok(answer, `an unexpected question: ${message}`);
      const yes = await answer(entry);
      // Counted again after the person's pause: what the answer came after.
      const now = await requestsSince(mark);
      asked.push({ ...entry, postsBefore: creates(now).length, requestsBefore: now.length });
      return yes;
    };
    api.createTune.dialogs.confirm = (message) => ask('sendAgain', message);
    api.createTune.dialogs.tryAgain = (message) => ask('tryAgain', message);

    dir = await mkdtemp(join(tmpdir(), 'ts-try-again-'));
    photos = [];
    for (let n = 1; n <= 4; n++) {
      const body = randomBytes(96 * 1024);
      Buffer.from(PNG).copy(body);
      const path = join(dir, `${n}.png`);
      await writeFile(path, body);
      photos.push(vscode.Uri.file(path));
    }
    hashes = await Promise.all(
      photos.map(async (uri) => ({ filename: uri.path.split('/').pop()!, sha256: createHash('sha256').update(await readFile(uri.fsPath)).digest('hex') })),
    );
  });

  after(async () => {
    window.showErrorMessage = originals.error;
    window.showWarningMessage = originals.warning;
    window.showInformationMessage = originals.info;
    if (dialogs) Object.assign(api.createTune.dialogs, dialogs);
    api?.services.tuneHttp({});
    await admin('DELETE', '/faults');
    await admin('POST', '/profile', { profile: 'rich' });
    await rm(dir, { recursive: true, force: true });
  });

  for (const profile of ['rich', 'documented'] as const satisfies readonly Profile[]) {
    describe(`${profile} profile`, () => {
      let since = 0;

      before(async () => {
        await admin('POST', '/profile', { profile });
      });

      beforeEach(async () => {
        await admin('DELETE', '/faults');
        asked.length = 0;
        answers = [];
        since = shown.length;
        // The flow's own looks after an unanswered create, shortened (the same path as the product's 2 s + 4 s).
        api.services.tuneHttp({ lookAgainMs: QUICK_LOOKS });
        mark = Date.now();
      });

      afterEach(async () => {
        await admin('DELETE', '/faults');
        api.services.tuneHttp({});
      });

      function createTune(ui: ScriptedWizardUi): Thenable<CreateTuneOutcome> {
        return vscode.commands.executeCommand<CreateTuneOutcome>('tuneStudio.createTuneFromImages', photos[0], photos, { ui });
      }

      function told(severity: 'error' | 'warning' | 'info'): string[] {
        return shown.slice(since).filter((n) => n.severity === severity).map((n) => n.message);
      }

      /** The tune is on the server once, holds every answer of the wizard and exactly the picked images. */
      async function kept(tune: Tune, title: string): Promise<void> {
        assert.deepEqual((await tunesTitled(title)).map((t) => t.id), [tune.id], 'exactly one tune with this title on the server');
        const stored = await astria<Tune & { characteristics?: Record<string, string>; callback?: string }>('GET', `/tunes/${tune.id}`);
        assert.deepEqual(
          [stored.title, stored.name, stored.branch, stored.token, stored.face_crop, stored.characteristics, stored.callback],
          [title, 'dog', 'fast', 'zwx', true, { eye_color: 'brown eyes' }, 'https://example.com/try-again-hook'],
          'every answer typed before the failure reached Astria',
        );
        const uploads = await admin<StoredUpload[]>('GET', `/uploads?tune_id=${tune.id}`);
        assert.deepEqual(
          uploads.map((u) => ({ filename: u.filename, sha256: u.sha256 })),
          hashes,
          'the picked images, byte-identical',
        );
      }

      /** The user sees the tune: the Tunes view selects it. */
      async function revealed(tune: Tune): Promise<void> {
        await waitFor('the tune selected in the Tunes view', () => {
          const node = api.tunes.view.selection[0];
          return node?.kind === 'tune' && node.tune.id === tune.id ? node : undefined;
        });
      }

      /**
       * Between the person's answer and the next POST /tunes the flow looked the tune up (GET /tunes), and then
       * sent it exactly once more.
       */
      async function lookedUpThenSentOnce(answer: Asked): Promise<void> {
        const after = (await requestsSince(mark)).slice(answer.requestsBefore);
        const lookup = after.findIndex((r) => r.method === 'GET' && TUNE_LIST.test(r.path));
        const resend = after.findIndex((r) => r.method === 'POST' && TUNE_CREATE.test(r.path));
        assert.ok(resend >= 0, 'sent again after the answer');
        assert.ok(lookup >= 0 && lookup < resend, `looked up by its title before sending again (after the answer: ${after.map((r) => `${r.method} ${r.path}`).join(', ')})`);
        assert.equal(creates(after).length, 1, 'sent exactly once more');
      }

      it(`Send Again after a 504 whose tune appears only later: found by its title, not sent again, shown (guards the lookup before a second POST; ${profile})`, async () => {
        const title = `ta-late-${profile}-${randomUUID().slice(0, 8)}`;
        await admin('POST', '/faults', { match: '^/tunes$', method: 'POST', count: 1, kind: 'lateCreate', delayMs: LATE_MS });
        // The person reads the question for a moment: by the time they press Send Again the server has the tune.
        answers = [async () => (await waitFor('the late tune on the server', async () => ((await tunesTitled(title)).length > 0 ? true : undefined), 10_000))];
        const ui = wizard(title);
        const outcome = await createTune(ui);

        assert.equal(asked.length, 1, 'asked once');
        assert.equal(asked[0].question, 'sendAgain');
        assert.match(asked[0].message, /did not answer whether .* was created\. Send it again\?/);
        assert.equal(outcome.status, 'created', outcome.message);
        assert.equal(creates(await requestsSince(mark)).length, 1, 'one POST /tunes in all: not sent (and billed) again');
        assert.ok(outcome.tune);
        assert.match(outcome.message ?? '', /^The earlier attempt did create the tune; it was not sent again\. Tune “[^”]+” created/);
        assert.ok(told('info').includes(outcome.message ?? ''), 'the notification says so');
        assert.ok(ui.finished, 'the wizard was answered once: nothing was asked again');
        await kept(outcome.tune, title);
        await revealed(outcome.tune);
      });

      it(`Send Again after a 500 that created nothing: looked up first, then sent once with every answer and image (guards the lookup; ${profile})`, async () => {
        const title = `ta-500-${profile}-${randomUUID().slice(0, 8)}`;
        await admin('POST', '/faults', { match: '^/tunes$', method: 'POST', count: 1, kind: 'status500' });
        answers = [async () => true];
        const ui = wizard(title);
        const outcome = await createTune(ui);

        assert.equal(asked.length, 1, 'asked once');
        assert.equal(asked[0].question, 'sendAgain');
        assert.equal(asked[0].postsBefore, 1, 'asked before anything was sent again');
        assert.equal(outcome.status, 'created', outcome.message);
        await lookedUpThenSentOnce(asked[0]);
        assert.ok(outcome.tune);
        assert.ok(ui.finished, 'the wizard was answered once: nothing typed was lost');
        await kept(outcome.tune, title);
        await revealed(outcome.tune);
      });

      it(`Try Again after a 429 that created nothing: looked up first, then sent once with every answer and image (guards the lookup; ${profile})`, async () => {
        const title = `ta-429-${profile}-${randomUUID().slice(0, 8)}`;
        await admin('POST', '/faults', { match: '^/tunes$', method: 'POST', count: 1, kind: 'status429', retryAfter: null });
        answers = [async () => true];
        const ui = wizard(title);
        const outcome = await createTune(ui);

        assert.equal(asked.length, 1, 'asked once');
        assert.equal(asked[0].question, 'tryAgain', 'the failure notification offers Try Again');
        assert.match(asked[0].message, new RegExp(`^The tune “${title}” could not be created: `));
        assert.equal(asked[0].postsBefore, 1);
        assert.equal(outcome.status, 'created', outcome.message);
        await lookedUpThenSentOnce(asked[0]);
        assert.ok(outcome.tune);
        assert.ok(ui.finished, 'the wizard was answered once: nothing typed was lost');
        await kept(outcome.tune, title);
        await revealed(outcome.tune);
      });

      it(`a lookup that fails before sending again sends nothing; Try Again looks again and finds the late tune (guards “sent only when the lookup shows it is not there”; ${profile})`, async () => {
        const title = `ta-nolook-${profile}-${randomUUID().slice(0, 8)}`;
        await admin('POST', '/faults', { match: '^/tunes$', method: 'POST', count: 1, kind: 'lateCreate', delayMs: LATE_MS });
        answers = [
          // Send Again, once the tune exists; but the lookup before the send gets an answer it cannot read.
          async () => {
            await waitFor('the late tune on the server', async () => ((await tunesTitled(title)).length > 0 ? true : undefined), 10_000);
            await admin('POST', '/faults', { match: '/^\\/tunes(\\?|$)/', method: 'GET', count: 1, kind: 'malformed' });
            return true;
          },
          // Told nothing was sent because it could not check: Try Again (the lookup works now).
          async () => true,
        ];
        const ui = wizard(title);
        const outcome = await createTune(ui);

        assert.deepEqual(asked.map((a) => a.question), ['sendAgain', 'tryAgain']);
        assert.match(asked[1].message, new RegExp(`^“${title}” was not sent again: Tune Studio could not check whether the earlier attempt created it`), 'the user is told why nothing was sent');
        assert.equal(asked[1].postsBefore, 1, 'the failed lookup sent nothing');
        assert.equal(outcome.status, 'created', outcome.message);
        assert.equal(creates(await requestsSince(mark)).length, 1, 'one POST /tunes in all');
        assert.ok(outcome.tune);
        assert.match(outcome.message ?? '', /^The earlier attempt did create the tune; it was not sent again\./);
        await kept(outcome.tune, title);
        await revealed(outcome.tune);
      });
    });
  }
});
