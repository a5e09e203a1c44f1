import { describe, expect, it } from 'vitest';
import { extractAnswer, gradeResponse, isEquivalent } from '../../lib/eval/answer.ts';
import { CASES } from './answer-cases.ts';

describe('isEquivalent: hand-written table', () => {
  for (const [group, cases] of Object.entries(CASES)) {
    it(group, () => {
      const wrong = cases.filter(([g, p, want]) => isEquivalent(g, p) !== want).map(([g, p, want]) => `gold ${JSON.stringify(g)} pred ${JSON.stringify(p)}: expected ${want}`);
      expect(wrong).toEqual([]);
    });
  }

  it('has a broad table with both outcomes', () => {
    const all = Object.values(CASES).flat();
    expect(all.length).toBeGreaterThanOrEqual(150);
    expect(all.filter((c) => !c[2]).length).toBeGreaterThanOrEqual(60);
  });
});
