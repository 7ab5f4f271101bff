/** Opens the database a CLI command works on: --database-url, $DATABASE_URL, or the embedded one. */
import path from 'node:path';
import { ConfigError, type Config, loadConfig } from '../config';
import { type DatabaseHandle, connect } from '../db/connect';
import { type CommandContext, stringOption } from './command';

export function configFor(context: CommandContext): Config {
  const config = loadConfig(context.env);
  const databaseUrl = stringOption(context, 'database-url');
  const dataDir = stringOption(context, 'data-dir');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('--database-url must be a postgres:// or postgresql:// URL');
  }
  return {
    ...config,
    databaseUrl: databaseUrl ?? config.databaseUrl,
    dataDir: dataDir ? path.resolve(dataDir) : config.dataDir,
  };
}

export async function openDatabase(config: Config): Promise<DatabaseHandle> {
  return config.databaseUrl
    ? connect({ engine: 'postgres', databaseUrl: config.databaseUrl })
    : connect({ engine: 'embedded', dataDir: config.dataDir });
}

export async function withDatabase<T>(context: CommandContext, work: (handle: DatabaseHandle, config: Config) => Promise<T>): Promise<T> {
  const config = configFor(context);
  const handle = await openDatabase(config);
  try {
    return await work(handle, config);
  } finally {
    await handle.close();
  }
}
