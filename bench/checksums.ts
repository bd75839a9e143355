// Throughput of the detection codes' hot paths: what the fault layer pays per corrupted
// word it scores, and what end-to-end CRC-32 costs per MB of block data.
//   ecc.secded.wordsDecodedPerSec    encode + flip + decode + score cycles per second
//   ecc.chipkill.wordsDecodedPerSec  the same for the x4 chipkill code (144-bit codewords)
//   crc32.MBPerSec                   CRC-32 throughput over 64 KiB blocks (MB = 10^6 bytes)
// Each figure is the median of several repetitions (fewer and smaller with opts.quick).
// The flips cycle through single-bit, double-bit and nibble patterns, so all three decoder
// branches (clean syndrome lookup, correction, detection) are exercised.
import { CHIPKILL_X4 } from "../src/checksums/chipkill.js";
import { cleanWord } from "../src/checksums/clean.js";
import { blockBytes, crc32 } from "../src/checksums/crc.js";
import { classifySecdedCode } from "../src/checksums/secded.js";
import { type BenchOptions, type Figure, machine, median, timeRuns } from "./lib.js";

/** Precomputed clean words (4 lanes each) and flip masks (5 lanes each), so the timed loop only decodes. */
function workload(words: number): { clean: Uint32Array; flips: Uint32Array } {
  const clean = new Uint32Array(words * 4);
  const flips = new Uint32Array(words * 5);
  const w = new Uint32Array(4);
  for (let i = 0; i < words; i++) {
    clean.set(cleanWord(2024, i, w), i * 4);
    const a = (i * 7) % 64;
    const b = (i * 13 + 5) % 64;
    switch (i % 3) {
      case 0:
        flips[i * 5 + (a >>> 5)] ^= 1 << (a & 31);
        break;
      case 1:
        flips[i * 5 + (a >>> 5)] ^= 1 << (a & 31);
        flips[i * 5 + (b >>> 5)] ^= 1 << (b & 31);
        break;
      default:
        flips[i * 5 + (a >>> 5)] ^= (0xf << (a & 28)) >>> 0;
    }
  }
  return { clean, flips };
}

let sink = 0;

export async function benchChecksums(opts: BenchOptions): Promise<Figure[]> {
  const words = opts.quick ? 1 << 16 : 1 << 20;
  const passes = opts.quick ? 4 : 16;
  const reps = opts.quick ? 3 : 7;
  const { clean, flips } = workload(words);

  const secdedPass = () => {
    let acc = 0;
    for (let p = 0; p < passes; p++) {
      for (let i = 0; i < words; i++) {
        const c = i * 4;
        const f = i * 5;
        acc += classifySecdedCode(clean[c], clean[c + 1], flips[f], flips[f + 1], flips[f + 2]);
      }
    }
    sink ^= acc;
  };
  const chipkillPass = () => {
    let acc = 0;
    for (let p = 0; p < passes; p++) {
      for (let i = 0; i < words; i++) {
        const c = i * 4;
        const f = i * 5;
        acc += CHIPKILL_X4.classifyCode(clean[c], clean[c + 1], clean[c + 2], clean[c + 3], flips[f], flips[f + 1], flips[f + 2], flips[f + 3], flips[f + 4]);
      }
    }
    sink ^= acc;
  };
  for (let w = 0; w < 2; w++) {
    secdedPass(); // warm up the JIT: the first passes run in lower tiers
    chipkillPass();
  }
  const cycles = words * passes;
  const secdedRate = cycles / median(timeRuns(reps, secdedPass));
  const chipkillRate = cycles / median(timeRuns(reps, chipkillPass));

  const blockSize = 64 * 1024;
  const blocks = opts.quick ? 16 : 64;
  const data = Array.from({ length: blocks }, (_, i) => blockBytes(7, i, blockSize));
  const crcPass = () => {
    let acc = 0;
    for (const block of data) acc ^= crc32(block);
    sink ^= acc;
  };
  crcPass();
  const crcMBPerSec = (blocks * blockSize) / 1e6 / median(timeRuns(opts.quick ? 5 : 15, crcPass));

  const env = machine();
  return [
    { name: "ecc.secded.wordsDecodedPerSec", value: secdedRate, unit: "words/s", extra: { words, passes, reps, sink, machine: env } },
    { name: "ecc.chipkill.wordsDecodedPerSec", value: chipkillRate, unit: "words/s", extra: { code: "chipkill-x4", words, passes, reps, machine: env } },
    { name: "crc32.MBPerSec", value: crcMBPerSec, unit: "MB/s", extra: { blockBytes: blockSize, blocks, machine: env } },
  ];
}
