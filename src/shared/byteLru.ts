// A small least-recently-used cache bounded by total size as well as by count. Pure (no vscode, no
// Node, no DOM) so it is unit-tested on its own.

export interface ByteLruOptions {
  /** The sizes of all entries together never exceed this. */
  maxBytes: number;
  /** Nor does their number exceed this (default: no bound but maxBytes). */
  maxEntries?: number;
}

/**
 * Entries carry the size the caller gives them (e.g. a data URL's length). Storing one that would
 * go over a bound evicts the least recently used (read with `get` or stored with `set`) until it
 * fits; an entry larger than maxBytes on its own is not stored at all.
 */
export class ByteLru<K, V> {
  /** Map order is use order: the first key is the least recently used. */
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private total = 0;
  private readonly maxBytes: number;
  private readonly maxEntries: number;

  constructor(options: ByteLruOptions) {
    if (!(options.maxBytes >= 0)) throw new RangeError('maxBytes must be a number ≥ 0');
    this.maxBytes = options.maxBytes;
    this.maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
  }

  /** The value, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Whether the key is cached, without counting as a use. */
  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Stores (or replaces) the value as the most recently used; false when it is too large to keep. */
  set(key: K, value: V, bytes: number): boolean {
    if (!(bytes >= 0)) throw new RangeError('bytes must be a number ≥ 0');
    this.delete(key);
    if (bytes > this.maxBytes || this.maxEntries < 1) return false;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: with nothing left both bounds already hold (checked above), so the size test only makes the loop's end plain
    while (this.entries.size > 0 && (this.total + bytes > this.maxBytes || this.entries.size + 1 > this.maxEntries)) {
      this.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    return true;
  }

  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.total -= entry.bytes;
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  /** How many entries are kept. */
  get size(): number {
    return this.entries.size;
  }

  /** The sum of the kept entries' sizes. */
  get totalBytes(): number {
    return this.total;
  }

  /** Keys from least to most recently used. */
  keys(): K[] {
    return [...this.entries.keys()];
  }
}
