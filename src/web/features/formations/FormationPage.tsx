export function FormationPage() {
  return <p>FormationPage</p>;
}
