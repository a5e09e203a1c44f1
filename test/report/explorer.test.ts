import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractExplorer, findModelRuns } from '../../lib/report/explorer.ts';
import { makeFixture } from './explorer-fixture.ts';

const fx = makeFixture();
const runs = findModelRuns(fx.models, fx.ds, 'smoke');
const data = extractExplorer(fx.ds, 'smoke', { perTier: 6, rollouts: 2, runs });
const tokenText = (id: number) => data.vocab[id];

describe('explorer data', () => {
  it('finds one sft model per method trained on this world, and none of another stage or world', () => {
    expect(runs.map((r) => r.method)).toEqual(['sft', 'vggm', 'truncate']);
    expect(runs.every((r) => r.dir.includes('sft-fake'))).toBe(true);
    expect(data.missing).toEqual([]);
  });

  it('samples up to perTier SFT traces per tier, most of them v=1 with a slip first', () => {
    for (const tier of data.tiers) {
      const ts = data.traces.filter((t) => t.tier === tier);
      expect(ts.length).toBeGreaterThan(0);
      expect(ts.length).toBeLessThanOrEqual(6);
      expect(ts.every((t) => t.split === 'sft_v1' || t.split === 'sft_v0')).toBe(true);
      if (ts.some((t) => t.v === 1) && ts.some((t) => t.v === 0)) expect(ts.filter((t) => t.v === 1).length).toBeGreaterThanOrEqual(ts.filter((t) => t.v === 0).length);
    }
    expect(data.traces[0].kind).toBe('correct');
  });

  it('weights: sft learns the whole response, vggm only from "Wait!", truncate cuts the prefix from the input', () => {
    let v1 = 0;
    for (const t of data.traces) {
      const n = t.ids.length;
      // the decoded response ends with eos and the prompt is the trace prompt
      expect(t.ids[n - 1]).toBe(data.eosId);
      expect(t.ids.slice(0, t.responseStart).map(tokenText).join('')).toContain('Think step by step.');
      const sft = t.methods.sft;
      expect(sft.inputIds).toEqual(t.ids);
      sft.weights.forEach((w, j) => expect(w).toBe(j >= t.responseStart ? 1 : 0));
      const vg = t.methods.vggm,
        tr = t.methods.truncate;
      if (t.v === 0) {
        expect(t.tLast).toBeNull();
        expect(vg).toEqual(sft);
        expect(tr).toEqual(sft);
        continue;
      }
      v1++;
      const tl = t.tLast!;
      expect(tokenText(t.ids[tl]).trim()).toBe('Wait');
      expect(vg.inputIds).toEqual(t.ids); // seen …
      vg.weights.forEach((w, j) => expect(w).toBe(j >= tl ? 1 : 0)); // … but not learned before T_last
      expect(tr.inputIds).toEqual([...t.ids.slice(0, t.responseStart), ...t.ids.slice(tl)]);
      expect(tokenText(tr.inputIds[t.responseStart]).trim()).toBe('Wait');
      tr.weights.forEach((w, j) => expect(w).toBe(j >= t.responseStart ? 1 : 0));
      // a slip fix has a wrong segment, and it lies in the prefix VGGM does not learn
      if (t.kind === 'correct') {
        expect(t.wrong.length).toBeGreaterThan(0);
        for (const [a, b] of t.wrong) {
          expect(a).toBeGreaterThanOrEqual(t.responseStart);
          expect(b).toBeLessThanOrEqual(tl);
        }
      }
    }
    expect(v1).toBeGreaterThan(3);
  });

  it('generations: greedy per tier, sampled rollouts with entropy aligned to re-encoded tokens, fork cut and verdict', () => {
    expect(data.models).toHaveLength(3);
    for (const m of data.models) {
      for (const tier of data.tiers) expect(data.evalProblems.filter((p) => p.tier === tier).length).toBeLessThanOrEqual(6);
      let rolls = 0;
      for (const [id, gens] of Object.entries(m.problems)) {
        const p = data.evalProblems.find((q) => q.id === id)!;
        expect(gens.filter((g) => g.mode === 'greedy')).toHaveLength(1);
        for (const r of gens) {
          expect(r.equal).toBe(r.text.includes(`\\boxed{${p.answer}}`));
          expect(r.pred).toBe(r.text.match(/\\boxed\{([^}]*)\}/)![1]);
          if (r.mode === 'greedy') continue;
          rolls++;
          expect(p.tier).toBe('math');
          expect(r.entropy!.length).toBe(r.ids!.length);
          expect(r.ids!.at(-1)).toBe(data.eosId);
          expect(r.ids!.slice(0, -1).map(tokenText).join('')).toBe(r.text);
          expect(tokenText(r.ids![r.tLast!])).toContain('Wait');
        }
      }
      expect(rolls).toBe(4 * 2); // 4 math problems, 2 rollouts kept of 4
      // the fork cut of the whole entropy file: ⌈20%⌉ of its tokens lie at or above it (random data: no ties)
      const all = fx.entropies[m.method];
      expect(all.filter((h) => h >= m.forkThreshold!).length).toBe(Math.ceil(0.2 * all.length));
    }
  });

  it('says what is missing when a method has no model, and when token ids cannot be recovered', () => {
    const partial = extractExplorer(fx.ds, 'smoke', { perTier: 2, runs: runs.filter((r) => r.method === 'vggm').map((r) => ({ ...r, evalJsonl: null })) });
    expect(partial.missing).toContain('no trained sft-sft model with saved generations at scale smoke');
    expect(partial.missing.some((m) => m.includes('no greedy generations'))).toBe(true);
    expect(partial.models).toHaveLength(1);
  });
});

describe('explorer data from the evaluation cache', () => {
  it('reads rollouts and generations from .cache/evals files that name their model, as from files beside it', () => {
    const root = mkdtempSync(join(tmpdir(), 'explorer-evals-'));
    const models = join(root, 'models'),
      evals = join(root, 'evals');
    cpSync(fx.models, models, { recursive: true });
    mkdirSync(evals);
    const vg = join(models, 'sft-fake1');
    const rollouts = readFileSync(join(vg, 'entropy-smoke.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    writeFileSync(join(evals, 'entropy-abc.json'), JSON.stringify({ key: 'entropy-abc', model: 'sft-fake1', result: rollouts }));
    writeFileSync(join(evals, 'acc-def.json'), JSON.stringify({ key: 'acc-def', model: 'sft-fake1', result: {} }));
    renameSync(join(vg, 'eval-smoke.jsonl'), join(evals, 'acc-def.jsonl'));
    rmSync(join(vg, 'entropy-smoke.jsonl'));
    // a cached evaluation that names no model is not used
    writeFileSync(join(evals, 'entropy-zzz.json'), JSON.stringify({ key: 'entropy-zzz', result: [] }));
    const cachedRuns = findModelRuns(models, fx.ds, 'smoke');
    const run = cachedRuns.find((r) => r.method === 'vggm')!;
    expect(run.entropyJsonl).toBe(join(evals, 'entropy-abc.json'));
    expect(run.evalJsonl).toBe(join(evals, 'acc-def.jsonl'));
    const again = extractExplorer(fx.ds, 'smoke', { perTier: 6, rollouts: 2, runs: cachedRuns });
    const strip = (d: typeof data) => d.models.map((m) => ({ ...m, label: '' }));
    expect(strip(again)).toEqual(strip(data));
  });
});
