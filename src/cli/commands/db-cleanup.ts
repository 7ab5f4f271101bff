import { dropLeftover, proveLeftovers } from '../../migrate/legacy/cleanup';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE } from '../command';
import { withDatabase } from '../database';
import { confirm } from './db-upgrade';

export const dbCleanupCommand: Command = {
  path: ['db', 'cleanup'],
  summary: "drop the old script's leftovers (formations_temp, sessions_temp) once proven redundant",
  usage: `Usage: eduzen db cleanup [options]\n\nDrops formations_temp and sessions_temp only when every one of their rows is in formations and\nsessions (same id, same content). Otherwise refuses and shows the counts that differ.\n\nOptions:\n${DATABASE_USAGE}\n  --yes                drop without asking (required when stdin is not a terminal)\n  --json               print the proofs as JSON`,
  options: { ...DATABASE_OPTIONS, yes: { type: 'boolean' }, json: { type: 'boolean' } },
  async run(context) {
    return withDatabase(context, async (handle) => {
      const out = (line: string) => context.stdout.write(`${line}\n`);
      const proofs = await proveLeftovers(handle.db);
      if (context.values.json) out(JSON.stringify(proofs, null, 2));
      if (proofs.length === 0) {
        if (!context.values.json) out('no leftover of the old script: nothing to clean up');
        return 0;
      }
      const refused = proofs.filter((proof) => !proof.redundant);
      for (const proof of proofs) {
        if (!context.values.json) {
          out(`${proof.table}: ${proof.rows} rows; missing from ${proof.copyOf}: ${proof.missing}; different in ${proof.copyOf}: ${proof.differing}${proof.redundant ? ' → redundant' : ' → KEPT'}`);
        }
      }
      const redundant = proofs.filter((proof) => proof.redundant);
      if (redundant.length > 0) {
        if (context.values.yes !== true) await confirm(context, `Drop ${redundant.map((proof) => proof.table).join(', ')}?`);
        for (const proof of redundant) {
          await dropLeftover(handle.db, proof.table);
          if (!context.values.json) out(`dropped ${proof.table}`);
        }
      }
      if (refused.length > 0) {
        out(`refused to drop ${refused.map((proof) => proof.table).join(', ')}: some of their rows are not in the new tables; compare them by hand`);
        return 1;
      }
      return 0;
    });
  },
};
