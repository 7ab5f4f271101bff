/**
 * The secret that signs session tokens: EDUZEN_JWT_SECRET when set; otherwise, on the embedded
 * database, one generated at first start and kept next to the data (so logins survive a
 * restart); otherwise a random one for this process, with a warning (logins end on restart).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

export function resolveJwtSecret(config: Config, engine: 'embedded' | 'postgres', warn: (message: string) => void): string {
  if (config.jwtSecret) return config.jwtSecret;
  if (engine === 'embedded') {
    const file = path.join(path.dirname(config.dataDir), 'jwt-secret');
    try {
      const existing = fs.readFileSync(file, 'utf8').trim();
      if (existing.length >= 32) return existing;
    } catch {
      // first start: create it below
    }
    const secret = randomBytes(48).toString('base64url');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
  warn('EDUZEN_JWT_SECRET is not set: using a random secret, so logins end when the server restarts');
  return randomBytes(48).toString('base64url');
}
