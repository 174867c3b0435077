// Hostile server strings in the two panels hostile.e2e.ts does not drive (issue #23): the prompt editor's
// results strip and its History menu, and the compare panel's cells, labels, title and lightbox. The strings
// of test/hostileCorpus.ts come back from the sandbox as prompt texts, negative prompts, a tune title, a
// prompt's user_error and a 422's error; each must be shown as the characters it is (`<img src=x …>`
// readable as such) and bring no element, handler or script into the panel's document (hostileChecks.ts).
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { hostileCorpus } from '../hostileCorpus';
import { axisValueLabel, sweepTitle } from '../../src/shared/sweep';
import { assertNothingInjected, startBeacon, type Beacon } from './hostileChecks';
import { closeAll, openWorkbench, runCommand, visibleWebview, type Workbench, useLocalSandbox } from './workbench';

/** A tune whose title carries markup: the prompt editor's tab, the compare panel's title, History's sweep entry. */
const TUNE_PREFIX = 'Hostile sweep';

interface CellShown {
  index: number;
  failed: boolean;
  error: string | null;
  options: { key: string; text: string; title: string }[];
}

describe('Hostile strings in the compare panel and the prompt editor\'s results and History (packaged extension in code-server)', { timeout: 300_000 }, () => {
  let wb: Workbench;
  let beacon: Beacon;
  const browserHits: string[] = [];
  let corpus: string[] = [];
  let tuneTitle = '';
  /** Prompt texts the server lists for the tune before anything is generated (History shows them). */
  let seededTexts: string[] = [];
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${wb.sandbox.url}/__admin${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  before(async () => {
    beacon = await startBeacon();
    corpus = hostileCorpus(beacon.url);
    wb = await openWorkbench();
    wb.page.context().on('request', (request) => {
      if (request.url().startsWith(beacon.url)) browserHits.push(request.url());
    });
    const api = async (path: string, body: unknown) => {
      const res = await fetch(`${wb.sandbox.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${wb.sandbox.astriaKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.ok(res.status < 300, `POST ${path} answered ${res.status}`);
      return (await res.json()) as { id: number };
    };
    const pick = (start: string) => {
      const found = corpus.find((c) => c.startsWith(start));
      assert.ok(found, `the corpus has a string starting ${start}`);
      return found;
    };
    tuneTitle = `${TUNE_PREFIX} ${pick('</title>')}`;
    const images = [1, 2, 3, 4].map((n) => `${wb.sandbox.cdnUrl}/training/1-${n}.png`);
    const tune = await api('/tunes', { tune: { title: tuneTitle, name: 'man', branch: 'fast', image_urls: images } });
    assert.equal((await admin('POST', `/tunes/${tune.id}/finish`)).status, 200);
    seededTexts = [pick('<object'), pick('<base'), pick('<form'), pick('<iframe src=')];
    for (const text of seededTexts) await api(`/tunes/${tune.id}/prompts`, { prompt: { text, negative_prompt: pick('<embed'), num_images: 1 } });
  });
  after(async () => {
    await wb?.close();
    await closeAll();
    await beacon?.close();
  });

  /** The prompt editor of the hostile tune, through New Prompt… (server-side title search). */
  async function openEditor(page: Page): Promise<FrameLocator> {
    await runCommand(page, 'Tune Studio: New Prompt…');
    const quick = page.locator('.quick-input-widget');
    await quick.locator('.quick-input-box input').fill(TUNE_PREFIX);
    const row = quick.locator('.quick-input-list .monaco-list-row', { hasText: TUNE_PREFIX }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
    const form = visibleWebview(page);
    await form.locator('vscode-textarea[data-field="text"] textarea').waitFor({ state: 'visible', timeout: 30_000 });
    return form;
  }

  /** History's entries as shown: the visible label and the tooltip (the whole text) of each. */
  async function historyShown(form: FrameLocator): Promise<{ label: string; title: string }[]> {
    await form.locator('.history-menu vscode-button').first().click();
    const items = form.locator('.history-menu .menu-item');
    await items.first().waitFor({ state: 'visible', timeout: 15_000 });
    return items.evaluateAll((els) => els.map((e) => ({ label: e.querySelector('.menu-label')?.textContent ?? '', title: e.getAttribute('title') ?? '' })));
  }

  it('shows hostile prompt texts and a hostile user_error in the results strip and History as text (guards the results\' and History\'s textContent)', async () => {
    const { page } = wb;
    await useLocalSandbox(page);
    const form = await openEditor(page);
    const text = form.locator('vscode-textarea[data-field="text"] textarea');
    const failedText = corpus.find((c) => c.startsWith('<math>'))!;
    const doneText = corpus.find((c) => c.startsWith('<img src=x onerror='))!;
    const userError = corpus.find((c) => c.startsWith('"><img src=x'))!;

    // A prompt that stays queued (the sandbox slowed down) until the server fails it with a hostile user_error.
    await text.fill(failedText);
    await form.locator('vscode-textfield[data-field="num_images"] input').fill('1');
    assert.equal((await admin('POST', '/speed', { speed: 0.05 })).status, 200);
    await form.locator('vscode-button[data-action="generate"]').click();
    const runId = form.locator('.run .run-id').first();
    await runId.waitFor({ state: 'visible', timeout: 30_000 });
    const failedId = Number((await runId.textContent())?.replace('#', ''));
    assert.ok(failedId > 0, 'the results strip shows the id of the prompt created');
    assert.equal((await admin('POST', `/prompts/${failedId}/fail`, { message: userError })).status, 200);
    assert.equal((await admin('POST', '/speed', { speed: 20 })).status, 200);
    const failed = form.locator('.run[data-phase="failed"]');
    await failed.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await failed.locator('.run-status').textContent(), `Failed: ${userError}`, 'the server\'s user_error is shown as the characters it is');

    // A second prompt that finishes: its text comes back from the server.
    await text.fill(doneText);
    await form.locator('vscode-button[data-action="generate"]').click();
    await form.locator('.run[data-phase="done"]').waitFor({ state: 'visible', timeout: 60_000 });
    const runs = await form.locator('.run').evaluateAll((els) =>
      els.map((e) => ({ text: e.querySelector('.run-text')?.textContent ?? '', title: e.querySelector('.run-text')?.getAttribute('title') ?? '' })),
    );
    assert.deepEqual(runs, [{ text: doneText, title: doneText }, { text: failedText, title: failedText }], 'each run shows its prompt text literally, newest first');

    // History: the server's prompts of the tune and this session's, each label the text as typed.
    const history = await historyShown(form);
    const expected = [doneText, failedText, ...seededTexts];
    assert.deepEqual(history.map((h) => h.title).sort(), [...expected].sort(), 'History lists every prompt of the tune, its whole text as the tooltip');
    for (const entry of history) {
      const shown = entry.label.endsWith('…') ? entry.label.slice(0, -1) : entry.label;
      assert.ok(shown.length >= 40 && entry.title.startsWith(shown), `History shows ${JSON.stringify(entry.title)} as text: ${JSON.stringify(entry.label)}`);
    }

    await page.waitForTimeout(1000); // anything a payload started has had time to call the beacon
    await assertNothingInjected(page, 'the prompt editor (results and History open)', '.results .run');
    await page.keyboard.press('Escape');
    assert.deepEqual(browserHits, [], 'the browser never requested the beacon');
    assert.deepEqual(beacon.hits, [], 'the beacon received no request');
  });

  it('shows hostile texts, negative prompts, a hostile title and hostile errors in the compare panel as text (guards its cells, labels, title and lightbox)', async () => {
    const { page } = wb;
    const form = await openEditor(page);
    const negative = corpus.find((c) => c.startsWith("'><svg onload="))!;
    const columns = [corpus.find((c) => c.startsWith('<iframe src='))!, corpus.find((c) => c.startsWith('<meta http-equiv'))!];
    const refused = corpus.find((c) => c.startsWith('<embed'))!;
    const userError = corpus.find((c) => c.startsWith('<details open'))!;

    await form.locator('vscode-textarea[data-field="text"] textarea').fill(columns[0]);
    await form.locator('vscode-textarea[data-field="negative_prompt"] textarea').fill(negative);
    await form.locator('vscode-textfield[data-field="num_images"] input').fill('1');
    // The Sweep section: prompt texts as columns (one per line), seeds as rows.
    await form.locator('vscode-collapsible.sweep-section').click({ position: { x: 40, y: 10 } });
    const setKind = async (axis: number, kind: string) => {
      const select = form.locator(`.sweep-axis[data-axis="${axis}"] vscode-single-select`);
      await select.waitFor({ state: 'visible' });
      await select.evaluate((element, value) => {
        (element as HTMLElement & { value: string }).value = value;
        element.dispatchEvent(new Event('change'));
      }, kind);
    };
    await setKind(0, 'text');
    await form.locator('.sweep-axis[data-axis="0"] vscode-textarea.sweep-values textarea').fill(columns.join('\n'));
    await form.locator('vscode-button[data-action="add-axis"]').click();
    await setKind(1, 'seed');
    await form.locator('.sweep-axis[data-axis="1"] vscode-textfield.sweep-values input').fill('11 22');
    await form.locator('.sweep-summary').filter({ hasText: '2 × 2 grid · 4 prompts · 4 images' }).waitFor({ state: 'visible', timeout: 15_000 });

    // One cell refused by the server with a hostile 422; the others slowed down so one can fail with a hostile user_error.
    assert.equal((await admin('POST', '/faults', { match: '^/tunes/\\d+/prompts$', method: 'POST', kind: 'status422', body: { error: refused } })).status, 201);
    assert.equal((await admin('POST', '/speed', { speed: 0.05 })).status, 200);
    await form.locator('vscode-button[data-action="run-sweep"]').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    await dialog.locator('.monaco-button', { hasText: 'Create 4 Prompts' }).click();

    await page.locator('.tabs-container .tab', { hasText: /^Compare: Prompt text × Seed/ }).waitFor({ state: 'visible', timeout: 15_000 });
    const grid = visibleWebview(page);
    await grid.locator('.grid[role="grid"]').waitFor({ state: 'visible', timeout: 30_000 });
    // Every cell either refused or created (it shows its prompt id).
    await grid.locator('.cell.status-failed').first().waitFor({ state: 'visible', timeout: 30_000 });
    await grid.locator('.cell .prompt-id').nth(2).waitFor({ state: 'visible', timeout: 30_000 });
    const createdIds = (await grid.locator('.cell .prompt-id').allTextContents()).map((t) => Number(t.replace('#', '')));
    assert.equal((await admin('POST', `/prompts/${createdIds[0]}/fail`, { message: userError })).status, 200);
    assert.equal((await admin('POST', '/speed', { speed: 20 })).status, 200);
    await admin('DELETE', '/faults');
    await grid.locator('.cell.status-done').nth(1).waitFor({ state: 'visible', timeout: 60_000 });
    await grid.locator('.cell.status-failed').nth(1).waitFor({ state: 'visible', timeout: 60_000 });

    // The title and the column labels: the tune title and the prompt texts, as typed.
    const axes = [{ kind: 'text' as const, values: columns }, { kind: 'seed' as const, values: ['11', '22'] }];
    assert.equal(await grid.locator('h1.title').textContent(), sweepTitle({ axes, tuneTitle }), 'the panel\'s title holds the hostile tune title as text');
    const labels = columns.map((value) => axisValueLabel({ kind: 'text' }, value));
    assert.deepEqual(await grid.locator('.column-label.top').allTextContents(), labels, 'the column labels are the prompt texts as typed');
    assert.deepEqual(await grid.locator('.column-label.top').evaluateAll((els) => els.map((e) => e.getAttribute('title'))), labels.map((l) => `Prompt text: ${l}`));

    const cellsShown = (): Promise<CellShown[]> =>
      grid.locator('.cell').evaluateAll((els) =>
        els.map((cell) => {
          const dts = [...cell.querySelectorAll('.options dt')];
          return {
            index: Number((cell as HTMLElement).dataset.index),
            failed: cell.classList.contains('status-failed'),
            error: cell.querySelector('.cell-error')?.textContent ?? null,
            options: dts.map((dt) => ({ key: dt.textContent ?? '', text: dt.nextElementSibling?.textContent ?? '', title: dt.nextElementSibling?.getAttribute('title') ?? '' })),
          };
        }),
      );
    // Every option: each cell's negative prompt, whole and as typed.
    const all = await cellsShown();
    assert.equal(all.length, 4);
    for (const cell of all) {
      assert.deepEqual(cell.options.find((o) => o.key === 'negative_prompt'), { key: 'negative_prompt', text: negative, title: negative }, `cell ${cell.index + 1} shows the negative prompt as text`);
    }
    // The two failed cells: the 422's words and the user_error, as the characters they are.
    const errors = all.filter((c) => c.failed).map((c) => c.error ?? '');
    assert.equal(errors.length, 2, `two cells failed: ${JSON.stringify(errors)}`);
    assert.ok(errors.some((e) => e.includes(refused)), `the refused cell shows the server's 422 error literally: ${JSON.stringify(errors)}`);
    assert.ok(errors.includes(userError), `the failed cell shows the prompt's user_error literally: ${JSON.stringify(errors)}`);
    await assertNothingInjected(page, 'the compare panel (every option)', '.grid[role="grid"]');

    // Only the differences: each cell's prompt text, whole, under its column.
    await grid.locator('vscode-checkbox[data-action="diff-only"]').click();
    await grid.locator('.cell .options dt', { hasText: 'text' }).first().waitFor({ state: 'visible' });
    for (const cell of await cellsShown()) {
      const value = columns[cell.index % 2];
      assert.deepEqual(cell.options.find((o) => o.key === 'text'), { key: 'text', text: value, title: value }, `cell ${cell.index + 1} shows its prompt text as text`);
    }

    // The lightbox of the cell failed by the server: its words, and the cell's coordinates, as text.
    const failedCell = grid.locator('.cell.status-failed .cell-error', { hasText: userError }).locator('xpath=..');
    const failedIndex = Number(await failedCell.getAttribute('data-index'));
    await failedCell.focus();
    await page.keyboard.press('Enter');
    await grid.locator('.lightbox-caption').waitFor({ state: 'visible' });
    assert.equal(await grid.locator('.lightbox-empty').textContent(), userError, 'the lightbox shows the user_error literally');
    assert.ok(((await grid.locator('.lightbox-caption').textContent()) ?? '').startsWith(`Prompt text: ${labels[failedIndex % 2]} · Seed:`), 'the caption names the prompt text as typed');
    await page.waitForTimeout(1000);
    await assertNothingInjected(page, 'the compare panel (only differences, lightbox open)', '.lightbox-empty');
    await page.keyboard.press('Escape');

    // History of the prompt editor lists the sweep by its title, the hostile tune title in it as text.
    await page.locator('.tabs-container .tab', { hasText: `Prompt: ${TUNE_PREFIX}` }).first().click();
    const editor = visibleWebview(page);
    const history = await historyShown(editor);
    const sweep = history.find((h) => h.label.startsWith('Sweep: '));
    assert.ok(sweep, `History lists the sweep: ${JSON.stringify(history.map((h) => h.label))}`);
    assert.ok(sweep.label.includes(`${TUNE_PREFIX} </title><b id="ts-injected">escaped`), `the sweep's title is shown as text: ${sweep.label}`);
    await assertNothingInjected(page, 'the prompt editor (History open)', '.history-menu');
    await page.keyboard.press('Escape');
    assert.deepEqual(browserHits, [], 'the browser never requested the beacon');
    assert.deepEqual(beacon.hits, [], 'the beacon received no request');
  });
});
