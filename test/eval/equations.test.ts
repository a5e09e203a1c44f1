// The written-arithmetic check (lib/eval/equations.ts) on hand-made texts.
import { describe, expect, it } from 'vitest';
import { equationCounts } from '../../lib/eval/equations.ts';

describe('equationCounts', () => {
  it('checks sentence-level equations exactly, fractions included', () => {
    expect(equationCounts(['13 + 7 = 20. 20 + 8 = 28. 28 / 7 = 4. The answer is \\boxed{4}.'])).toEqual({ checked: 3, right: 3 });
    expect(equationCounts(['Ava starts with 13 coins. After finding 7 more: 13 + 7 = 16. 16 \\times 2 = 32.'])).toEqual({ checked: 2, right: 1 });
    expect(equationCounts(['Divide by 5: 9 / 5 = 9/5. Sum: 1/6 + 1/3 = 1/2. Then 3/4 - 1/4 = 1/4.'])).toEqual({ checked: 3, right: 2 });
  });

  it('skips what is not a bare "a op b = c" sentence', () => {
    // inside a longer expression, a variable on the left, no closing period, division by zero
    expect(equationCounts(['x = (16 - 2)/7 = 2. 6 - 2 + 9 = 13. 5 + 5 = 10', '3 / 0 = 1.'])).toEqual({ checked: 0, right: 0 });
    expect(equationCounts([])).toEqual({ checked: 0, right: 0 });
  });
});
