/**
 * The users of the traffic mode, in a process of their own (so that the upgrade's work in the
 * benchmark's process cannot delay their clocks): `clients` connections, each in a loop of
 * `rate` iterations a second, each iteration reading and updating one random enrollment
 * (`notes`) and one random session (`location`), every write a unique marker. Each client owns
 * its own share of the rows known before the upgrade, so a row has one writer and its last
 * acknowledged marker is known. Driven by the benchmark over IPC: `ready` once the ids are
 * read, `start`, `stop`; it then reads back every written row and answers with every
 * statement's record.
 *
 * Legacy sessions live in `program_sessions` and become `sessions` during the upgrade: a client
 * uses the name that worked last, and on `42P01` (undefined table) switches to the other and
 * runs the statement again. Such a switch is a retry, counted, and not an error when the second
 * attempt succeeds; its latency is the user's, both attempts together. No statement timeout:
 * a wait is measured as long as it lasts.
 */
import pg from 'pg';

export type TrafficConfig = { url: string; clients: number; rate: number; tag: string };

export type StatementRecord = {
  client: number;
  kind: 'select-enrollment' | 'update-enrollment' | 'select-session' | 'update-session';
  /** Start, in ms since the epoch (`performance.timeOrigin + performance.now()`). */
  at: number;
  ms: number;
  ok: boolean;
  /** The table name switched during this statement (42P01 on the first attempt). */
  switched: boolean;
  code?: string;
  message?: string;
};

export type RowCheck = { table: 'enrollments' | 'sessions'; written: number; matching: number; lost: number; ambiguous: number; neverAcknowledged: number; missing: number; samples: string[] };

export type TrafficResult = { records: StatementRecord[]; iterations: number; checks: RowCheck[]; sessionsTableAtEnd: string };

type Row = { acked?: string; unacked: Set<string> };

const SESSION_TABLES = ['program_sessions', 'sessions'] as const;

