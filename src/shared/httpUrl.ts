// Whether a string is a URL Tune Studio may fetch or render: http(s), no credentials, of a sane length.
// Shared by the prompt checks (an input image URL Astria will fetch) and the webviews (an image to show).

/** Longest URL taken: far longer than any image URL; only stops a pasted blob. */
const URL_MAX = 4096;

/** Whether a string is an http(s) URL without credentials. `javascript:`, `data:` and the rest are refused. */
export function isHttpUrl(value: string): boolean {
  if (value.length > URL_MAX) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
