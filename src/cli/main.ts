/**
 * Entry point of the `eduzen` command: finds the command named by the first words, parses its
 * options, runs it, and turns failures into exit codes (2 for usage, 1 for anything else).
 */
import { parseArgs } from 'node:util';
import { type Command, type CommandContext, UsageError } from './command';
import { commands } from './commands';

export type Io = Pick<CommandContext, 'stdout' | 'stderr' | 'stdin' | 'env'>;

const defaultIo: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const command = findCommand(argv);
  if (!command) {
    const wantsHelp = argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help';
    (wantsHelp ? io.stdout : io.stderr).write(overview(argv));
    return wantsHelp ? 0 : 2;
  }
  const rest = argv.slice(command.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  let context: CommandContext;
  try {
    const parsed = parseArgs({
      args: rest,
      options: command.options,
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    context = { ...io, values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    io.stderr.write(`eduzen ${command.path.join(' ')}: ${(error as Error).message}\n\n${command.usage}\n`);
    return 2;
  }
  try {
    return await command.run(context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`eduzen ${command.path.join(' ')}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`eduzen ${command.path.join(' ')}: error: ${message}\n`);
    if (io.env.EDUZEN_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

function findCommand(argv: string[]): Command | undefined {
  return [...commands]
    .sort((a, b) => b.path.length - a.path.length)
    .find((command) => command.path.every((word, index) => argv[index] === word));
}

function overview(argv: string[]): string {
  const unknown = argv.length > 0 && !['--help', '-h', 'help'].includes(argv[0]!) ? `unknown command: ${argv.join(' ')}\n\n` : '';
  const width = Math.max(...commands.map((command) => command.path.join(' ').length));
  const lines = commands.map((command) => `  eduzen ${command.path.join(' ').padEnd(width)}  ${command.summary}`);
  return `${unknown}Usage: eduzen <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun eduzen <command> --help for a command's options.\n`;
}
