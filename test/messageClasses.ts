// The classes of message a user may read after a fault, each defined once: a pattern for its whole wording and
// examples made by the product's own message builders (src/api/errors.ts, src/api/download.ts,
// src/domain/generation.ts). The fault matrix (test/integration/faultMatrix.test.ts) asserts that a cell's
// message is of exactly the class it expects; test/unit/messageClasses.test.ts checks every class against every
// other class's examples, so that no message can pass as two classes (and that the patterns follow the builders).
//
// Pure: no vscode, no Node beyond what src/api needs; used by the unit suite and the integration bundle.
import { ApiError, errorFromException, errorFromResponse, malformedError, refusedDownloadError, toProviderInfo, type RequestContext } from '../src/api/errors';
import { changeRecoveredNote, recoveryNote, unknownChangeMessage, unknownOutcomeMessage } from '../src/domain/generation';

export type MessageClassId =
  | 'invalidKey'
  | 'forbidden'
  | 'notFound'
  | 'alreadyGone'
  | 'linkRefused'
  | 'validation'
  | 'rateLimitedUntil'
  | 'rateLimited'
  | 'serverError'
  | 'timeout'
  | 'network'
  | 'cutShort'
  | 'malformed'
  | 'unknownOutcome'
  | 'recovered';

export interface MessageClass {
  id: MessageClassId;
  /** What a message of this class tells the user. */
  says: string;
  /** The whole wording of the class (a message may add the place's prefix, "Liking the prompt failed: …"). */
  pattern: RegExp;
  /** Messages of this class, as the product builds them. */
  examples: () => string[];
}

/** The words the sandbox's 422 faults send in the matrix: a validation message shows them verbatim. */
export const SERVER_422_WORDS = ['The sandbox refuses this on purpose (fault matrix)', 'name is refused by the sandbox on purpose'] as const;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const who = String.raw`(?:Astria|Cartesia|The server|[\w.-]+:\d+|[\w-]+(?:\.[\w-]+)+)`;
const path = String.raw`\/\S*`;

const ctx = (method: string, path: string, provider = 'Astria'): RequestContext => ({
  provider: toProviderInfo(provider),
  method,
  path,
  repeatable: method === 'GET' || method === 'DELETE',
  secrets: [],
});
const response = (status: number, body: unknown, method = 'GET', at = '/tunes', headers: Record<string, string> = {}, provider = 'Astria'): ApiError =>
  errorFromResponse(status, new Headers(headers), body === undefined ? undefined : JSON.stringify(body), ctx(method, at, provider), 0);
const thrown = (method: string, at: string, timedOut: boolean): ApiError =>
  errorFromException(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }), { ...ctx(method, at), timedOut, timeoutMs: 1_000, cancelled: false });
const failures = (): ApiError[] => [
  response(500, { error: 'Internal server error' }, 'POST', '/tunes/1/prompts'),
  response(504, { error: 'Gateway timeout' }, 'PATCH', '/tunes/1'),
  thrown('DELETE', '/tunes/1', true),
  thrown('POST', '/prompts/1/likes', false),
  malformedError(ctx('POST', '/p/260/tunes')),
];

