// Generation compaction (lib/model/generate.ts): once enough rows have emitted EOS, the rows still
// decoding continue in a smaller batch. Every row's tokens, stop reason, log-probs and entropies
// must be bit-identical to the uncompacted batch's, greedy and sampled, with suppressed tokens.
import { describe, expect, it, vi } from 'vitest';
import { presetConfig } from '../../lib/model/config.ts';
import { generate, type GenerateOptions } from '../../lib/model/generate.ts';
import { Model } from '../../lib/model/model.ts';
import { useGpu } from '../helpers/gpu.ts';

const { ctx } = useGpu();
const V = 29;
const B = 24;
// Prompts of 1..6 tokens; the tiny preset's context widened so that rows can stop far apart.
const prompts = Array.from({ length: B }, (_, b) => Array.from({ length: 1 + (b % 6) }, (_, i) => (7 * b + 3 * i + 1) % V));

/** The token whose first occurrences spread most: as many rows as possible stop in the first third and run past two thirds. */
function spreadEos(rows: number[][], steps: number): number {
  let best = 0;
  let bestScore = -1;
  for (let t = 0; t < V; t++) {
    const first = rows.map((r) => (r.includes(t) ? r.indexOf(t) : steps));
    const score = Math.min(first.filter((f) => f < steps / 3).length, first.filter((f) => f >= (2 * steps) / 3).length);
    if (score > bestScore) [best, bestScore] = [t, score];
  }
  return best;
}

describe('generation compaction', () => {
  for (const greedy of [true, false]) {
    it(`${greedy ? 'greedy' : 'sampled'}: compacted and uncompacted batches give identical generations`, async () => {
      const model = Model.init(ctx(), { ...presetConfig('llama-like', 'tiny', V), context: 72 }, 5);
      const base: GenerateOptions = { maxNewTokens: 64, greedy, temperature: 1.5, seed: 5, readEvery: 3, returnStats: true };
      const free = await generate(model, prompts, base);
      const steps = free[0].tokens.length;
      const eosTokenId = spreadEos(
        free.map((g) => g.tokens),
        steps,
      );
      // Suppressed: the two rarest tokens, so the trajectories (and where rows stop) barely change.
      const count = (t: number) => free.reduce((n, g) => n + g.tokens.filter((x) => x === t).length, 0);
      const rare = [...Array(V).keys()].filter((t) => t !== eosTokenId).sort((x, y) => count(x) - count(y));
      for (const suppressTokens of [undefined, rare.slice(0, 2)]) {
        const opts = { ...base, eosTokenId, suppressTokens };
        const want = await generate(model, prompts, { ...opts, compact: false });
        const stops = want.map((g) => (g.stop === 'eos' ? g.tokens.length : steps));
        // The rows stop far apart: a third of them early, some late, so compaction has work to do.
        expect(stops.filter((s) => s < steps / 3).length).toBeGreaterThanOrEqual(B / 3);
        expect(Math.max(...stops)).toBeGreaterThanOrEqual((2 * steps) / 3);
        const decodeBatches = new Set<number>();
        const spy = vi.spyOn(model, 'activations');
        const got = await generate(model, prompts, opts);
        for (const [batch, seqLen] of spy.mock.calls) if (seqLen === 1) decodeBatches.add(batch);
        spy.mockRestore();
        expect(Math.min(...decodeBatches)).toBeLessThan(B);
        expect(got).toEqual(want);
        // Every layout's tensors are freed: a second run (its activation shapes now cached) allocates nothing new.
        const held = ctx().pool.bytesAllocated;
        expect(await generate(model, prompts, opts)).toEqual(want);
        expect(ctx().pool.bytesAllocated).toBe(held);
      }
    });
  }
});
