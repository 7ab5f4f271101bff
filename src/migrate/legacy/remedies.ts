/**
 * The remedies a blocker names, as SQL over the legacy tables. They run before the snapshot,
 * each row they touch recorded in eduzen_upgrade.remedy_log, so the snapshot (and so `verify`)
 * describes the data as the upgrade carries it.
 */
import { type LegacyLayout, legacyColumn, orphanOrganizationSql, quoteLiteral } from './layout';
import { PLACEHOLDER_FORMATION } from './legacy-shape';
import type { Remedies } from './preflight';
import { setAsideRemedySql } from './unplaced';
import { valueMapSql } from './value-maps';

export function remedySql(layout: LegacyLayout, remedies: Remedies): string[] {
  // The set-aside remedy first: the sessions it moves out are gone before the others look.
  const statements: string[] = [...setAsideRemedySql(layout, remedies)];
  const sessions = `public.${layout.relation.sessions}`;
  const programs = `public.${layout.relation.formations}`;
  const programColumn = legacyColumn(layout, 'sessions', 'formation_id') ?? 'program_id';
  // What a rollback needs to give the rows back as they were: the tables' checksums before any
  // remedy (once), and each row's values before it, updated_at included (the legacy trigger
  // stamps it with the remedies' transaction time, which is remedy_log.applied_at).
  if (remedies.reversedDates === 'swap' || remedies.orphanSessions === 'placeholder') {
    statements.push(`select eduzen_upgrade.record_legacy_checksums(array[${quoteLiteral(layout.relation.sessions)}, ${quoteLiteral(layout.relation.formations)}])`);
  }
  const updatedAt = `'updated_at', to_jsonb(t) -> 'updated_at'`;
  if (remedies.reversedDates === 'swap') {
    statements.push(
      `insert into eduzen_upgrade.remedy_log (remedy, table_name, row_id, details)
        select 'reversed-dates=swap', 'sessions', t.id, jsonb_build_object('start_date', t.start_date, 'end_date', t.end_date, ${updatedAt})
        from ${sessions} t where t.start_date > t.end_date`,
      `update ${sessions} t set start_date = t.end_date, end_date = t.start_date where t.start_date > t.end_date`,
    );
  }
  if (remedies.orphanSessions === 'placeholder') {
    const organisation = orphanOrganizationSql(layout, remedies.defaultOrganization);
    const placeholderId = (org: string) => `md5('eduzen:sans-formation:' || (${org})::text)::uuid`;
    statements.push(
      // The formations it adds are logged too: a rollback removes them again.
      `with added as (insert into ${programs} (id, organization_id, code, name, description, is_active)
        select distinct ${placeholderId('o.org')}, o.org, ${quoteLiteral(PLACEHOLDER_FORMATION.code)}, ${quoteLiteral(PLACEHOLDER_FORMATION.name)},
          'Sessions dont la formation avait disparu, regroupées par la mise à niveau EDUZEN', true
        from (select ${organisation} as org from ${sessions} t where t.${programColumn} is null) o
        where o.org is not null
        on conflict (id) do nothing
        returning id)
      insert into eduzen_upgrade.remedy_log (remedy, table_name, row_id, details)
        select 'orphan-sessions=placeholder', 'formations', a.id, '{"added": true}'::jsonb from added a`,
      `insert into eduzen_upgrade.remedy_log (remedy, table_name, row_id, details)
        select 'orphan-sessions=placeholder', 'sessions', t.id, jsonb_build_object('formation_id', ${placeholderId(organisation)}, ${updatedAt})
        from ${sessions} t where t.${programColumn} is null and ${organisation} is not null`,
      `update ${sessions} t set ${programColumn} = ${placeholderId(organisation)}
        where t.${programColumn} is null and ${organisation} is not null`,
    );
  }
  if (remedies.legacyValues === 'map') statements.push(...valueMapSql(layout));
  return statements;
}
