/**
 * Loads a logical backup (see logical-backup.ts) in one transaction: SQL runs statement by
 * statement, `COPY … FROM stdin` blocks stream their rows. A failure leaves the target as it was.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { splitStatements } from '../split-statements';

const COPY_LINE = /^COPY (.+) FROM stdin;$/;

export async function restoreLogicalBackup(databaseUrl: string, file: string): Promise<{ rows: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let pending = '';
  let rows = 0;
  let copy: ReturnType<typeof copyFrom> | null = null;
  let copyDone: Promise<void> | null = null;
  const flush = async () => {
    for (const statement of splitStatements(pending)) await client.query(statement.text);
    pending = '';
  };
  try {
    await client.query('begin');
    // Created only now: lines read before iteration starts would be lost.
    const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (copy) {
        if (line === '\\.') {
          copy.end();
          await copyDone;
          copy = null;
        } else {
          rows += 1;
          if (!copy.write(`${line}\n`)) await new Promise((resolve) => copy!.once('drain', resolve));
        }
        continue;
      }
      const match = COPY_LINE.exec(line);
      if (match) {
        await flush();
        const stream = client.query(copyFrom(`COPY ${match[1]} FROM stdin`));
        copy = stream;
        copyDone = new Promise((resolve, reject) => {
          stream.on('finish', () => resolve());
          stream.on('error', reject);
        });
        continue;
      }
      pending += `${line}\n`;
    }
    await flush();
    await client.query('commit');
    return { rows };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
