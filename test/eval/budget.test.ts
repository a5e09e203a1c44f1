import { describe, expect, it } from 'vitest';
import { budgetForce, forcedPrefix, reasoningEnd } from '../../lib/eval/budget.ts';

describe('budget forcing', () => {
  const trace = 'Step 1: 3 + 4 = 7.\nStep 2: 7 \\times 2 = 14.\nSo the answer is \\boxed{14}.';

  it('ends the reasoning at the start of the final answer line', () => {
    expect(reasoningEnd(trace)).toBe(trace.indexOf('So the'));
    expect(forcedPrefix(trace)).toBe('Step 1: 3 + 4 = 7.\nStep 2: 7 \\times 2 = 14.\nWait!');
  });

  it('without \\boxed the reasoning ends at EOS; a boxed first line is all answer', () => {
    expect(forcedPrefix('3 + 4 = 7')).toBe('3 + 4 = 7\nWait!');
    expect(forcedPrefix('\\boxed{7}')).toBe('Wait!');
  });

  it('forces K times, each continuing from the previous text', async () => {
    const seen: string[] = [];
    const r = await budgetForce(trace, 2, 10, async (prefix, budget) => {
      seen.push(prefix);
      expect(budget).toBe(10);
      return ` 7 \\times 2 = 14.\nSo the answer is \\boxed{14}.`;
    });
    expect(seen.length).toBe(2);
    expect(seen[1]).toBe(`${seen[0]} 7 \\times 2 = 14.\nWait!`);
    expect(r.text.endsWith('\\boxed{14}.')).toBe(true);
    expect(r.text.match(/Wait!/g)?.length).toBe(2);
  });
});
