// Loss spikes (Fig. 2c: "frequent spikes" without masking), by one rule: the trainer flags each
// step's record with it as it logs the step (lib/train/supervised.ts), and the figure's notebook
// and the report's fakes run the same rule on a whole loss curve. It sits in util because training
// and the report may both use util and neither may use the other.

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
 * Counts loss spikes: step t is a spike when loss_t > mean + k·max(std, minRelStd·|mean|) of the
 * previous `window` losses (sample std; needs a full window). Spikes enter the window like any loss.
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

/** Indices of the spikes of a whole loss curve (one loss per step, in order): the counter's flags. */
export function findSpikes(losses: readonly number[], rule: SpikeRule = DEFAULT_SPIKE_RULE): number[] {
  const counter = new SpikeCounter(rule);
  losses.forEach((loss, i) => counter.push(i, loss));
  return counter.spikeSteps;
}
