import type { Formation } from '../../../features/formations/formation.schemas';
import type { Translate } from '../../lib/i18n';
import type { Formatters } from '../../lib/organization';

/** '21 h · 3 j' from the formation's hours and days. */
export function formatDuration(formation: Pick<Formation, 'duration_hours' | 'duration_days'>, t: Translate, format: Formatters): string {
  const parts: string[] = [];
  if (formation.duration_hours) parts.push(`${format.number(Number(formation.duration_hours), 2)} h`);
  if (formation.duration_days) parts.push(`${formation.duration_days} ${t('formations.unit.days').toLowerCase()}`);
  return parts.join(' · ') || '—';
}
