// The agent tools' inputs against the prompt editor's rules: one schema, one validator, same words.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TOOL_NAMES } from '../../src/agent/names';
import { InputProblem, errorSentence } from '../../src/agent/sentences';
import { ApiError } from '../../src/api/errors';
import { PROMPT_OPTION_NAMES, generateImagesInputSchema, toolDraft } from '../../src/agent/promptOptions';
import { modelCapabilities } from '../../src/shared/prompt/capabilities';
import { DRAFT_FIELDS } from '../../src/shared/prompt/draft';
import { validateDraft } from '../../src/shared/prompt/validation';

interface ManifestTool {
  name: string;
  toolReferenceName?: string;
  displayName: string;
  modelDescription: string;
  canBeReferencedInPrompt?: boolean;
  inputSchema: { type: string; properties: Record<string, unknown>; required?: string[] };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { languageModelTools: ManifestTool[] } };
const tools = manifest.contributes.languageModelTools;
const flux = modelCapabilities({ id: 1, title: 'Flux LoRA', name: 'woman', branch: 'flux1', model_type: 'lora', base_tune_id: 1504944 });
const context = { capabilities: flux, characteristics: [] };

describe('agent tools: manifest', () => {
  it('contributes exactly the tools the extension registers, each with the fields VS Code requires', () => {
    assert.deepEqual(tools.map((t) => t.name).sort(), [...TOOL_NAMES].sort());
    for (const tool of tools) {
      assert.match(tool.name, /^(?!copilot_|vscode_)[\w-]+$/);
      assert.ok(tool.displayName && tool.modelDescription.length > 40, `${tool.name} describes itself to the model`);
      if (tool.canBeReferencedInPrompt) assert.ok(tool.toolReferenceName, `${tool.name} can be #-referenced`);
      assert.equal(tool.inputSchema.type, 'object');
    }
  });

  it("declares the generate tool's input as the schema built from the prompt editor's options", () => {
    const generate = tools.find((t) => t.name === 'tuneStudio_generateImages');
    assert.deepEqual(generate?.inputSchema, generateImagesInputSchema(), 'package.json is out of date: regenerate it from generateImagesInputSchema()');
  });

  it('offers every option of the prompt editor except the editor-only file fields', () => {
    const editorOnly = DRAFT_FIELDS.filter((f) => !PROMPT_OPTION_NAMES.includes(f));
    assert.deepEqual(editorOnly.sort(), ['input_image_file', 'input_image_source', 'mask_image_file', 'mask_image_source']);
  });
});

describe('agent tools: input → the prompt editor’s validator', () => {
  it('passes numbers, choices and flags to the same draft the editor would build', () => {
    const { draft, problems } = toolDraft({ tuneId: 1, text: '<1> portrait', num_images: 2, seed: 42, aspect_ratio: '16:9', super_resolution: true });
    assert.deepEqual(problems, []);
    const checked = validateDraft(draft, context);
    assert.deepEqual(checked.issues.filter((i) => i.severity === 'error'), []);
    assert.equal(checked.params?.num_images, 2);
    assert.equal(checked.params?.seed, 42);
    assert.equal(checked.params?.aspect_ratio, '16:9');
    assert.equal(checked.params?.super_resolution, true);
  });

  it('refuses out-of-range values with the words the prompt editor shows', () => {
    const { draft } = toolDraft({ tuneId: 1, text: 'x', num_images: 9, aspect_ratio: '7:3' });
    const errors = validateDraft(draft, context).issues.filter((i) => i.severity === 'error');
    assert.deepEqual(errors.map((e) => e.field).sort(), ['aspect_ratio', 'num_images']);
    assert.ok(errors.some((e) => /between 1 and 8/.test(e.message)), errors.map((e) => e.message).join(' | '));
  });

  it('names input of the wrong type or unknown options instead of guessing', () => {
    const { problems } = toolDraft({ tuneId: 1, text: 'x', num_images: 'four', super_resolution: 'yes', colour: 'red' });
    assert.deepEqual(problems.sort(), ['"num_images" must be a number.', '"super_resolution" must be true or false.', 'Unknown option "colour".']);
  });

  it('takes an input image URL as the image-to-image source', () => {
    const { draft } = toolDraft({ tuneId: 1, text: 'x', input_image_url: 'https://example.com/a.png', denoising_strength: 0.5 });
    const checked = validateDraft(draft, context);
    assert.equal(checked.params?.input_image_url, 'https://example.com/a.png');
    assert.equal(checked.params?.denoising_strength, 0.5);
  });
});

describe('agent tools: failures as sentences', () => {
  it("gives Astria's words and the field for a 422", () => {
    const error = new ApiError({ kind: 'validation', status: 422, message: 'Astria refused the prompt', fields: { num_images: ['must be between 1 and 8'] } });
    assert.equal(errorSentence(error), 'Astria refused the request: Astria refused the prompt — num_images: must be between 1 and 8');
  });

  it('says how to fix a refused key', () => {
    const error = new ApiError({ kind: 'auth', status: 401, message: 'Astria did not accept the API key.' });
    assert.equal(errorSentence(error), 'Astria refused the API key. Ask the user to run "Tune Studio: Set Astria API Key".');
  });

  it('passes a bad input on as it is, and anything else as its message, never a stack', () => {
    assert.equal(errorSentence(new InputProblem('"tuneId" is required.')), '"tuneId" is required.');
    const thrown = new Error('socket hang up');
    assert.equal(errorSentence(thrown), 'socket hang up');
    assert.doesNotMatch(errorSentence(thrown), /\n\s+at /);
  });
});
