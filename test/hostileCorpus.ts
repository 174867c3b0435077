// Hostile strings for the security tests: each one, if it were ever treated as markup, a URL or a
// style, would run script, inject an element (id `ts-injected`), or make a request to `beacon` (a
// loopback server the test owns and watches). Rendered as text, they do nothing.

/** `beacon` = an origin like http://127.0.0.1:PORT that counts every request made to it. */
export function hostileCorpus(beacon: string): string[] {
  const js = (tag: string) => `fetch('${beacon}/js/${tag}')`;
  return [
    `<script>${js('script')}</script>`,
    `<img src=x onerror="${js('img-onerror')}">`,
    `"><img src=x onerror=${js('attr-break')}>`,
    `'><svg onload=${js('svg-onload')}>`,
    `<svg><script>${js('svg-script')}</script></svg>`,
    `<iframe src="javascript:${js('iframe-js')}"></iframe>`,
    `<iframe srcdoc="<script>${js('srcdoc')}</script>"></iframe>`,
    `<a href="javascript:${js('a-js')}" id="ts-injected">click</a>`,
    `javascript:${js('bare-js-url')}`,
    `JaVaScRiPt:${js('mixed-case')}`,
    `vbscript:msgbox("x")`,
    `data:text/html,<script>${js('data-url')}</script>`,
    `<object data="${beacon}/object"></object>`,
    `<embed src="${beacon}/embed">`,
    `<link rel=stylesheet href="${beacon}/css-link">`,
    `<style>@import url(${beacon}/css-import);</style>`,
    `<div style="background:url(${beacon}/css-url)" id="ts-injected">x</div>`,
    `</textarea><b id="ts-injected">escaped a textarea</b>`,
    `</title><b id="ts-injected">escaped the title</b>`,
    `<math><mtext><table><mglyph><style><img src=x onerror=${js('mxss')}>`,
    `<details open ontoggle=${js('ontoggle')}>`,
    `<body onload=${js('body-onload')}>`,
    `<input autofocus onfocus=${js('onfocus')}>`,
    `<video><source onerror=${js('source-onerror')}></video>`,
    `<img src="${beacon}/img-src">`,
    `![image](${beacon}/md-image)`,
    `[link](javascript:${js('md-link')})`,
    `[command](command:workbench.action.quit)`,
    `<faceid:1:1> <lora:999999:0.8> <1> <script>${js('token-mix')}</script>`,
    `<lora:1:1"><img src=x onerror=${js('token-lookalike')}>`,
    `{{constructor.constructor('${js('template')}')()}}`,
    `\${alert(1)} \`\${${js('template-literal')}}\``,
    `‮gnp.exe‬ right-to-left override`,
    `text with NUL \u0000 and bell \u0007 and escape \u001b[31m red`,
    `line one\nline two\r\n<b id="ts-injected">after newline</b>`,
    `unbalanced "quotes' and <angle and &amp; &lt;b&gt; entities`,
    `<!-- comment --><![CDATA[<b id="ts-injected">cdata</b>]]>`,
    `<base href="${beacon}/base/">`,
    `<meta http-equiv="refresh" content="0;url=${beacon}/meta-refresh">`,
    `<form action="${beacon}/form"><button id="ts-injected">send</button></form>`,
    `x`.repeat(10_000),
    `<${'b'.repeat(50)} id="ts-injected">long tag name`,
  ];
}
