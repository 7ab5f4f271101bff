import type { Session } from '../../../features/sessions/session.schemas';
import { Badge, type BadgeTone } from '../../components/Badge';
import { useI18n } from '../../lib/i18n';

const TONES: Record<Session['status'], BadgeTone> = { planned: 'info', ongoing: 'success', completed: 'neutral', cancelled: 'danger' };

export function SessionStatusBadge({ status }: { status: Session['status'] }) {
  const { t } = useI18n();
  return <Badge tone={TONES[status]}>{t(`sessions.status.${status}`)}</Badge>;
}

/** Seats taken over capacity, with a small gauge. */
export function Seats({ session }: { session: Pick<Session, 'enrolled_count' | 'capacity_max'> }) {
  const { t } = useI18n();
  if (session.capacity_max === null) return <span>{session.enrolled_count} / ∞</span>;
  const ratio = Math.min(1, session.enrolled_count / session.capacity_max);
  return (
    <span className="seats">
      <span className="nowrap">{t('sessions.seats_value', { taken: session.enrolled_count, capacity: session.capacity_max })}</span>
      <span className={`seats-bar ${ratio >= 1 ? 'full' : ''}`} aria-hidden="true"><span style={{ width: `${ratio * 100}%` }} /></span>
    </span>
  );
}
