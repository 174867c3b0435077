// Public surface of the API layer: import from here rather than from individual files.
export { ApiError, isApiError, parseRetryAfter, parseServerError, describeFields, scrubSecrets } from './errors';
export type { ApiErrorKind, ProviderInfo } from './errors';
export { createHttp, backoffDelay, retryDelay, resolveTuning } from './http';
export type { Http, HttpMethod, HttpOptions, RequestOptions, ResponseEvent, RetryTuning, StreamBody, QueryValue } from './http';
export { abortableSleep } from './abort';
export { multipartBody, railsFormEntries, toFormData, iterableToStream } from './multipart';
export type { FilePart, FormEntry, ProgressListener } from './multipart';
export { downloadToFile, parseDownloadUrl } from './download';
export type { DownloadOptions, DownloadProgress, DownloadResult } from './download';
export { createPager, cursorPages } from './paging';
export type { CursorPosition } from './paging';

export { AstriaClient, ASTRIA_BASE_URL, DEFAULT_UPLOAD_TIMEOUT_MS, normalizePrompt, normalizeTune } from './astria/client';
export type { AstriaClientOptions, PromptFiles, PromptListOptions, PromptOverrides, TuneListOptions, UploadOptions } from './astria/client';
export { tuneState, promptState, tuneEta, isTuneInProgress, isPromptInProgress } from './astria/state';
export type { TuneState, PromptState, TuneEta } from './astria/state';
export type * from './astria/types';

export { CartesiaClient, CARTESIA_BASE_URL, CARTESIA_VERSION } from './cartesia/client';
export type { CartesiaClientOptions } from './cartesia/client';
export type * from './cartesia/types';
