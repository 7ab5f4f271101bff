/**
 * Client-side validation with the API's own zod schemas (imported from src/features/*, never
 * re-declared): the same rules, the same messages (zod's fr/en locales, EDUZEN's own messages
 * for its refinements), shown before a round trip. The server's 400 stays the authority.
 */
import { useState } from 'react';
import type { z } from 'zod';
import { MESSAGES, type MessageKey } from '../../shared/i18n';
import { ApiError, type FieldErrors } from './api';
import { describeError } from './errors';
import { type Language, useI18n } from './i18n';

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

/**
 * A form's error state: field errors under the inputs, anything else in words above them.
 * `check` validates with the shared schema before the round trip; `showError` shows an API
 * failure (a 400's field errors on the fields, and a 409's when it names fields; a duplicate on
 * `duplicateField` when given); `clear` drops them all (a form reset to its stored values).
 */
export function useFormErrors() {
  const { t, language } = useI18n();
  const [fields, setFields] = useState<FieldErrors>({});
  const [alert, setAlert] = useState<string | null>(null);
  return {
    fields,
    alert,
    check<T extends z.ZodType>(schema: T, values: unknown): z.output<T> | undefined {
      const checked = validateWith(schema, values, language);
      setAlert(null);
      setFields(checked.ok ? {} : checked.fields);
      return checked.ok ? checked.data : undefined;
    },
    showError(error: unknown, options: { duplicateField?: string } = {}) {
      // A 400, or a 409 CONFLICT that names its fields (dates leaving slots outside the session).
      if (error instanceof ApiError && (error.status === 400 || (error.code === 'CONFLICT' && Object.keys(error.fields).length > 0))) setFields(error.fields);
      else if (options.duplicateField && error instanceof ApiError && error.code === 'DUPLICATE') setFields({ [options.duplicateField]: t('error.duplicate') });
      else setAlert(describeError(error, t));
    },
    clear() {
      setAlert(null);
      setFields({});
    },
  };
}
