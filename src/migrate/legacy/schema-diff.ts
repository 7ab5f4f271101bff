/**
 * Compares a database's schema with a fresh install's: what is missing or different fails,
 * what is extra (the operator's own tables, columns, policies…) is listed. Column order is not
 * compared: an upgrade in place adds columns at the end, which no query can tell apart.
 */
import type { SchemaShape, TableShape } from './schema-read';

export type SchemaDiff = { differences: string[]; extras: string[] };

export function diffSchemas(actual: SchemaShape, expected: SchemaShape): SchemaDiff {
  const differences: string[] = [];
  const extras: string[] = [];
  for (const [name, want] of Object.entries(expected.tables)) {
    const have = actual.tables[name];
    if (!have) {
      differences.push(`table ${name} is missing`);
      continue;
    }
    diffTable(have, want, differences, extras);
  }
  for (const name of Object.keys(actual.tables)) {
    if (!expected.tables[name]) extras.push(`table ${name}`);
  }
  for (const [signature, want] of Object.entries(expected.functions)) {
    const have = actual.functions[signature];
    if (!have) differences.push(`function ${signature} is missing`);
    else if (have.definition !== want.definition) differences.push(`function ${signature} differs`);
  }
  for (const signature of Object.keys(actual.functions)) {
    if (!expected.functions[signature]) extras.push(`function ${signature}`);
  }
  return { differences, extras };
}

function diffTable(have: TableShape, want: TableShape, differences: string[], extras: string[]): void {
  const table = want.name;
  if (have.rowSecurity !== want.rowSecurity) differences.push(`${table}: row-level security is ${have.rowSecurity ? 'on' : 'off'}`);
  compareNamed(table, 'column', have.columns, want.columns, (column) => `${column.type}${column.notNull ? ' not null' : ''} default ${column.default ?? 'none'}${column.identity ? ` identity ${column.identity}` : ''}`, differences, extras);
  compareNamed(table, 'constraint', have.constraints, want.constraints, (constraint) => `${constraint.definition}${constraint.validated ? '' : ' (not validated)'}`, differences, extras);
  compareNamed(table, 'index', have.indexes, want.indexes, (index) => `${index.definition}${index.valid ? '' : ' (invalid)'}`, differences, extras);
  compareNamed(table, 'trigger', have.triggers, want.triggers, (trigger) => trigger.definition, differences, extras);
  compareNamed(table, 'policy', have.policies, want.policies, (policy) => `${policy.permissive} ${policy.command} to ${policy.roles.join(',')} using ${policy.using} check ${policy.check}`, differences, extras);
  const haveGrants = new Set(have.grants);
  const wantGrants = new Set(want.grants);
  for (const grant of want.grants) if (!haveGrants.has(grant)) differences.push(`${table}: grant ${grant} is missing`);
  for (const grant of have.grants) if (!wantGrants.has(grant)) extras.push(`${table}: grant ${grant}`);
}

function compareNamed<T extends { name: string }>(
  table: string,
  kind: string,
  have: T[],
  want: T[],
  describe: (item: T) => string,
  differences: string[],
  extras: string[],
): void {
  const byName = new Map(have.map((item) => [item.name, item]));
  const wanted = new Set(want.map((item) => item.name));
  for (const item of want) {
    const found = byName.get(item.name);
    if (!found) differences.push(`${table}: ${kind} ${item.name} is missing`);
    else if (describe(found) !== describe(item)) differences.push(`${table}: ${kind} ${item.name} is "${describe(found)}", a fresh install has "${describe(item)}"`);
  }
  for (const item of have) if (!wanted.has(item.name)) extras.push(`${table}: ${kind} ${item.name}`);
}
