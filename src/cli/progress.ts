/**
 * A progress reporter for long work (upgrades, imports, seeding). On a terminal it keeps one
 * line up to date on stderr; elsewhere (logs, CI) it prints a line every few seconds or every
 * 10 %, so the output stays readable.
 *
 *   const progress = createProgress(context.stderr, 'enrollments', total);
 *   progress.update(done);
 *   progress.finish();
 */
export type Progress = {
  update(done: number): void;
  finish(message?: string): void;
};

export type ProgressOptions = { intervalMs?: number; stepPercent?: number; now?: () => number };

export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  label: string,
  total: number,
  options: ProgressOptions = {},
): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  const intervalMs = options.intervalMs ?? (stream.isTTY ? 100 : 5000);
  const stepPercent = options.stepPercent ?? 10;
  let lastWrite = 0;
  let lastPercent = -1;
  let done = 0;
  const line = () => {
    const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
    const width = 24;
    const filled = Math.round((percent / 100) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const seconds = ((now() - started) / 1000).toFixed(1);
    return { percent, text: `${label} [${bar}] ${percent}% ${done}/${total} ${seconds}s` };
  };
  return {
    update(value) {
      done = value;
      const { percent, text } = line();
      const due = now() - lastWrite >= intervalMs;
      if (stream.isTTY) {
        if (due) {
          stream.write(`\r${text}\u001b[K`);
          lastWrite = now();
        }
      } else if (due || percent >= lastPercent + stepPercent) {
        stream.write(`${text}\n`);
        lastWrite = now();
        lastPercent = percent;
      }
    },
    finish(message) {
      done = Math.max(done, total);
      const { text } = line();
      stream.write(stream.isTTY ? `\r${message ?? text}\u001b[K\n` : `${message ?? text}\n`);
    },
  };
}
