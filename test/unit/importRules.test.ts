// The import directions of docs/ARCHITECTURE.md, as eslint.config.mjs enforces them: small snippets linted
// as if they stood in a folder of src/, each forbidden import refused and each allowed one let through.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..', '..');
const RULE = '@typescript-eslint/no-restricted-imports';

let eslint: ESLint;

/** The import-direction messages for `code` as the file `filePath` (relative to the repository). */
async function refusals(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  assert.ok(result, `${filePath} was linted`);
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

/** The import is refused, with a message that says why (`why`). */
async function refused(filePath: string, code: string, why: RegExp): Promise<void> {
  const messages = await refusals(filePath, code);
  assert.ok(messages.length > 0, `expected the import to be refused in ${filePath}: ${code}`);
  assert.match(messages.join('\n'), why);
}

const WIRING = /extension\.ts is the wiring/;
const TYPES_ONLY = /takes only types from src\/api\//;
const PANELS = /open panels through open\.ts/;
const CREATE_TUNE = /commands\/createTune\/ is one feature/;
const DOMAIN = /src\/domain\/ is below the features/;

async function allowed(filePath: string, code: string): Promise<void> {
  assert.deepEqual(await refusals(filePath, code), [], `expected the import to be allowed in ${filePath}: ${code}`);
}

describe('import directions (eslint.config.mjs)', () => {
  before(() => {
    eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, 'eslint.config.mjs') });
  });

  it('keeps jobs/ and views/ away from extension.ts, and jobs/ away from open.ts', async () => {
    await refused('src/jobs/x.ts', "import type { Open } from '../open';\nexport type O = Open;\n", /opens no panel/);
    await refused('src/jobs/x.ts', "import { activate } from '../extension';\nexport const a = activate;\n", WIRING);
    await refused('src/views/x.ts', "import { activate } from '../extension';\nexport const a = activate;\n", WIRING);
    await refused('src/views/deeper/x.ts', "import type { TuneStudioApi } from '../../extension';\nexport type A = TuneStudioApi;\n", WIRING);
    // Views open other features through the front doors.
    await allowed('src/views/x.ts', "import type { Open } from '../open';\nexport type O = Open;\n");
    await allowed('src/jobs/x.ts', "import type { Services } from '../services';\nimport type { Changes } from '../domain/changes';\nexport type S = [Services, Changes];\n");
  });

  it('lets src/shared/ take only types from src/api/', async () => {
    await refused('src/shared/x.ts', "import { ApiError } from '../api/errors';\nexport const e = ApiError;\n", TYPES_ONLY);
    await refused('src/shared/prompt/x.ts', "import { tuneState } from '../../api/astria/state';\nexport const s = tuneState;\n", TYPES_ONLY);
    await refused('src/shared/x.ts', "export { tuneState } from '../api/astria/state';\n", TYPES_ONLY);
    await allowed('src/shared/x.ts', "import type { Prompt } from '../api/astria/types';\nexport type P = Prompt;\n");
    await allowed('src/shared/x.ts', "import { type Prompt } from '../api/astria/types';\nexport type P = Prompt;\n");
    await allowed('src/shared/prompt/x.ts', "import type { TuneState } from '../../api/astria/state';\nexport type S = TuneState;\n");
    await refused('src/shared/x.ts', "import type { Changes } from '../domain/changes';\nexport type C = Changes;\n", /depends on nothing but itself/);
  });

  it('keeps commands/ and agent/ out of webviews/ and of the files of commands/createTune/', async () => {
    await refused('src/agent/x.ts', "import { resolveClash } from '../webviews/saveImage';\nexport const f = resolveClash;\n", PANELS);
    await refused('src/commands/x.ts', "import { toGalleryPrompt } from '../webviews/galleryModel';\nexport const f = toGalleryPrompt;\n", PANELS);
    await refused('src/commands/promptFiles/x.ts', "import type { GalleryApi } from '../../webviews/galleryPanel';\nexport type G = GalleryApi;\n", PANELS);
    await refused('src/agent/x.ts', "import { defaultTitle } from '../commands/createTune/tuneOptions';\nexport const f = defaultTitle;\n", CREATE_TUNE);
    await refused('src/commands/x.ts', "import { registerCreateTune } from './createTune/register';\nexport const f = registerCreateTune;\n", CREATE_TUNE);
    await refused('src/commands/promptFiles/x.ts', "import { defaultTitle } from '../createTune/tuneOptions';\nexport const f = defaultTitle;\n", CREATE_TUNE);
    // The files of commands/createTune/ import each other; everyone goes through src/domain/, src/shared/ or open.ts.
    await allowed('src/commands/createTune/x.ts', "import { runTuneWizard } from './wizard';\nexport const f = runTuneWizard;\n");
    await allowed('src/agent/x.ts', "import { uploadTune } from '../domain/tuneUpload';\nimport { plural } from '../shared/plural';\nimport type { Open } from '../open';\nexport const f = [uploadTune, plural];\nexport type O = Open;\n");
    await allowed('src/commands/x.ts', "import { TuneNode } from '../views/nodes';\nexport const n = TuneNode;\n");
  });

  it('keeps src/domain/ below every feature, the jobs and the wiring', async () => {
    for (const target of ['../views/nodes', '../webviews/saveImage', '../commands/dialogs', '../agent/tools', '../jobs/statusPoller', '../open', '../extension', '../services']) {
      await refused('src/domain/x.ts', `import * as m from '${target}';\nexport const x = m;\n`, target === '../extension' ? WIRING : DOMAIN);
    }
    await allowed(
      'src/domain/x.ts',
      [
        "import * as vscode from 'vscode';",
        "import { open } from 'node:fs/promises';",
        "import { ApiError } from '../api/errors';",
        "import { plural } from '../shared/plural';",
        "import { ApiKeys } from '../auth/apiKeys';",
        "import { Changes } from './changes';",
        'export const x = [vscode, open, ApiError, plural, ApiKeys, Changes];',
        '',
      ].join('\n'),
    );
  });
});
