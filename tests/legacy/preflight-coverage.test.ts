/**
 * Preflight sees everything: each condition below stops a phase after the first change if
 * nothing finds it first (named beside it). On an unchanged legacy database, `db status` lists
 * each as a blocker, and `db upgrade` with every remedy flag given stops before changing anything.
 * Conditions that a remedy resolves are covered where the remedy is (value-maps, session-hours,
 * unplaced-sessions, column-types, upgrade tests); these are the ones no flag resolves.
 */
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/db/connect';
import { runUpgrade } from '../../src/migrate/legacy/upgrade';
import { createServerDatabase } from '../support/engines';
import { SMALL_SIZE, buildLegacyDatabase } from '../support/legacy/builder';
import { databaseFingerprint } from '../support/legacy/inspect';

const SINK = { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream;
const ALL_REMEDIES = { orphanSessions: 'placeholder', reversedDates: 'swap', legacyValues: 'map', unplacedSessions: 'set-aside' } as const;
const FIRST_ORG = '(select id from public.organizations order by code limit 1)';
const SECOND_ORG = '(select id from public.organizations order by code offset 1 limit 1)';
const SESSION_OF_FIRST = `(select s.id from public.program_sessions s join public.programs p on p.id = s.program_id
  where p.organization_id = ${FIRST_ORG} order by s.id limit 1)`;

type FailurePath = { name: string; breaks: string; setup: string[]; blocker: RegExp };

const FAILURE_PATHS: FailurePath[] = [
  {
    name: "a session's trainer belongs to another organisation",
    breaks: 'validate (sessions_teacher_fkey, a composite key with the organisation)',
    setup: [`update public.program_sessions set teacher_id = (select id from public.users where organization_id = ${SECOND_ORG} limit 1) where id = ${SESSION_OF_FIRST}`],
    blocker: /^cross-organization:sessions_teacher_fkey$/,
  },
  {
    name: "an enrollment's learner belongs to another organisation than its session",
    breaks: 'validate (enrollments_session_fkey)',
    setup: [`update public.enrollments set student_id = (select id from public.students where organization_id = ${SECOND_ORG} order by id limit 1)
      where id = (select id from public.enrollments where program_session_id = ${SESSION_OF_FIRST} limit 1)`],
    blocker: /^cross-organization:enrollments_/,
  },
  {
    name: "an operator's view reads the sessions' hours, which the slots migration drops",
    breaks: 'migrate (the slots migration cannot drop program_sessions.start_time)',
    setup: ['create view public.session_hours_report as select id, start_time, end_time from public.program_sessions'],
    blocker: /^dependent-view:session_hours_report$/,
  },
  {
    name: "an operator's view reads a column of an older type the upgrade converts",
    breaks: 'finalize (the converted column cannot replace the legacy one)',
    setup: [
      'alter table public.grades alter column score type numeric(5, 2)',
      'create view public.grade_report as select id, score from public.grades',
    ],
    blocker: /^dependent-view:grade_report$/,
  },
  {
    name: 'a required number too large for the product\'s type',
    breaks: 'backfill of the converted column (the value does not fit numeric(6,2))',
    setup: [
      'alter table public.grades alter column score type numeric(9, 2), alter column max_score type numeric(9, 2)',
      'update public.grades set score = 123456.25, max_score = 200000 where id = (select id from public.grades order by id limit 1)',
    ],
    blocker: /^column-type:grades\.(score|max_score)$/,
  },
];

describe('preflight sees every condition that would stop a later phase', () => {
  for (const path of FAILURE_PATHS) {
    it(`${path.name} (else: ${path.breaks})`, { timeout: 120_000 }, async () => {
      const url = await createServerDatabase();
      await buildLegacyDatabase(url, { size: SMALL_SIZE, extraSql: path.setup });
      const before = await databaseFingerprint(url);
      const handle = await connect({ engine: 'postgres', databaseUrl: url });
      try {
        const result = await runUpgrade(handle, { remedies: ALL_REMEDIES, progressStream: SINK });
        expect(result.outcome).toBe('blocked');
        if (result.outcome !== 'blocked') return;
        const unresolved = result.blockers.filter((blocker) => !blocker.resolved);
        expect(unresolved.length).toBeGreaterThan(0);
        for (const blocker of unresolved) {
          expect(blocker.id).toMatch(path.blocker);
          expect(blocker.count).toBeGreaterThan(0);
        }
      } finally {
        await handle.close();
      }
      expect(await databaseFingerprint(url)).toBe(before);
    });
  }
});
