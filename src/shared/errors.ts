/**
 * Application errors: a closed set of string codes, each mapped to one HTTP status here and
 * nowhere else. Services throw AppError; the server's error handler serialises it as
 * { "error": { "code", "message", "details" } }.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_CSV: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  CSRF_REJECTED: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DUPLICATE: 409,
  HAS_DEPENDENTS: 409,
  SESSION_FULL: 409,
  SESSION_CANCELLED: 409,
  SLOT_OVERLAP: 409,
  SLOT_NOT_STARTED: 409,
  SLOT_CANCELLED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', `${what} not found`);
}
