import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress';
import { BASELINE_FILE } from '../../src/migrate/legacy/baseline';
import { generateBaseline } from '../../src/migrate/legacy/generate-baseline';

describe('the upgrade target', () => {
  it('baseline-schema.json is what the three baseline migrations produce', async () => {
    expect(await generateBaseline()).toBe(fs.readFileSync(BASELINE_FILE, 'utf8'));
  });
});

describe('progress reporter', () => {
  it('off a terminal, prints a line every step of percent, and a final line', () => {
    let text = '';
    const stream = { isTTY: false, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream;
    let clock = 0;
    const progress = createProgress(stream, 'rows', 100, { now: () => clock, intervalMs: 1_000_000, stepPercent: 50 });
    for (let done = 10; done <= 100; done += 10) progress.update(done);
    progress.finish('rows: done');
    expect(text.trim().split('\n')).toEqual([expect.stringContaining('50%'), expect.stringContaining('100%'), 'rows: done']);
  });
});
