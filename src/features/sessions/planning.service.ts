/**
 * The organisation's planning: slots of every session between two dates, filtered by trainer,
 * place or session, each with the conflicts it is part of (another slot at the same moment
 * with the same trainer, a learner of both sessions, or the same place). A teacher sees the
 * slots of the sessions they train (row-level security).
 */
import type { TenantTransaction } from '../../db/tenant';
import type { Actor } from '../../shared/actor';
import { nonWorkingDay } from '../../shared/holidays';
import { formatTimeOfDay, slotMinutes } from '../../shared/slots';
import { findOrganizationCountry } from './session.repository';
import * as repository from './slot.repository';
import type { Planning, PlanningQuery, PlanningSlot } from './slot.schemas';

type Trainer = PlanningSlot['trainers'][number];

export async function getPlanning(trx: TenantTransaction, actor: Actor, query: PlanningQuery): Promise<Planning> {
  const rows = await repository.listPlanningSlots(trx, actor.organizationId, query);
  const trainers = await repository.listSlotTrainers(trx, actor.organizationId, rows.map((row) => row.id));
  const conflicts = await repository.listConflicts(trx, actor.organizationId, query.from, query.to);
  const country = await findOrganizationCountry(trx, actor.organizationId);
  const trainersBySlot = new Map<string, Trainer[]>();
  for (const trainer of trainers) {
    const own = trainersBySlot.get(trainer.slot_id) ?? [];
    own.push({ user_id: trainer.user_id, full_name: trainer.full_name, email: trainer.email, role: trainer.role as Trainer['role'] });
    trainersBySlot.set(trainer.slot_id, own);
  }
  const conflictsBySlot = new Map<string, PlanningSlot['conflicts']>();
  for (const conflict of conflicts) {
    const own = conflictsBySlot.get(conflict.slot_id) ?? [];
    own.push({ kind: conflict.kind, other_slot_id: conflict.other_slot_id, other_session_id: conflict.other_session_id, other_session_name: conflict.other_session_name, subject: conflict.subject });
    conflictsBySlot.set(conflict.slot_id, own);
  }
  const items: PlanningSlot[] = rows.map((row) => {
    const own = trainersBySlot.get(row.id) ?? [];
    const sessionTrainer: Trainer[] = row.session_teacher_id && row.session_teacher_email
      ? [{ user_id: row.session_teacher_id, full_name: row.session_teacher_name, email: row.session_teacher_email, role: 'lead' }]
      : [];
    return {
      id: row.id,
      session_id: row.session_id,
      date: row.date,
      start_time: formatTimeOfDay(row.start_time),
      end_time: formatTimeOfDay(row.end_time),
      part_of_day: row.part_of_day as PlanningSlot['part_of_day'],
      minutes: slotMinutes(row),
      location: row.location,
      virtual_room_url: row.virtual_room_url,
      module_title: row.module_title,
      status: row.status as PlanningSlot['status'],
      cancellation_reason: row.cancellation_reason,
      trainers: own,
      non_working_day: nonWorkingDay(country, row.date),
      created_at: row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at,
      updated_at: row.updated_at instanceof Date ? row.updated_at.toISOString() : row.updated_at,
      session_name: row.session_name,
      session_status: row.session_status,
      formation_name: row.formation_name,
      place: row.location ?? row.session_location,
      effective_trainers: own.length > 0 ? own : sessionTrainer,
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
