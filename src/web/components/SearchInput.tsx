/** A search box that updates its URL parameter after a short pause in typing. */
import { useEffect, useId, useState } from 'react';

export function SearchInput({ label, value, onChange, delay = 250 }: { label: string; value: string; onChange: (value: string) => void; delay?: number }) {
  const [text, setText] = useState(value);
  const id = useId();
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onChange(text), delay);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  return (
    <div className="field field-search">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder="…" />
    </div>
  );
}
