import { setIdentityPassword } from '../../features/auth';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE, UsageError, requiredOption } from '../command';
import { withDatabase } from '../database';
import { readSecret } from '../read-secret';
import { MIN_PASSWORD_LENGTH } from './user-create';

export const userPasswordCommand: Command = {
  path: ['user', 'password'],
  summary: 'set a staff account’s password (read from stdin)',
  usage: `Usage: eduzen user password --email EMAIL < password\n\nSets the password of an existing account, e.g. the demo administrator's.\nThe password is read from standard input (one line, at least ${MIN_PASSWORD_LENGTH} characters).\n\nOptions:\n  --email EMAIL        login e-mail\n${DATABASE_USAGE}`,
  options: { ...DATABASE_OPTIONS, email: { type: 'string' } },
  async run(context) {
    const email = requiredOption(context, 'email').trim().toLowerCase();
    const password = await readSecret(context.stdin, context.stderr, 'New password: ');
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new UsageError(`the password read from stdin must have at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    return withDatabase(context, async (handle) => {
      // Hashed as the identity store verifies it: bcrypt where Supabase Auth reads auth.users.
      if (!(await setIdentityPassword(handle.db, email, password))) {
        context.stderr.write(`no account with e-mail ${email}\n`);
        return 1;
      }
      context.stdout.write(`password of ${email} changed\n`);
      return 0;
    });
  },
};
