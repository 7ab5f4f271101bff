/**
 * `eduzen db upgrade --rollback` as an ordered list of steps over the helpers of rollback-sql.ts
 * and rollback-data-sql.ts. The CLI runs them with the upgrade's discipline (rollback.ts: short
 * lock timeouts, NOWAIT tries, retries, CONCURRENTLY, checkpoints); `--dry-run` prints them;
 * `--rollback --emit-sql` writes them as one script (emit-rollback-sql.ts).
 */
import { loadBaseline } from './baseline';
import { quoteLiteral } from './layout';
import { LEGACY_CATALOGUE_SQL } from './legacy-catalogue';
import { PLACEHOLDER_FORMATION } from './legacy-shape';
import { BACKFILL_SPECS, fillTriggerName } from './plan';
import { CONVERSION_SUFFIX, CONVERSION_TRIGGER_SUFFIX } from './column-types-sql';
import { ROLLBACK_DATA_SQL } from './rollback-data-sql';
import { ROLLBACK_SET_ASIDE_SQL } from './unplaced';
import { ROLLBACK_VALUE_MAPS_SQL } from './value-maps';
import { ROLLBACK_SCHEMA_SQL } from './rollback-sql';
import { HELPERS_SQL } from './sql-helpers';
import { LOCKED_TABLES, functionsSql } from './target-sql';
import { splitStatements } from '../split-statements';

export type MadeObjects = {
  tables: string[];
  /** By the table's name in the product: kind (column, constraint, index, trigger, policy) → names. */
  objects: Record<string, Record<string, string[]>>;
  functions: string[];
  placeholder_code: string;
};

export function upgradeMadeObjects(): MadeObjects {
  const baseline = loadBaseline();
  const objects: MadeObjects['objects'] = {};
  for (const [table, shape] of Object.entries(baseline.tables)) {
    objects[table] = {
      // The new columns of the conversions of legacy types (column-types-sql.ts) too.
      column: shape.columns.flatMap((column) => [column.name, `${column.name}${CONVERSION_SUFFIX}`]),
      constraint: shape.constraints.map((constraint) => constraint.name),
      index: shape.indexes.map((index) => index.name),
      trigger: [...shape.triggers.map((trigger) => trigger.name), `${table}${CONVERSION_TRIGGER_SUFFIX}`, ...BACKFILL_SPECS.filter((spec) => spec.table === table).map(fillTriggerName)],
      policy: shape.policies.map((policy) => policy.name),
    };
  }
  const functions = functionsSql().flatMap((statement) => {
    const found = /create\s+(?:or\s+replace\s+)?function\s+public\.(\w+)/i.exec(statement);
    return found ? [found[1]!] : [];
  });
  return { tables: Object.keys(baseline.tables), objects, functions: [...new Set(functions)], placeholder_code: PLACEHOLDER_FORMATION.code };
}

/** The upgrade's objects, as the helpers take them. */
export function madeLiteral(): string {
  return `${quoteLiteral(JSON.stringify(upgradeMadeObjects()))}::jsonb`;
}

export type RollbackStepName = 'prepare' | 'functions' | 'unindex' | 'detach' | 'indexes' | 'attach' | 'validate' | 'compare' | 'finish';

export type RollbackStep =
  | {
      step: RollbackStepName; kind: 'transaction'; summary: string; exclusive: boolean; statements: string[];
      lockTables?: readonly string[];
      /** The statements the step would run now (dry run); none means it is skipped and takes no lock. */
      pending?: string;
    }
  | {
      step: 'unindex' | 'indexes' | 'validate'; kind: 'concurrent'; summary: string;
      /** The items to work on, one query. */
      pending: string;
      /** The same work in one statement, for the SQL script (none: another step of the script does it). */
      scriptSql?: string;
    };

/** The tables the rollback's exclusive steps lock: the upgrade's, and the table it created first. */
export const ROLLBACK_LOCKED_TABLES = [...LOCKED_TABLES, 'change_log'];

