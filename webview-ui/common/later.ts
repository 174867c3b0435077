// What the first paint does not need, loaded after it: the panel's @vscode-elements components (and Lit
// under them) come as a chunk of their own (scripts/webviewBuild.mjs), imported once the panel's first
// images are in and painted (the window's load event, then two frames: evaluating the chunk, about 40 ms,
// would otherwise hold up their decoding and paint), or LOAD_WAIT_MS after the first frame if they take
// longer. Until then those elements are plain unknown elements: what was set on them (icon, label,
// checked…) is taken over when they are defined, and fixedPanel.css keeps their place.

/** The longest the toolbar waits for slow images. */
const LOAD_WAIT_MS = 300;

/** Runs `load` once the page's images are in (or LOAD_WAIT_MS after the first frame); an error goes to `failed`. */
export function afterFirstPaint(load: () => Promise<unknown>, failed: (message: string) => void): void {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    load().catch((error: unknown) => failed(`Could not load the panel's components: ${String(error)}`));
  };
  const soon = () => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(start, 0)));
  if (document.readyState === 'complete') soon();
  else window.addEventListener('load', soon, { once: true });
  requestAnimationFrame(() => setTimeout(start, LOAD_WAIT_MS));
}
