import { describe, expect, it } from 'vitest';
import { budgetForce, forcedPrefix, reasoningEnd } from '../../lib/eval/budget.ts';

describe('budget forcing', () => {
  const trace = 'Step 1: 3 + 4 = 7.\nStep 2: 7 \\times 2 = 14.\nSo the answer is \\boxed{14}.';
  const oneLine = '30% is 3/10, so 100 / 10 = 10. Then 10 \\times 3 = 30. Correct. The answer is \\boxed{30}.';

  it('ends the reasoning at the start of the final answer sentence', () => {
    expect(reasoningEnd(trace)).toBe(trace.indexOf('So the'));
    expect(forcedPrefix(trace)).toBe('Step 1: 3 + 4 = 7.\nStep 2: 7 \\times 2 = 14.\nWait!');
    expect(reasoningEnd(oneLine)).toBe(oneLine.indexOf('The answer'));
    expect(forcedPrefix(oneLine)).toBe('30% is 3/10, so 100 / 10 = 10. Then 10 \\times 3 = 30. Correct. Wait!');
  });

  it('without \\boxed the reasoning ends at EOS; a boxed first sentence is all answer', () => {
    expect(forcedPrefix('3 + 4 = 7.')).toBe('3 + 4 = 7. Wait!');
    expect(forcedPrefix('\\boxed{7}')).toBe('Wait!');
  });

  it('forces K times, each round continuing from the previous text, batched', async () => {
    const seen: string[][] = [];
    const r = await budgetForce([trace, '1 + 1 = 2'], 2, 10, async (prefixes, budget) => {
      seen.push(prefixes);
      expect(budget).toBe(10);
      return prefixes.map(() => ` 7 \\times 2 = 14. So the answer is \\boxed{14}.`);
    });
    expect(seen.length).toBe(2);
    expect(seen[0][1]).toBe('1 + 1 = 2 Wait!');
    expect(seen[1][0]).toBe(`${seen[0][0]} 7 \\times 2 = 14. Wait!`);
    expect(r[0].prefixes).toEqual([seen[0][0], seen[1][0]]);
    expect(r[0].text.endsWith('\\boxed{14}.')).toBe(true);
    expect(r[1].text.match(/Wait!/g)?.length).toBe(2);
  });
});