export function rollbackHelpersSql(): string[] {
  return [HELPERS_SQL, LEGACY_CATALOGUE_SQL, ROLLBACK_SCHEMA_SQL, ROLLBACK_DATA_SQL, ROLLBACK_SET_ASIDE_SQL, ROLLBACK_VALUE_MAPS_SQL].flatMap((script) => splitStatements(script).map((statement) => statement.text));
}

export const MARK_ROLLBACK_SQL = `update eduzen_upgrade.run set rollback_started_at = coalesce(rollback_started_at, now()), last_error = null where finished_at is null`;

export function buildRollbackPlan(): RollbackStep[] {
  const made = madeLiteral();
  return [
    {
      step: 'prepare', kind: 'transaction', exclusive: false, statements: [...rollbackHelpersSql(), MARK_ROLLBACK_SQL],
      summary: 'install the rollback helpers; mark the run as rolling back (eduzen db upgrade refuses to go on from here)',
    },
    {
      step: 'functions', kind: 'transaction', exclusive: false, statements: [`select eduzen_upgrade.rollback_functions(${made})`],
      pending: `select s as statement from eduzen_upgrade.rollback_function_statements(${made}) s`,
      summary: "drop the baseline's functions, give legacy functions the upgrade replaced their text and grants back (no table lock)",
    },
    {
      step: 'unindex', kind: 'concurrent',
      pending: `select table_name, name from eduzen_upgrade.rollback_made_indexes(${made})`,
      summary: "drop the baseline's plain indexes the upgrade built, CONCURRENTLY",
    },
    {
      step: 'detach', kind: 'transaction', exclusive: true, lockTables: ROLLBACK_LOCKED_TABLES,
      statements: [`select eduzen_upgrade.rollback_detach(${made})`],
      pending: `select s as statement from eduzen_upgrade.rollback_detach_statements(${made}) s`,
      summary: "drop what the upgrade added (triggers, constraints, indexes, columns, programs, change_log); give back the legacy names, defaults, NOT NULLs (as NOT VALID checks); undo the remedies; give back the legacy triggers, policies",
    },
    {
      step: 'indexes', kind: 'concurrent',
      pending: 'select table_name, name, definition, invalid from eduzen_upgrade.rollback_missing_indexes()',
      scriptSql: 'select eduzen_upgrade.rollback_build_indexes()',
      summary: 'build the legacy indexes the upgrade dropped (those of its unique keys too), CONCURRENTLY',
    },
    {
      step: 'attach', kind: 'transaction', exclusive: true, lockTables: ROLLBACK_LOCKED_TABLES,
      statements: ['select eduzen_upgrade.rollback_attach()'],
      pending: 'select s as statement from eduzen_upgrade.rollback_attach_statements() s',
      summary: 'add back the legacy constraints the upgrade dropped: unique keys on their indexes, checks and foreign keys NOT VALID',
    },
    {
      step: 'validate', kind: 'concurrent',
      pending: 'select table_name, name from eduzen_upgrade.rollback_unvalidated()',
      scriptSql: 'select eduzen_upgrade.rollback_validate_all()',
      summary: 'validate them, one by one (reads and writes go on)',
    },
    {
      step: 'compare', kind: 'transaction', exclusive: false, statements: ['select eduzen_upgrade.rollback_compare()'],
      summary: "compare the legacy tables' row counts and checksums with those taken before the upgrade changed any row",
    },
    {
      step: 'finish', kind: 'transaction', exclusive: true, lockTables: ROLLBACK_LOCKED_TABLES,
      statements: [`select eduzen_upgrade.rollback_finish(${made})`, 'drop schema eduzen_upgrade cascade'],
      summary: 'NOT NULLs back without a scan; prove the catalogue equals the legacy record; autovacuum back as it was; drop what the upgrade added outside the tables, and eduzen_upgrade',
    },
  ];
}
