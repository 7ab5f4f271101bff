/** Runs the `eduzen` CLI in-process with captured output and a given standard input. */
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main';

export type CliResult = { code: number; stdout: string; stderr: string };

export async function runCli(argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const code = await main(argv, {
    stdout,
    stderr,
    stdin: Readable.from([options.stdin ?? '']),
    env: { PATH: process.env.PATH, ...options.env },
  });
  return { code, stdout: out, stderr: err };
}
