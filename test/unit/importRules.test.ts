// The import directions of docs/ARCHITECTURE.md, as eslint.config.mjs enforces them. Each case of
// importRules.cases.json is an import line linted as if it stood in a file of src/: a forbidden one must be
// refused with its reason (`refused`, a part of the rule's message), an allowed one let through.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = join(__dirname, '..', '..');
const RULE = '@typescript-eslint/no-restricted-imports';

interface Case {
  /** The file the import stands in, relative to the repository. */
  file: string;
  code: string;
  /** Part of the refusal's message; absent when the import is allowed. */
  refused?: string;
}

const CASES = JSON.parse(readFileSync(join(__dirname, 'importRules.cases.json'), 'utf8')) as Record<string, Case[]>;

let eslint: ESLint;

/** The import-direction messages for the case's code in its file. */
async function refusals({ file, code }: Case): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  assert.ok(result, `${file} was linted`);
  return result.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('import directions (eslint.config.mjs)', () => {
  before(() => {
    eslint = new ESLint({ cwd: ROOT, overrideConfigFile: join(ROOT, 'eslint.config.mjs') });
  });

  for (const [rule, cases] of Object.entries(CASES)) {
    describe(rule, () => {
      for (const c of cases) {
        it(`${c.refused ? 'refuses' : 'allows'} in ${c.file}: ${c.code}`, async () => {
          const messages = await refusals(c);
          if (c.refused === undefined) assert.deepEqual(messages, []);
          else assert.ok(messages.some((m) => m.includes(c.refused!)), `refused because “${c.refused}”, got: ${messages.join(' | ') || 'nothing'}`);
        });
      }
    });
  }
});
