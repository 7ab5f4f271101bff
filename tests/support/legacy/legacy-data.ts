/**
 * Fills a legacy database at a chosen size with set-based SQL (fast enough for the benchmark's
 * million rows), with the awkward cases real databases carry. Ids are deterministic
 * (md5 of a label), so the same size always gives the same rows.
 */
export type LegacySize = {
  organizations: number;
  sessions: number;
  enrollmentsPerSession: number;
  attendancePerSession: number;
  gradesPerSession: number;
};

export const SMALL_SIZE: LegacySize = { organizations: 3, sessions: 60, enrollmentsPerSession: 4, attendancePerSession: 4, gradesPerSession: 2 };

function uuid(label: string, n: string): string {
  return `md5('${label}' || (${n}))::uuid`;
}

/** Statements that fill the legacy tables; awkward cases are every 1000th row from 3, 7 and so on. */
export function legacyDataStatements(size: LegacySize, awkward: boolean): string[] {
  const K = size.organizations;
  const S = size.sessions;
  const usersPerOrg = 4;
  const studentsPerOrg = Math.max(size.enrollmentsPerSession * 2, Math.ceil(S / (2 * K)));
  const programsPerOrg = Math.max(2, Math.ceil(S / (20 * K)));
  const E = size.enrollmentsPerSession;
  const org = (n: string) => uuid('org', `(${n}) % ${K}`);
  const studentOf = (session: string, j: string) =>
    uuid('stu', `(${session}) % ${K} + ${K} * (((${j}) + (${session})) % ${studentsPerOrg})`);
  const orphan = (n: string) => (awkward ? `((${n}) % 1000 in (3, 11))` : 'false');
  const reversed = (n: string) => (awkward ? `((${n}) % 1000 = 7)` : 'false');
  return [
    `insert into public.organizations (id, code, name, logo_url)
      select ${uuid('org', 'o')}, 'ORG-' || o, 'Organisme de formation ' || o, 'https://cdn.example/logo-' || o || '.png'
      from generate_series(0, ${K - 1}) o`,
    `insert into auth.users (id, email)
      select ${uuid('usr', 'u')}, 'staff' || u || '@legacy.example' from generate_series(0, ${K * usersPerOrg - 1}) u`,
    `insert into public.users (id, organization_id, email, full_name, role, phone)
      select ${uuid('usr', 'u')}, ${org('u')}, 'staff' || u || '@legacy.example', 'Personnel ' || u,
        case when u < ${K} then 'admin' when u < ${2 * K} then 'secretary' else 'teacher' end, '+33 1 00 00 ' || u
      from generate_series(0, ${K * usersPerOrg - 1}) u`,
    `insert into public.students (id, organization_id, student_number, first_name, last_name, email, address)
      select ${uuid('stu', 'm')}, ${org('m')}, 'E' || lpad(m::text, 7, '0'), 'Prénom' || m, 'Nom' || m,
        'apprenant' || m || '@legacy.example', case when m % 3 = 0 then m || ' rue de la Paix' end
      from generate_series(0, ${K * studentsPerOrg - 1}) m`,
    `insert into public.programs (id, organization_id, code, name, description, duration_hours, price, capacity_max,
        age_min, age_max, certification_issued, subtitle, category, eligible_cpf, cpf_code, legacy_reference)
      select ${uuid('prg', 'p')}, ${org('p')}, 'PRG-' || (p / ${K}), 'Formation ' || p, 'Contenu de la formation ' || p,
        35 + p % 10, 1200.50 + p, 12, 16, 65, p % 2 = 0, 'Niveau ' || (p % 3), 'Bureautique', p % 4 = 0,
        case when p % 4 = 0 then 'CPF' || p end, 'REF/' || p
      from generate_series(0, ${K * programsPerOrg - 1}) p`,
    `insert into public.program_sessions (id, program_id, name, start_date, end_date, teacher_id, location, capacity_max, status, room_code)
      select ${uuid('ses', 'n')},
        case when ${orphan('n')} then null else ${uuid('prg', `n % ${K} + ${K} * ((n / ${K}) % ${programsPerOrg})`)} end,
        'Session ' || n,
        case when ${reversed('n')} then date '2024-01-01' + (n % 700) + 3 else date '2024-01-01' + (n % 700) end,
        case when ${reversed('n')} then date '2024-01-01' + (n % 700) else date '2024-01-01' + (n % 700) + n % 5 end,
        ${uuid('usr', `n % ${K} + ${K} * (2 + (n / ${K}) % ${usersPerOrg - 2})`)},
        'Salle ' || (n % 20), 20,
        case when n % 13 = 0 then 'cancelled' when n % 5 = 0 then 'completed' else 'planned' end,
        'R' || (n % 50)
      from generate_series(0, ${S - 1}) n`,
    `insert into public.enrollments (id, program_session_id, student_id, status, enrollment_date, payment_status, amount_due, amount_paid)
      select ${uuid('enr', 'i')}, ${uuid('ses', `i % ${S}`)}, ${studentOf(`i % ${S}`, `i / ${S}`)},
        case when (i % ${S}) % 13 = 0 then 'cancelled' else 'confirmed' end,
        date '2023-12-01' + (i % 300), case when i % 3 = 0 then 'paid' else 'pending' end, 1200, case when i % 3 = 0 then 1200 else 0 end
      from generate_series(0, ${S * E - 1}) i`,
    `insert into public.attendance (id, organization_id, program_session_id, student_id, date, status, late_minutes)
      select ${uuid('att', 'a')}, ${org(`a % ${S}`)}, ${uuid('ses', `a % ${S}`)},
        ${studentOf(`a % ${S}`, `(a / ${S}) % ${E}`)}, date '2024-01-01' + a / ${S * E},
        case when a % 7 = 0 then 'late' when a % 11 = 0 then 'absent' else 'present' end,
        case when a % 7 = 0 then 10 end
      from generate_series(0, ${S * size.attendancePerSession - 1}) a`,
    `insert into public.grades (id, organization_id, program_session_id, student_id, subject, score, max_score)
      select ${uuid('grd', 'g')}, ${org(`g % ${S}`)}, ${uuid('ses', `g % ${S}`)},
        ${studentOf(`g % ${S}`, `(g / ${S}) % ${E}`)}, 'Module ' || (g / ${S}), 8 + g % 12, 20
      from generate_series(0, ${S * size.gradesPerSession - 1}) g`,
    `insert into public.session_documents (id, program_session_id, title)
      select ${uuid('doc', 'n')}, ${uuid('ses', 'n')}, 'Feuille d''émargement ' || n
      from generate_series(0, ${S - 1}, 10) n`,
    ...(awkward
      ? [
          // Attendance and grades whose session is gone (the legacy key emptied itself).
          `insert into public.attendance (id, organization_id, program_session_id, student_id, date, status)
            select ${uuid('att-loose', 'k')}, ${org('k')}, null, ${uuid('stu', `k % ${K}`)}, date '2023-06-01' + k, 'present'
            from generate_series(0, ${2 + Math.floor(S / 1000)}) k`,
          `insert into public.grades (id, organization_id, program_session_id, student_id, subject, score)
            select ${uuid('grd-loose', 'k')}, ${org('k')}, null, ${uuid('stu', `k % ${K}`)}, 'Ancien module', 12
            from generate_series(0, ${2 + Math.floor(S / 1000)}) k`,
        ]
      : []),
  ];
}
