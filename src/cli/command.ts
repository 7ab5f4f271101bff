/**
 * The shape of an `eduzen` command. Each command declares its options (node:util parseArgs),
 * and returns an exit code. Usage mistakes throw UsageError (exit 2, with the usage printed);
 * any other failure is reported in one line and exits 1. Nothing is caught and ignored.
 */
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export type CommandContext = {
  /** Parsed option values. */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
};

export type Command = {
  /** Words that select the command, e.g. ['db', 'migrate']. */
  path: string[];
  summary: string;
  usage: string;
  options: OptionSpec;
  allowPositionals?: boolean;
  run(context: CommandContext): Promise<number>;
};

export class UsageError extends Error {
  override name = 'UsageError';
}

export const DATABASE_OPTIONS = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
} as const satisfies OptionSpec;

export const DATABASE_USAGE =
  '  --database-url URL   Postgres server to use (default: $DATABASE_URL, else the embedded database)\n' +
  '  --data-dir DIR       embedded database directory (default: $EDUZEN_DATA_DIR or ./.eduzen/data)';

export function stringOption(context: CommandContext, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredOption(context: CommandContext, name: string): string {
  const value = stringOption(context, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`missing --${name}`);
  return value;
}
