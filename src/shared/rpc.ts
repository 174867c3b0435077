// The envelope of every panel's message protocol, shared by the extension host and the webviews: a
// message that is not described by a panel's protocol cannot be sent, and the host checks each one.
import type { Check } from './check';

// ─── Envelope shared by every panel ──────────────────────────────────────────────────────────────

/** The shape every panel protocol has: requests with replies, and notifications both ways. */
export interface ProtocolShape {
  /** Webview → host, answered by a `response` with the same id. */
  requests: Record<string, { params: unknown; result: unknown }>;
  /** Host → webview, fire and forget. */
  hostNotifications: Record<string, unknown>;
  /** Webview → host, fire and forget (besides `ready`). */
  viewNotifications: Record<string, unknown>;
}

export type RequestMethod<P extends ProtocolShape> = Extract<keyof P['requests'], string>;
export type RequestParams<P extends ProtocolShape, M extends RequestMethod<P>> = P['requests'][M]['params'];
export type RequestResult<P extends ProtocolShape, M extends RequestMethod<P>> = P['requests'][M]['result'];
export type HostNotificationMethod<P extends ProtocolShape> = Extract<keyof P['hostNotifications'], string>;
export type ViewNotificationMethod<P extends ProtocolShape> = Extract<keyof P['viewNotifications'], string>;

/** The first message of every webview (after each load): the host posts nothing before it. */
export interface ReadyMessage {
  kind: 'ready';
  /** The webview drew the host message embedded in its page (see INITIAL_MESSAGE_ID) right after saying so. */
  initial?: true;
}

/**
 * The id of the JSON data block (`<script type="application/json">`) in which a panel's shell may carry the
 * host's first message (its `init`): the webview draws it at once instead of waiting for it after `ready`.
 */
export const INITIAL_MESSAGE_ID = 'initial-message';

export interface RequestMessage<P extends ProtocolShape, M extends RequestMethod<P> = RequestMethod<P>> {
  kind: 'request';
  /** Sequence id chosen by the webview; the response carries it back. */
  id: number;
  method: M;
  params: RequestParams<P, M>;
}

export interface ViewNotificationMessage<P extends ProtocolShape, M extends ViewNotificationMethod<P> = ViewNotificationMethod<P>> {
  kind: 'notification';
  method: M;
  params: P['viewNotifications'][M];
}

export type WebviewToHostMessage<P extends ProtocolShape> = ReadyMessage | RequestMessage<P> | ViewNotificationMessage<P>;

/**
 * What a person can do about a failed request, when it is not "try again": `setKey` (no API key is set, or
 * the server refused it: Set API Key), `none` (this server cannot do it: a Retry could not help).
 */
export const RESPONSE_REMEDIES = ['setKey', 'none'] as const;
export type ResponseRemedy = (typeof RESPONSE_REMEDIES)[number];

export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: string; remedy?: ResponseRemedy };

export interface HostNotificationMessage<P extends ProtocolShape, M extends HostNotificationMethod<P> = HostNotificationMethod<P>> {
  kind: 'notification';
  method: M;
  params: P['hostNotifications'][M];
}

export type HostToWebviewMessage<P extends ProtocolShape> = ResponseMessage | HostNotificationMessage<P>;

/** The host's runtime check of every request and notification a webview may send (complete by type). */
export interface MessageChecks<P extends ProtocolShape> {
  requests: { [M in RequestMethod<P>]: Check<RequestParams<P, M>> };
  notifications: { [M in ViewNotificationMethod<P>]: Check<P['viewNotifications'][M]> };
}
