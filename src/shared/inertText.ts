// VS Code turns `[label](https://…)` and `[label](command:…)` inside a notification's message into a
// link that opens the URL or runs the command. Text from a server (titles, prompt text, error messages)
// must never become one: a zero-width space between `]` and `(` keeps the text as it reads, link-less.

/** `text` with every Markdown-style link `[…](…)` broken, for notification messages. */
export function inertLinks(text: string): string {
  return text.replace(/\](\s*)\(/g, ']$1\u200b(');
}
