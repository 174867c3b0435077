// A tiny HTTP server on 127.0.0.1 for the cases the sandbox cannot produce (a chosen status, header or
// half-sent body). Real sockets, real fetch: the handler decides what goes on the wire.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  /** Path without query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export type LoopbackHandler = (request: SeenRequest, response: ServerResponse) => void;

export interface Loopback {
  url: string;
  host: string;
  seen: SeenRequest[];
  /** Replaces the handler for the requests that follow. */
  handle(handler: LoopbackHandler): void;
  close(): Promise<void>;
}

export async function startLoopback(handler: LoopbackHandler = (_request, response) => response.end()): Promise<Loopback> {
  let current = handler;
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://loopback');
      const entry = { method: request.method ?? '', path: url.pathname, query: url.searchParams, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      current(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    seen,
    handle: (next) => (current = next),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Replies with this status, JSON body and headers. */
export function reply(status: number, body?: unknown, headers: Record<string, string> = {}): LoopbackHandler {
  return (_request, response) => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    response.end(text);
  };
}
