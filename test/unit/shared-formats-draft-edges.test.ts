// Edges of the model-family rules the prompt editor and the prompt-file checks share
// (src/shared/prompt/capabilities.ts): what a Gemini or Seedream model is called and allows, and which
// branch decides the family when the title and the id tell nothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { modelCapabilities, modelFamily, type CapabilityTune } from '../../src/shared/prompt/capabilities';

const fineTune = (more: Partial<CapabilityTune>): CapabilityTune => ({ id: 42, title: 'My tune', name: 'woman', base_tune_id: null, ...more });

describe('model capabilities: plain-text models', () => {
  it('a Gemini model is named “Gemini”, takes a resolution and plain text, and hides the diffusion options (guards the Gemini label and its plain-text rule)', () => {
    const gemini = modelCapabilities({ id: 9001, title: 'Gemini 2.5 Flash Image', name: null, base_tune_id: null });
    assert.deepEqual(
      { family: gemini.family, label: gemini.label, resolution: gemini.resolution, diffusionOptions: gemini.diffusionOptions, isBaseModel: gemini.isBaseModel, subjectToken: gemini.subjectToken, forbidsSubjectToken: gemini.forbidsSubjectToken, maxImages: gemini.maxImages },
      { family: 'gemini', label: 'Gemini', resolution: true, diffusionOptions: false, isBaseModel: true, subjectToken: false, forbidsSubjectToken: false, maxImages: 8 },
    );
  });

  it('a fine-tune on a Nano Banana base lends the base’s family: no diffusion options for it either (guards the plain-text rule through the base title)', () => {
    const caps = modelCapabilities(fineTune({ base_tune_id: 777 }), { id: 777, title: 'Nano Banana Pro' });
    assert.equal(caps.family, 'gemini');
    assert.equal(caps.diffusionOptions, false);
    assert.equal(caps.subjectToken, true, 'the fine-tune still has its own subject');
  });

  it('a Seedream model is named “Seedream” in messages, refuses <1> and takes at most 4 images (guards the Seedream label)', () => {
    const seedream = modelCapabilities({ id: 9002, title: 'Seedream 4.5', name: null, base_tune_id: null });
    assert.deepEqual([seedream.label, seedream.forbidsSubjectToken, seedream.maxImages, seedream.resolution], ['Seedream', true, 4, false]);
  });

  it('a diffusion model keeps its diffusion options (guards that only Gemini and Seedream lose them)', () => {
    for (const branch of ['flux1', 'sdxl1', 'sd15', 'other']) assert.equal(modelCapabilities(fineTune({ branch })).diffusionOptions, true, branch);
  });
});

describe('model family from the branch', () => {
  it('an unknown or missing branch tells nothing, so the base tune’s branch decides (guards the branch table’s “anything else”)', () => {
    assert.equal(modelFamily(fineTune({ branch: 'flux2-beta' }), { id: 5, title: 'Some base', branch: 'sdxl1' }), 'sdxl');
    assert.equal(modelFamily(fineTune({ branch: null }), { id: 5, title: 'Some base', branch: 'sd15' }), 'sd15');
    assert.equal(modelFamily(fineTune({}), { id: 5, title: 'Some base', branch: 'fast' }), 'flux');
    assert.equal(modelFamily(fineTune({ branch: 'constructor' }), { id: 5, title: 'Some base' }), 'unknown', 'a name every object has is no branch');
    assert.equal(modelFamily(fineTune({ branch: 'SDXL1' })), 'unknown', 'branches are matched exactly');
  });
});
