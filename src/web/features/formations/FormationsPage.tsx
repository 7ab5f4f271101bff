export function FormationsPage() {
  return <p>FormationsPage</p>;
}
