// Training health: a NaN/Inf stops the run naming the step and the tensor; a run that diverges but
// stays finite is caught by one stated rule when it finishes (docs/cache.md: marked failed, not
// cached). Loss spikes (Fig. 2c) are counted by the one rule of lib/util/spikes.ts.
import type { MetricRecord } from './metrics.ts';

export class NonFiniteError extends Error {
  /** `lastCheckpoint`: the step count of the newest checkpoint on disk, or null when none was written yet. */
  constructor(
    readonly step: number,
    readonly tensor: string,
    readonly index: number,
    readonly value: number,
    readonly lastCheckpoint: number | null,
  ) {
    super(`step ${step}: ${tensor} is ${value} at element ${index}; stopped. ${checkpointNote(step, lastCheckpoint)}`);
  }
}

/** What is left on disk, truthfully: nothing, a checkpoint from before the failure, or one of the weights this step started from. */
function checkpointNote(step: number, last: number | null): string {
  if (last === null) return 'No checkpoint was written yet: the next run starts again from step 0.';
  if (last < step) return `The newest checkpoint (after step ${last}) predates the failure; a resumed run starts there.`;
  return `The newest checkpoint (after step ${last}) holds the weights this step started from, which may be what failed: --force retrains from step 0.`;
}

export interface DivergenceRule {
  /** share of the run's steps averaged at its start and at its end */
  window: number;
  /** supervised runs: diverged when the end's mean loss is above lossRatio × the start's */
  lossRatio: number;
  /** any run: diverged when a step's gradient norm (before clipping) is above this */
  maxGradNorm: number;
}

/** Healthy runs here end at about 0.3–1× their starting loss with gradient norms of 0.5–2 (smoke and cpu scales). */
export const DIVERGENCE_RULE: DivergenceRule = { window: 0.1, lossRatio: 2, maxGradNorm: 1e4 };

/**
 * Why a finished run counts as diverged, in one line, or null when it does not. Reads the run's
 * metrics records: `step` records (supervised: loss and gradNorm) or `grpo` records (gradNorm; a
 * GRPO loss is no measure of fit, so only the gradient bound applies).
 */
export function divergence(records: readonly MetricRecord[], rule: DivergenceRule = DIVERGENCE_RULE): string | null {
  const steps = records.filter((r) => r.kind === 'step' || r.kind === 'grpo');
  const worst = steps.reduce<MetricRecord | null>((w, r) => (typeof r.gradNorm === 'number' && r.gradNorm > ((w?.gradNorm as number) ?? -Infinity) ? r : w), null);
  if (worst && (worst.gradNorm as number) > rule.maxGradNorm) {
    return `gradient norm ${(worst.gradNorm as number).toPrecision(3)} at step ${worst.step} is above ${rule.maxGradNorm.toExponential(0)}`;
  }
  const losses = steps.filter((r) => r.kind === 'step' && typeof r.loss === 'number').map((r) => r.loss as number);
  if (!losses.length) return null;
  const n = Math.max(1, Math.round(losses.length * rule.window));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(losses.slice(0, n)),
    last = mean(losses.slice(-n));
  if (last > rule.lossRatio * first) {
    return `mean loss of the last ${n} steps ${last.toPrecision(4)} is ${(last / first).toFixed(1)}× that of the first ${n} (${first.toPrecision(4)}; limit ${rule.lossRatio}×)`;
  }
  return null;
}

/** Throw NonFiniteError if any element of `values` is NaN or ±Inf. */
export function assertFinite(step: number, tensor: string, values: ArrayLike<number>, lastCheckpoint: number | null = null): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new NonFiniteError(step, tensor, i, values[i], lastCheckpoint);
  }
}

/** First of several named tensors with a non-finite element, or null. */
export function firstNonFinite(named: Iterable<[string, ArrayLike<number>]>): { tensor: string; index: number; value: number } | null {
  for (const [tensor, v] of named) {
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return { tensor, index: i, value: v[i] };
  }
  return null;
}
