/**
 * Server-side language for messages: French by default, English on request
 * (`Accept-Language`). Validation messages come from zod's own fr/en locales; messages of our
 * own refinements are looked up by key in MESSAGES, so both the API and the dashboard (which
 * uses the same schemas) show them in the user's language.
 */
import { z } from 'zod';

export type Language = 'fr' | 'en';

export function preferredLanguage(header: string | string[] | undefined): Language {
  const value = Array.isArray(header) ? header.join(',') : header ?? '';
  const ranked = value
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const quality = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: quality ? Number(quality.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.tag !== '')
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('fr')) return 'fr';
    if (tag.startsWith('en')) return 'en';
  }
  return 'fr';
}

/** Messages of EDUZEN's own validation rules, keyed by the `i18n` param of a refinement. */
export const MESSAGES = {
  end_date_before_start: {
    fr: 'La date de fin doit être postérieure ou égale à la date de début.',
    en: 'The end date must be on or after the start date.',
  },
  slot_end_before_start: {
    fr: 'L’heure de fin doit être postérieure à l’heure de début (un créneau se termine le jour même).',
    en: 'The end time must be after the start time (a slot ends on the day it starts).',
  },
  slot_outside_session: {
    fr: 'Le créneau doit être compris entre les dates de début et de fin de la session.',
    en: 'The slot must fall between the session’s start and end dates.',
  },
  slot_parts_overlap: {
    fr: 'Deux parties de la journée se chevauchent : vérifiez leurs horaires.',
    en: 'Two parts of the day overlap: check their hours.',
  },
  slot_part_repeated: {
    fr: 'Chaque partie de la journée (matin, après-midi, soir) ne peut figurer qu’une fois.',
    en: 'Each part of the day (morning, afternoon, evening) may appear only once.',
  },
  too_many_slots: {
    fr: 'Ce modèle produirait trop de créneaux (plus de 7 400) : réduisez la période.',
    en: 'This pattern would make too many slots (more than 7,400): shorten the period.',
  },
  trainer_repeated: {
    fr: 'Ce formateur figure déjà sur ce créneau.',
    en: 'This trainer is already on this slot.',
  },
  cancellation_reason_needs_cancelled: {
    fr: 'Un motif d’annulation ne s’indique que pour un créneau annulé.',
    en: 'A cancellation reason goes only with a cancelled slot.',
  },
  slot_not_in_session: {
    fr: 'Ce créneau ne fait pas partie de cette session.',
    en: 'This slot is not part of this session.',
  },
  late_minutes_exceed_slot: {
    fr: 'Le retard ne peut pas dépasser la durée du créneau.',
    en: 'Late minutes cannot exceed the length of the slot.',
  },
  slot_not_started: {
    fr: 'Ce créneau n’a pas encore commencé : sa présence ne peut pas encore être saisie.',
    en: 'This slot has not started yet: its attendance cannot be recorded yet.',
  },
  slot_cancelled: {
    fr: 'Ce créneau est annulé : sa présence ne peut pas être saisie.',
    en: 'This slot is cancelled: its attendance cannot be recorded.',
  },
  slot_overlap: {
    fr: 'La session a déjà un créneau à ce moment-là.',
    en: 'The session already has a slot at that time.',
  },
  slot_has_marks: {
    fr: 'Des présences sont saisies sur ce créneau : il ne peut être ni déplacé, ni annulé, ni supprimé. Retirez d’abord ces présences.',
    en: 'Attendance is recorded on this slot: it cannot be moved, cancelled or deleted. Take those marks away first.',
  },
  slots_outside_dates: {
    fr: 'Des créneaux du planning tombent en dehors de ces dates : déplacez-les ou supprimez-les d’abord.',
    en: 'Slots of the schedule fall outside these dates: move or delete them first.',
  },
  session_cancelled_records: {
    fr: 'La session est annulée : sa présence ne peut pas être saisie.',
    en: 'The session is cancelled: its attendance cannot be recorded.',
  },
  day_hours_out_of_order: {
    fr: 'Les horaires doivent se suivre sans se chevaucher : début et fin du matin, de l’après-midi, puis du soir.',
    en: 'Hours must follow each other without overlapping: start and end of the morning, the afternoon, then the evening.',
  },
  range_too_long: {
    fr: 'La période demandée ne peut pas dépasser 92 jours.',
    en: 'The period asked for cannot exceed 92 days.',
  },
  age_range_reversed: {
    fr: 'L’âge minimum doit être inférieur ou égal à l’âge maximum.',
    en: 'The minimum age must not exceed the maximum age.',
  },
  score_above_max: {
    fr: 'La note doit être comprise entre 0 et la note maximale.',
    en: 'The score must be between 0 and the maximum score.',
  },
  late_minutes_only_when_late: {
    fr: 'Les minutes de retard ne s’indiquent que pour un retard.',
    en: 'Late minutes are only allowed with the status "late".',
  },
  notes_need_a_mark: {
    fr: 'Une remarque accompagne une présence, une absence, un retard ou une excuse : pas un créneau non pointé.',
    en: 'A note goes with a mark (present, absent, late or excused), not with an unmarked slot.',
  },
  session_too_long: {
    fr: 'Une session ne peut pas durer plus de dix ans : vérifiez les dates.',
    en: 'A session cannot last more than ten years: check the dates.',
  },
  capacity_below_enrolled: {
    fr: 'La capacité ne peut pas être inférieure au nombre d’inscrits.',
    en: 'The capacity cannot be lower than the number of enrolled learners.',
  },
  teacher_not_in_organization: {
    fr: 'Le formateur doit être un compte actif de votre organisation, avec le rôle formateur ou administrateur.',
    en: 'The trainer must be an active account of your organisation with the role teacher or admin.',
  },
  formation_not_in_organization: {
    fr: 'Cette formation n’existe pas dans votre organisation.',
    en: 'No such formation in your organisation.',
  },
  program_not_in_organization: {
    fr: 'Ce programme n’existe pas dans votre organisation.',
    en: 'No such programme in your organisation.',
  },
  password_too_short: {
    fr: 'Le mot de passe doit contenir au moins 10 caractères.',
    en: 'The password must be at least 10 characters long.',
  },
  text_has_nul_character: {
    fr: 'Le texte contient un caractère nul (U+0000), qui n’est pas accepté.',
    en: 'The text contains a NUL character (U+0000), which is not accepted.',
  },
  session_date_out_of_range: {
    fr: 'La date doit être comprise entre 1900 et 2999.',
    en: 'The date must be between 1900 and 2999.',
  },
  student_not_enrolled: {
    fr: 'Cet apprenant n’est pas inscrit (inscription confirmée ou terminée) à cette session.',
    en: 'This learner is not enrolled (confirmed or completed) in this session.',
  },
  duplicate_entry: {
    fr: 'Cette ligne répète une ligne précédente de la même requête.',
    en: 'This entry repeats an earlier entry of the same request.',
  },
  grade_not_in_session: {
    fr: 'Cette note n’existe pas dans cette session.',
    en: 'This grade does not exist in this session.',
  },
  date_of_birth_out_of_range: {
    fr: 'La date de naissance doit être comprise entre le 01/01/1900 et aujourd’hui.',
    en: 'The date of birth must be between 1900-01-01 and today.',
  },
  student_number_repeated_in_file: {
    fr: 'Ce numéro de stagiaire figure déjà sur une ligne précédente du fichier.',
    en: 'This student number already appears on an earlier row of the file.',
  },
  student_number_taken: {
    fr: 'Ce numéro de stagiaire est déjà attribué à un stagiaire existant.',
    en: 'This student number already belongs to an existing student.',
  },
  email_repeated_in_file: {
    fr: 'Cette adresse e-mail figure déjà sur une ligne précédente du fichier.',
    en: 'This e-mail address already appears on an earlier row of the file.',
  },
  email_taken: {
    fr: 'Cette adresse e-mail est déjà celle d’un stagiaire existant.',
    en: 'This e-mail address already belongs to an existing student.',
  },
  csv_wrong_cell_count: {
    fr: 'Le nombre de cellules de cette ligne ne correspond pas à celui de l’en-tête.',
    en: 'This row does not have as many cells as the header.',
  },
  enrollment_status_not_settable: {
    fr: 'La liste d’attente est gérée selon les places : ce statut ne peut pas être choisi ici.',
    en: 'The waitlist follows the seats available: this status cannot be set here.',
  },
} as const satisfies Record<string, Record<Language, string>>;

export type MessageKey = keyof typeof MESSAGES;

export function message(key: MessageKey, language: Language): string {
  return MESSAGES[key][language];
}

/** A refinement's error that carries its message key, for `.refine(check, i18nError(key))`. */
export function i18nError(key: MessageKey, path?: string[]) {
  return { message: MESSAGES[key].en, params: { i18n: key }, ...(path ? { path } : {}) };
}

const locales = { fr: z.locales.fr(), en: z.locales.en() };

type ValidationIssueLike = {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
};

export function translateValidationIssue(issue: ValidationIssueLike, language: Language): string {
  const key = (issue.params.params as { i18n?: string } | undefined)?.i18n ?? (issue.params.i18n as string | undefined);
  if (key && key in MESSAGES) return MESSAGES[key as MessageKey][language];
  const rebuilt = {
    ...issue.params,
    code: issue.keyword,
    path: issue.instancePath.split('/').filter(Boolean),
    message: issue.message ?? '',
  } as unknown as z.core.$ZodRawIssue;
  const translated = locales[language].localeError?.(rebuilt);
  if (typeof translated === 'string') return translated;
  if (translated && typeof translated === 'object' && 'message' in translated) return translated.message;
  return issue.message ?? 'invalid value';
}
