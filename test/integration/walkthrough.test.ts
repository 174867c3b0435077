// The Get Started walkthrough's steps that the e2e test cannot reach (no chat model in code-server): a
// chat agent's tool call ticks "Ask the agent", and the prompt it generated ticks "Generate a prompt".
// The e2e test (test/e2e/marketplace.e2e.ts) shows the ticks on the Welcome page for the other steps.
// Runs second, right after the smoke test: nothing before it has created a prompt or called a tool.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TuneStudioApi } from '../../src/extension';
import { admin, astria, connectToSandbox, extensionApi, waitFor } from './helpers';

describe('Walkthrough progress (Get Started)', function () {
  this.timeout(60_000);
  let api: TuneStudioApi;

  before(async () => {
    api = await extensionApi();
    await connectToSandbox(api);
  });
  // The next suites find the demo data as it was.
  after(() => admin('POST', '/reset'));

  it('a tool call from a chat agent ticks "Ask the agent", and the prompt it created "Generate a prompt" (guards: the steps follow real use)', async () => {
    assert.equal(api.walkthrough.has('agentAsked'), false, 'no tool was called yet');
    assert.equal(api.walkthrough.has('promptGenerated'), false, 'no prompt was created yet');

    // Reading tunes is asking the agent, but creates nothing.
    await vscode.lm.invokeTool('tuneStudio_findTunes', { input: { query: 'priya' }, toolInvocationToken: undefined });
    assert.equal(api.walkthrough.has('agentAsked'), true);
    assert.equal(api.walkthrough.has('promptGenerated'), false, 'finding tunes generates nothing');

    const [priya] = await astria<{ id: number }[]>('GET', `/tunes?title=${encodeURIComponent('Priya')}`);
    const result = await vscode.lm.invokeTool('tuneStudio_generateImages', { input: { tuneId: priya.id, text: '<1> portrait, walkthrough', num_images: 1 }, toolInvocationToken: undefined });
    const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    assert.match(text, /prompt \d+/, text);
    await waitFor('the walkthrough heard of the new prompt', () => api.walkthrough.has('promptGenerated') || undefined);
  });
});
