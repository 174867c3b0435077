// The audit log: every request the sandbox receives in its whole life, on both origins, admin calls
// included, with everything a client could put a secret in (the full URL, every header as sent, the
// body). Append-only: `POST /__admin/reset` and `DELETE /__admin/requests` leave it alone, so the
// key-leak check (test/integration/keyLeak.test.ts) sees what every suite sent. Bounded: past the
// limits it counts what it did not keep instead of growing.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Which service a request was for: Cartesia is the API origin's `/cartesia` prefix (see server.ts `route`). */
export type AuditOrigin = 'astria' | 'cartesia' | 'cdn';

export interface AuditEntry {
  /** 1, 2, 3, … in arrival order; `GET /__admin/audit?since=` pages on it. */
  seq: number;
  origin: AuditOrigin;
  /** A `/__admin` call (API origin, no auth). */
  admin: boolean;
  method: string;
  /** The full URL as requested: this origin + the request target, query string untouched. */
  url: string;
  /** Every header line as received, names as sent, duplicates kept. */
  headers: [name: string, value: string][];
  /** The body as latin1 text (one character per byte): all of it, or its head and tail when longer than the limit. */
  body: string;
  /** Bytes received so far (the whole body once the request ended). */
  bodyBytes: number;
  /** Bytes not kept between the head and the tail (0 = `body` is the whole body). */
  bodyOmitted: number;
  /** 0 until answered; 0 for hang/reset faults. */
  status: number;
  at: number;
}

export interface AuditLimits {
  /** Requests kept; later ones are only counted (`dropped`). */
  entries: number;
  /** Bytes kept of one body: the first `body - bodyTail` and the last `bodyTail`. */
  body: number;
  bodyTail: number;
  /** Body bytes kept over the whole log; past it bodies are only counted (`bodiesDropped`). */
  totalBody: number;
}

export const AUDIT_LIMITS: AuditLimits = { entries: 50_000, body: 256 * 1024, bodyTail: 64 * 1024, totalBody: 96 * 2 ** 20 };

export interface AuditPage {
  entries: AuditEntry[];
  /** `since` for the next page, or null when this page reached the end. */
  next: number | null;
  /** Requests received (kept or not). */
  received: number;
  /** Requests not kept: the log was full. */
  dropped: number;
  /** Bodies kept only as head and tail (longer than `limits.body`). */
  bodiesCut: number;
  /** Requests whose body (or part of it) was not kept because `limits.totalBody` was used up. */
  bodiesDropped: number;
  limits: AuditLimits;
}

/** A body still arriving: its head, the newest bytes for the tail, and how much was seen. */
interface Capture {
  head: Buffer[];
  headBytes: number;
  tail: Buffer[];
  tailBytes: number;
  budgetHit: boolean;
}

export class AuditLog {
  private readonly entries: AuditEntry[] = [];
  private readonly open = new Map<AuditEntry, Capture>();
  private received = 0;
  private dropped = 0;
  private bodiesCut = 0;
  private bodiesDropped = 0;
  private bodyBytesKept = 0;

  constructor(readonly limits: AuditLimits = AUDIT_LIMITS) {}

