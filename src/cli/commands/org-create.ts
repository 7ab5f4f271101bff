import { z } from 'zod';
import { findOrganizationByCode, insertOrganization } from '../../features/organizations/organization.repository';
import { migrate } from '../../migrate/runner';
import { type Command, DATABASE_OPTIONS, DATABASE_USAGE, UsageError, requiredOption, stringOption } from '../command';
import { withDatabase } from '../database';

const organizationInput = z.object({
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$/, '2 to 32 letters, digits, - or _'),
  name: z.string().trim().min(1, 'required'),
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO country code such as FR').optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO currency code such as EUR').optional(),
  language: z.enum(['fr', 'en']).optional(),
  timezone: z.string().min(1).optional(),
});

export const orgCreateCommand: Command = {
  path: ['org', 'create'],
  summary: 'create an organisation',
  usage: `Usage: eduzen org create --code CODE --name NAME [options]\n\nOptions:\n  --code CODE          short unique code (letters, digits, - or _)\n  --name NAME          the organisation's name\n  --country CC         ISO country (default FR)\n  --currency CUR       ISO currency (default EUR)\n  --language fr|en     default language (default fr)\n  --timezone TZ        IANA time zone (default Europe/Paris)\n${DATABASE_USAGE}`,
  options: {
    ...DATABASE_OPTIONS,
    code: { type: 'string' }, name: { type: 'string' }, country: { type: 'string' },
    currency: { type: 'string' }, language: { type: 'string' }, timezone: { type: 'string' },
  },
  async run(context) {
    const parsed = organizationInput.safeParse({
      code: requiredOption(context, 'code'),
      name: requiredOption(context, 'name'),
      country: stringOption(context, 'country'),
      currency: stringOption(context, 'currency'),
      language: stringOption(context, 'language'),
      timezone: stringOption(context, 'timezone'),
    });
    if (!parsed.success) {
      throw new UsageError(parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; '));
    }
    return withDatabase(context, async (handle) => {
      await migrate(handle.db);
      if (await findOrganizationByCode(handle.db, parsed.data.code)) {
        context.stderr.write(`an organisation with code ${parsed.data.code} already exists\n`);
        return 1;
      }
      const organization = await insertOrganization(handle.db, parsed.data);
      context.stdout.write(`created organisation ${organization.code} (${organization.name}), id ${organization.id}\n`);
      return 0;
    });
  },
};
