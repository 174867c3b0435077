// Small HTTP vocabulary shared by the route modules.

/** What a route answers; the server writes it (or replaces it with an injected fault). */
export interface Reply {
  status: number;
  /** JSON body; undefined = empty body. */
  json?: unknown;
  /** Raw body instead of JSON. */
  raw?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Thrown by handlers to answer with an error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : `HTTP ${status}`);
  }
}

export function json(status: number, body: unknown): Reply {
  return { status, json: body };
}
