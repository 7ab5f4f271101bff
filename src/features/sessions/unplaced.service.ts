/**
 * Restoring a session the legacy upgrade set aside (its organisation was told by nothing) into
 * an organisation chosen by the operator: in one transaction, the session comes back under its
 * legacy id with its name, dates, status, place and capacity, filed under a formation of that
 * organisation (named, or its "Sessions sans formation"), and its legacy hours become slots the
 * way the slots migration made them for every other session (each weekday between its dates, a
 * morning and an afternoon of those hours when they last at least a minute). The kept row stays,
 * marked restored.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { type DayPart, generateSlots, minutesOfDay } from '../../shared/slots';
import { insertSlots } from './slot.repository';
import * as repository from './unplaced.repository';

export type RestoreRequest = {
  sessionId: string;
  organizationCode: string;
  /** A formation of that organisation by code; none: its placeholder formation. */
  formationCode?: string;
  placeholder: { code: string; name: string };
};

export type RestoreFailure =
  | { code: 'UNKNOWN_SESSION' }
  | { code: 'ALREADY_RESTORED'; restoredAt: string }
  | { code: 'UNKNOWN_ORGANIZATION' }
  | { code: 'UNKNOWN_FORMATION' }
  | { code: 'SESSION_ID_TAKEN' };

export type RestoreResult =
  | { ok: true; sessionId: string; name: string; formationCode: string; slots: number; teacherDropped: boolean }
  | ({ ok: false } & RestoreFailure);

/** The baseline's lunch break, which the upgrade moves within a session that does not straddle it. */
const DEFAULT_HOURS = { am_end_time: '12:30', pm_start_time: '13:30' };
const WEEKDAYS = [1, 2, 3, 4, 5];

type LegacyRow = Record<string, unknown>;

export async function restoreUnplacedSession(db: Kysely<Database>, request: RestoreRequest): Promise<RestoreResult> {
  return db.transaction().execute(async (trx): Promise<RestoreResult> => {
    const kept = await repository.lockUnplacedSession(trx, request.sessionId);
    if (!kept) return { ok: false, code: 'UNKNOWN_SESSION' };
    if (kept.restored_at !== null) return { ok: false, code: 'ALREADY_RESTORED', restoredAt: String(kept.restored_at) };
    const organization = await repository.findOrganizationForRestore(trx, request.organizationCode);
    if (!organization) return { ok: false, code: 'UNKNOWN_ORGANIZATION' };
    const formation = request.formationCode === undefined
      ? await repository.ensurePlaceholderFormation(trx, organization.id, request.placeholder)
      : await repository.findFormationByCode(trx, organization.id, request.formationCode);
    if (!formation) return { ok: false, code: 'UNKNOWN_FORMATION' };
    if (await repository.sessionExists(trx, kept.id)) return { ok: false, code: 'SESSION_ID_TAKEN' };

    const row = kept.legacy_row as LegacyRow;
    const text = (column: string) => (typeof row[column] === 'string' ? (row[column] as string) : null);
    const legacyTeacher = text('teacher_id');
    const teacherId = legacyTeacher !== null && (await repository.isUserOfOrganization(trx, organization.id, legacyTeacher)) ? legacyTeacher : null;
    const session: repository.RestoredSession = {
      id: kept.id,
      organization_id: organization.id,
      formation_id: formation.id,
      name: text('name') ?? '',
      start_date: text('start_date')!,
      end_date: text('end_date')!,
      teacher_id: teacherId,
      location: text('location'),
      capacity_max: typeof row.capacity_max === 'number' ? row.capacity_max : null,
      status: text('status') ?? 'planned',
      created_at: text('created_at') ?? undefined,
      updated_at: text('updated_at') ?? undefined,
    };
    await repository.insertRestoredSession(trx, session);
    const hours = breakAround(text('start_time'), text('end_time'));
    if (hours) await repository.insertFormerHours(trx, organization.id, session.id, hours);
    // Hours not known (none, or an end before the start): no slot yet, as the upgrade does.
    const slots = hours ? slotsFromHours(session, hours, organization.country) : [];
    await insertSlots(trx, organization.id, session.id, slots);
    await repository.markUnplacedSessionRestored(trx, kept.id, organization.id);
    return { ok: true, sessionId: session.id, name: session.name, formationCode: formation.code, slots: slots.length, teacherDropped: legacyTeacher !== null && teacherId === null };
  });
}

/**
 * The baseline's lunch break set around a session's own hours, as the upgrade does for the
 * sessions it carries (src/migrate/legacy/session-hours.ts, the same rule in SQL): a session that
 * does not straddle 12:30–13:30 keeps all its hours in one half-day.
 */
export function breakAround(start: string | null, end: string | null): repository.FormerHours | null {
  if (start === null || end === null || minutesOfDay(start) > minutesOfDay(end)) return null;
  const clock = (time: string) => time.slice(0, 5);
  const later = (a: string, b: string) => (minutesOfDay(a) >= minutesOfDay(b) ? a : b);
  const earlier = (a: string, b: string) => (minutesOfDay(a) <= minutesOfDay(b) ? a : b);
  const amEnd = earlier(later(clock(start), DEFAULT_HOURS.am_end_time), clock(end));
  return { start_time: clock(start), am_end_time: amEnd, pm_start_time: later(earlier(clock(end), DEFAULT_HOURS.pm_start_time), amEnd), end_time: clock(end) };
}

/** As the slots migration: every weekday, holidays included, each half-day of at least a whole minute. */
function slotsFromHours(dates: { start_date: string; end_date: string }, hours: repository.FormerHours, country: string) {
  const parts: DayPart[] = [
    { part_of_day: 'morning', start_time: hours.start_time, end_time: hours.am_end_time },
    { part_of_day: 'afternoon', start_time: hours.pm_start_time, end_time: hours.end_time },
  ].filter((part): part is DayPart => minutesOfDay(part.start_time) < minutesOfDay(part.end_time));
  const { slots } = generateSlots(
    { from: dates.start_date, to: dates.end_date, weekdays: WEEKDAYS, parts, skip_non_working_days: false },
    country,
  );
  return slots.map(({ minutes: _minutes, ...slot }) => slot);
}
