// What the first paint does not need, loaded after it: the panel's @vscode-elements components (and Lit
// under them) come as a chunk of their own (scripts/webviewBuild.mjs), imported once the first frame with
// the panel's content has been produced. Until then those elements are plain unknown elements: what was set
// on them (icon, label, checked…) is taken over when they are defined, and CSS keeps their place.

/** Runs `load` after the next frame; an error is handed to `failed` (the host logs it). */
export function afterFirstPaint(load: () => Promise<unknown>, failed: (message: string) => void): void {
  requestAnimationFrame(() =>
    setTimeout(() => {
      load().catch((error: unknown) => failed(`Could not load the panel's components: ${String(error)}`));
    }, 0),
  );
}
