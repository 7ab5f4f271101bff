export function StudentsPage() {
  return <p>StudentsPage</p>;
}
