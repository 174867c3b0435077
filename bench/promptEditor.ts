// Prompt editor benchmark: its real bundle in the real CSP shell in headless Chromium, with a stand-in
// for the host that answers `ready` with `init` the way PromptEditorPanel does (the tune loaded from the
// sandbox over HTTP when the panel opens). Measures open → form rendered (`didRender`, what the
// integration tests wait for), the same baseline as the gallery (baseline.ts's static page), and the
// breakdown: bundle downloaded, bundle ran (`ready`), `init` handled.
import type { Browser, Page } from 'playwright-core';
import { AstriaClient } from '../src/api/astria/client';
import type { Tune } from '../src/api/astria/types';
import { editorTune } from '../src/domain/tuneCatalog';
import { startSandbox } from '../test/sandbox/server';
import { defaultDraft } from '../src/shared/prompt/draft';
import type { PromptEditorInit } from '../src/shared/promptEditor';
import { baselineFirstPaint } from './baseline';
import { closeServer, launchChromium, serveShell, stubWebviewApi } from './harness';

export interface PromptEditorRun {
  /** Navigation start → the webview said the form is rendered (`didRender`). */
  formRenderedMs: number;
  bundleLoadedMs: number;
  readyMs: number;
  /** `ready` → the form rendered: the host round trip plus building the form. */
  readyToRenderedMs: number;
  /** The form's fields (`didRender`), to show it rendered the whole form. */
  fields: number;
  /** The same shell and stylesheets with a static line of text (baseline.ts), measured back to back. */
  baselineMs: number;
  formRenderedRatio: number;
}

async function open(browser: Browser, init: () => Promise<PromptEditorInit>): Promise<Omit<PromptEditorRun, 'baselineMs' | 'formRenderedRatio'>> {
  const { server, origin } = await serveShell({ script: 'promptEditor.js', stylesheet: 'promptEditor.css', title: 'Prompt', allowLoopbackMedia: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    // Like PromptEditorPanel: the tune is loaded while the webview boots, and `init` carries it.
    const initial = init();
    let fields = 0;
    await page.exposeFunction('__harnessPost', async (message: { kind?: string; method?: string; id?: number; params?: { fields?: number } }) => {
      if (message.kind === 'ready') {
        const data = await initial;
        await page.evaluate((d) => window.dispatchEvent(new MessageEvent('message', { data: d })), { kind: 'notification', method: 'init', params: data });
      } else if (message.kind === 'notification' && message.method === 'didRender') {
        fields = message.params?.fields ?? 0;
      } else if (message.kind === 'request') {
        // Nothing the first paint needs: every request is answered empty.
        const result = message.method === 'loadHistory' ? [] : message.method === 'listReferences' ? { tunes: [], nextCursor: null } : null;
        await page.evaluate((d) => window.dispatchEvent(new MessageEvent('message', { data: d })), { kind: 'response', id: message.id, ok: true, result });
      }
    });
    await stubWebviewApi(page, 'bench:form-rendered');
    await page.goto(`${origin}/`);
    const formRenderedMs = await mark(page, 'bench:form-rendered');
    const readyMs = await mark(page, 'webview:ready');
    const bundleLoadedMs = await page.evaluate(
      () => (performance.getEntriesByType('resource').find((e) => e.name.endsWith('/promptEditor.js')) as PerformanceResourceTiming | undefined)?.responseEnd ?? NaN,
    );
    return { formRenderedMs, bundleLoadedMs, readyMs, readyToRenderedMs: formRenderedMs - readyMs, fields };
  } finally {
    await context.close();
    await closeServer(server);
  }
}

async function mark(page: Page, name: string): Promise<number> {
  const handle = await page.waitForFunction((m) => performance.getEntriesByName(m)[0]?.startTime, name, { timeout: 15_000, polling: 10 });
  return Number(await handle.jsonValue());
}

/** `runs` opens of the editor on a trained Flux LoRA of the sandbox's demo data (after one warm-up). */
export async function benchPromptEditor(runs: number): Promise<PromptEditorRun[]> {
  const sandbox = await startSandbox({ quiet: true });
  const browser = await launchChromium();
  try {
    const client = new AstriaClient({ baseUrl: sandbox.url, getKey: () => sandbox.astriaKey, retries: 0 });
    const tunes = await client.listTunes({ limit: 50 });
    const tune = tunes.find((t) => t.trained_at && t.model_type === 'lora' && t.base_tune_id) ?? tunes.find((t) => t.trained_at);
    if (!tune) throw new Error('the sandbox has no trained tune');
    const init = async (): Promise<PromptEditorInit> => {
      const fresh: Tune = await client.getTune(tune.id);
      const base = fresh.base_tune_id ? await client.getTune(fresh.base_tune_id) : undefined;
      return { tune: editorTune(fresh, base), loadError: null, draft: defaultDraft(), fileLabels: {}, serverIssues: [], runs: [], presets: [], busy: false };
    };
    await open(browser, init); // warm-up
    const results: PromptEditorRun[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await open(browser, init);
      const baselineMs = await baselineFirstPaint(browser, [], { width: 1280, height: 800 }, 'promptEditor.css');
      results.push({ ...run, baselineMs, formRenderedRatio: run.formRenderedMs / baselineMs });
    }
    return results;
  } finally {
    await browser.close();
    await sandbox.close();
  }
}
