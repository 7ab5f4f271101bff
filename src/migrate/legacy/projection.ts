/**
 * A legacy table seen as its upgraded self: a SELECT over the legacy rows that yields the
 * baseline's columns, renamed, derived (organization_id of a session from its formation…) or
 * defaulted. Preflight runs the baseline's constraints against these projections, so every row
 * the upgrade could not place is found before anything changes.
 */
import { baselineTable } from './baseline';
import { type LegacyLayout, legacyColumn, orphanOrganizationSql, sessionsSourceSql } from './layout';
import type { CarriedTable } from './legacy-shape';
import { projectedSessionHoursSql } from './session-hours';
import { projectionExclusionSql } from './unplaced';

export type ProjectionOptions = { defaultOrganizationCode?: string };

const VOLATILE = /clock_timestamp|gen_random_uuid|random\(|nextval\(/;

export function isVolatileDefault(expression: string | null): boolean {
  return expression !== null && VOLATILE.test(expression);
}

export function projectionSql(layout: LegacyLayout, table: CarriedTable, options: ProjectionOptions = {}): string {
  const joins: string[] = [];
  const expressions = baselineTable(table).columns.map((column) => {
    const legacy = legacyColumn(layout, table, column.name);
    let expression: string;
    if (legacy) {
      expression = `t.${legacy}`;
    } else if (table === 'sessions' && column.name === 'organization_id') {
      const programColumn = legacyColumn(layout, 'sessions', 'formation_id');
      joins.push(`left join public.${layout.relation.formations} bf_f on bf_f.id = t.${programColumn}`);
      expression = `coalesce(bf_f.organization_id, case when t.${programColumn} is null then ${orphanOrganizationSql(layout, options.defaultOrganizationCode)} end)`;
    } else if (table === 'enrollments' && column.name === 'organization_id') {
      joins.push('left join public.students bf_s on bf_s.id = t.student_id');
      expression = 'bf_s.organization_id';
    } else if (table === 'sessions' && (column.name === 'am_end_time' || column.name === 'pm_start_time')) {
      const defaultOf = (name: string) => `(${baselineTable('sessions').columns.find((entry) => entry.name === name)!.default})::time`;
      const hours = projectedSessionHoursSql('t', defaultOf('am_end_time'), defaultOf('pm_start_time'));
      expression = column.name === 'am_end_time' ? hours.amEnd : hours.pmStart;
    } else if (table === 'enrollments' && column.name === 'enrolled_at') {
      expression = 't.created_at';
    } else if (column.default !== null && !isVolatileDefault(column.default)) {
      expression = `(${column.default})::${column.type}`;
    } else {
      expression = `null::${column.type}`;
    }
    return `${expression} as ${column.name}`;
  });
  const source = table === 'sessions' ? sessionsSourceSql(layout) : `public.${layout.relation[table]}`;
  // Sessions whose organisation nothing tells are accounted for on their own (unplaced.ts).
  const where = table === 'sessions' ? projectionExclusionSql(layout, options.defaultOrganizationCode) : '';
  return `select ${expressions.join(', ')} from ${source} t ${joins.join(' ')} ${where}`;
}
