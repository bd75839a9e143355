// Per-host mutable state of the simulated fleet, as a struct of typed arrays (one array
// per field, one slot per host index). This is the truth that injectors, workloads and
// policies read and write; nothing here allocates per host. About 21 bytes per host.

/** Lifecycle of a host; stored in `Fleet.state` (a Uint8Array). */
export const HostState = {
  /** Serving and schedulable. */
  UP: 0,
  /** Crashed or unpowered; back at `downUntil` (seconds of simulated time). */
  DOWN: 1,
  /** Still up, but taking no new work: a policy is moving work away. */
  DRAINING: 2,
  /** Taken out of service for good (e.g. a quarantined mercurial core). */
  RETIRED: 3,
} as const;
export type HostStateCode = (typeof HostState)[keyof typeof HostState];

/** Bit flags of a host; OR-ed together in `Fleet.flags` (a Uint8Array). */
export const HostFlag = {
  /** Holds silently corrupted data it does not know about. */
  CORRUPT: 1,
  /** Has a mercurial (silently miscomputing) core. */
  MERCURIAL: 2,
  /** Runs slow: see `slowdown`. */
  STRAGGLER: 4,
  /** Thermally or power throttled. */
  THROTTLED: 8,
} as const;
export type HostFlagBit = (typeof HostFlag)[keyof typeof HostFlag];

/** The mutable per-host arrays; index = host index. */
export interface HostStateArrays {
  /** A `HostState` code per host. */
  state: Uint8Array;
  /** Simulated second at which a DOWN host comes back (0 when not down). */
  downUntil: Float64Array;
  /** Corrected-error count (ECC corrections, CRC retries that succeeded...). */
  correctable: Uint32Array;
  /** `HostFlag` bits per host. */
  flags: Uint8Array;
  /** Work-time multiplier: 1 = normal speed, 5 = five times slower. */
  slowdown: Float32Array;
}

export function allocHostState(hosts: number): HostStateArrays {
  const s: HostStateArrays = {
    state: new Uint8Array(hosts),
    downUntil: new Float64Array(hosts),
    correctable: new Uint32Array(hosts),
    flags: new Uint8Array(hosts),
    slowdown: new Float32Array(hosts),
  };
  s.slowdown.fill(1);
  return s;
}

/** Back to a pristine fleet: every host UP, no errors, no flags, normal speed. */
export function resetHostState(s: HostStateArrays): void {
  s.state.fill(HostState.UP);
  s.downUntil.fill(0);
  s.correctable.fill(0);
  s.flags.fill(0);
  s.slowdown.fill(1);
}
