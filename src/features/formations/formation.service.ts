/**
 * Formations: the catalogue's course offerings, optionally filed under a programme. Admin and
 * secretary manage them; everyone reads. A formation with sessions cannot be deleted.
 */
import type { TenantTransaction } from '../../db/tenant';
import { type Actor, MANAGERS, assertRole } from '../../shared/actor';
import { translateConstraintError } from '../../shared/database-errors';
import { AppError, notFound } from '../../shared/errors';
import { type Language, type MessageKey, message } from '../../shared/i18n';
import * as repository from './formation.repository';
import type { CreateFormation, ListFormationsQuery, UpdateFormation } from './formation.schemas';

const CONSTRAINTS = {
  formations_organization_id_code_key: { field: 'code', message: 'a formation with this code already exists' },
  formations_age_check: { field: 'age_min', message: 'the minimum age must not exceed the maximum age' },
  formations_program_fkey: { field: 'program_id', message: 'no such programme in this organisation' },
};

function fieldError(field: string, text: string) {
  return new AppError('VALIDATION_FAILED', text, { fields: [{ field: `body.${field}`, message: text }] });
}

function translatedFieldError(field: string, key: MessageKey, language: Language) {
  return fieldError(field, message(key, language));
}

async function assertProgramInOrganization(trx: TenantTransaction, actor: Actor, programId: string | null | undefined, language: Language) {
  if (!programId) return;
  if (!(await repository.programExists(trx, actor.organizationId, programId))) {
    throw translatedFieldError('program_id', 'program_not_in_organization', language);
  }
}

export async function listFormations(trx: TenantTransaction, actor: Actor, query: ListFormationsQuery) {
  const { items, total } = await repository.listFormations(trx, actor.organizationId, query);
  return { items, total, page: query.page, page_size: query.page_size };
}

export async function getFormation(trx: TenantTransaction, actor: Actor, id: string) {
  const formation = await repository.findFormation(trx, actor.organizationId, id);
  if (!formation) throw notFound('formation');
  return formation;
}

export async function createFormation(trx: TenantTransaction, actor: Actor, values: CreateFormation, language: Language = 'fr') {
  assertRole(actor, MANAGERS);
  await assertProgramInOrganization(trx, actor, values.program_id, language);
  const created = await repository.insertFormation(trx, actor.organizationId, values).catch((error) => translateConstraintError(error, CONSTRAINTS));
  return getFormation(trx, actor, created.id);
}

export async function updateFormation(trx: TenantTransaction, actor: Actor, id: string, values: UpdateFormation, language: Language = 'fr') {
  assertRole(actor, MANAGERS);
  const stored = await repository.findFormationAgeRange(trx, actor.organizationId, id);
  if (!stored) throw notFound('formation');
  const ageMin = values.age_min !== undefined ? values.age_min : stored.age_min;
  const ageMax = values.age_max !== undefined ? values.age_max : stored.age_max;
  if (ageMin != null && ageMax != null && ageMin > ageMax) {
    throw translatedFieldError(values.age_min !== undefined ? 'age_min' : 'age_max', 'age_range_reversed', language);
  }
  await assertProgramInOrganization(trx, actor, values.program_id, language);
  const updated = await repository.updateFormation(trx, actor.organizationId, id, values).catch((error) => translateConstraintError(error, CONSTRAINTS));
  if (!updated) throw notFound('formation');
  return getFormation(trx, actor, id);
}

/** Refused while sessions depend on the formation: they would lose their course. */
export async function deleteFormation(trx: TenantTransaction, actor: Actor, id: string) {
  assertRole(actor, MANAGERS);
  await getFormation(trx, actor, id);
  const sessions = await repository.countFormationSessions(trx, actor.organizationId, id);
  if (sessions > 0) {
    throw new AppError('HAS_DEPENDENTS', `${sessions} session(s) still depend on this formation: delete or move them first`, {
      dependents: { sessions },
    });
  }
  const deleted = await repository.deleteFormation(trx, actor.organizationId, id).catch((error) =>
    translateConstraintError(error, { sessions_formation_fkey: { message: 'sessions still depend on this formation' } }));
  if (deleted === 0) throw notFound('formation');
}
