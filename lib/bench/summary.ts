// Medians with spread for repeated timings: the benchmark reports the median (robust to the odd
// slow repetition on a shared machine) and min/max so a reader sees how noisy it was.

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(xs: readonly number[]): Spread {
  if (xs.length === 0) throw new Error('spread: no measurements');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

/** The same measurements seen as a rate: `work / t` for each time t (so min and max swap). */
export function rate(work: number, seconds: readonly number[]): Spread {
  return spread(seconds.map((t) => work / t));
}
