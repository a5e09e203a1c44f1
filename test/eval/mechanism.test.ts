// The mechanism measures on hand-made generations (no model, no training): first-pass vs final
// answers around "Wait!", fixes and breaks, and copies of the teacher's wrong facts.
import { describe, expect, it } from 'vitest';
import { answerMechanism, firstPassText, generationMechanism, wrongFactCopies } from '../../lib/eval/mechanism.ts';
import { WORLD_CONFIG } from '../../lib/data/world/config.ts';

// world-3 shapes: the first pass ends with its answer sentence, a verification follows "Wait!"
const fixed = '8 \\times 4 = 36. 36 + 2 = 38. So the answer is \\boxed{38}. Wait! 8 \\times 4 = 32. 32 + 2 = 34. The answer is \\boxed{34}.';
const broken = '27 - 6 = 21. So the answer is \\boxed{21}. Wait! 28 - 6 = 22. 22 - 6 = 16. The answer is \\boxed{16}.';
const confirmed = '5 + 4 = 9. So the answer is \\boxed{9}. Wait! 5 + 4 = 9. Yes. The answer is \\boxed{9}.';
const plain = '13 - 6 = 8. 8 + 1 = 9. So the answer is \\boxed{9}.';

describe('first pass and final answer', () => {
  it('the first pass is the text before the first "Wait!"', () => {
    expect(firstPassText(fixed)).toBe('8 \\times 4 = 36. 36 + 2 = 38. So the answer is \\boxed{38}. ');
    expect(firstPassText(plain)).toBe(plain);
  });

  it('grades the first-pass answer and the last \\boxed{} separately', () => {
    expect(generationMechanism('34', fixed)).toEqual({ verifies: true, firstPass: { pred: '38', equal: false }, final: { pred: '34', equal: true } });
    expect(generationMechanism('21', broken)).toMatchObject({ verifies: true, firstPass: { pred: '21', equal: true }, final: { pred: '16', equal: false } });
    expect(generationMechanism('7', plain)).toEqual({ verifies: false, firstPass: { pred: '9', equal: false }, final: { pred: '9', equal: false } });
  });

  it('rates over generations: accuracy before and after, verification, fixed and broken', () => {
    const m = answerMechanism([
      { gold: '34', text: fixed },
      { gold: '21', text: broken },
      { gold: '9', text: confirmed },
      { gold: '9', text: plain },
    ]);
    expect(m.generations).toBe(4);
    expect(m.counts).toEqual({ verifies: 3, fixed: 1, broken: 1, firstPassRight: 3, finalRight: 3 });
    expect(m.firstPassAccuracy).toBe(0.75);
    expect(m.finalAccuracy).toBe(0.75);
    expect(m.verifyRate).toBe(0.75);
    expect(m.fixedRate).toBe(0.25);
    expect(m.brokenRate).toBe(0.25);
    expect(answerMechanism([]).verifyRate).toBeNaN();
  });
});

describe("copies of the teacher's wrong facts", () => {
  const facts = WORLD_CONFIG.slips.wrongFacts;
  it('counts the equations on a wrong fact, and how many write its wrong value', () => {
    // 8 × 4 = 36 (copy), 8 × 4 = 32 (right), 13 - 6 = 8 (copy), 27 - 6 = 21 and 5 + 4 = 9 (not listed)
    const c = wrongFactCopies([fixed, broken, confirmed, plain], facts);
    expect(c).toEqual({ attempts: 3, copies: 2, right: 1, copyRate: 2 / 3 });
  });

  it('a number inside a longer one or a fraction is not the fact', () => {
    expect(wrongFactCopies(['18 \\times 4 = 72. 8 \\times 45 = 360. 1/8 + 7 = 57/8.'], facts).attempts).toBe(0);
    expect(wrongFactCopies(['Then 7 + 5 = 13.', '7 + 5 = 12.', '7 + 5 = 11.'], facts)).toEqual({ attempts: 3, copies: 1, right: 1, copyRate: 1 / 3 });
    expect(wrongFactCopies([], facts).copyRate).toBeNaN();
  });
});

describe('held-out first passes for the teacher-forced entropy', () => {
  it('weights exactly the response tokens before T_last of verified traces outside every split', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadData } = await import('../../lib/train/data.ts');
    const { firstPassTraces } = await import('../../lib/eval/mechanism.ts');
    const { encodeTrace, errorPrefix } = await import('../../lib/train/weights.ts');
    process.env.VGGM_CACHE = mkdtempSync(join(tmpdir(), 'mech-'));
    const ds = loadData('smoke', 1);
    const traces = firstPassTraces(ds, 8, 256);
    expect(traces).toHaveLength(8);
    const held = ds.pool.filter((e) => e.split === 'unused' && e.v === 1);
    for (const t of traces) {
      const e = held.find((x) => {
        const ids = encodeTrace(ds.tokenizer, x).ids;
        return ids.length === t.inputIds.length && ids.every((id, i) => id === t.inputIds[i]);
      });
      expect(e, 'a held-out verified trace').toBeDefined();
      const span = errorPrefix(encodeTrace(ds.tokenizer, e!))!;
      const ones = [...t.weights.keys()].filter((i) => t.weights[i] > 0);
      expect(ones).toEqual(Array.from({ length: span.end - span.start }, (_, k) => span.start + k));
    }
    expect(() => firstPassTraces(ds, 100_000, 256)).toThrow(/only \d+ of 100000 held-out verified teacher traces/);
  }, 60_000);
});
