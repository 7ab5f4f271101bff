/** How a slot's trainers, place and flags read in the session's Planning tab. */
import type { Session } from '../../../features/sessions/session.schemas';
import type { Slot } from '../../../features/sessions/slot.schemas';
import type { Language, Translate } from '../../lib/i18n';

/** 'Julien Martin (principal), Ana Costa (co-formatrice)', or the session's trainer when the slot names none. */
export function slotTrainers(t: Translate, slot: Slot, session: Session): { text: string; inherited: boolean } {
  if (slot.trainers.length === 0) return { text: session.teacher_name ?? t('sessions.no_teacher'), inherited: true };
  return {
    text: slot.trainers.map((trainer) => `${trainer.full_name ?? trainer.email} (${t(`slots.role.${trainer.role}`)})`).join(', '),
    inherited: false,
  };
}

/** The slot's own place, else the session's. */
export function slotPlace(slot: Slot, session: Session): { text: string | null; inherited: boolean } {
  return slot.location ? { text: slot.location, inherited: false } : { text: session.location, inherited: true };
}

/** 'Noël', 'Dimanche': why nobody should train that day, or null. */
export function nonWorkingDayName(slot: Pick<Slot, 'non_working_day'>, language: Language): string | null {
  return slot.non_working_day ? slot.non_working_day.name[language] : null;
}
