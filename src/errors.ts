/**
 * Errors are data first: a stable `code`, a one-line message, and a hint saying how to fix it.
 * The CLI prints `message` and `hint` on one line and exits 2 for a ClienteleError (bad input or usage),
 * 1 for anything else (an internal fault).
 */
export class ClienteleError extends Error {
  readonly code: string;
  readonly hint?: string;
  constructor(code: string, message: string, hint?: string) {
    super(message);
    this.name = 'ClienteleError';
    this.code = code;
    this.hint = hint;
  }
}

/** The input data cannot be used as given (missing column, unparseable value, empty file...). */
export class InputError extends ClienteleError {
  constructor(code: string, message: string, hint?: string) {
    super(code, message, hint);
    this.name = 'InputError';
  }
}

/** A model was used before `fit`, or a saved model does not match what is asked of it. */
export class ModelError extends ClienteleError {
  constructor(code: string, message: string, hint?: string) {
    super(code, message, hint);
    this.name = 'ModelError';
  }
}

export function formatError(err: ClienteleError): string {
  return err.hint ? `${err.message}. ${err.hint}` : err.message;
}
