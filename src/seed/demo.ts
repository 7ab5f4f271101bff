/**
 * The demo training centre: 3 programmes, 8 formations, 20 sessions spread over past, current
 * and future dates, 60 students, enrollments (some sessions full, with a waiting list),
 * a schedule of slots per session (most full days, one evening course, one morning-only),
 * attendance for the slots already held and grades for finished sessions.
 *
 * Idempotent: it does nothing when the demo organisation exists. Deterministic: the same date
 * gives the same data (a seeded generator, dates relative to today).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { findOrganizationByCode, insertOrganization } from '../features/organizations/organization.repository';
import { DEFAULT_DAY_HOURS, type DayPart, dayPart, defaultPattern, generateSlots } from '../shared/slots';
import { createStaffAccount } from '../features/users/staff-account';
import {
  DEMO_ADMIN_EMAIL, DEMO_FORMATIONS, DEMO_LOCATIONS, DEMO_ORGANIZATION, DEMO_PROGRAMS, DEMO_STAFF,
  EMPLOYERS, FIRST_NAMES, LAST_NAMES,
} from './demo-data';

export type DemoSeedResult =
  | { created: false; organizationId: string; adminEmail: string }
  | { created: true; organizationId: string; adminEmail: string; adminPassword: string; counts: Record<string, number> };

export async function isDatabaseEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('organizations').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n) === 0;
}

export async function seedDemo(
  db: Kysely<Database>,
  options: { today?: Date; log?: (line: string) => void } = {},
): Promise<DemoSeedResult> {
  const log = options.log ?? (() => {});
  const existing = await findOrganizationByCode(db, DEMO_ORGANIZATION.code);
  if (existing) return { created: false, organizationId: existing.id, adminEmail: DEMO_ADMIN_EMAIL };

  const random = seededRandom(20260101);
  const today = startOfDay(options.today ?? new Date());
  const adminPassword = randomBytes(9).toString('base64url');

  const organization = await insertOrganization(db, DEMO_ORGANIZATION);
  log('demo: organisation and staff');
  const admin = await createStaffAccount(db, {
    organizationId: organization.id, email: DEMO_ADMIN_EMAIL, fullName: 'Claire Dumas', role: 'admin', password: adminPassword,
  });
  const staff = [];
  for (const member of DEMO_STAFF) {
    staff.push(await createStaffAccount(db, { organizationId: organization.id, ...member, password: randomBytes(12).toString('base64url') }));
  }
  const teachers = staff.filter((member) => member.role === 'teacher');

  return db.transaction().execute(async (trx) => {
    log('demo: catalogue');
    const programs = await trx.insertInto('programs')
      .values(DEMO_PROGRAMS.map((program) => ({ organization_id: organization.id, ...program })))
      .returning(['id', 'code']).execute();
    const programId = new Map(programs.map((program) => [program.code, program.id]));
    const formations = await trx.insertInto('formations')
      .values(DEMO_FORMATIONS.map(({ program, ...formation }) => ({
        organization_id: organization.id,
        program_id: programId.get(program) ?? null,
        ...formation,
        duration_unit: 'hours',
        currency: 'EUR',
        capacity_max: 12,
        modalities: 'Présentiel ou classe virtuelle',
        pedagogical_objectives: `À l’issue de la formation, le stagiaire maîtrise les fondamentaux : ${formation.subtitle.toLowerCase()}.`,
        prerequisites: 'Aucun prérequis',
        certification_issued: formation.eligible_cpf,
        published_online: true,
      })))
      .returning(['id', 'name', 'duration_hours']).execute();

    log('demo: sessions');
    // 20 sessions: 7 finished, 4 running now, 9 to come.
    const offsets = [-120, -90, -75, -60, -45, -30, -20, -3, -2, -1, 0, 7, 14, 21, 30, 45, 60, 75, 90, 120];
    const seasons = ['Hiver', 'Printemps', 'Été', 'Automne'];
    const sessionValues = offsets.map((offset, index) => {
      const formation = formations[index % formations.length]!;
      const days = Math.max(2, Math.min(5, Math.round(Number(formation.duration_hours) / 7)));
      const start = nextWeekday(addDays(today, offset));
      const end = addWeekdays(start, days - 1);
      const status = index === 18 ? 'cancelled' : end < today ? 'completed' : start <= today ? 'ongoing' : 'planned';
      return {
        organization_id: organization.id,
        formation_id: formation.id,
        name: `Session ${seasons[Math.floor(((start.getMonth() + 1) % 12) / 3)]} ${start.getFullYear()} — ${formation.name.replace(/^Formation /, '')}`,
        start_date: isoDate(start),
        end_date: isoDate(end),
        teacher_id: teachers[index % teachers.length]!.id,
        location: DEMO_LOCATIONS[index % DEMO_LOCATIONS.length]!,
        capacity_max: index % 6 === 2 ? 6 : 12,
        status,
      };
    });
    const sessions = await trx.insertInto('sessions').values(sessionValues).returningAll().execute();

    log('demo: slots');
    // Most sessions run full days; one is an evening course, one is morning-only.
    const dayParts = (index: number): DayPart[] => {
      if (index === 12) return [dayPart(DEFAULT_DAY_HOURS, 'evening')];
      if (index === 13) return [dayPart(DEFAULT_DAY_HOURS, 'morning')];
      return [dayPart(DEFAULT_DAY_HOURS, 'morning'), dayPart(DEFAULT_DAY_HOURS, 'afternoon')];
    };
    const slotValues = sessions.flatMap((session, index) => {
      const pattern = { ...defaultPattern(DEFAULT_DAY_HOURS, session), parts: dayParts(index) };
      return generateSlots(pattern, DEMO_ORGANIZATION.country).slots.map(({ minutes: _minutes, ...slot }) => ({
        ...slot, organization_id: organization.id, session_id: session.id,
      }));
    });
    const slots = await trx.insertInto('session_slots').values(slotValues)
      .returning(['id', 'session_id', 'date']).execute();
    const slotsBySession = new Map<string, typeof slots>();
    for (const slot of slots) slotsBySession.set(slot.session_id, [...(slotsBySession.get(slot.session_id) ?? []), slot]);

    log('demo: students');
    const students = await trx.insertInto('students')
      .values(Array.from({ length: 60 }, (_, index) => {
        const firstName = FIRST_NAMES[index % FIRST_NAMES.length]!;
        const lastName = LAST_NAMES[(index * 7) % LAST_NAMES.length]!;
        return {
          organization_id: organization.id,
          student_number: `STG-${String(index + 1).padStart(4, '0')}`,
          first_name: firstName,
          last_name: lastName,
          email: `${slug(firstName)}.${slug(lastName)}${index + 1}@exemple.fr`,
          phone: `06 ${String(10 + index).padStart(2, '0')} ${String(20 + (index * 3) % 80).padStart(2, '0')} 45 ${String(index % 90 + 10)}`,
          employer: EMPLOYERS[index % EMPLOYERS.length] ?? null,
          status: 'active',
        };
      }))
      .returning(['id']).execute();

    log('demo: enrollments, attendance and grades');
    const enrollments = [];
    const attendance = [];
    const grades = [];
    for (const [index, session] of sessions.entries()) {
      const capacity = session.capacity_max ?? 12;
      // Some sessions fill up and keep a waiting list; others are half full.
      const wanted = index % 6 === 2 ? capacity + 2 : 4 + Math.floor(random() * (capacity - 4));
      const roster = pick(students, wanted, random);
      for (const [position, student] of roster.entries()) {
        const status = session.status === 'completed' ? 'completed' : position < capacity ? 'confirmed' : 'waitlisted';
        enrollments.push({
          organization_id: organization.id,
          session_id: session.id,
          student_id: student.id,
          status,
          enrollment_date: isoDate(addDays(new Date(`${session.start_date}T00:00:00`), -20 + position)),
          enrolled_at: addDays(new Date(`${session.start_date}T09:00:00`), -20 + position),
          payment_status: random() < 0.7 ? 'paid' : 'pending',
          funding_scheme: random() < 0.5 ? 'CPF' : 'Plan de développement des compétences',
        });
        if (status === 'waitlisted' || session.status === 'cancelled') continue;
        for (const slot of slotsBySession.get(session.id) ?? []) {
          // Slots already held are marked; today's are left for the trainer to mark.
          if (slot.date >= isoDate(today)) break;
          const roll = random();
          const attendanceStatus = roll < 0.85 ? 'present' : roll < 0.91 ? 'late' : roll < 0.96 ? 'excused' : 'absent';
          attendance.push({
            organization_id: organization.id,
            session_id: session.id,
            student_id: student.id,
            slot_id: slot.id,
            date: slot.date,
            status: attendanceStatus,
            late_minutes: attendanceStatus === 'late' ? 5 + Math.floor(random() * 25) : null,
            recorded_by: session.teacher_id,
          });
        }
        if (session.status === 'completed') {
          for (const [subject, coefficient] of [['Évaluation pratique', '2'], ['Quiz final', '1']] as const) {
            grades.push({
              organization_id: organization.id,
              session_id: session.id,
              student_id: student.id,
              subject,
              assessment_type: subject === 'Quiz final' ? 'quiz' : 'practical',
              score: (8 + Math.round(random() * 24) / 2).toFixed(2),
              max_score: '20',
              coefficient,
              graded_by: session.teacher_id,
            });
          }
        }
      }
    }
    await trx.insertInto('enrollments').values(enrollments).execute();
    for (let offset = 0; offset < attendance.length; offset += 1000) {
      await trx.insertInto('attendance').values(attendance.slice(offset, offset + 1000)).execute();
    }
    if (grades.length > 0) await trx.insertInto('grades').values(grades).execute();

    return {
      created: true as const,
      organizationId: organization.id,
      adminEmail: admin.email,
      adminPassword,
      counts: {
        programs: programs.length,
        formations: formations.length,
        sessions: sessions.length,
        slots: slots.length,
        students: students.length,
        enrollments: enrollments.length,
        attendance: attendance.length,
        grades: grades.length,
      },
    };
  });
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(items: readonly T[], count: number, random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

function addDays(date: Date, days: number): Date {
  const next = new Date(date);
  next.setDate(next.getDate() + days);
  return next;
}

function nextWeekday(date: Date): Date {
  let day = date;
  while (day.getDay() === 0 || day.getDay() === 6) day = addDays(day, 1);
  return day;
}

function addWeekdays(date: Date, weekdays: number): Date {
  let day = date;
  for (let added = 0; added < weekdays; ) {
    day = addDays(day, 1);
    if (day.getDay() !== 0 && day.getDay() !== 6) added += 1;
  }
  return day;
}

function isoDate(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

function slug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
}
