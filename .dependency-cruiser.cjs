// Layering of src/, checked in `npm test` (docs/ARCHITECTURE.md explains it). Imports go
// down only: a folder may import its own layer's folders below it in this list and any
// layer under it, never one above. No cycles, not even through type-only imports.
const LAYERS = [
  ["base"], // validators, units, issues, errors, io, version, metric declarations: imports nothing of fleet
  ["sim", "fleet", "redis"], // the clock and streams; the topology; Redis connection helpers
  ["journal"], // journal records, files and Redis streams
  ["faults"], // fault kinds, models, the trace, timelines
  ["checksums"], // the real codes and the detection layer
  ["recovery"], // policy settings and decisions
  ["workloads"], // training, serving, storage: the mechanisms
  ["slo"], // the metric catalog, SLOs and verdicts
  ["scenario"], // the loader: composes the sections the layers declare
  ["run"], // lanes and sessions: one run of a scenario
  ["field"], // failure logs from real fleets: reading, fitting
  ["report"], // text and JSON reporters
  ["tui", "replay", "distributed"], // the dashboard, postmortems, runners of many jobs
  ["gate", "explain", "shrink"], // gate over seeds; explain a run by its parts; shrink a breach to its faults
  ["sweep"], // sweeps over settings
  ["cli"], // commands
];

// Tests may compose from above (a schema test loads a whole scenario), like the CLI.
const TESTS = "\\.test\\.tsx?$";
const folder = (names) => `^src/(${names.join("|")})/`;
const forbidden = [
  {
    name: "no-circular",
    severity: "error",
    comment: "a cycle of imports: move the shared part down a layer",
    from: { path: "^src/" },
    to: { circular: true },
  },
  {
    name: "no-orphans-in-src",
    severity: "error",
    comment: "a source file nothing imports (tests, benchmarks and the CLI entry excepted)",
    from: { orphan: true, path: "^src/", pathNot: ["\\.test\\.tsx?$", "/testing\\.ts$", "^src/cli/main\\.ts$", "^src/distributed/thread-worker\\.ts$", "\\.d\\.ts$"] },
    to: {},
  },
];
LAYERS.forEach((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  if (above.length === 0) return;
  forbidden.push({
    name: `layer-${layer.join("-")}`,
    severity: "error",
    comment: `${layer.join(", ")} may not import a layer above it (${above.join(", ")}): imports only go down`,
    from: { path: folder(layer), pathNot: TESTS },
    to: { path: folder(above) },
  });
  const peers = layer.filter((x) => layer.length > 1);
  for (const a of peers) {
    const others = peers.filter((b) => b !== a);
    if (others.length)
      forbidden.push({
        name: `peers-${a}`,
        severity: "error",
        comment: `${a} may not import its peers in the same layer (${others.join(", ")})`,
        from: { path: folder([a]), pathNot: TESTS },
        to: { path: folder(others) },
      });
  }
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs"] },
  },
};
