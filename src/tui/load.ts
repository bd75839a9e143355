// Loads the Ink modules of the dashboard and the replay viewer. Ink renders nothing until
// it unmounts when it believes it runs in CI: its is-in-ci check reads CI (and
// CONTINUOUS_INTEGRATION) once, when Ink loads. The dashboard only runs when chosen for a
// terminal (./choose.ts) or asked for with `--reporter dashboard`, and then it must draw:
// so Ink is loaded with those variables unset, and they are put back at once. React loads
// in its production build (its development build makes every frame several times slower).
const CI_VARS = ["CI", "CONTINUOUS_INTEGRATION"] as const;

export async function loadInk<T>(load: () => Promise<T>): Promise<T> {
  process.env.NODE_ENV ??= "production";
  const saved = CI_VARS.map((k) => [k, process.env[k]] as const);
  for (const k of CI_VARS) delete process.env[k];
  try {
    return await load();
  } finally {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
  }
}
