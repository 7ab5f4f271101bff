/**
 * Business-rule errors on the items of a bulk request, collected before anything is written
 * and reported together as one 400 whose fields name the item: body.entries.3.student_id.
 */
import { AppError } from './errors';
import { type Language, type MessageKey, message } from './i18n';

export type EntryErrors = {
  add(field: string, key: MessageKey): void;
  /** Throws the 400 if anything was added. */
  throwIfAny(): void;
};

export function collectEntryErrors(language: Language): EntryErrors {
  const fields: Array<{ field: string; message: string }> = [];
  return {
    add(field, key) {
      fields.push({ field, message: message(key, language) });
    },
    throwIfAny() {
      if (fields.length === 0) return;
      const summary = language === 'fr' ? 'Certaines lignes sont invalides ; rien n’a été enregistré.' : 'Some entries are invalid; nothing was saved.';
      throw new AppError('VALIDATION_FAILED', summary, { fields });
    },
  };
}
