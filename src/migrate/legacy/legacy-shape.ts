/**
 * What EDUZEN knows about the legacy shape (DESIGN §5): which tables and columns were renamed,
 * which new columns are derived from data, and which indexes, triggers and policies the legacy
 * product created (those are replaced; anything else is the operator's own and is kept).
 */
export const TABLE_RENAMES = [
  { from: 'programs', to: 'formations' },
  { from: 'program_sessions', to: 'sessions' },
] as const;

export const COLUMN_RENAMES = [
  { table: 'sessions', from: 'program_id', to: 'formation_id' },
  { table: 'enrollments', from: 'program_session_id', to: 'session_id' },
  { table: 'attendance', from: 'program_session_id', to: 'session_id' },
  { table: 'grades', from: 'program_session_id', to: 'session_id' },
] as const;

/** Legacy tables under their new names: the tables the upgrade carries (not `programs`, which is new). */
export const CARRIED_TABLES = ['organizations', 'users', 'students', 'formations', 'sessions', 'enrollments', 'attendance', 'grades'] as const;

export type CarriedTable = (typeof CARRIED_TABLES)[number];

export function legacyNameOf(table: string): string {
  return TABLE_RENAMES.find((rename) => rename.to === table)?.from ?? table;
}

/**
 * Columns the baseline requires and the legacy shape lacks, filled from the data in batches.
 * `expression` is evaluated for a row aliased `t` of the renamed table.
 */
export type Backfill = { table: string; column: string; expression: string; description: string };

export const BACKFILLS: Backfill[] = [
  {
    table: 'sessions',
    column: 'organization_id',
    expression: '(select f.organization_id from public.formations f where f.id = t.formation_id)',
    description: "a session's organisation is its formation's",
  },
  {
    table: 'enrollments',
    column: 'organization_id',
    expression: '(select s.organization_id from public.students s where s.id = t.student_id)',
    description: "an enrollment's organisation is its student's",
  },
  {
    table: 'enrollments',
    column: 'enrolled_at',
    expression: 't.created_at',
    description: 'an enrollment was made when its row was created',
  },
];

/** Indexes the legacy product created, superseded by the baseline's. */
export const LEGACY_INDEXES = [
  'idx_programs_organization_id',
  'idx_programs_code',
  'idx_program_sessions_program_id',
  'idx_program_sessions_dates',
  'idx_enrollments_student_id',
  'idx_enrollments_program_session_id',
  'idx_attendance_program_session_id',
  'idx_grades_program_session_id',
  'idx_students_organization_id',
  'idx_users_organization_id',
];

/** The legacy product's own updated_at trigger function; triggers calling it are replaced. */
export const LEGACY_TRIGGER_FUNCTION = 'update_updated_at_column';

/** Policies the legacy product created, per table (under the legacy table name). */
export const LEGACY_POLICY_TABLES = ['organizations', 'users', 'students', 'programs', 'program_sessions', 'enrollments', 'attendance', 'grades'];

export function legacyPolicyNames(legacyTable: string): string[] {
  const label = legacyTable.replace(/_/g, ' ');
  return [
    `Users can view ${label} in their organization`,
    `Users can view ${label} of their organization`,
    `Admins can manage ${label}`,
    `Staff can manage ${label}`,
    `Users can insert ${label} in their organization`,
    `Users can update ${label} in their organization`,
    `Users can delete ${label} in their organization`,
  ];
}

/** The old script's leftovers, dropped by `eduzen db cleanup` once proven redundant. */
export const LEFTOVER_TABLES = [
  { table: 'formations_temp', copyOf: 'formations', columnMap: {} as Record<string, string> },
  { table: 'sessions_temp', copyOf: 'sessions', columnMap: { program_id: 'formation_id' } as Record<string, string> },
];

/** Placeholder formation of the `--orphan-sessions=placeholder` remedy, one per organisation. */
export const PLACEHOLDER_FORMATION = { code: 'SANS-FORMATION', name: 'Sessions sans formation' };
