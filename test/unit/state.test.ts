import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPromptInProgress, isTuneInProgress, promptState, tuneEta, tuneState } from '../../src/api/astria/state';
import type { Prompt, Tune } from '../../src/api/astria/types';

const NOW = Date.parse('2026-05-01T12:00:00.000Z');
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function tune(overrides: Partial<Tune> = {}): Tune {
  return { id: 1, title: 't', name: 'man', created_at: iso(NOW - 2 * HOUR), started_training_at: null, trained_at: null, expires_at: null, ...overrides };
}

function prompt(overrides: Partial<Prompt> = {}): Prompt {
  return { id: 2, tune_id: 1, text: 'a photo of <1> man', images: [], created_at: iso(NOW - HOUR), started_training_at: null, trained_at: null, ...overrides };
}

describe('tuneState', () => {
  it('is pending before training starts', () => {
    assert.equal(tuneState(tune(), NOW), 'pending');
  });

  it('is training once started and not yet trained', () => {
    assert.equal(tuneState(tune({ started_training_at: iso(NOW - HOUR) }), NOW), 'training');
  });

  it('is trained when trained_at is set and expiry is in the future', () => {
    const trained = tune({ started_training_at: iso(NOW - HOUR), trained_at: iso(NOW - 1000), expires_at: iso(NOW + 30 * 24 * HOUR) });
    assert.equal(tuneState(trained, NOW), 'trained');
  });

  it('is trained when trained_at is set and there is no expiry', () => {
    assert.equal(tuneState(tune({ trained_at: iso(NOW - 1000) }), NOW), 'trained');
  });

  it('is expired when a trained tune is past expires_at', () => {
    assert.equal(tuneState(tune({ trained_at: iso(NOW - 40 * 24 * HOUR), expires_at: iso(NOW - HOUR) }), NOW), 'expired');
  });

  it('counts expires_at equal to now as expired', () => {
    assert.equal(tuneState(tune({ trained_at: iso(NOW - HOUR), expires_at: iso(NOW) }), NOW), 'expired');
  });

  it('is not expired past expires_at when auto_extend is on (Astria renews it)', () => {
    assert.equal(tuneState(tune({ trained_at: iso(NOW - 40 * 24 * HOUR), expires_at: iso(NOW - HOUR), auto_extend: true }), NOW), 'trained');
  });

  it('never calls an untrained tune expired', () => {
    assert.equal(tuneState(tune({ started_training_at: iso(NOW - HOUR), expires_at: iso(NOW - 1) }), NOW), 'training');
  });

  it('is failed when user_error is set, whatever the timestamps say', () => {
    assert.equal(tuneState(tune({ user_error: 'Images too small', started_training_at: iso(NOW - HOUR) }), NOW), 'failed');
    assert.equal(tuneState(tune({ user_error: 'x', trained_at: iso(NOW - 1) }), NOW), 'failed');
  });

  it('ignores a blank user_error', () => {
    assert.equal(tuneState(tune({ user_error: '  ' }), NOW), 'pending');
  });

  it('ignores an unparseable expires_at', () => {
    assert.equal(tuneState(tune({ trained_at: iso(NOW - 1), expires_at: 'soon' }), NOW), 'trained');
  });

  it('defaults now to the current time', () => {
    assert.equal(tuneState(tune({ trained_at: iso(Date.now() - 1000), expires_at: iso(Date.now() - 500) })), 'expired');
  });

  it('isTuneInProgress covers pending and training only', () => {
    assert.equal(isTuneInProgress(tune(), NOW), true);
    assert.equal(isTuneInProgress(tune({ started_training_at: iso(NOW - 1) }), NOW), true);
    assert.equal(isTuneInProgress(tune({ trained_at: iso(NOW - 1) }), NOW), false);
    assert.equal(isTuneInProgress(tune({ user_error: 'x' }), NOW), false);
  });
});

describe('tuneEta', () => {
  it('gives the estimate and the time left while training', () => {
    const eta = tuneEta(tune({ started_training_at: iso(NOW - HOUR), eta: iso(NOW + 5 * 60_000) }), NOW);
    assert.deepEqual(eta, { at: new Date(NOW + 5 * 60_000), remainingMs: 5 * 60_000 });
  });

  it('clamps an overdue estimate to zero', () => {
    assert.equal(tuneEta(tune({ started_training_at: iso(NOW - HOUR), eta: iso(NOW - 1000) }), NOW)?.remainingMs, 0);
  });

  it('is undefined when not training or without a usable eta', () => {
    assert.equal(tuneEta(tune({ eta: iso(NOW + 1000) }), NOW), undefined);
    assert.equal(tuneEta(tune({ trained_at: iso(NOW), eta: iso(NOW + 1000) }), NOW), undefined);
    assert.equal(tuneEta(tune({ started_training_at: iso(NOW), eta: null }), NOW), undefined);
    assert.equal(tuneEta(tune({ started_training_at: iso(NOW), eta: 'not a date' }), NOW), undefined);
  });
});

describe('promptState', () => {
  it('is pending before generation starts', () => {
    assert.equal(promptState(prompt()), 'pending');
  });

  it('is generating once started', () => {
    assert.equal(promptState(prompt({ started_training_at: iso(NOW) })), 'generating');
  });

  it('is done when trained_at is set', () => {
    assert.equal(promptState(prompt({ started_training_at: iso(NOW - 1), trained_at: iso(NOW) })), 'done');
  });

  it('is done when images arrived even if trained_at lags', () => {
    assert.equal(promptState(prompt({ started_training_at: iso(NOW), images: ['https://cdn.example/1.png'] })), 'done');
  });

  it('is failed when user_error is set', () => {
    assert.equal(promptState(prompt({ started_training_at: iso(NOW), user_error: 'NSFW content detected' })), 'failed');
  });

  it('tolerates a missing images array', () => {
    const raw = { ...prompt(), images: undefined } as unknown as Prompt;
    assert.equal(promptState(raw), 'pending');
  });

  it('isPromptInProgress covers pending and generating only', () => {
    assert.equal(isPromptInProgress(prompt()), true);
    assert.equal(isPromptInProgress(prompt({ started_training_at: iso(NOW) })), true);
    assert.equal(isPromptInProgress(prompt({ trained_at: iso(NOW) })), false);
    assert.equal(isPromptInProgress(prompt({ user_error: 'x' })), false);
  });
});
