export function GradesTab() {
  return <p>GradesTab</p>;
}
