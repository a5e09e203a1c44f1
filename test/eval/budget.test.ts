import { describe, expect, it } from 'vitest';
import { datasetTexts } from '../../lib/data/dataset.ts';
import { generateWorld } from '../../lib/data/world/generate.ts';
import { answerEnd, budgetForce, forcedPrefix } from '../../lib/eval/budget.ts';
import { buildWorldTokenizer, loadTokenizer } from '../../lib/tokenizer/index.ts';
import { tracePairs } from '../data/world-pairs.ts';

describe('budget forcing', () => {
  const trace = 'Step 1: 3 + 4 = 7.\nStep 2: 7 \\times 2 = 14.\nSo the answer is \\boxed{14}.';
  const oneLine = '30% is 3/10, so 100 / 10 = 10. Then 10 \\times 3 = 30. So the answer is \\boxed{30}.';

  it('keeps the answer sentence and puts "Wait!" right after it, where the model would stop', () => {
    expect(answerEnd(trace)).toBe(trace.length);
    expect(forcedPrefix(trace)).toBe(`${trace} Wait!`);
    expect(forcedPrefix(oneLine)).toBe(`${oneLine} Wait!`);
    // whatever follows the answer sentence (a model cut off by its budget) is dropped
    expect(forcedPrefix(`${oneLine} 10 \\times`)).toBe(`${oneLine} Wait!`);
    // an answer written without the closing period
    expect(forcedPrefix('3 + 4 = 7. So the answer is \\boxed{7}')).toBe('3 + 4 = 7. So the answer is \\boxed{7} Wait!');
    expect(forcedPrefix('x = \\boxed{\\frac{1}{2}}. trailing')).toBe('x = \\boxed{\\frac{1}{2}}. Wait!');
  });

  it('without a well-formed \\boxed the model stopped at its end: "Wait!" goes there', () => {
    expect(forcedPrefix('3 + 4 = 7.')).toBe('3 + 4 = 7. Wait!');
    expect(forcedPrefix('3 + 4 = 7.\n')).toBe('3 + 4 = 7.\nWait!');
    expect(forcedPrefix('')).toBe('Wait!');
    // an unclosed last box is not an answer; the earlier well-formed one is
    expect(forcedPrefix('So the answer is \\boxed{7}. Then \\boxed{8')).toBe('So the answer is \\boxed{7}. Wait!');
    expect(answerEnd('So \\boxed{9')).toBe('So \\boxed{9'.length);
  });

  it('forces where the teacher\'s verifications begin: an unverified trace + " Wait!" is a verified trace up to its trigger', () => {
    const w = generateWorld({ seed: 5, scale: 'smoke' });
    const tok = loadTokenizer(buildWorldTokenizer(datasetTexts(w.pool, w.eval, w.base)));
    let checked = 0;
    for (const { verified, unverified } of tracePairs(120)) {
      if (verified.truth.segments.some((s) => s.kind === 'early_check')) continue;
      const upToTrigger = verified.truth.rewritten.slice(0, verified.truth.tLast! + 'Wait!'.length);
      expect(forcedPrefix(unverified.raw)).toBe(upToTrigger);
      // and in tokens: the forced prefix is a token prefix of the verified trace
      const forcedIds = tok.encode(forcedPrefix(unverified.raw)).ids;
      expect(tok.encode(verified.truth.rewritten).ids.slice(0, forcedIds.length)).toEqual(forcedIds);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
    // the same on the pool's labelled responses: a v=0 response forced once starts as v=1 ones do
    for (const e of w.pool.filter((x) => x.v === 0)) expect(forcedPrefix(e.response)).toBe(`${e.response} Wait!`);
  });

  it("forces K times, each round continuing after the previous round's answer sentence, batched", async () => {
    const seen: string[][] = [];
    const r = await budgetForce([trace, '1 + 1 = 2'], 2, 10, async (prefixes, budget) => {
      seen.push(prefixes);
      expect(budget).toBe(10);
      return prefixes.map(() => ` 7 \\times 2 = 14. The answer is \\boxed{14}.`);
    });
    expect(seen.length).toBe(2);
    expect(seen[0]).toEqual([`${trace} Wait!`, '1 + 1 = 2 Wait!']);
    expect(seen[1][0]).toBe(`${seen[0][0]} 7 \\times 2 = 14. The answer is \\boxed{14}. Wait!`);
    expect(r[0].prefixes).toEqual([seen[0][0], seen[1][0]]);
    expect(r[0].text.endsWith('\\boxed{14}.')).toBe(true);
    expect(r[1].text.match(/Wait!/g)?.length).toBe(2);
  });
});
