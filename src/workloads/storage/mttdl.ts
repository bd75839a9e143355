// Mean time to data loss of one block (a stripe of n = k + m fragments, or n copies with
// m = n - 1), from a Markov chain over the number i of pieces lost: from state i a piece
// fails at rate (n - i) x lambda, and the store's copier rebuilds one piece at a time
// (./store.ts: serial repair); data is lost on reaching m + 1 lost. The chain of Ford et
// al., "Availability in Globally Distributed Storage Systems", OSDI 2010 (section 5), also
// used for Azure's codes by Huang et al., "Erasure Coding in Windows Azure Storage", USENIX
// ATC 2012, takes each repair as exponential with rate mu: a birth-death chain (stages 1).
//
// The store's repairs are not exponential: each takes a fixed T = bytes read / bandwidth,
// and a failure during a repair does not restart it, so from two pieces lost the block is
// back to one after what is left of the repair under way, about T / 2, where the
// exponential chain waits a whole 1 / mu. For m = 2 that halves the chance of a third
// failure in between, and the birth-death chain's MTTDL is about half the store's. To match
// the simulator, `stages` splits each repair into that many exponential phases of rate
// stages x mu (an Erlang repair time of mean 1 / mu, fixed as stages grows): the chain's
// states are (i, phase of the repair under way), and a failure keeps the phase.
// The expected times to loss t solve Q t = -1 over the transient states (Q the chain's
// generator restricted to them), solved by Gaussian elimination; MTTDL = t(0).
//
// Left out: correlated failures (a bus bar takes several pieces at once), which a chain
// per block cannot express and are why the store is a simulator.

/** MTTDL (in the units of 1 / lambda) of a block of n pieces that survives m losses. */
export function markovMttdl(n: number, m: number, lambda: number, mu: number, stages = 1): number {
  if (!(m >= 0 && m < n)) throw new RangeError(`m = ${m} must be in 0..${n - 1}`);
  if (!(stages >= 1 && Number.isInteger(stages))) throw new RangeError(`stages = ${stages} must be a whole number >= 1`);
  // State 0: nothing lost; state 1 + (i - 1) x stages + p: i lost (1..m), repair in phase p.
  const size = 1 + m * stages;
  const at = (i: number, p: number) => (i === 0 ? 0 : 1 + (i - 1) * stages + p);
  // Rows of Q t = -1, as A t = b with A = -Q.
  const a = Array.from({ length: size }, () => new Float64Array(size));
  const b = new Float64Array(size).fill(1);
  const add = (from: number, to: number, rate: number) => {
    a[from][from] += rate;
    if (to >= 0) a[from][to] -= rate; // to < 0: data lost (absorbing)
  };
  add(0, m >= 1 ? at(1, 0) : -1, n * lambda);
  for (let i = 1; i <= m; i++) {
    for (let p = 0; p < stages; p++) {
      const s = at(i, p);
      add(s, i < m ? at(i + 1, p) : -1, (n - i) * lambda);
      add(s, p + 1 < stages ? at(i, p + 1) : at(i - 1, 0), stages * mu);
    }
  }
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < size; c++) {
    let pivot = c;
    for (let r = c + 1; r < size; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    [b[c], b[pivot]] = [b[pivot], b[c]];
    for (let r = c + 1; r < size; r++) {
      const f = a[r][c] / a[c][c];
      if (f === 0) continue;
      for (let k = c; k < size; k++) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  const t = new Float64Array(size);
  for (let r = size - 1; r >= 0; r--) {
    let sum = b[r];
    for (let k = r + 1; k < size; k++) sum -= a[r][k] * t[k];
    t[r] = sum / a[r][r];
  }
  return t[0];
}
