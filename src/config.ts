/**
 * Configuration, parsed once from the environment with zod at start-up. A bad value stops the
 * process with one message per field instead of surfacing later as an obscure failure.
 */
import path from 'node:path';
import { z } from 'zod';

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  EDUZEN_DATA_DIR: z.string().min(1).default('.eduzen/data'),
  EDUZEN_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SUPABASE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  EDUZEN_LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  EDUZEN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  jwtSecret: string | undefined;
  supabaseJwtSecret: string | undefined;
  /** Login attempts allowed per client address and e-mail per minute. */
  loginMaxAttempts: number;
  logLevel: z.infer<typeof configSchema>['EDUZEN_LOG_LEVEL'];
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty variables count as unset, as shells and .env files often leave them.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    dataDir: path.resolve(values.EDUZEN_DATA_DIR),
    jwtSecret: values.EDUZEN_JWT_SECRET,
    supabaseJwtSecret: values.SUPABASE_JWT_SECRET,
    loginMaxAttempts: values.EDUZEN_LOGIN_MAX_ATTEMPTS,
    logLevel: values.EDUZEN_LOG_LEVEL,
  };
}
