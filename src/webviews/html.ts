import { randomBytes } from 'node:crypto';
import { INITIAL_MESSAGE_ID } from '../shared/rpc';

// No runtime `vscode` import: the security tests render this shell in plain Node and load it in Chromium.

export interface ShellOptions {
  /** `webview.cspSource`: the only origin scripts' files, styles and fonts may come from. */
  cspSource: string;
  /** Webview URIs (already `asWebviewUri`-converted) of the panel's bundle. */
  scriptUri: string;
  styleUris: string[];
  /** Codicons stylesheet; `vscode-icon` finds it by the id `vscode-codicon-stylesheet`. */
  codiconsUri?: string;
  /** Window title of the document (the tab title is set on the panel). */
  title: string;
  /** Let images and audio come from http://127.0.0.1:* and http://localhost:* (the sandbox's CDN). */
  allowLoopbackMedia: boolean;
  /** Fixed nonce for tests; a fresh random one otherwise. */
  nonce?: string;
  /**
   * The host's first message (the panel's `init`), embedded as a JSON data block the webview draws from
   * at once, without waiting for a round trip after `ready`. Never run: `type="application/json"`, and
   * written by jsonForScript so no string in it can end the element.
   */
  initialMessage?: unknown;
}

/**
 * How long a panel waits for what its first message needs (the gallery's first page, the compare panel's
 * prompts) before it writes the shell without it; the webview then gets it after `ready`, as before.
 * The webview's own boot takes longer than this, so a slow server costs at most this much.
 */
export const INITIAL_MESSAGE_WAIT_MS = 100;

export function createNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** True when the Astria base URL points at this machine (the local sandbox). */
export function isLoopbackUrl(value: string): boolean {
  try {
    const host = new URL(value).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

export function contentSecurityPolicy(options: Pick<ShellOptions, 'cspSource' | 'allowLoopbackMedia'>, nonce: string): string {
  const media = [options.cspSource, 'https:'];
  if (options.allowLoopbackMedia) media.push('http://127.0.0.1:*', 'http://localhost:*');
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${options.cspSource}`,
    `font-src ${options.cspSource}`,
    `img-src ${media.join(' ')}`,
    `media-src ${media.join(' ')}`,
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
}

/**
 * JSON for the inside of a `<script type="application/json">` element: `<`, `>` and `&` as \u escapes, so
 * neither `</script>` nor `<!--` (nor `<script`, which changes how `</script>` is parsed after `<!--`)
 * can appear, whatever the strings hold; U+2028 and U+2029 escaped too. JSON.parse reads it back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The one HTML shell of every panel: strict CSP, the bundle by nonce (an ES module, which loads its own
 * chunks under the same nonce), no inline script or style; at most a JSON data block with the first message.
 */
export function renderShell(options: ShellOptions): string {
  const nonce = options.nonce ?? createNonce();
  const csp = contentSecurityPolicy(options, nonce);
  const styles = options.styleUris.map((href) => `<link rel="stylesheet" href="${attr(href)}">`);
  if (options.codiconsUri) {
    styles.unshift(`<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(options.codiconsUri)}">`);
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.join('\n')}
<title>${text(options.title)}</title>
</head>
<body>
<div id="app" role="main"></div>
${options.initialMessage === undefined ? '' : `<script type="application/json" id="${INITIAL_MESSAGE_ID}">${jsonForScript(options.initialMessage)}</script>\n`}<script type="module" nonce="${attr(nonce)}" src="${attr(options.scriptUri)}"></script>
</body>
</html>
`;
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
