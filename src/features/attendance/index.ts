/**
 * Attendance's public API for other features (grades, the funders' exports): who may see and
 * mark a session, and the attendance grid with its totals. Other features import from here,
 * never from this folder's other files.
 */
export { MARKERS, type SessionRecord, loadSession } from './session-access';
export { readAttendanceGrid } from './attendance.service';
export { listEnrolledStudentIds, listRoster as listSessionLearners } from './attendance.repository';
export { emptySummary, hoursOf, localDateTime } from './attendance-grid';
