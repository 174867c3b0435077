// What the hostile e2e files (hostile.e2e.ts, hostilePanels.e2e.ts) share: the loopback "beacon" that
// counts every request a payload of test/hostileCorpus.ts would make, and the check that nothing only the
// corpus could bring (an element, an inline handler, an inline script) is in any document of the page.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';

export interface Beacon {
  /** An origin like http://127.0.0.1:PORT, to give hostileCorpus(). */
  url: string;
  /** Requests the beacon received ("GET /js/img-onerror"). */
  hits: string[];
  close(): Promise<void>;
}

/** A loopback server that answers 204 to anything and remembers what it was asked. */
export async function startBeacon(): Promise<Beacon> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * How long one frame may take to answer the check. An injected <iframe> or <object> whose content CSP
 * blocked never answers: without a limit the check waited for it until the test's own timeout.
 */
const EVALUATE_TIMEOUT_MS = 15_000;

class Silence extends Error {
  constructor() {
    super(`no answer within ${EVALUATE_TIMEOUT_MS} ms`);
  }
}

/**
 * What the page's frames show: elements the corpus would inject, and inline handlers in webviews. A frame
 * that cannot be inspected, or does not answer, is reported, not skipped (only a frame that is gone,
 * detached, has nothing left to inspect); `panels` counts the documents of our panels inspected, so a caller can require them,
 * and `showing` those of them in which the selector `showing` matched.
 */
export async function injected(page: Page, showing?: string): Promise<{ found: string[]; panels: number; showing: number }> {
  const found: string[] = [];
  let panels = 0;
  let shown = 0;
  for (const frame of page.frames()) {
    let report: { out: string[]; panel: boolean; shows: boolean } | undefined;
    let failure: unknown;
    // A frame between two documents (a webview reloading) has no context for a moment: ask again.
    for (let attempt = 0; attempt < 5 && !report && !frame.isDetached(); attempt++) {
      try {
        const evaluation = frame.evaluate((selector) => {
          const out: string[] = [];
          if (document.getElementById('ts-injected')) out.push('an element with id ts-injected');
          // Our panels' documents (the CSP shell with #app): no inline handler, no script but the bundle.
          const panel = document.getElementById('app') !== null && document.querySelector('meta[http-equiv="Content-Security-Policy"]') !== null;
          if (panel) {
            for (const el of document.querySelectorAll('*')) {
              const handler = [...el.attributes].find((a) => a.name.startsWith('on'));
              if (handler) out.push(`<${el.localName} ${handler.name}>`);
            }
            // Elements only the corpus would bring: an <img src=x>, frames, plugins, a <base>, a refresh, a form.
            const alien = 'img[src="x"], iframe, object, embed, base, meta[http-equiv="refresh" i], form, math, details[ontoggle], input[onfocus]';
            for (const el of document.querySelectorAll(alien)) out.push(`an injected <${el.localName}>`);
            for (const script of document.querySelectorAll('script')) {
              // VS Code itself puts acquireVsCodeApi into every webview document before its content.
              const vscodeOwn = (script.textContent ?? '').trim().startsWith('globalThis.acquireVsCodeApi');
              if (!script.src && !vscodeOwn) out.push(`an inline script: ${(script.textContent ?? '').slice(0, 80)}`);
            }
          }
          return { out, panel, shows: panel && selector !== null && document.querySelector(selector) !== null };
        }, showing ?? null);
        // A document that never answers (e.g. one a payload navigated away) is reported, not waited for.
        let timer: NodeJS.Timeout | undefined;
        const silence = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Silence()), EVALUATE_TIMEOUT_MS);
        });
        evaluation.catch(() => {}); // its late failure, after the timeout, is not an unhandled rejection
        report = await Promise.race([evaluation, silence]).finally(() => clearTimeout(timer));
      } catch (error) {
        failure = error;
        if (error instanceof Silence) break; // asked once more, it would keep as silent
        await page.waitForTimeout(250);
      }
    }
    if (!report) {
      if (!frame.isDetached()) found.push(`could not inspect ${frame.url().slice(0, 80)}: ${String(failure)}`);
      continue;
    }
    if (report.panel) panels++;
    if (report.shows) shown++;
    found.push(...report.out.map((r) => `${r} in ${frame.url().slice(0, 80)}`));
  }
  return { found, panels, showing: shown };
}

/**
 * Nothing injected anywhere, and the panel(s) on screen were among the frames inspected: with `showing`
 * (a selector only that panel's document matches, e.g. the compare grid), that very document.
 */
export async function assertNothingInjected(page: Page, where: string, showing?: string): Promise<void> {
  const report = await injected(page, showing);
  assert.deepEqual(report.found, [], 'nothing was injected into the workbench or a webview');
  assert.ok(report.panels >= 1, `the document of ${where} was inspected (${report.panels} panel documents found)`);
  if (showing) assert.ok(report.showing >= 1, `the document of ${where} (${showing}) was among the ${report.panels} panel documents inspected`);
}
