import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareChecks, contactSheetLayout, pngSize, sweepIdFromViewState } from '../../src/shared/compare';
import { readSweepRecord, sweepAxesCheck, type SweepRecord } from '../../src/shared/sweep';
import { defaultDraft } from '../../src/shared/prompt/draft';
import { compareCell, contactSheetPath } from '../../src/webviews/compareModel';
import type { Prompt } from '../../src/api/astria/types';

function record(patch: Partial<SweepRecord> = {}): SweepRecord {
  return {
    version: 1,
    id: 'abc123',
    tuneId: 42,
    tuneTitle: 'Priya: headshots',
    createdAt: '2026-12-01T03:00:00.000Z',
    base: { ...defaultDraft(), text: 'portrait of <1>' },
    axes: [
      { kind: 'cfg_scale', values: ['3', '5', '7'] },
      { kind: 'seed', values: ['1', '2'] },
    ],
    cells: Array.from({ length: 6 }, (_, i) => ({ promptId: null, error: null, params: { text: 'portrait of <1>', cfg_scale: [3, 5, 7][i % 3], seed: i < 3 ? 1 : 2 } })),
    ...patch,
  };
}

function prompt(patch: Partial<Prompt> = {}): Prompt {
  return { id: 900, tune_id: 42, text: 'portrait of <1>', images: [], created_at: '2026-12-01T03:00:00.000Z', ...patch };
}

/** A minimal PNG header (signature + IHDR) of the given size. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}

describe('compare cells', () => {
  it('says what each cell is doing: not started, waiting, sending, generating, done, or failed in Astria’s words', () => {
    const r = record();
    assert.equal(compareCell(r, 0, undefined, undefined, false).status, 'not-started');
    assert.equal(compareCell(r, 0, undefined, undefined, true).status, 'waiting');
    assert.equal(compareCell(r, 0, undefined, 'sending', true).status, 'sending');
    const refused = record({ cells: r.cells.map((c, i) => (i === 4 ? { ...c, error: 'cfg_scale must be between 0 and 15' } : c)) });
    const failed = compareCell(refused, 4, undefined, undefined, false);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error, 'cfg_scale must be between 0 and 15');
    assert.deepEqual(failed.coords, [1, 1]);
    const created = record({ cells: r.cells.map((c, i) => (i === 1 ? { ...c, promptId: 900 } : c)) });
    assert.equal(compareCell(created, 1, prompt({ started_training_at: '2026-12-01T03:00:01Z' }), undefined, true).status, 'generating');
    const done = compareCell(created, 1, prompt({ images: ['https://cdn.example/1.png', 'javascript:alert(1)'], liked: true }), undefined, false);
    assert.equal(done.status, 'done');
    assert.deepEqual(done.images, ['https://cdn.example/1.png'], 'only http(s) images are sent to the webview');
    assert.equal(done.liked, true);
  });

  it('names the contact sheet after the tune and the sweep, safely', () => {
    assert.deepEqual(contactSheetPath(record()), ['sweeps', 'Priya headshots-sweep-abc123.png']);
  });
});

describe('remembered sweeps', () => {
  it('reads back a stored sweep, and drops one whose cells do not fit its axes', () => {
    const stored = JSON.parse(JSON.stringify(record()));
    assert.deepEqual(readSweepRecord(stored), record());
    assert.equal(readSweepRecord({ ...stored, cells: stored.cells.slice(1) }), undefined);
    assert.equal(readSweepRecord({ ...stored, version: 2 }), undefined);
    assert.equal(readSweepRecord({ ...stored, axes: [{ kind: 'color', values: ['red'] }] }), undefined);
  });

  it('restores the panel only from a well-formed view state', () => {
    assert.equal(sweepIdFromViewState({ version: 1, sweepId: 'abc123', zoom: 160, diffOnly: false, tab: 0 }), 'abc123');
    assert.equal(sweepIdFromViewState({ version: 1, sweepId: '../../x' }), undefined);
    assert.equal(sweepIdFromViewState(null), undefined);
  });
});

describe('compare messages', () => {
  it('checks every message of the webview', () => {
    assert.equal(compareChecks.requests.cellAction({ index: 0, imageIndex: 0, action: 'save' }).ok, true);
    assert.equal(compareChecks.requests.cellAction({ index: 0, imageIndex: 0, action: 'delete' }).ok, false);
    assert.equal(compareChecks.requests.cellAction({ index: -1, imageIndex: 0, action: 'save' }).ok, false);
    assert.equal(compareChecks.requests.exportSheet({ png: 'iVBORw0KGgo=', width: 10, height: 10 }).ok, true);
    assert.equal(compareChecks.requests.exportSheet({ png: '<script>', width: 10, height: 10 }).ok, false);
    assert.equal(compareChecks.requests.exportSheet({ png: 'iVBORw0KGgo=', width: 0, height: 10 }).ok, false);
    assert.equal(compareChecks.requests.runMissing({ extra: 1 }).ok, false);
    assert.equal(sweepAxesCheck([{ kind: 'seed', values: ['1'] }, { kind: 'steps', values: ['10'] }, { kind: 'style', values: [] }, { kind: 'seed', values: [] }]).ok, false, 'at most three axes');
    assert.equal(sweepAxesCheck([{ kind: 'weight', values: ['1'], referenceId: 5 }]).ok, true);
  });

  it('recognises a PNG and its size by its bytes', () => {
    assert.deepEqual(pngSize(pngHeader(1200, 800)), { width: 1200, height: 800 });
    const notPng = pngHeader(10, 10);
    notPng[1] = 0x51;
    assert.equal(pngSize(notPng), undefined);
    assert.equal(pngSize(new Uint8Array(8)), undefined);
  });

  it('lays out the contact sheet: every cell of every tab, labels on top and left', () => {
    const one = contactSheetLayout({ columns: 3, rows: 2, tabs: 1 }, 4);
    assert.equal(one.imageColumns, 2);
    assert.equal(one.cellWidth, 2 * 160 + 4);
    assert.equal(one.width, 24 * 2 + 180 + 3 * one.cellWidth + 2 * 12);
    assert.equal(one.height, 24 * 2 + 40 + 28 + 2 * one.cellHeight + 12);
    const tabs = contactSheetLayout({ columns: 3, rows: 2, tabs: 2 }, 4);
    assert.equal(tabs.groupTops.length, 2);
    assert.ok(tabs.height > 2 * one.height - 100, 'the second tab is stacked below the first');
    assert.equal(contactSheetLayout({ columns: 4, rows: 1, tabs: 1 }, 1).rowLabelWidth, 0, 'no row labels for one axis');
  });
});
