/**
 * The checks that a legacy value fits a product type, as they run on PostgreSQL 15 (without
 * pg_input_is_valid), compared on a real engine with what the cast itself does.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseHandle, connect } from '../../src/db/connect';
import { fitsSql } from '../../src/migrate/legacy/fits';

const CASES: [string, string][] = [
  ['numeric(7,2)', '99999.99'], ['numeric(7,2)', '99999.995'], ['numeric(7,2)', '100000'], ['numeric(7,2)', '-35.5'],
  ['numeric(6,2)', '1234.567'], ['numeric(6,2)', 'abc'], ['numeric(6,2)', ' 12 '], ['numeric(6,2)', 'NaN'],
  ['integer', '2147483647'], ['integer', '2147483648'], ['integer', '35.5'], ['smallint', '-32769'],
  ['uuid', '0558ac8e-7b12-bc5e-0826-54926c59daf3'], ['uuid', 'not-a-uuid'], ['boolean', 'yes'], ['boolean', 'maybe'],
  ['character varying(3)', 'abcd'], ['character varying(3)', 'abc'],
];

describe('legacy values that fit a product type, on every PostgreSQL version', () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await connect({ engine: 'embedded', dataDir: 'memory' });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('says a value fits exactly when a column of that type takes it (NaN aside, which no product column holds)', async () => {
    for (const [type, value] of CASES) {
      const literal = `'${value}'::text`;
      const said = (await sql.raw<{ fits: boolean }>(`select ${fitsSql(literal, type, false)} as fits`).execute(handle.db)).rows[0]!.fits;
      let casts = true;
      // As pg_input_is_valid and a column of that type take it: a value too long for a varchar is
      // refused there, where an explicit cast would cut it.
      try {
        await handle.db.transaction().execute(async (trx) => {
          await sql.raw(`create temporary table fit_probe (v ${type}) on commit drop`).execute(trx);
          await sql.raw(`insert into fit_probe values ('${value}')`).execute(trx);
        });
      } catch {
        casts = false;
      }
      expect({ type, value, fits: said }).toEqual({ type, value, fits: value === 'NaN' ? false : casts });
    }
  });
});
