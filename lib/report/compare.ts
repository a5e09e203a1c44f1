// Compare two results files seed by seed: did a rerun (a fresh clone, another machine, a GPU)
// measure what the committed file says? Means and intervals depend on which seeds ran, so only the
// per-seed values are compared, and only for the seeds both files hold.
import { pointSeeds, type ResultsFile } from './results.ts';

export interface CellDifference {
  set: string;
  group: string;
  x: string | number;
  seed: number;
  expected: number;
  got: number;
}

export interface Comparison {
  /** Seeds that both files hold values for, somewhere. */
  sharedSeeds: number[];
  /** (set, group, x, seed) cells present in both files. */
  compared: number;
  /** Cells whose values differ by more than the tolerance. */
  differences: CellDifference[];
  /** Largest |got − expected| over the compared cells. */
  largestGap: number;
  /** Cells of a shared seed that only one file has ("set/group/x seed s"). */
  onlyInExpected: string[];
  onlyInGot: string[];
}

interface Cell {
  set: string;
  group: string;
  x: string | number;
  seed: number;
  value: number;
}

/** Every (set, group, x, seed) → value of a file, with each point's seeds resolved as the format says. */
function cells(file: ResultsFile): Map<string, Cell> {
  const out = new Map<string, Cell>();
  for (const [set, s] of Object.entries(file.sets)) {
    for (const p of s.points) {
      const seeds = pointSeeds(p, s, file.seeds);
      p.values.forEach((value, i) => out.set(`${set}/${p.group}/${p.x} seed ${seeds[i]}`, { set, group: p.group, x: p.x, seed: seeds[i], value }));
    }
  }
  return out;
}

/**
 * Compare `got` against `expected`. `tolerance` is absolute, in the values' own unit; 0 asks
 * for the same number to the last bit (what a deterministic rerun on the same kind of device gives).
 */
export function compareResults(expected: ResultsFile, got: ResultsFile, tolerance = 0): Comparison {
  if (!(tolerance >= 0)) throw new Error(`tolerance must be ≥ 0, got ${tolerance}`);
  const a = cells(expected);
  const b = cells(got);
  const seedsOf = (m: Map<string, Cell>) => new Set([...m.values()].map((c) => c.seed));
  const seedsB = seedsOf(b);
  const sharedSeeds = [...seedsOf(a)].filter((s) => seedsB.has(s)).sort((x, y) => x - y);
  const shared = new Set(sharedSeeds);
  const differences: CellDifference[] = [];
  const onlyInExpected: string[] = [];
  let compared = 0;
  let largestGap = 0;
  for (const [key, c] of a) {
    if (!shared.has(c.seed)) continue;
    const other = b.get(key);
    if (!other) {
      onlyInExpected.push(key);
      continue;
    }
    compared++;
    const gap = Math.abs(other.value - c.value);
    largestGap = Math.max(largestGap, gap);
    if (gap > tolerance) differences.push({ set: c.set, group: c.group, x: c.x, seed: c.seed, expected: c.value, got: other.value });
  }
  const onlyInGot = [...b].filter(([key, c]) => shared.has(c.seed) && !a.has(key)).map(([key]) => key);
  return { sharedSeeds, compared, differences, largestGap, onlyInExpected, onlyInGot };
}
