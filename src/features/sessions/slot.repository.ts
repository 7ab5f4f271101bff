import { type Kysely, type Transaction, sql } from 'kysely';
import type { Database } from '../../db/schema';
import { TRAINER_ROLES } from '../../shared/slots';
import { SEAT_HOLDING_STATUSES } from './session.repository';

export type SlotRow = {
  id: string;
  session_id: string;
  date: string;
  start_time: string;
  end_time: string;
  part_of_day: string;
  location: string | null;
  virtual_room_url: string | null;
  module_title: string | null;
  status: string;
  cancellation_reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
};

export type NewSlot = {
  date: string;
  start_time: string;
  end_time: string;
  part_of_day: string;
  location?: string | null;
  virtual_room_url?: string | null;
  module_title?: string | null;
  status?: string;
  cancellation_reason?: string | null;
};

export type TrainerRow = { slot_id: string; user_id: string; full_name: string | null; email: string; role: string };

const SLOT_COLUMNS = [
  'session_slots.id', 'session_slots.session_id', 'session_slots.date', 'session_slots.start_time',
  'session_slots.end_time', 'session_slots.part_of_day', 'session_slots.location',
  'session_slots.virtual_room_url', 'session_slots.module_title', 'session_slots.status',
  'session_slots.cancellation_reason', 'session_slots.created_at', 'session_slots.updated_at',
] as const;

/** A session's slots in chronological order. */
export async function listSessionSlots(db: Kysely<Database>, organizationId: string, sessionId: string): Promise<SlotRow[]> {
  return db.selectFrom('session_slots').select(SLOT_COLUMNS)
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
    .orderBy('date').orderBy('start_time').orderBy('id')
    .execute();
}

export async function findSlot(db: Kysely<Database>, organizationId: string, sessionId: string, slotId: string): Promise<SlotRow | undefined> {
  return db.selectFrom('session_slots').select(SLOT_COLUMNS)
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId).where('id', '=', slotId)
    .executeTakeFirst();
}

/** The trainers of these slots: leads, then co-trainers, then assistants, each by name. */
export async function listSlotTrainers(db: Kysely<Database>, organizationId: string, slotIds: readonly string[]): Promise<TrainerRow[]> {
  if (slotIds.length === 0) return [];
  return db.selectFrom('session_slot_trainers')
    .innerJoin('users', (join) => join
      .onRef('users.organization_id', '=', 'session_slot_trainers.organization_id')
      .onRef('users.id', '=', 'session_slot_trainers.user_id'))
    .select(['session_slot_trainers.slot_id', 'session_slot_trainers.user_id', 'users.full_name', 'users.email', 'session_slot_trainers.role'])
    .where('session_slot_trainers.organization_id', '=', organizationId)
    .where('session_slot_trainers.slot_id', 'in', slotIds)
    .orderBy(sql`array_position(array[${sql.join(TRAINER_ROLES.map((role) => sql.lit(role)))}], ${sql.ref('session_slot_trainers.role')})`)
    .orderBy('users.full_name').orderBy('users.email')
    .execute();
}

