// Learning-rate schedule: linear warm-up to the peak, then cosine decay to peak * minRatio at
// `total` steps (and flat after). Steps are 0-based; warm-up reaches the peak at step warmup - 1.
export interface ScheduleOpts {
  peak: number;
  warmup: number;
  total: number;
  minRatio: number;
}

export function learningRate(step: number, { peak, warmup, total, minRatio }: ScheduleOpts): number {
  if (!Number.isInteger(step) || step < 0) throw new Error(`learningRate: step must be a non-negative integer, got ${step}`);
  if (!(warmup >= 0 && total >= warmup)) throw new Error(`learningRate: need 0 <= warmup (${warmup}) <= total (${total})`);
  if (!(minRatio >= 0 && minRatio <= 1)) throw new Error(`learningRate: minRatio ${minRatio} must be in [0, 1]`);
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const floor = peak * minRatio;
  if (step >= total) return floor;
  const progress = (step - warmup) / (total - warmup);
  return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress));
}

/** `points` evenly spaced steps of a run of `steps` steps, after 0; the last = steps (the SFT
 *  snapshots that Fig. 2 evaluates). */
export function curveSteps(steps: number, points: number): number[] {
  if (!(Number.isInteger(steps) && steps > 0 && Number.isInteger(points) && points > 0)) throw new Error(`curveSteps: need positive integers, got steps=${steps} points=${points}`);
  const out = [0];
  for (let i = 1; i <= points; i++) out.push(Math.round((i * steps) / points));
  return [...new Set(out)];
}
