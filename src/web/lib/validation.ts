/**
 * Client-side validation with the API's own zod schemas (imported from src/features/*, never
 * re-declared): the same rules, the same messages (zod's fr/en locales, EDUZEN's own messages
 * for its refinements), shown before a round trip. The server's 400 stays the authority.
 */
import type { z } from 'zod';
import { MESSAGES, type MessageKey } from '../../shared/i18n';
import type { FieldErrors } from './api';
import type { Language } from './i18n';

export type Validation<T> = { ok: true; data: T } | { ok: false; fields: FieldErrors };

export function validateWith<T extends z.ZodType>(schema: T, values: unknown, language: Language): Validation<z.output<T>> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.');
    if (field in fields) continue;
    const key = (issue as { params?: { i18n?: string } }).params?.i18n;
    fields[field] = key && key in MESSAGES ? MESSAGES[key as MessageKey][language] : issue.message;
  }
  return { ok: false, fields };
}

/** '' → null, '12' → 12: the value of an optional number input, for schemas that take numbers. */
export function numberOrNull(value: string): number | null | string {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const parsed = Number(trimmed.replace(',', '.'));
  return Number.isFinite(parsed) ? parsed : trimmed;
}

/** '' → null for optional texts whose schema does not accept ''. */
export function textOrNull(value: string): string | null {
  return value.trim() === '' ? null : value;
}
