import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COMPARE_VIEW_TYPE, compareChecks, contactSheetLayout, pngSize, sweepIdFromViewState } from '../../src/shared/compare';
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

describe('compare messages at their edges', () => {
  const { requests, notifications } = compareChecks;
  const reason = (result: { ok: true } | { ok: false; reason: string }): string => {
    assert.equal(result.ok, false, 'expected a refusal');
    return result.ok ? '' : result.reason;
  };

  it('acts only on cells 0 to 199 (the largest sweep) and images 0 to 63 of a cell', () => {
    assert.deepEqual(requests.cellAction({ index: 199, imageIndex: 63, action: 'copyMarkdown' }), { ok: true, value: { index: 199, imageIndex: 63, action: 'copyMarkdown' } });
    assert.equal(requests.cellAction({ index: 0, imageIndex: 0, action: 'useSettings' }).ok, true);
    assert.equal(reason(requests.cellAction({ index: 200, imageIndex: 0, action: 'save' })), 'index: expected an integer in [0, 199]');
    assert.equal(reason(requests.cellAction({ index: 0, imageIndex: 64, action: 'save' })), 'imageIndex: expected an integer in [0, 63]');
    assert.equal(reason(requests.cellAction({ index: 0, imageIndex: 0, action: 'delete' })), 'action: expected one of save, copyMarkdown, useSettings');
    assert.equal(reason(requests.setLiked({ index: 200, liked: true })), 'index: expected an integer in [0, 199]');
    assert.equal(reason(requests.setLiked({ index: 1, liked: 1 })), 'liked: expected a boolean');
    assert.deepEqual(requests.setLiked({ index: 199, liked: false }), { ok: true, value: { index: 199, liked: false } });
    assert.deepEqual(requests.cancel({}), { ok: true, value: {} });
    assert.equal(reason(requests.cancel({ all: true })), 'unexpected field "all"');
  });

  it('writes a contact sheet only from plain base64 of at most the largest sheet, 1 to 16384 pixels a side', () => {
    const bad = 'png: expected base64 of at most the largest contact sheet';
    const largest = Math.ceil((40 * 1024 * 1024) / 3) * 4;
    assert.equal(requests.exportSheet({ png: 'A'.repeat(largest), width: 16_384, height: 16_384 }).ok, true);
    assert.equal(reason(requests.exportSheet({ png: 'A'.repeat(largest + 4), width: 1, height: 1 })), bad);
    assert.equal(reason(requests.exportSheet({ png: '', width: 1, height: 1 })), bad);
    assert.equal(reason(requests.exportSheet({ png: 7, width: 1, height: 1 })), bad);
    assert.equal(requests.exportSheet({ png: 'ab+/Zz09==', width: 1, height: 1 }).ok, true);
    assert.equal(requests.exportSheet({ png: 'abcd=', width: 1, height: 1 }).ok, true);
    assert.equal(reason(requests.exportSheet({ png: 'abcd===', width: 1, height: 1 })), bad, 'at most two padding characters');
    assert.equal(reason(requests.exportSheet({ png: 'ab=cd', width: 1, height: 1 })), bad, 'padding only at the end');
    assert.equal(reason(requests.exportSheet({ png: '<abcd', width: 1, height: 1 })), bad);
    assert.equal(reason(requests.exportSheet({ png: 'abcd<', width: 1, height: 1 })), bad);
    assert.equal(reason(requests.exportSheet({ png: 'ab-_', width: 1, height: 1 })), bad, 'not the URL alphabet');
    assert.equal(reason(requests.exportSheet({ png: 'abcd', width: 16_385, height: 1 })), 'width: expected an integer in [1, 16384]');
    assert.equal(reason(requests.exportSheet({ png: 'abcd', width: 1, height: 0 })), 'height: expected an integer in [1, 16384]');
  });

  it('takes render reports of whole counts and errors of at most 4000 characters', () => {
    assert.deepEqual(notifications.didRender({ cells: 0, images: 0 }), { ok: true, value: { cells: 0, images: 0 } });
    assert.equal(reason(notifications.didRender({ cells: 1.5, images: 0 })), `cells: expected an integer in [0, ${Number.MAX_SAFE_INTEGER}]`);
    assert.equal(reason(notifications.didRender({ cells: 1, images: -1 })), `images: expected an integer in [0, ${Number.MAX_SAFE_INTEGER}]`);
    assert.equal(notifications.error({ message: 'x'.repeat(4000) }).ok, true);
    assert.equal(reason(notifications.error({ message: 'x'.repeat(4001) })), 'message: expected a string of at most 4000 characters');
  });

  it('restores a panel only from a view state of version 1 whose sweep id is 1 to 64 safe characters', () => {
    assert.equal(sweepIdFromViewState({ version: 1, sweepId: 'x'.repeat(64) }), 'x'.repeat(64));
    assert.equal(sweepIdFromViewState({ version: 1, sweepId: 'a-b_9' }), 'a-b_9');
    assert.equal(sweepIdFromViewState({ version: 1, sweepId: 'x'.repeat(65) }), undefined);
    assert.equal(sweepIdFromViewState({ version: 1, sweepId: '' }), undefined);
    assert.equal(sweepIdFromViewState({ version: 1, sweepId: 'abc/..' }), undefined);
    assert.equal(sweepIdFromViewState({ version: 1, sweepId: 42 }), undefined);
    assert.equal(sweepIdFromViewState({ version: 2, sweepId: 'abc' }), undefined);
    assert.equal(sweepIdFromViewState({ sweepId: 'abc' }), undefined);
    assert.equal(sweepIdFromViewState('abc'), undefined);
  });

  it('is restored after a reload: its view type is the one VS Code activates the extension for', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { activationEvents: string[] };
    assert.equal(COMPARE_VIEW_TYPE, 'tuneStudio.compare');
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${COMPARE_VIEW_TYPE}`));
  });
});

describe('PNG size from the bytes the webview drew', () => {
  it('reads width and height as unsigned 32-bit numbers, byte by byte', () => {
    assert.deepEqual(pngSize(pngHeader(0x01020304, 0x0a0b0c0d)), { width: 0x01020304, height: 0x0a0b0c0d });
    assert.deepEqual(pngSize(pngHeader(0xffffffff, 0x80000000)), { width: 4_294_967_295, height: 2_147_483_648 });
  });

  it('needs the whole header (33 bytes), the PNG signature byte for byte, and IHDR first', () => {
    assert.deepEqual(pngSize(pngHeader(5, 6)), { width: 5, height: 6 });
    assert.equal(pngSize(pngHeader(5, 6).subarray(0, 32)), undefined);
    for (let i = 0; i < 8; i++) {
      const bytes = pngHeader(5, 6);
      bytes[i] ^= 0x01;
      assert.equal(pngSize(bytes), undefined, `signature byte ${i}`);
    }
    for (let i = 12; i < 16; i++) {
      const bytes = pngHeader(5, 6);
      bytes[i] ^= 0x20;
      assert.equal(pngSize(bytes), undefined, `chunk type byte ${i}`);
    }
  });
});

describe('contact sheet layout, exactly', () => {
  it('one cell of one image: no row labels, no tab titles', () => {
    assert.deepEqual(contactSheetLayout({ columns: 1, rows: 1, tabs: 1 }, 1), {
      width: 208,
      height: 276,
      margin: 24,
      titleHeight: 40,
      groupTitleHeight: 0,
      columnLabelHeight: 28,
      rowLabelWidth: 0,
      cellWidth: 160,
      cellHeight: 160,
      gap: 12,
      imageSize: 160,
      imageGap: 4,
      imageColumns: 1,
      columns: 1,
      rows: 1,
      tabs: 1,
      groupTops: [64],
    });
  });

  it('3 columns × 2 rows × 2 tabs of 4 images: row labels, a title per tab, tabs stacked', () => {
    assert.deepEqual(contactSheetLayout({ columns: 3, rows: 2, tabs: 2 }, 4), {
      width: 1224,
      height: 1560,
      margin: 24,
      titleHeight: 40,
      groupTitleHeight: 36,
      columnLabelHeight: 28,
      rowLabelWidth: 180,
      cellWidth: 324,
      cellHeight: 324,
      gap: 12,
      imageSize: 160,
      imageGap: 4,
      imageColumns: 2,
      columns: 3,
      rows: 2,
      tabs: 2,
      groupTops: [64, 812],
    });
  });

  it('fits each cell’s images in a near-square block: 2 side by side, 5 as 3 + 2, none as one, at most 64', () => {
    const cell = (images: number) => {
      const { imageColumns, cellWidth, cellHeight } = contactSheetLayout({ columns: 1, rows: 1, tabs: 1 }, images);
      return { imageColumns, cellWidth, cellHeight };
    };
    assert.deepEqual(cell(2), { imageColumns: 2, cellWidth: 324, cellHeight: 160 });
    assert.deepEqual(cell(4), { imageColumns: 2, cellWidth: 324, cellHeight: 324 });
    assert.deepEqual(cell(5), { imageColumns: 3, cellWidth: 488, cellHeight: 324 });
    assert.deepEqual(cell(0), { imageColumns: 1, cellWidth: 160, cellHeight: 160 });
    assert.deepEqual(cell(64), { imageColumns: 8, cellWidth: 1308, cellHeight: 1308 });
    assert.deepEqual(cell(1000), cell(64), 'over the most images a prompt has: drawn as the most');
  });

  it('one row of several tabs has tab titles but no row labels; one tab of several rows has row labels but no tab titles', () => {
    const tabs = contactSheetLayout({ columns: 2, rows: 1, tabs: 3 }, 1);
    assert.equal(tabs.rowLabelWidth, 0);
    assert.equal(tabs.groupTitleHeight, 36);
    assert.deepEqual(tabs.groupTops, [64, 312, 560]);
    assert.equal(tabs.width, 24 * 2 + 2 * 160 + 12);
    assert.equal(tabs.height, 24 * 2 + 40 + 3 * (36 + 28 + 160) + 2 * 24);
    const rows = contactSheetLayout({ columns: 1, rows: 3, tabs: 1 }, 1);
    assert.equal(rows.rowLabelWidth, 180);
    assert.equal(rows.groupTitleHeight, 0);
    assert.equal(rows.height, 24 * 2 + 40 + 28 + 3 * 160 + 2 * 12);
    assert.equal(rows.width, 24 * 2 + 180 + 160);
  });
});
