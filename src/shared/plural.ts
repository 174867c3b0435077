// Counted nouns in messages, log lines and tool results.

/** "1 image", "3 images". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
