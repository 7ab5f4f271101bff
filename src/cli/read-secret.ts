/** Reads a password from standard input: one line, typed without echo on a terminal, or piped. */
import readline from 'node:readline';

export async function readSecret(stdin: NodeJS.ReadableStream & { isTTY?: boolean }, stderr: NodeJS.WritableStream, prompt: string): Promise<string> {
  if (stdin.isTTY) stderr.write(prompt);
  const lines = readline.createInterface({ input: stdin, terminal: false });
  try {
    for await (const line of lines) return line.replace(/\r$/, '');
    return '';
  } finally {
    lines.close();
    if (stdin.isTTY) stderr.write('\n');
  }
}
