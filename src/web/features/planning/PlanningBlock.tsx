/**
 * One slot on the organisation's week: its hours, session, place and trainers, a link to the
 * session's Planning tab at that week. A conflict shows as a badge and a line naming its kind
 * and the other session (never colour alone); a cancelled slot is greyed and struck through.
 * Memoised: a filter change re-renders only the blocks whose slot changed.
 */
import { memo } from 'react';
import { Link } from 'react-router-dom';
import type { PlanningSlot } from '../../../features/sessions/slot.schemas';
import { type Translate, useI18n } from '../../lib/i18n';
import { slotHours } from '../../lib/slots';

/** Conflict lines a block prints; the rest are counted (and all are in its tooltip). */
const VISIBLE_CONFLICTS = 2;

type ConflictGroup = { kind: PlanningSlot['conflicts'][number]['kind']; session: string; subjects: string[] };

/** Conflicts by kind and other session: two learners shared with one session are one line. */
function groupConflicts(conflicts: PlanningSlot['conflicts']): ConflictGroup[] {
  const groups = new Map<string, ConflictGroup>();
  for (const conflict of conflicts) {
    const key = `${conflict.kind}|${conflict.other_session_id}`;
    const group = groups.get(key) ?? { kind: conflict.kind, session: conflict.other_session_name, subjects: [] };
    if (!group.subjects.includes(conflict.subject)) group.subjects.push(conflict.subject);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function conflictLine(t: Translate, group: ConflictGroup): string {
  if (group.kind === 'learner') return t('planning.conflict.learner', { count: group.subjects.length, session: group.session });
  return t(`planning.conflict.${group.kind}`, { subject: group.subjects.join(', '), session: group.session });
}

/** A steady tint per session, so the blocks of one session read together. */
function toneOf(sessionId: string): number {
  let hash = 0;
  for (let index = 0; index < sessionId.length; index++) hash = (hash * 31 + sessionId.charCodeAt(index)) | 0;
  return Math.abs(hash) % 6;
}

export const PlanningBlock = memo(function PlanningBlock({ slot, monday }: { slot: PlanningSlot; monday: string }) {
  const { t } = useI18n();
  const cancelled = slot.status === 'cancelled';
  const groups = groupConflicts(slot.conflicts);
  const kinds = new Set(groups.map((group) => group.kind));
  const trainers = slot.effective_trainers.map((trainer) => trainer.full_name ?? trainer.email).join(', ');
  // The badge names the kinds; each line names the other session (and who or what is shared).
  const badge = kinds.size === 1
    ? t(`planning.conflict_badge.${groups[0]!.kind}`)
    : t('planning.conflict_badge.many', { kinds: [...kinds].map((kind) => t(`planning.conflict_kind.${kind}`)).join(', ') });
  const lines = groups.map((group) => conflictLine(t, group));
  return (
    <Link
      to={`/dashboard/sessions/${slot.session_id}/planning?view=week&week=${monday}`}
      className={`slot-block tone-${toneOf(slot.session_id)} ${cancelled ? 'is-cancelled' : ''} ${groups.length > 0 ? 'has-conflict' : ''}`}
      data-slot-id={slot.id}
      title={[slotHours(t, slot), slot.session_name, ...lines, slot.place, trainers].filter(Boolean).join('\n')}
    >
      <span className="slot-block-time">
        {slotHours(t, slot)}
        {groups.length > 0 && <span className="conflict-badge">⚠ {badge}</span>}
      </span>
      <strong className="slot-block-title">{slot.session_name}</strong>
      {cancelled && <span className="slot-block-line">{t('slots.status.cancelled')}</span>}
      {lines.slice(0, VISIBLE_CONFLICTS).map((line) => <span key={line} className="slot-block-conflict">{line}</span>)}
      {lines.length > VISIBLE_CONFLICTS && <span className="slot-block-conflict">{t('planning.conflict_more', { count: lines.length - VISIBLE_CONFLICTS })}</span>}
      {slot.place && <span className="slot-block-line">{slot.place}</span>}
      {trainers && <span className="slot-block-line">{trainers}</span>}
    </Link>
  );
});
