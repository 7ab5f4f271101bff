/**
 * `eduzen db cleanup` (the guide's step 7, made safe): the old script's copies
 * (`formations_temp`, `sessions_temp`) are dropped only when every one of their rows is proven
 * present in the new tables, by id and content. Rows a remedy changed on purpose (recorded in
 * eduzen_upgrade.remedy_log) count as present by id alone.
 */
import { type Kysely, sql } from 'kysely';
import { quoteIdent } from './layout';
import { LEFTOVER_TABLES } from './legacy-shape';

// biome-ignore lint: works on any database
type AnyDb = Kysely<any>;

export type LeftoverProof = { table: string; copyOf: string; rows: number; missing: number; differing: number; redundant: boolean };

export async function proveLeftovers(db: AnyDb): Promise<LeftoverProof[]> {
  const proofs: LeftoverProof[] = [];
  for (const leftover of LEFTOVER_TABLES) {
    const exists = await sql<{ present: boolean; target: boolean }>`
      select to_regclass(${`public.${leftover.table}`}) is not null as present,
             to_regclass(${`public.${leftover.copyOf}`}) is not null as target`.execute(db);
    if (!exists.rows[0]?.present) continue;
    if (!exists.rows[0]?.target) {
      const rows = await countRows(db, leftover.table);
      proofs.push({ table: leftover.table, copyOf: leftover.copyOf, rows, missing: rows, differing: 0, redundant: false });
      continue;
    }
    const pairs = await commonColumns(db, leftover.table, leftover.copyOf, leftover.columnMap);
    const copyRow = pairs.map((pair) => `c.${quoteIdent(pair.copy)}`).join(', ');
    const targetRow = pairs.map((pair) => `t.${quoteIdent(pair.target)}`).join(', ');
    const remedied = `exists (select 1 from eduzen_upgrade.remedy_log r where r.row_id = c.id)`;
    const hasLog = (await sql<{ present: boolean }>`select to_regclass('eduzen_upgrade.remedy_log') is not null as present`.execute(db)).rows[0]?.present;
    const result = await sql.raw<{ rows: string; missing: string; differing: string }>(`
      select count(*) as rows,
        count(*) filter (where t.id is null) as missing,
        count(*) filter (where t.id is not null and row(${copyRow}) is distinct from row(${targetRow})${hasLog ? ` and not ${remedied}` : ''}) as differing
      from public.${quoteIdent(leftover.table)} c left join public.${quoteIdent(leftover.copyOf)} t on t.id = c.id`).execute(db);
    const row = result.rows[0]!;
    const proof = { table: leftover.table, copyOf: leftover.copyOf, rows: Number(row.rows), missing: Number(row.missing), differing: Number(row.differing) };
    proofs.push({ ...proof, redundant: proof.missing === 0 && proof.differing === 0 });
  }
  return proofs;
}

export async function dropLeftover(db: AnyDb, table: string): Promise<void> {
  await sql.raw(`drop table public.${quoteIdent(table)}`).execute(db);
}

async function countRows(db: AnyDb, table: string): Promise<number> {
  const result = await sql.raw<{ n: string }>(`select count(*) as n from public.${quoteIdent(table)}`).execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

async function commonColumns(db: AnyDb, copy: string, target: string, columnMap: Record<string, string>) {
  const columns = async (table: string) =>
    (await sql<{ name: string }>`
      select attname as name from pg_attribute where attrelid = to_regclass(${`public.${table}`}) and attnum > 0 and not attisdropped
      order by attnum`.execute(db)).rows.map((row) => row.name);
  const targetColumns = new Set(await columns(target));
  return (await columns(copy))
    .map((name) => ({ copy: name, target: columnMap[name] ?? name }))
    .filter((pair) => targetColumns.has(pair.target));
}
