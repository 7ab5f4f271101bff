/**
 * What stops a re-run of an interrupted upgrade, or of its rollback, from finishing, for
 * `eduzen db status`: rows that break a constraint still NOT VALID, which the re-run has to
 * validate (rows written since the upgrade began, or that the backfill cannot fill). A column
 * the backfill has still to fill counts only the rows it cannot fill. Counted, never changed.
 */
import { type Kysely, sql } from 'kysely';
import { quoteIdent } from './layout';
import { BACKFILL_SPECS } from './plan';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

type PendingConstraint = { table: string; name: string; type: string; definition: string; columns: string[]; parent: string | null; parentColumns: string[] | null };

export async function findRerunBlockers(db: AnyDb, rollingBack: boolean): Promise<string[]> {
  const pending = (await sql<PendingConstraint>`
    select c.relname as "table", k.conname as name, k.contype::text as type, pg_get_constraintdef(k.oid) as definition,
      array(select a.attname::text from unnest(k.conkey) with ordinality u(n, o) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.o) as columns,
      f.relname as parent,
      case when k.contype = 'f' then array(select a.attname::text from unnest(k.confkey) with ordinality u(n, o)
        join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.o) end as "parentColumns"
    from pg_constraint k join pg_class c on c.oid = k.conrelid left join pg_class f on f.oid = k.confrelid
    where c.relnamespace = 'public'::regnamespace and not k.convalidated and k.contype in ('c', 'f')
    order by 1, 2`.execute(db)).rows;
  const blockers: string[] = [];
  for (const constraint of pending) {
    const count = Number((await sql.raw<{ n: string }>(`select count(*) as n from public.${quoteIdent(constraint.table)} t where ${violation(constraint)}`).execute(db)).rows[0]?.n ?? 0);
    if (count === 0) continue;
    const what = `${count} row(s) of ${constraint.table} break ${constraint.name} (${constraint.definition.replace(/ NOT VALID$/, '')})`;
    blockers.push(rollingBack
      ? `the rollback cannot finish: ${what}, written since the upgrade began; correct them, then re-run eduzen db upgrade --rollback`
      : `a re-run cannot finish: ${what}; correct them and re-run eduzen db upgrade, or run eduzen db upgrade --rollback`);
  }
  return blockers;
}

function violation(constraint: PendingConstraint): string {
  if (constraint.type === 'f') {
    const own = constraint.columns.map((column) => `t.${quoteIdent(column)}`);
    const parent = constraint.parentColumns ?? [];
    return `${own.map((column) => `${column} is not null`).join(' and ')}
      and not exists (select 1 from public.${quoteIdent(constraint.parent!)} p where ${parent.map((column, index) => `p.${quoteIdent(column)} = ${own[index]}`).join(' and ')})`;
  }
  const column = /_upgrade_not_null$/.test(constraint.name) ? constraint.columns[0] : undefined;
  const spec = column ? BACKFILL_SPECS.find((candidate) => candidate.table === constraint.table && column in candidate.assignments) : undefined;
  if (spec && column) {
    // What the backfill's UPDATE … FROM would write: nothing when it finds no row, or a null.
    return `t.${quoteIdent(column)} is null and not exists (select 1 from ${spec.from} where ${spec.where} and (${spec.assignments[column]}) is not null)`;
  }
  const expression = /^CHECK \((.*)\)( NOT VALID)?$/s.exec(constraint.definition)?.[1] ?? 'true';
  return `(${expression}) is false`;
}
