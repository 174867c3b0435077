// What a tool says when it fails: one sentence the model (and the user) can act on, never a stack trace
// and never a key (the clients' errors carry none). Pure: unit-tested.
import { ApiError } from '../api/errors';
import { errorMessage } from '../shared/errorMessage';

/** Thrown for input the tool cannot use: said to the model as it is. */
export class InputProblem extends Error {}

/** A failure as one sentence the model (and the user) can act on. */
export function errorSentence(error: unknown): string {
  if (error instanceof InputProblem) return error.message;
  if (error instanceof ApiError) {
    if (error.kind === 'auth') return 'Astria refused the API key. Ask the user to run "Tune Studio: Set Astria API Key".';
    if (error.kind === 'validation' || error.fields) {
      const fields = error.fields ? Object.entries(error.fields).map(([field, words]) => `${field}: ${words.join('; ')}`) : [];
      return `Astria refused the request: ${[error.message, ...fields].filter(Boolean).join(' — ')}`;
    }
    return error.message;
  }
  if (error instanceof Error && error.name === 'Canceled') return 'Cancelled.';
  return errorMessage(error);
}

