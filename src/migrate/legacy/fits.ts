/**
 * Whether a value's text is valid input for a type, in SQL that never raises. PostgreSQL 16 has
 * `pg_input_is_valid`; legacy EDUZEN databases run on Supabase's PostgreSQL 15 too, where it does
 * not exist. Numbers (what the legacy types hold) are checked by their text and their size, on
 * every version; other types use `pg_input_is_valid` where there is one, else a strict pattern,
 * else nothing fits (a blocker names the column, rather than an error later).
 */
import { quoteLiteral } from './layout';

const NUMBER = String.raw`^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)\s*$`;
const INTEGER = String.raw`^\s*[-+]?[0-9]+\s*$`;
const INTEGER_RANGE: Record<string, [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};
const PATTERNS: Record<string, string> = {
  uuid: '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$',
  boolean: '^\\s*(t|f|true|false|y|n|yes|no|on|off|1|0)\\s*$',
};

/** `text` is an SQL expression of type text; `hasInputCheck`: the server has pg_input_is_valid (16+). */
export function fitsSql(text: string, type: string, hasInputCheck: boolean): string {
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(type);
  if (numeric) {
    const [precision, scale] = [Number(numeric[1]), Number(numeric[2])];
    return `(case when ${text} ~ ${quoteLiteral(NUMBER)} then abs(round((${text})::numeric, ${scale})) < 1e${precision - scale} else false end)`;
  }
  if (type === 'numeric') return `(${text} ~ ${quoteLiteral(NUMBER)})`;
  const range = INTEGER_RANGE[type];
  if (range) return `(case when ${text} ~ ${quoteLiteral(INTEGER)} then (${text})::numeric between ${range[0]} and ${range[1]} else false end)`;
  const length = /^character varying\((\d+)\)$/.exec(type);
  if (length) return `(char_length(${text}) <= ${length[1]})`;
  if (type === 'text' || type === 'character varying') return 'true';
  if (hasInputCheck) return `pg_input_is_valid(${text}, ${quoteLiteral(type)})`;
  const pattern = PATTERNS[type];
  return pattern ? `(${text} ~* ${quoteLiteral(pattern)})` : 'false';
}
