/**
 * A session's schedule through the API, for tests that mark attendance on its slots.
 *
 *   const slots = await fillSchedule(admin, tenant.session.id);   // the default pattern over its dates
 *   await admin.put(`/api/sessions/${tenant.session.id}/attendance`, {
 *     entries: [{ student_id, slot_id: slots.at('2026-03-02', 'afternoon').id, status: 'present' }],
 *   });
 */
import { expect } from 'vitest';
import type { PartOfDay } from '../../src/shared/slots';
import type { ApiClient } from './api';

export type ScheduledSlot = {
  id: string;
  date: string;
  part_of_day: PartOfDay;
  start_time: string;
  end_time: string;
  minutes: number;
  status: string;
};

export type Schedule = {
  items: ScheduledSlot[];
  /** The slot of that date and part of the day; throws when the session has none. */
  at(date: string, part: PartOfDay): ScheduledSlot;
};

/** The session's slots, in chronological order (GET /api/sessions/:id/slots). */
export async function readSchedule(client: ApiClient, sessionId: string): Promise<Schedule> {
  const response = await client.get(`/api/sessions/${sessionId}/slots`);
  expect(response.statusCode, response.body).toBe(200);
  const items: ScheduledSlot[] = response.json().items;
  return {
    items,
    at(date, part) {
      const slot = items.find((candidate) => candidate.date === date && candidate.part_of_day === part);
      if (!slot) throw new Error(`the session has no ${part} slot on ${date}`);
      return slot;
    },
  };
}

/**
 * Generates slots over the session's dates (POST …/slots/generate; the default pattern unless
 * told otherwise: weekdays, morning and afternoon at the organisation's hours) and reads them.
 * Slots the session already has are kept.
 */
export async function fillSchedule(client: ApiClient, sessionId: string, pattern: Record<string, unknown> = {}): Promise<Schedule> {
  const response = await client.post(`/api/sessions/${sessionId}/slots/generate`, pattern);
  expect(response.statusCode, response.body).toBe(200);
  return readSchedule(client, sessionId);
}
