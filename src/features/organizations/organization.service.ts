/**
 * The caller's organisation: every staff member reads it; an administrator sets its usual
 * hours (the defaults of slot generation). Row-level security says the same.
 */
import type { TenantTransaction } from '../../db/tenant';
import { type Actor, assertCan } from '../../shared/actor';
import { AppError, notFound } from '../../shared/errors';
import { type Language, message } from '../../shared/i18n';
import { formatTimeOfDay } from '../../shared/slots';
import * as repository from './organization.repository';
import { type Organization, type UpdateOrganization, dayHoursIssue } from './organization.schemas';

type OrganizationRow = NonNullable<Awaited<ReturnType<typeof repository.findOrganizationById>>>;

function toOrganization(row: OrganizationRow): Organization {
  return {
    ...row,
    morning_start: formatTimeOfDay(row.morning_start), morning_end: formatTimeOfDay(row.morning_end),
    afternoon_start: formatTimeOfDay(row.afternoon_start), afternoon_end: formatTimeOfDay(row.afternoon_end),
    evening_start: formatTimeOfDay(row.evening_start), evening_end: formatTimeOfDay(row.evening_end),
    updated_at: row.updated_at instanceof Date ? row.updated_at.toISOString() : String(row.updated_at),
  };
}

export async function getOrganization(trx: TenantTransaction, actor: Actor): Promise<Organization> {
  const row = await repository.findOrganizationById(trx, actor.organizationId);
  if (!row) throw notFound('organization');
  return toOrganization(row);
}

export async function updateOrganization(trx: TenantTransaction, actor: Actor, values: UpdateOrganization, language: Language): Promise<Organization> {
  assertCan(actor, 'manageOrganization');
  const stored = await getOrganization(trx, actor);
  const field = dayHoursIssue({ ...stored, ...Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) });
  if (field) {
    const text = message('day_hours_out_of_order', language);
    throw new AppError('VALIDATION_FAILED', text, { fields: [{ field: `body.${field}`, message: text }] });
  }
  const row = await repository.updateOrganization(trx, actor.organizationId, values);
  if (!row) throw notFound('organization');
  return toOrganization(row);
}
