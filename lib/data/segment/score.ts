// Scoring a labeller against the world's ground truth: T_last agreement and the v confusion matrix.
import type { TraceTruth } from '../types.ts';
import type { Label } from './labeller.ts';

export interface Agreement {
  n: number;
  /** Labels whose tLast equals the truth's (both null counts as agreement). */
  tLastAgree: number;
  /** Same, over traces whose truth has v=1. */
  tLastAgreeV1: number;
  nV1: number;
  /** Labels whose rewritten text equals the truth's. */
  rewrittenAgree: number;
  /** confusion[truth v][label v]. */
  confusion: [[number, number], [number, number]];
}

export function scoreLabels(pairs: Iterable<{ truth: TraceTruth; label: Label }>): Agreement {
  const a: Agreement = { n: 0, tLastAgree: 0, tLastAgreeV1: 0, nV1: 0, rewrittenAgree: 0, confusion: [[0, 0], [0, 0]] };
  for (const { truth, label } of pairs) {
    a.n++;
    const same = truth.tLast === label.tLast;
    if (same) a.tLastAgree++;
    if (truth.v === 1) {
      a.nV1++;
      if (same) a.tLastAgreeV1++;
    }
    if (truth.rewritten === label.rewritten) a.rewrittenAgree++;
    a.confusion[truth.v][label.v]++;
  }
  return a;
}
