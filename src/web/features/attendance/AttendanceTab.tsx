export function AttendanceTab() {
  return <p>AttendanceTab</p>;
}
