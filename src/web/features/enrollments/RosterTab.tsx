export function RosterTab() {
  return <p>RosterTab</p>;
}
