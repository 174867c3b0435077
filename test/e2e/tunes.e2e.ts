// A person connects Tune Studio to the local sandbox from the command palette and browses tunes.
import * as assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeAll, openView, openWorkbench, paletteCommands, runCommand, screenshot, treeRows, viewPane, type Workbench, useLocalSandbox } from './workbench';

describe('Tunes view (packaged extension in code-server)', { timeout: 180_000 }, () => {
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
    await closeAll();
  });

  it('lists Tune Studio commands in the command palette', async () => {
    const titles = await paletteCommands(wb.page, 'Tune Studio: ');
    assert.ok(titles.length >= 5, `palette rows: ${titles.join(' | ')}`);
    assert.ok(titles.every((t) => t.startsWith('Tune Studio: ')), `palette rows: ${titles.join(' | ')}`);
    assert.ok(titles.some((t) => t.startsWith('Tune Studio: Set Astria API Key')), `palette rows: ${titles.join(' | ')}`);
    await wb.page.keyboard.press('Escape');
  });

  it('keeps the key input open with the reason when the server refuses a key, so the typed key can be corrected (guards issue #24)', async () => {
    const { page } = wb;
    await runCommand(page, 'Tune Studio: Set Astria API Key');
    const widget = page.locator('.quick-input-widget');
    const keyInput = widget.locator('.quick-input-box input');
    await keyInput.waitFor({ state: 'visible' });
    const typo = `${wb.sandbox.astriaKey}x`;
    await keyInput.fill(typo);
    await keyInput.press('Enter');
    const refusal = widget.locator('.quick-input-message', { hasText: 'did not accept this key' });
    await refusal.waitFor({ state: 'visible', timeout: 15_000 });
    assert.ok(await keyInput.isVisible(), 'the input box is still open after the refusal');
    assert.equal(await keyInput.inputValue(), typo, 'the typed key is still there to correct');
    assert.ok(wb.sandbox.requests.some((r) => r.path === '/tunes' && r.headers.authorization === `Bearer ${typo}`), 'the key was checked with the server');
    await screenshot(page, 'api-key-refused.png', { forReadme: false });
    // Correct it: delete the extra character, Enter: the box closes and the extension is connected.
    await keyInput.press('End');
    await keyInput.press('Backspace');
    await keyInput.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 15_000 });
    await page.locator('.notifications-toasts').getByText('Tune Studio is connected to Astria').first().waitFor({ state: 'visible', timeout: 15_000 });
    wb.sandbox.clearRequests(); // the next scenario reads the first request of "Use Local Sandbox"
  });

  it('connects with "Use Local Sandbox" and shows the seeded tunes', async () => {
    await useLocalSandbox(wb.page);
    await openView(wb.page, 'Tunes');
    const rows = await treeRows(wb.page, 'Tunes', { atLeast: 5 });
    assert.ok(rows.length >= 5, `expected tunes in the view, got: ${rows.join(' | ')}`);
    // The sandbox saw the extension list tunes with the demo key.
    const listed = wb.sandbox.requests.filter((r) => r.origin === 'api' && r.method === 'GET' && r.path === '/tunes');
    assert.ok(listed.length > 0, 'GET /tunes reached the sandbox');
    assert.equal(listed[0]!.headers.authorization, `Bearer ${wb.sandbox.astriaKey}`);
    await screenshot(wb.page, 'tunes-tree.png');
  });

  it('finds an older tune by title on the server and reveals it in the tree', async () => {
    const { page } = wb;
    // A tune from the third page: the tree has only loaded the first.
    const older = (await (await fetch(`${wb.sandbox.url}/tunes?limit=120`, { headers: { authorization: `Bearer ${wb.sandbox.astriaKey}` } })).json()) as { id: number; title: string }[];
    const target = older[older.length - 3];
    assert.ok(target, 'the sandbox has seeded tunes');
    await runCommand(page, 'Tune Studio: Find Tune…');
    const box = page.locator('.quick-input-widget .quick-input-box input');
    await box.fill(target.title.slice(0, 12));
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: `ID ${target.id}` });
    const searched = (): boolean => wb.sandbox.requests.some((r) => r.path === '/tunes' && r.query.title === target.title.slice(0, 12));
    for (let waited = 0; !searched() && waited < 10_000; waited += 100) await page.waitForTimeout(100);
    assert.ok(searched(), 'the title search ran on the server');
    await row.first().waitFor({ state: 'visible' });
    await row.first().click();
    const selected = viewPane(page, 'Tunes').locator('.monaco-list-row.selected');
    await selected.waitFor({ state: 'visible' });
    assert.match((await selected.getAttribute('aria-label')) ?? (await selected.textContent()) ?? '', new RegExp(target.title.slice(0, 12).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });
});
