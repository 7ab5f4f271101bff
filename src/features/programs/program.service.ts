/** Programmes: families of formations. Admin and secretary manage them; everyone reads. */
import type { TenantTransaction } from '../../db/tenant';
import { type Actor, MANAGERS, assertRole } from '../../shared/actor';
import { translateConstraintError } from '../../shared/database-errors';
import { AppError, notFound } from '../../shared/errors';
import * as repository from './program.repository';
import type { CreateProgram, ListProgramsQuery, UpdateProgram } from './program.schemas';

const CONSTRAINTS = {
  programs_organization_id_code_key: { field: 'code', message: 'a programme with this code already exists' },
};

export async function listPrograms(trx: TenantTransaction, actor: Actor, query: ListProgramsQuery) {
  const { items, total } = await repository.listPrograms(trx, actor.organizationId, query);
  return { items, total, page: query.page, page_size: query.page_size };
}

export async function getProgram(trx: TenantTransaction, actor: Actor, id: string) {
  const program = await repository.findProgram(trx, actor.organizationId, id);
  if (!program) throw notFound('programme');
  return program;
}

export async function createProgram(trx: TenantTransaction, actor: Actor, values: CreateProgram) {
  assertRole(actor, MANAGERS);
  const created = await repository.insertProgram(trx, actor.organizationId, values).catch((error) => translateConstraintError(error, CONSTRAINTS));
  return getProgram(trx, actor, created.id);
}

export async function updateProgram(trx: TenantTransaction, actor: Actor, id: string, values: UpdateProgram) {
  assertRole(actor, MANAGERS);
  const updated = await repository.updateProgram(trx, actor.organizationId, id, values).catch((error) => translateConstraintError(error, CONSTRAINTS));
  if (!updated) throw notFound('programme');
  return getProgram(trx, actor, id);
}

/** Deleting a programme unlinks its formations (they stay, without programme). */
export async function deleteProgram(trx: TenantTransaction, actor: Actor, id: string) {
  assertRole(actor, MANAGERS);
  if ((await repository.deleteProgram(trx, actor.organizationId, id)) === 0) throw notFound('programme');
}

/** Files existing formations under a programme, all or none. */
export async function linkFormations(trx: TenantTransaction, actor: Actor, programId: string, formationIds: string[]) {
  assertRole(actor, MANAGERS);
  await getProgram(trx, actor, programId);
  const unique = [...new Set(formationIds)];
  const found = new Set(await repository.findFormationIds(trx, actor.organizationId, unique));
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) throw new AppError('NOT_FOUND', `${missing.length} formation(s) not found`, { missing });
  const linked = await repository.linkFormations(trx, actor.organizationId, programId, unique);
  return { linked, program: await getProgram(trx, actor, programId) };
}