export const MESSAGE_CLASSES: readonly MessageClass[] = [
  {
    id: 'invalidKey',
    says: 'the key was refused; names the service and offers Set API Key (or, while setting it, to check the copy)',
    pattern: new RegExp(
      String.raw`(?:(Astria|Cartesia) rejected the API key\. Set a new key with “Tune Studio: Set \1 API Key”\.|(Astria|Cartesia) did not accept this API key, so it was not saved\. Check that you copied the whole key\.)`,
    ),
    examples: () => [
      response(401, { error: 'Invalid API key' }).message,
      response(401, { message: 'Unauthorized' }, 'GET', '/fine-tunes', {}, 'Cartesia').message,
      // commands/apiKeys.ts (a vscode module): the Set API Key notification's own words.
      'Astria did not accept this API key, so it was not saved. Check that you copied the whole key.',
    ],
  },
  {
    id: 'forbidden',
    says: 'access was refused: check the key and the workspace',
    pattern: new RegExp(String.raw`${who} refused access(?:: .+?)?\. Check the API key and workspace\.`),
    examples: () => [response(403, { error: 'You are not allowed to do this' }).message, response(403, undefined).message],
  },
  {
    id: 'notFound',
    says: 'the server could not find what was asked for (the path, the server’s words)',
    pattern: new RegExp(String.raw`${who} could not find ${path}(?:: .+?)?\.`),
    examples: () => [response(404, { error: 'Not found' }, 'GET', '/tunes/1/prompts').message, response(404, undefined, 'POST', '/prompts/1/likes').message],
  },
  {
    id: 'alreadyGone',
    says: 'a delete found nothing to delete: already deleted, the row is removed',
    pattern: /was not found on Astria: it was already deleted \(perhaps by an earlier attempt\)\. The row is removed\./,
    // commands/tuneActions.ts (a vscode module).
    examples: () => ['“Portraits” was not found on Astria: it was already deleted (perhaps by an earlier attempt). The row is removed.'],
  },
  {
    id: 'linkRefused',
    says: 'a file host refused a download: the link may have expired, refresh',
    pattern: new RegExp(String.raw`${who} refused the download \(40[13]\): the link may have expired\. Refresh and try again\.`),
    examples: () => [refusedDownloadError(401, '127.0.0.1:4011', '/images/1-1.png').message, refusedDownloadError(403, 'cdn.example.com', '/images/1-1.png').message],
  },
  {
    id: 'validation',
    says: 'the server’s own words about what it refused, verbatim, nothing after them',
    // Verbatim, and nothing after them (but the bracket of a summary's "“name” (…)").
    pattern: new RegExp(String.raw`(?:^|: |\()(?:${SERVER_422_WORDS.map(escape).join('|')})(?=$|\)[.;])`),
    examples: () => [
      response(422, { error: SERVER_422_WORDS[0] }).message,
      response(422, { name: [SERVER_422_WORDS[1].replace(/^name /, '')] }).message,
      `Astria refused the tune: ${SERVER_422_WORDS[0]}`,
      `Nothing was generated from a.astria.yaml. Not run: “p1” (${SERVER_422_WORDS[1]}); “p2” (${SERVER_422_WORDS[1]}).`,
    ],
  },
  {
    id: 'rateLimitedUntil',
    says: 'the service limits calls; says in how many seconds to try again (its Retry-After)',
    pattern: new RegExp(String.raw`${who} is limiting how often we can call it\. Try again in \d+ s\.`),
    examples: () => [response(429, { error: 'Too many requests' }, 'GET', '/tunes', { 'retry-after': '120' }).message],
  },
  {
    id: 'rateLimited',
    says: 'the service limits calls and gave no time: wait a moment',
    pattern: new RegExp(String.raw`${who} is limiting how often we can call it\. Wait a moment and try again\.`),
    examples: () => [response(429, { error: 'Too many requests' }).message],
  },
  {
    id: 'serverError',
    says: 'the server failed (its status and words): try again in a moment',
    pattern: new RegExp(String.raw`${who} had a server error \(5\d\d\)(?:: .+?)?\. Try again in a moment\.`),
    examples: () => [response(500, { error: 'Internal server error' }).message, response(502, undefined).message, response(503, { error: 'Service unavailable, try again later' }).message],
  },
  {
    id: 'timeout',
    says: 'a read got no answer in time (a gateway 504 or our own timer): try again',
    pattern: new RegExp(
      String.raw`(?:${who} timed out \(504\) on GET ${path}\. The request may have gone through\. Try again in a moment\.|${who} did not answer within [\d.]+ s\.(?! The ))`,
    ),
    examples: () => [response(504, { error: 'Gateway timeout' }).message, thrown('GET', '/tunes', true).message],
  },
  {
    id: 'network',
    says: 'the connection failed (its code): check the connection and the base URL',
    pattern: new RegExp(String.raw`Could not reach ${who}(?: \([\w-]+\))?\. Check your connection and the base URL setting\.`),
    examples: () => [thrown('GET', '/tunes', false).message],
  },
  {
    id: 'cutShort',
    says: 'a download stopped half way (how much arrived): try again',
    pattern: new RegExp(String.raw`The download from ${who} was cut short: the connection closed after [\d.]+ (?:bytes?|KB|MB)(?: of [\d.]+ (?:bytes?|KB|MB))?\. Try again\.`),
    // src/api/download.ts builds it inside a stream; its wording is unit-tested in test/unit/api-download.test.ts.
    examples: () => ['The download from 127.0.0.1:4011 was cut short: the connection closed after 1423 bytes of 2846 bytes. Try again.'],
  },
  {
    id: 'malformed',
    says: 'the server answered something unreadable (which request): try again',
    pattern: new RegExp(String.raw`${who} sent a response that is not valid JSON \([A-Z]+ ${path}\)\. Try again; if it keeps happening the service may be having problems\.`),
    examples: () => [malformedError(ctx('GET', '/tunes')).message],
  },
  {
    id: 'unknownOutcome',
    says: 'a write got no usable answer and the server does not show it, even after waiting: what went wrong, that nothing was sent again, what to check',
    pattern: /(?:^|[.!?)] )The [\w ]+ (?:was not found|did not show) on the server, also \d+ s later, so it was not sent again: (?:sending it again may (?:generate|train) and bill twice\.|it may still happen\. [^.]+\.)/,
    examples: () => [
      ...failures().map((e) => unknownOutcomeMessage('prompt', e, 1_000)),
      unknownOutcomeMessage('tune', failures()[4], 6_000),
      ...failures().map((e) => unknownChangeMessage('new title', e, 'Look at its title in the Tunes view before renaming it again.', 1_000)),
      unknownChangeMessage('deletion', failures()[2], 'Refresh the Tunes view before deleting it again.', 6_000),
    ],
  },
  {
    id: 'recovered',
    says: 'a write got no usable answer, then was found done on the server: says so, and that nothing was sent again',
    pattern: /(?:The server timed out|The connection failed|The server sent an answer that could not be read|The server failed), but the [\w ]+ was [\w ]+ \((?:found|checked) on the server\); it was not sent again\./,
    examples: () => [
      ...failures().map((failure) => recoveryNote({ status: 'created', value: {}, recovered: true, failure }, 'prompt').trim()),
      recoveryNote({ status: 'created', value: {}, recovered: true, failure: failures()[1] }, 'tune').trim(),
      ...failures().map((failure) => changeRecoveredNote(failure, 'the tune was renamed')),
      changeRecoveredNote(failures()[3], 'the prompt was liked'),
      changeRecoveredNote(failures()[2], 'the tune was deleted'),
    ],
  },
];

export function messageClass(id: MessageClassId): MessageClass {
  const found = MESSAGE_CLASSES.find((c) => c.id === id);
  if (!found) throw new Error(`no message class ${id}`);
  return found;
}

/** Every class whose pattern the message matches (a clear message matches exactly one). */
export function classesOf(message: string): MessageClassId[] {
  return MESSAGE_CLASSES.filter((c) => c.pattern.test(message)).map((c) => c.id);
}
