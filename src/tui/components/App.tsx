// The mounted tree: the dashboard and the key listener.
import type { KeyPress } from "../keys.js";
import type { DashboardView } from "../view.js";
import { Dashboard } from "./Dashboard.js";
import { KeyInput } from "./KeyInput.js";

export function App({ view, color, onKey }: { view: DashboardView; color: boolean; onKey: (k: KeyPress) => void }) {
  return (
    <>
      <Dashboard view={view} color={color} />
      <KeyInput onKey={onKey} />
    </>
  );
}
