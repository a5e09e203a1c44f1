// Training health: a NaN/Inf stops the run naming the step and the tensor, and loss spikes
// (Fig. 2c: "frequent spikes" without masking) are counted by one explicit rule.

export class NonFiniteError extends Error {
  constructor(readonly step: number, readonly tensor: string, readonly index: number, readonly value: number) {
    super(`step ${step}: ${tensor} is ${value} at element ${index}; stopped, the last good checkpoint is kept`);
  }
}

/** Throw NonFiniteError if any element of `values` is NaN or ±Inf. */
export function assertFinite(step: number, tensor: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new NonFiniteError(step, tensor, i, values[i]);
  }
}

/** First of several named tensors with a non-finite element, or null. */
export function firstNonFinite(named: Iterable<[string, ArrayLike<number>]>): { tensor: string; index: number; value: number } | null {
  for (const [tensor, v] of named) {
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return { tensor, index: i, value: v[i] };
  }
  return null;
}

export interface SpikeRule {
  /** trailing window of losses the new loss is compared with. */
  window: number;
  /** a spike is a loss above mean + k·std of the window. */
  k: number;
  /** std floor relative to the window mean, so a flat curve's tiny wiggles are not spikes. */
  minRelStd: number;
}

export const DEFAULT_SPIKE_RULE: SpikeRule = { window: 20, k: 3, minRelStd: 0.01 };

/**
 * Counts loss spikes: step t is a spike when loss_t > mean + k·max(std, minRelStd·mean) of the
 * previous `window` losses (needs a full window). Spikes enter the window like any loss.
 */
export class SpikeCounter {
  private readonly hist: number[] = [];
  spikes = 0;
  readonly spikeSteps: number[] = [];
  constructor(readonly rule: SpikeRule = DEFAULT_SPIKE_RULE) {}

  /** Add one step's loss; returns true when it is a spike. */
  push(step: number, loss: number): boolean {
    let spike = false;
    if (this.hist.length === this.rule.window) {
      const m = this.hist.reduce((a, b) => a + b, 0) / this.hist.length;
      const sd = Math.sqrt(this.hist.reduce((a, b) => a + (b - m) ** 2, 0) / (this.hist.length - 1));
      spike = loss > m + this.rule.k * Math.max(sd, this.rule.minRelStd * Math.abs(m));
      this.hist.shift();
    }
    this.hist.push(loss);
    if (spike) {
      this.spikes++;
      this.spikeSteps.push(step);
    }
    return spike;
  }
}
