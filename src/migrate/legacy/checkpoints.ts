/**
 * Named checkpoints of the upgrade, for fault-injection tests and operators' drills.
 * With EDUZEN_UPGRADE_PAUSE_AT=<checkpoint> the upgrade stops at that point, prints
 * `paused at <checkpoint>` on stderr and waits (for a SIGKILL, typically). Checkpoints are
 * `before:<phase>`, `in:<phase>` (inside its transaction, before commit), `after:<phase>`,
 * `batch:<table>:<n>` (after the n-th committed backfill batch), `index:<name>` and
 * `validate:<constraint>`; `--dry-run` lists the phases.
 */
export type CheckpointHook = (name: string) => Promise<void>;

export function checkpointHook(env: NodeJS.ProcessEnv, stderr: NodeJS.WritableStream): CheckpointHook {
  const pauseAt = env.EDUZEN_UPGRADE_PAUSE_AT;
  if (!pauseAt) return async () => {};
  return async (name) => {
    if (name !== pauseAt) return;
    stderr.write(`paused at ${name}\n`);
    await new Promise(() => {
      setInterval(() => {}, 60_000);
    });
  };
}
