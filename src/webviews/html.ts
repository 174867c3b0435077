import { randomBytes } from 'node:crypto';

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
}

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

/** The one HTML shell of every panel: strict CSP, the bundle by nonce, nothing inline. */
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
<script nonce="${attr(nonce)}" src="${attr(options.scriptUri)}"></script>
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
