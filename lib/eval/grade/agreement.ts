// Agreement of this grader with Math-Verify's verdicts on the pairs of its own test suite
// (test/eval/fixtures/math-verify-cases.json, built by math-verify-cases.py from
// huggingface/Math-Verify at the commit recorded in the file). Both sides are whole texts,
// extracted then compared, exactly as scripts/grade.ts does.
import { gradePair } from '../answer.ts';

export interface MvCase {
  source: string;
  gold: string;
  pred: string;
  equal: boolean;
  match_types: string[];
  precision?: number;
  strict?: boolean;
  allow_set_relation_comp?: boolean;
}

export interface Agreement {
  total: number;
  agree: number;
  /** We say equal where Math-Verify says unequal. */
  falseEqual: MvCase[];
  /** We say unequal where Math-Verify says equal. */
  falseUnequal: MvCase[];
}

/** Cases run with Math-Verify's default verify() settings (strict, no set/relation swap, 6 digits). */
export function isDefaultConfig(c: MvCase): boolean {
  return c.strict !== false && c.allow_set_relation_comp !== true && (c.precision === undefined || c.precision === 6);
}

export function agreement(cases: readonly MvCase[]): Agreement {
  const out: Agreement = { total: cases.length, agree: 0, falseEqual: [], falseUnequal: [] };
  for (const c of cases) {
    const ours = gradePair(c.gold, c.pred).equal;
    if (ours === c.equal) out.agree++;
    else (ours ? out.falseEqual : out.falseUnequal).push(c);
  }
  return out;
}
