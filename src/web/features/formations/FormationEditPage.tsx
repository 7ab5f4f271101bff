export function FormationEditPage() {
  return <p>FormationEditPage</p>;
}