/** How many attendance marks each of a session's slots carries. */
export async function countMarksBySlot(db: Kysely<Database>, organizationId: string, sessionId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('attendance')
    .select(['slot_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('organization_id', '=', organizationId).where('session_id', '=', sessionId)
    .groupBy('slot_id')
    .execute();
  return new Map(rows.flatMap((row) => (row.slot_id ? [[row.slot_id, Number(row.n)] as const] : [])));
}

/** How many attendance marks one slot carries. */
export async function countSlotMarks(db: Kysely<Database>, organizationId: string, slotId: string): Promise<number> {
  const row = await db.selectFrom('attendance').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organization_id', '=', organizationId).where('slot_id', '=', slotId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const INSERT_CHUNK = 1000;

export async function insertSlots(trx: Transaction<Database>, organizationId: string, sessionId: string, slots: readonly NewSlot[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < slots.length; start += INSERT_CHUNK) {
    const rows = await trx.insertInto('session_slots')
      .values(slots.slice(start, start + INSERT_CHUNK).map((slot) => ({ ...slot, organization_id: organizationId, session_id: sessionId })))
      .returning('id')
      .execute();
    ids.push(...rows.map((row) => row.id));
  }
  return ids;
}

export async function updateSlot(trx: Transaction<Database>, organizationId: string, slotId: string, values: Partial<NewSlot>) {
  if (Object.values(values).every((value) => value === undefined)) return;
  await trx.updateTable('session_slots').set(values)
    .where('organization_id', '=', organizationId).where('id', '=', slotId)
    .execute();
}

export async function replaceSlotTrainers(
  trx: Transaction<Database>,
  organizationId: string,
  slotId: string,
  trainers: readonly { user_id: string; role: string }[],
) {
  await trx.deleteFrom('session_slot_trainers').where('organization_id', '=', organizationId).where('slot_id', '=', slotId).execute();
  if (trainers.length === 0) return;
  await trx.insertInto('session_slot_trainers')
    .values(trainers.map((trainer) => ({ organization_id: organizationId, slot_id: slotId, user_id: trainer.user_id, role: trainer.role })))
    .execute();
}

export async function deleteSlots(trx: Transaction<Database>, organizationId: string, slotIds: readonly string[]): Promise<number> {
  if (slotIds.length === 0) return 0;
  let deleted = 0;
  for (let start = 0; start < slotIds.length; start += INSERT_CHUNK) {
    const result = await trx.deleteFrom('session_slots')
      .where('organization_id', '=', organizationId).where('id', 'in', slotIds.slice(start, start + INSERT_CHUNK))
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}

/** The ids among `userIds` that are active trainers (teacher or admin) of the organisation. */
export async function listEligibleTrainerIds(db: Kysely<Database>, organizationId: string, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db.selectFrom('users').select('id')
    .where('organization_id', '=', organizationId).where('id', 'in', userIds)
    .where('role', 'in', ['teacher', 'admin']).where('is_active', '=', true)
    .execute();
  return new Set(rows.map((row) => row.id));
}

export type PlanningFilter = { from: string; to: string; teacher_id?: string; location?: string; session_id?: string };

export type PlanningRow = SlotRow & {
  session_name: string;
  session_status: string;
  session_location: string | null;
  session_teacher_id: string | null;
  session_teacher_name: string | null;
  session_teacher_email: string | null;
  formation_name: string;
  learner_count: number;
};

/** Slots of every session between two dates, with their session, formation and seat count. */
export async function listPlanningSlots(db: Kysely<Database>, organizationId: string, filter: PlanningFilter): Promise<PlanningRow[]> {
  let query = db.selectFrom('session_slots')
    .innerJoin('sessions', (join) => join
      .onRef('sessions.organization_id', '=', 'session_slots.organization_id')
      .onRef('sessions.id', '=', 'session_slots.session_id'))
    .innerJoin('formations', (join) => join
      .onRef('formations.organization_id', '=', 'sessions.organization_id')
      .onRef('formations.id', '=', 'sessions.formation_id'))
    .leftJoin('users as teacher', (join) => join
      .onRef('teacher.organization_id', '=', 'sessions.organization_id')
      .onRef('teacher.id', '=', 'sessions.teacher_id'))
    .select(SLOT_COLUMNS)
    .select([
      'sessions.name as session_name', 'sessions.status as session_status', 'sessions.location as session_location',
      'sessions.teacher_id as session_teacher_id', 'teacher.full_name as session_teacher_name',
      'teacher.email as session_teacher_email', 'formations.name as formation_name',
      (eb) => eb.selectFrom('enrollments').select(eb.fn.countAll<string>().as('n'))
        .whereRef('enrollments.organization_id', '=', 'sessions.organization_id')
        .whereRef('enrollments.session_id', '=', 'sessions.id')
        .where('enrollments.status', 'in', SEAT_HOLDING_STATUSES)
        .as('learner_count'),
    ])
    .where('session_slots.organization_id', '=', organizationId)
    .where('session_slots.date', '>=', filter.from)
    .where('session_slots.date', '<=', filter.to);
  if (filter.session_id) query = query.where('session_slots.session_id', '=', filter.session_id);
  if (filter.location) {
    const location = filter.location.toLowerCase();
    query = query.where((eb) => eb(eb.fn('lower', [eb.fn.coalesce('session_slots.location', 'sessions.location')]), '=', location));
  }
  if (filter.teacher_id) {
    const teacherId = filter.teacher_id;
    query = query.where((eb) => eb.or([
      eb.exists(eb.selectFrom('session_slot_trainers as t').select('t.user_id')
        .whereRef('t.organization_id', '=', 'session_slots.organization_id')
        .whereRef('t.slot_id', '=', 'session_slots.id')
        .where('t.user_id', '=', teacherId)),
      eb.and([
        eb('sessions.teacher_id', '=', teacherId),
        eb.not(eb.exists(eb.selectFrom('session_slot_trainers as t').select('t.user_id')
          .whereRef('t.organization_id', '=', 'session_slots.organization_id')
          .whereRef('t.slot_id', '=', 'session_slots.id'))),
      ]),
    ]));
  }
  const rows = await query
    .orderBy('session_slots.date').orderBy('session_slots.start_time').orderBy('sessions.name').orderBy('session_slots.id')
    .execute();
  return rows.map((row) => ({ ...row, learner_count: Number(row.learner_count ?? 0) }));
}

export type ConflictRow = {
  slot_id: string;
  kind: 'trainer' | 'learner' | 'room';
  other_slot_id: string;
  other_session_id: string;
  other_session_name: string;
  subject: string;
};

/**
 * Pairs of slots between two dates that share a moment and a trainer, a learner or a place.
 * Cancelled slots and slots of cancelled sessions take no one's time and are left out. A
 * slot's trainers are its own, else its session's trainer; its place is its own, else its
 * session's location; its learners hold a seat in its session.
 */
export async function listConflicts(db: Kysely<Database>, organizationId: string, from: string, to: string): Promise<ConflictRow[]> {
  // Each kind pairs only the slots that share its subject (a trainer, a learner, a place) on the
  // same day, so the work grows with the slots each subject has, not with every pair of a day.
  const seats = sql.join([...SEAT_HOLDING_STATUSES]);
  const result = await sql<ConflictRow>`
    with live as materialized (
      select x.id, x.session_id, x.date, x.start_time, x.end_time, s.name as session_name,
             lower(nullif(btrim(coalesce(x.location, s.location)), '')) as place_key,
             nullif(btrim(coalesce(x.location, s.location)), '') as place, s.teacher_id
      from public.session_slots x
      join public.sessions s on s.organization_id = x.organization_id and s.id = x.session_id
      where x.organization_id = ${organizationId} and x.date between ${from}::date and ${to}::date
        and x.status <> 'cancelled' and s.status <> 'cancelled'
    ),
    trained as materialized (
      select l.*, t.user_id from live l
      join public.session_slot_trainers t on t.organization_id = ${organizationId} and t.slot_id = l.id
      union all
      select l.*, l.teacher_id from live l
      where l.teacher_id is not null
        and not exists (select 1 from public.session_slot_trainers t where t.organization_id = ${organizationId} and t.slot_id = l.id)
    ),
    attended as materialized (
      select l.*, e.student_id from live l
      join public.enrollments e on e.organization_id = ${organizationId} and e.session_id = l.session_id and e.status in (${seats})
    )
    select a.id as slot_id, 'trainer' as kind, b.id as other_slot_id, b.session_id as other_session_id,
           b.session_name as other_session_name, coalesce(u.full_name, u.email) as subject
    from trained a
    join trained b on b.user_id = a.user_id and b.date = a.date and b.id <> a.id
      and a.start_time < b.end_time and b.start_time < a.end_time
    join public.users u on u.organization_id = ${organizationId} and u.id = a.user_id
    union all
    select a.id, 'room', b.id, b.session_id, b.session_name, a.place
    from live a
    join live b on b.place_key = a.place_key and b.date = a.date and b.id <> a.id
      and a.start_time < b.end_time and b.start_time < a.end_time
    where a.place_key is not null
    union all
    select a.id, 'learner', b.id, b.session_id, b.session_name,
           btrim(coalesce(st.first_name, '') || ' ' || coalesce(st.last_name, ''))
    from attended a
    join attended b on b.student_id = a.student_id and b.date = a.date and b.session_id <> a.session_id
      and a.start_time < b.end_time and b.start_time < a.end_time
    join public.students st on st.organization_id = ${organizationId} and st.id = a.student_id
  `.execute(db);
  return result.rows;
}
