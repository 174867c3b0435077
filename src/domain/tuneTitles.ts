// A tune's title is how a create that got no answer is found again (src/domain/generation.ts), and on
// some accounts Astria's idempotency key: every tune created here gets one no other tune has.
import { randomBytes } from 'node:crypto';

/** A short random suffix: the title is Astria's idempotency key, so two tunes from one folder must differ. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}
