// Checkpoint/restart theory: the optimum checkpoint interval and the expected goodput of
// periodic checkpointing under exponential (Poisson) failures. The training job uses the
// intervals; the tests compare the simulated job against the goodput formulas.
//
// Model. A job computes for `tau` seconds, then stalls `delta` seconds to write a
// checkpoint; failures arrive as a Poisson process of mean gap `mtbf` (M) at any time
// (while computing, checkpointing or restarting); each failure costs `restart` (R) and
// the work since the last completed checkpoint.
//
// Sources. Young, "A first order approximation to the optimum checkpoint interval",
// CACM 17(9), 1974: tau = sqrt(2 delta M). Daly, "A higher order estimate of the optimum
// checkpoint interval for restart dumps", FGCS 22(3), 2006: the higher-order optimum
// tau = sqrt(2 delta M) [1 + sqrt(delta/(2M))/3 + (delta/(2M))/9] - delta (delta < 2M),
// else tau = M; and the complete expected wall time of that model,
// T_wall = M e^(R/M) (e^((tau+delta)/M) - 1) per tau of work (his eq. 13 per segment).
//
// Left out: failure rates that change with time (infant mortality), checkpoint costs
// that vary, failures correlated with checkpoint writes.

/** Young's optimum compute time between checkpoints (seconds). */
export function youngInterval(checkpointSec: number, mtbfSec: number): number {
  return Math.sqrt(2 * checkpointSec * mtbfSec);
}

/** Daly's higher-order optimum compute time between checkpoints (seconds). */
export function dalyInterval(checkpointSec: number, mtbfSec: number): number {
  const d = checkpointSec;
  const m = mtbfSec;
  if (d >= 2 * m) return m;
  const x = d / (2 * m);
  return Math.sqrt(2 * d * m) * (1 + Math.sqrt(x) / 3 + x / 9) - d;
}

/**
 * The first-order goodput (useful compute / wall time) of periodic checkpointing:
 * tau/(tau+delta) of the time computes, and each failure (rate 1/M) wastes on average
 * half a segment plus the restart. Good when tau, delta and R are small against M.
 */
export function firstOrderGoodput(intervalSec: number, checkpointSec: number, restartSec: number, mtbfSec: number): number {
  const seg = intervalSec + checkpointSec;
  return Math.max(0, (intervalSec / seg) * (1 - (seg / 2 + restartSec) / mtbfSec));
}

/**
 * The exact goodput of the same model under exponential failures (failures may strike
 * during checkpoints and restarts too): tau / (M e^(R/M) (e^((tau+delta)/M) - 1)), Daly 2006.
 */
export function expectedGoodput(intervalSec: number, checkpointSec: number, restartSec: number, mtbfSec: number): number {
  const m = mtbfSec;
  return intervalSec / (m * Math.exp(restartSec / m) * Math.expm1((intervalSec + checkpointSec) / m));
}

/** The interval (seconds) among `candidates` with the best `expectedGoodput`. */
export function bestInterval(candidates: readonly number[], checkpointSec: number, restartSec: number, mtbfSec: number): number {
  let best = candidates[0];
  let bestG = -Infinity;
  for (const t of candidates) {
    const g = expectedGoodput(t, checkpointSec, restartSec, mtbfSec);
    if (g > bestG) {
      bestG = g;
      best = t;
    }
  }
  return best;
}
