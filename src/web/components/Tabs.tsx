/** Tabs that are links (each tab has its own URL), marked up as a navigation list. */
import { NavLink } from 'react-router-dom';

export function TabLinks({ label, tabs }: { label: string; tabs: Array<{ to: string; label: string; end?: boolean }> }) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end={tab.end} replace className={({ isActive }) => `tab ${isActive ? 'tab-active' : ''}`}>
          {tab.label}
        </NavLink>
      ))}
    </nav>
  );
}
