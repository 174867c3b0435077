// One way to put any thrown value into words, for every message and log line of the extension and webviews.

/** What went wrong, in words: an Error's message, anything else as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