function now(): number {
  return performance.timeOrigin + performance.now();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function shuffle<T>(values: T[]): T[] {
  // A fixed-seed generator: the same rows in every round.
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = values.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return values;
}

function send(message: unknown): void {
  process.send!(message);
}

async function main(config: TrafficConfig): Promise<void> {
  const reader = new pg.Client({ connectionString: config.url, application_name: 'bench-traffic-setup' });
  await reader.connect();
  const enrollmentIds = shuffle((await reader.query<{ id: string }>('select id::text from public.enrollments')).rows.map((row) => row.id));
  const sessionIds = shuffle((await reader.query<{ id: string }>('select id::text from public.program_sessions')).rows.map((row) => row.id));
  const clients = await Promise.all(
    Array.from({ length: config.clients }, async (_, index) => {
      const client = new pg.Client({ connectionString: config.url, application_name: `bench-traffic-${index}` });
      await client.connect();
      return client;
    }),
  );
  const records: StatementRecord[] = [];
  const enrollmentRows = new Map<string, Row>();
  const sessionRows = new Map<string, Row>();
  let stopping = false;
  let iterations = 0;
  let sessionTable: string = SESSION_TABLES[0];
  let started: () => void = () => {};
  const start = new Promise<void>((resolve) => (started = resolve));
  process.on('message', (message: { type: string }) => {
    if (message.type === 'start') started();
    if (message.type === 'stop') stopping = true;
  });
  send({ type: 'ready', enrollments: enrollmentIds.length, sessions: sessionIds.length });
  await start;

  async function client(index: number): Promise<void> {
    const connection = clients[index]!;
    // Each client's share of the rows: every `clients`-th id from its index.
    const pick = (ids: string[]) => ids[index + config.clients * Math.floor(Math.random() * Math.floor(ids.length / config.clients))]!;
    let tableName = sessionTable;
    let seq = 0;
    const run = async (kind: StatementRecord['kind'], text: (table: string) => string, values: unknown[]) => {
      const at = now();
      let switched = false;
      try {
        let result: pg.QueryResult;
        try {
          result = await connection.query(text(tableName), values);
        } catch (error) {
          if (!kind.endsWith('session') || (error as { code?: string }).code !== '42P01') throw error;
          switched = true;
          tableName = tableName === SESSION_TABLES[0] ? SESSION_TABLES[1] : SESSION_TABLES[0];
          sessionTable = tableName;
          result = await connection.query(text(tableName), values);
        }
        if (result.rowCount !== 1) throw Object.assign(new Error(`${result.rowCount} rows`), { code: 'rows' });
        records.push({ client: index, kind, at, ms: now() - at, ok: true, switched });
        return true;
      } catch (error) {
        const { code, message } = error as { code?: string; message?: string };
        records.push({ client: index, kind, at, ms: now() - at, ok: false, switched, code: code ?? 'none', message: message ?? String(error) });
        return false;
      }
    };
    const write = async (rows: Map<string, Row>, kind: StatementRecord['kind'], text: (table: string) => string, id: string) => {
      seq += 1;
      const marker = `traffic:${config.tag}:${index}:${seq}`;
      const row = rows.get(id) ?? { unacked: new Set<string>() };
      rows.set(id, row);
      // Until the answer comes the write is in doubt; an acknowledged one becomes the row's value.
      row.unacked.add(marker);
      if (await run(kind, text, [id, marker])) {
        row.unacked.delete(marker);
        row.acked = marker;
      }
    };
    const interval = 1000 / config.rate;
    let next = now();
    while (!stopping) {
      const enrollment = pick(enrollmentIds);
      const session = pick(sessionIds);
      await run('select-enrollment', () => 'select id, notes, amount_paid from public.enrollments where id = $1', [enrollment]);
      await write(enrollmentRows, 'update-enrollment', () => 'update public.enrollments set notes = $2 where id = $1', enrollment);
      await run('select-session', (table) => `select id, name, location from public.${table} where id = $1`, [session]);
      await write(sessionRows, 'update-session', (table) => `update public.${table} set location = $2 where id = $1`, session);
      iterations += 1;
      // A steady pace; after a long wait the client goes on from now (no burst to catch up).
      next += interval;
      const delay = next - now();
      if (delay > 0) await sleep(delay);
      else next = now();
    }
  }
  await Promise.all(clients.map((_, index) => client(index)));

  const check = async (table: RowCheck['table'], from: string, column: string, rows: Map<string, Row>): Promise<RowCheck> => {
    const ids = [...rows.keys()];
    const found = new Map((await reader.query<{ id: string; value: string | null }>(`select id::text, ${column} as value from public.${from} where id = any($1::uuid[])`, [ids])).rows.map((row) => [row.id, row.value]));
    const result: RowCheck = { table, written: ids.length, matching: 0, lost: 0, ambiguous: 0, neverAcknowledged: 0, missing: 0, samples: [] };
    for (const [id, row] of rows) {
      if (!found.has(id)) {
        result.missing += 1;
        if (result.samples.length < 5) result.samples.push(`${id}: row gone`);
        continue;
      }
      const value = found.get(id) ?? null;
      if (row.acked === undefined) result.neverAcknowledged += 1;
      if (value === (row.acked ?? value)) result.matching += 1;
      else if (value !== null && row.unacked.has(value)) result.ambiguous += 1;
      else {
        result.lost += 1;
        if (result.samples.length < 5) result.samples.push(`${id}: expected ${row.acked}, found ${value}`);
      }
    }
    return result;
  };
  await Promise.all(clients.map((connection) => connection.end()));
  const exists = async (name: string) => (await reader.query(`select to_regclass($1) as oid`, [`public.${name}`])).rows[0].oid !== null;
  const sessionsAtEnd = (await exists('sessions')) ? 'sessions' : 'program_sessions';
  const checks = [await check('enrollments', 'enrollments', 'notes', enrollmentRows), await check('sessions', sessionsAtEnd, 'location', sessionRows)];
  await reader.end();
  const result: TrafficResult = { records, iterations, checks, sessionsTableAtEnd: sessionsAtEnd };
  process.send!({ type: 'done', result }, () => process.disconnect());
}

process.once('message', (message: { type: string; config: TrafficConfig }) => {
  main(message.config).catch((error) => {
    send({ type: 'failed', message: String((error as Error).stack ?? error) });
  });
});
