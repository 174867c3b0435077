// Small type guards for messages coming from a webview: the host trusts nothing it did not check.
// No runtime `vscode` import, so unit tests run them in plain Node.

/** Answers whether a value fits, or why not (for the log). */
export type Check<T> = (value: unknown) => { ok: true; value: T } | { ok: false; reason: string };

const fail = (reason: string) => ({ ok: false as const, reason });
const pass = <T>(value: T) => ({ ok: true as const, value });

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const integer = (min = 0, max = Number.MAX_SAFE_INTEGER): Check<number> => (value) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
    ? pass(value)
    : fail(`expected an integer in [${min}, ${max}]`);

export const boolean: Check<boolean> = (value) => (typeof value === 'boolean' ? pass(value) : fail('expected a boolean'));

export const string = (maxLength: number): Check<string> => (value) =>
  typeof value === 'string' && value.length <= maxLength ? pass(value) : fail(`expected a string of at most ${maxLength} characters`);

export const oneOf = <const T extends readonly string[]>(allowed: T): Check<T[number]> => (value) =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value)
    ? pass(value as T[number])
    : fail(`expected one of ${allowed.join(', ')}`);

export const nullable = <T>(check: Check<T>): Check<T | null> => (value) => (value === null ? pass(null) : check(value));

export const optional = <T>(check: Check<T>): Check<T | undefined> => (value) =>
  value === undefined ? pass(undefined) : check(value);

/** An object with exactly these keys (extra keys are refused: nobody should be sending them). */
export function object<T extends object>(fields: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  return (value) => {
    if (!isRecord(value)) return fail('expected an object');
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(fields, key)) return fail(`unexpected field "${key}"`);
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(fields) as (keyof T & string)[]) {
      const result = fields[key](value[key]);
      if (!result.ok) return fail(`${key}: ${result.reason}`);
      if (result.value !== undefined) out[key] = result.value;
    }
    return pass(out as T);
  };
}

/** Anything shown in the log about a refused message: short, single line. */
export function describeForLog(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value);
  }
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}
