/**
 * Sessions' public API for other features (attendance, grades, the funders' exports): who may
 * see and mark a session, and its schedule. Other features import from here, never from this
 * folder's other files.
 */
export { MARKERS, type SessionRecord, loadSession } from './session-access';
export { lockSessionSchedule } from './session.repository';
export { listSessionSlots, type SlotRow } from './slot.repository';
