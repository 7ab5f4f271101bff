/** Turns Postgres constraint violations a client can provoke into clear AppErrors. */
import { AppError } from './errors';

type PgError = Error & { code?: string; constraint?: string; detail?: string };

function isPgError(error: unknown): error is PgError {
  return error instanceof Error && typeof (error as PgError).code === 'string';
}

export type ConstraintMessages = Record<string, { field?: string; message: string }>;

/**
 * Rethrows a unique (23505), foreign-key (23503) or check (23514) violation of a known
 * constraint as a 409/400 AppError naming the field; anything else is rethrown unchanged.
 */
export function translateConstraintError(error: unknown, messages: ConstraintMessages): never {
  if (isPgError(error) && error.constraint && messages[error.constraint]) {
    const { field, message } = messages[error.constraint]!;
    const code = error.code === '23505' ? 'DUPLICATE' : error.code === '23503' ? 'CONFLICT' : 'VALIDATION_FAILED';
    const details = field ? { fields: [{ field: `body.${field}`, message }] } : undefined;
    throw new AppError(code, message, details);
  }
  throw error;
}

/** Escapes a user's search text for use inside an ILIKE pattern. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
