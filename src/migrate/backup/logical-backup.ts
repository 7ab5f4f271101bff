/**
 * EDUZEN's built-in logical backup, for servers newer than the pg_dump at hand: every table of
 * the public schema (the ones the upgrade touches and the operator's own), with its columns,
 * constraints, indexes, triggers, row-level security, policies and grants, the functions they
 * use, and the data through COPY; plus the rows of auth.users. One plain-text file in the
 * format psql reads (`COPY … FROM stdin` blocks), which `eduzen db restore` loads back.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

export const LOGICAL_HEADER = '-- EDUZEN logical backup v1';

type Client = pg.Client;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function writeLogicalBackup(databaseUrl: string, file: string): Promise<{ tables: number; rows: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const out = fs.createWriteStream(file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  let rows = 0;
  try {
    // One snapshot for every table: the backup is consistent even while traffic goes on.
    await client.query('begin isolation level repeatable read read only');
    const tables = (await client.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`,
    )).rows.map((row) => row.name);
    await write(`${LOGICAL_HEADER}\n-- taken ${new Date().toISOString()}\n-- tables: ${tables.join(' ')}\n`);
    await write('set check_function_bodies = false;\nset client_min_messages = warning;\n');
    await write('create schema if not exists auth;\n');
    await write('create table if not exists auth.users (id uuid primary key default gen_random_uuid(), email text unique, encrypted_password text, raw_app_meta_data jsonb not null default \'{}\'::jsonb, raw_user_meta_data jsonb not null default \'{}\'::jsonb, last_sign_in_at timestamptz, created_at timestamptz not null default now(), updated_at timestamptz not null default now());\n');
    for (const fn of (await client.query<{ definition: string }>(
      `select pg_get_functiondef(p.oid) as definition from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       where n.nspname in ('public', 'auth') and p.prokind = 'f' order by n.nspname desc, p.proname`,
    )).rows) {
      await write(`${fn.definition.replace(/^CREATE FUNCTION/, 'CREATE OR REPLACE FUNCTION')};\n`);
    }
    for (const table of tables) await write(`${await tableDefinition(client, table)}\n`);
    const authColumns = await columnsOf(client, 'auth', 'users');
    if (authColumns.length > 0) {
      await write(`create temp table eduzen_restore_auth_users (like auth.users);\n`);
      await write(`COPY eduzen_restore_auth_users (${authColumns.map(quote).join(', ')}) FROM stdin;\n`);
      rows += await copyOut(client, `copy (select ${authColumns.map(quote).join(', ')} from auth.users) to stdout`, out);
      await write('\\.\n');
      await write(`insert into auth.users (${authColumns.map(quote).join(', ')}) select ${authColumns.map(quote).join(', ')} from eduzen_restore_auth_users on conflict do nothing;\n`);
    }
    for (const table of tables) {
      const columns = await columnsOf(client, 'public', table, true);
      await write(`COPY public.${quote(table)} (${columns.map(quote).join(', ')}) FROM stdin;\n`);
      rows += await copyOut(client, `copy (select ${columns.map(quote).join(', ')} from public.${quote(table)}) to stdout`, out);
      await write('\\.\n');
    }
    for (const table of tables) await write(await tableDependents(client, table));
    await client.query('commit');
    return { tables: tables.length, rows };
  } finally {
    await client.end();
    out.end();
    await once(out, 'close');
  }
}

async function copyOut(client: Client, query: string, out: fs.WriteStream): Promise<number> {
  const stream = client.query(copyTo(query));
  let count = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (const byte of chunk) if (byte === 10) count += 1;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  return count;
}

async function columnsOf(client: Client, schema: string, table: string, withoutGenerated = false): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    `select a.attname as name from pg_attribute a where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped
       ${withoutGenerated ? "and a.attgenerated = ''" : ''} order by a.attnum`,
    [`${schema}.${quote(table)}`],
  );
  return result.rows.map((row) => row.name);
}

async function tableDefinition(client: Client, table: string): Promise<string> {
  const columns = await client.query<{ name: string; type: string; notnull: boolean; def: string | null; identity: string }>(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as notnull,
       pg_get_expr(d.adbin, d.adrelid) as def, a.attidentity::text as identity
     from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped order by a.attnum`,
    [`public.${quote(table)}`],
  );
  const lines = columns.rows.map((column) => {
    const identity = column.identity === 'a' ? ' generated always as identity' : column.identity === 'd' ? ' generated by default as identity' : '';
    return `  ${quote(column.name)} ${column.type}${identity}${column.def !== null && !identity ? ` default ${column.def}` : ''}${column.notnull ? ' not null' : ''}`;
  });
  const own = await client.query<{ name: string; def: string }>(
    `select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
     where conrelid = to_regclass($1) and contype in ('p', 'u', 'c', 'x') order by contype desc, conname`,
    [`public.${quote(table)}`],
  );
  for (const constraint of own.rows) lines.push(`  constraint ${quote(constraint.name)} ${constraint.def}`);
  return `create table public.${quote(table)} (\n${lines.join(',\n')}\n);`;
}

async function tableDependents(client: Client, table: string): Promise<string> {
  const relation = `public.${quote(table)}`;
  const parts: string[] = [];
  const identity = await client.query<{ name: string }>(
    `select attname as name from pg_attribute where attrelid = to_regclass($1) and attidentity <> ''`,
    [relation],
  );
  for (const column of identity.rows) {
    parts.push(`select setval(pg_get_serial_sequence('${relation}', '${column.name}'), coalesce((select max(${quote(column.name)}) from ${relation}), 0) + 1, false);`);
  }
  const foreign = await client.query<{ name: string; def: string }>(
    `select conname as name, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = to_regclass($1) and contype = 'f' order by conname`,
    [relation],
  );
  for (const key of foreign.rows) parts.push(`alter table ${relation} add constraint ${quote(key.name)} ${key.def};`);
  const indexes = await client.query<{ def: string }>(
    `select pg_get_indexdef(x.indexrelid) as def from pg_index x
     where x.indrelid = to_regclass($1) and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.conrelid = x.indrelid)`,
    [relation],
  );
  for (const index of indexes.rows) parts.push(`${index.def};`);
  const triggers = await client.query<{ def: string }>(
    `select pg_get_triggerdef(oid) as def from pg_trigger where tgrelid = to_regclass($1) and not tgisinternal order by tgname`,
    [relation],
  );
  for (const trigger of triggers.rows) parts.push(`${trigger.def};`);
  const rls = await client.query<{ on: boolean }>(`select relrowsecurity as on from pg_class where oid = to_regclass($1)`, [relation]);
  if (rls.rows[0]?.on) parts.push(`alter table ${relation} enable row level security;`);
  const policies = await client.query<{ name: string; permissive: string; cmd: string; roles: string[]; qual: string | null; check: string | null }>(
    `select policyname as name, permissive, cmd, roles::text[] as roles, qual, with_check as check from pg_policies
     where schemaname = 'public' and tablename = $1 order by policyname`,
    [table],
  );
  for (const policy of policies.rows) {
    parts.push(
      `create policy ${quote(policy.name)} on ${relation} as ${policy.permissive} for ${policy.cmd} to ${policy.roles.map((role) => (role === 'public' ? 'public' : quote(role))).join(', ')}` +
        `${policy.qual ? ` using (${policy.qual})` : ''}${policy.check ? ` with check (${policy.check})` : ''};`,
    );
  }
  const grants = await client.query<{ grantee: string; privileges: string }>(
    `select grantee, string_agg(privilege_type, ', ') as privileges from information_schema.role_table_grants
     where table_schema = 'public' and table_name = $1 and grantee in ('anon', 'authenticated', 'service_role') group by grantee order by grantee`,
    [table],
  );
  for (const grant of grants.rows) parts.push(`grant ${grant.privileges} on ${relation} to ${quote(grant.grantee)};`);
  return parts.length > 0 ? `${parts.join('\n')}\n` : '';
}
