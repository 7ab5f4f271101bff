/**
 * Attendance's public API for other features (grades, the funders' exports): the attendance
 * grid with its totals and the session's learners. Other features import from here, never
 * from this folder's other files.
 */
export { readAttendanceGrid } from './attendance.service';
export { listEnrolledStudentIds, listRoster as listSessionLearners } from './attendance.repository';
export { emptySummary, hoursOf, localDateTime } from './attendance-grid';
