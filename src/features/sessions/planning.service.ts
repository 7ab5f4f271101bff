/**
 * The organisation's planning: slots of every session between two dates, filtered by trainer,
 * place or session, each with the conflicts it is part of (another slot at the same moment
 * with the same trainer, a learner of both sessions, or the same place). A teacher sees the
 * slots of the sessions they train (row-level security).
 */
import type { TenantTransaction } from '../../db/tenant';
import type { Actor } from '../../shared/actor';
import { findOrganizationCountry } from './session.repository';
import * as repository from './slot.repository';
import { groupBySlot, toSlot } from './slot.service';
import type { Planning, PlanningQuery, PlanningSlot } from './slot.schemas';

type Trainer = PlanningSlot['trainers'][number];

export async function getPlanning(trx: TenantTransaction, actor: Actor, query: PlanningQuery): Promise<Planning> {
  const rows = await repository.listPlanningSlots(trx, actor.organizationId, query);
  const trainersBySlot = groupBySlot(await repository.listSlotTrainers(trx, actor.organizationId, rows.map((row) => row.id)));
  const conflicts = await repository.listConflicts(trx, actor.organizationId, query.from, query.to);
  const country = await findOrganizationCountry(trx, actor.organizationId);
  const conflictsBySlot = new Map<string, PlanningSlot['conflicts']>();
  for (const { slot_id: slotId, ...conflict } of conflicts) {
    conflictsBySlot.set(slotId, [...(conflictsBySlot.get(slotId) ?? []), conflict]);
  }
  const items: PlanningSlot[] = rows.map((row) => {
    const { marked_count: _marks, ...slot } = toSlot(row, trainersBySlot.get(row.id) ?? [], 0, country);
    const sessionTrainer: Trainer[] = row.session_teacher_id && row.session_teacher_email
      ? [{ user_id: row.session_teacher_id, full_name: row.session_teacher_name, email: row.session_teacher_email, role: 'lead' }]
      : [];
    return {
      ...slot,
      session_name: row.session_name,
      session_status: row.session_status,
      formation_name: row.formation_name,
      place: row.location ?? row.session_location,
      effective_trainers: slot.trainers.length > 0 ? slot.trainers : sessionTrainer,
      learner_count: row.learner_count,
      conflicts: conflictsBySlot.get(row.id) ?? [],
    };
  });
  return {
    from: query.from,
    to: query.to,
    items,
    total: items.length,
    conflict_count: items.filter((item) => item.conflicts.length > 0).length,
  };
}