  /**
   * Records a request on arrival. Call it before anything reads the body: the body is tapped with a
   * `data` listener, which sees every chunk whoever else reads the stream (and drains it when nobody does).
   */
  record(server: 'api' | 'cdn', base: string, req: IncomingMessage, res: ServerResponse): void {
    this.received++;
    const target = req.url ?? '/';
    let pathname = target;
    try {
      pathname = new URL(target, 'http://sandbox').pathname; // as the router reads it
    } catch {
      // unparsable target: classified by its raw text
    }
    const cartesia = pathname === '/cartesia' || pathname.startsWith('/cartesia/');
    const origin: AuditOrigin = server === 'cdn' ? 'cdn' : cartesia ? 'cartesia' : 'astria';
    if (this.entries.length >= this.limits.entries) {
      this.dropped++;
      req.on('data', () => {}); // still drained like a recorded one, so the routes behave the same
      return;
    }
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    const entry: AuditEntry = {
      seq: this.entries.length + 1,
      origin,
      admin: server === 'api' && pathname.startsWith('/__admin'),
      method: req.method ?? 'GET',
      url: /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : `${base}${target}`,
      headers,
      body: '',
      bodyBytes: 0,
      bodyOmitted: 0,
      status: 0,
      at: Date.now(),
    };
    this.entries.push(entry);
    const capture: Capture = { head: [], headBytes: 0, tail: [], tailBytes: 0, budgetHit: false };
    this.open.set(entry, capture);
    const headLimit = this.limits.body - this.limits.bodyTail;
    req.on('data', (chunk: Buffer) => {
      entry.bodyBytes += chunk.length;
      if (capture.budgetHit) return;
      let rest = chunk;
      if (capture.headBytes < headLimit) {
        const part = this.take(capture, rest.subarray(0, headLimit - capture.headBytes));
        capture.head.push(part);
        capture.headBytes += part.length;
        rest = rest.subarray(part.length);
        if (capture.budgetHit) return;
      }
      if (rest.length === 0) return;
      // Past the head: keep only the newest `bodyTail` bytes (older tail bytes give their budget back).
      const part = this.take(capture, rest.subarray(Math.max(0, rest.length - this.limits.bodyTail)));
      capture.tail.push(part);
      capture.tailBytes += part.length;
      for (let excess = capture.tailBytes - this.limits.bodyTail; excess > 0; ) {
        const oldest = capture.tail[0]!;
        const cut = Math.min(excess, oldest.length);
        if (cut === oldest.length) capture.tail.shift();
        else capture.tail[0] = Buffer.from(oldest.subarray(cut));
        capture.tailBytes -= cut;
        this.bodyBytesKept -= cut;
        excess -= cut;
      }
    });
    const done = () => {
      if (!this.open.has(entry)) return;
      this.finish(entry, capture);
      this.open.delete(entry);
    };
    req.once('end', done);
    req.once('close', done);
    res.once('finish', () => (entry.status = res.statusCode));
  }

  /** Up to `limit` entries with `seq > since` (bodies still arriving show what came so far). */
  page(options: { since?: number; limit?: number; origin?: string | null } = {}): AuditPage {
    const since = Math.max(0, Math.floor(options.since ?? 0));
    const limit = Math.max(1, Math.min(5_000, Math.floor(options.limit ?? 1_000)));
    const entries: AuditEntry[] = [];
    let index = since;
    for (; index < this.entries.length && entries.length < limit; index++) {
      const entry = this.entries[index]!;
      if (options.origin && entry.origin !== options.origin) continue;
      const capture = this.open.get(entry);
      entries.push(capture ? { ...entry, ...this.bodyOf(entry, capture) } : entry);
    }
    return {
      entries,
      next: index < this.entries.length ? index : null,
      received: this.received,
      dropped: this.dropped,
      bodiesCut: this.bodiesCut,
      bodiesDropped: this.bodiesDropped,
      limits: this.limits,
    };
  }

  /** What fits of `chunk` in the log's body budget. */
  private take(capture: Capture, chunk: Buffer): Buffer {
    const room = Math.max(0, this.limits.totalBody - this.bodyBytesKept);
    if (chunk.length > room) capture.budgetHit = true;
    const part = Buffer.from(chunk.subarray(0, room)); // a copy: the parser may reuse its buffer
    this.bodyBytesKept += part.length;
    return part;
  }

  private bodyOf(entry: AuditEntry, capture: Capture): { body: string; bodyOmitted: number } {
    const head = Buffer.concat(capture.head).toString('latin1');
    const tail = Buffer.concat(capture.tail);
    const omitted = entry.bodyBytes - capture.headBytes - tail.length;
    // The marker holds no 8 characters of anything but itself, so no key piece spans the cut.
    return omitted > 0 ? { body: `${head}\u0000[${omitted} bytes not kept]\u0000${tail.toString('latin1')}`, bodyOmitted: omitted } : { body: head + tail.toString('latin1'), bodyOmitted: 0 };
  }

  private finish(entry: AuditEntry, capture: Capture): void {
    Object.assign(entry, this.bodyOf(entry, capture));
    if (capture.budgetHit) this.bodiesDropped++;
    else if (entry.bodyOmitted > 0) this.bodiesCut++;
  }
}
