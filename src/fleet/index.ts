// The fleet topology module: build a Fleet from a FleetSpec, query it, name its parts.
export { buildFleet } from "./build.js";
export { Fleet } from "./fleet.js";
export { angularDistance, normalizeDeg } from "./facing.js";
export { HostFlag, HostState, type HostFlagBit, type HostStateCode, type HostStateArrays } from "./state.js";
export { formatSummary, type FleetKind, type FleetLink, type FleetRef, type FleetSummary, type IndexRange } from "./ref.js";
export { fleetSpecProblems } from "./validate.js";
