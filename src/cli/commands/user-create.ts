import { identityExists } from '../../features/auth';
import { findOrganizationByCode } from '../../features/organizations/organization.repository';
import { STAFF_ROLES, type StaffRole, createStaffAccount } from '../../features/users/staff-account';
import { migrate } from '../../migrate/runner';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE, UsageError, requiredOption, stringOption } from '../command';
import { withDatabase } from '../database';
import { readSecret } from '../read-secret';

export const MIN_PASSWORD_LENGTH = 10;

export const userCreateCommand: Command = {
  path: ['user', 'create'],
  summary: 'create a staff account (password read from stdin)',
  usage: `Usage: eduzen user create --org CODE --email EMAIL --role ROLE [--name NAME] < password\n\nThe password is read from standard input (one line, at least ${MIN_PASSWORD_LENGTH} characters).\n\nOptions:\n  --org CODE           the organisation's code\n  --email EMAIL        login e-mail\n  --role ROLE          ${STAFF_ROLES.join(' | ')}\n  --name NAME          full name\n${DATABASE_USAGE}`,
  options: { ...DATABASE_OPTIONS, org: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
  async run(context) {
    const orgCode = requiredOption(context, 'org');
    const email = requiredOption(context, 'email').trim().toLowerCase();
    const role = requiredOption(context, 'role');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new UsageError(`--email: ${email} is not an e-mail address`);
    if (!(STAFF_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
    const password = await readSecret(context.stdin, context.stderr, 'Password: ');
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new UsageError(`the password read from stdin must have at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    return withDatabase(context, async (handle) => {
      await migrate(handle.db);
      const organization = await findOrganizationByCode(handle.db, orgCode);
      if (!organization) {
        context.stderr.write(`no organisation with code ${orgCode}\n`);
        return 1;
      }
      if (await identityExists(handle.db, email)) {
        context.stderr.write(`an account with e-mail ${email} already exists\n`);
        return 1;
      }
      const user = await createStaffAccount(handle.db, {
        organizationId: organization.id, email, role: role as StaffRole, fullName: stringOption(context, 'name') ?? null, password,
      });
      context.stdout.write(`created ${user.role} ${user.email} in ${organization.code}, id ${user.id}\n`);
      return 0;
    });
  },
};
