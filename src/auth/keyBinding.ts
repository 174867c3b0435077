// Which server each API key was checked on: pure logic (no vscode), stored as one SecretStorage entry per provider.
import type { KeyLookup } from '../api/http';

/** What one SecretStorage entry holds: each key under the origin it was checked on, newest last. */
interface StoredKeys {
  v: 2;
  byOrigin: Record<string, string>;
}

/** `https://API.astria.ai:443/x` → `https://api.astria.ai`; what a key is bound to. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The key checked on `origin`, else where the newest other key was checked (it is not sent here), else none. */
export function keyFor(byOrigin: Record<string, string>, origin: string): KeyLookup {
  const key = byOrigin[originOf(origin)];
  if (key) return key;
  const others = Object.keys(byOrigin);
  return others.length ? { checkedOn: others[others.length - 1]! } : undefined;
}

/** A copy with `key` bound to `origin`, moved last: the newest key is the one offered elsewhere. */
export function withKey(byOrigin: Record<string, string>, origin: string, key: string): Record<string, string> {
  const bound = originOf(origin);
  const copy = { ...byOrigin };
  delete copy[bound];
  copy[bound] = key;
  return copy;
}

export function serializeStored(byOrigin: Record<string, string>): string {
  const value: StoredKeys = { v: 2, byOrigin };
  return JSON.stringify(value);
}

/**
 * Reads a stored entry. A bare key (stored before keys were bound to a server) is bound to the
 * server the user's own settings name now: workspace settings can no longer choose it.
 */
export function parseStored(raw: string | undefined, legacyOrigin: () => string): Record<string, string> {
  if (!raw) return {};
  // Stryker disable next-line ConditionalExpression,StringLiteral: only a shortcut; any other text fails JSON.parse or the format check below and is read as a bare key all the same
  if (raw.startsWith('{')) {
    try {
      const parsed = JSON.parse(raw) as Partial<StoredKeys>;
      if (parsed.v === 2 && parsed.byOrigin && typeof parsed.byOrigin === 'object') {
        return Object.fromEntries(Object.entries(parsed.byOrigin).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
      }
    } catch {
      // not ours: treated as a bare key below
    }
  }
  return { [legacyOrigin()]: raw };
}
