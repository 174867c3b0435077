// Server text in notifications must never become a link (VS Code links `[x](command:…)` there).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inertLinks } from '../../src/shared/inertText';
import { errorFromResponse } from '../../src/api/errors';

const LINK = /\[[^\]]+\]\((https?:|command:|file:)/i;

describe('inertLinks', () => {
  it('breaks every Markdown-style link and keeps the text as it reads', () => {
    for (const text of ['[quit](command:workbench.action.quit)', 'see [here] (https://evil.example)', 'a [b](c) [d](file:///etc/passwd)']) {
      const inert = inertLinks(text);
      assert.doesNotMatch(inert, LINK, text);
      assert.equal(inert.replace(/\u200b/g, ''), text);
    }
    assert.equal(inertLinks('no links [here]'), 'no links [here]');
  });

  it('puts exactly one zero-width space right before each link’s "(", keeping the spaces between', () => {
    assert.equal(inertLinks('[a](b)'), '[a]\u200b(b)');
    assert.equal(inertLinks('[a](b) and [c](d)'), '[a]\u200b(b) and [c]\u200b(d)');
    assert.equal(inertLinks('[a] \n\t(b)'), '[a] \n\t\u200b(b)');
    assert.equal(inertLinks('[a] x (b)'), '[a] x (b)', 'words between: not a link');
    assert.equal(inertLinks('(a)[b]'), '(a)[b]');
  });

  it('is applied to the server’s words in every API error', () => {
    const error = errorFromResponse(422, new Headers(), JSON.stringify({ error: 'Click [Fix it](command:workbench.action.quit)' }), {
      provider: { name: 'Astria' }, method: 'POST', path: '/tunes', repeatable: false, secrets: [],
    });
    assert.doesNotMatch(error.message, LINK);
    assert.match(error.message, /Click \[Fix it\]/);
  });
});
