// The reproduction layer's pure parts: curve points, problem picking, the distill data (40× N
// traces of the same teacher, none of them an evaluation or supplementary problem), and the typed paper numbers
// against the paper's quoted text in data/paper/excerpts.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../lib/data/dataset.ts';
import { datasetTexts } from '../../lib/data/dataset.ts';
import type { EvalProblem } from '../../lib/data/types.ts';
import { generateWorld } from '../../lib/data/world/generate.ts';
import { PAPER_BUDGET_FORCING, PAPER_DATA, PAPER_FIG2, PAPER_SOURCE, PAPER_TABLE1, PAPER_TABLE2 } from '../../lib/report/paper.ts';
import { supplementaryProblems } from '../../lib/data/world/supplementary.ts';
import { buildDistillTraces, distillDescriptor, sftCount } from '../../lib/repro/distill.ts';
import { reproPlan } from '../../lib/repro/plan.ts';
import { pickProblems } from '../../lib/repro/evals.ts';
import { curveSteps } from '../../lib/train/schedule.ts';
import { buildWorldTokenizer, loadTokenizer } from '../../lib/tokenizer/index.ts';

describe('curveSteps', () => {
  it('starts at 0, ends at the run length, evenly spaced, no duplicates', () => {
    expect(curveSteps(600, 6)).toEqual([0, 100, 200, 300, 400, 500, 600]);
    expect(curveSteps(7, 3)).toEqual([0, 2, 5, 7]);
    expect(curveSteps(2, 4)).toEqual([0, 1, 2]);
    expect(() => curveSteps(0, 3)).toThrow(/positive integers/);
  });
});

describe('pickProblems', () => {
  it('takes the first n of each tier and keeps the input order', () => {
    const ps: EvalProblem[] = ['gsm8k', 'math', 'gsm8k', 'amc23', 'math', 'gsm8k'].map((tier, i) => ({ id: `p${i}`, tier: tier as EvalProblem['tier'], problem: '', answer: '' }));
    expect(pickProblems(ps, { gsm8k: 2, math: 1 }).map((p) => p.id)).toEqual(['p0', 'p1', 'p2']);
  });
});

describe('distill traces', () => {
  const w = generateWorld({ seed: 3, scale: 'smoke' });
  const tokenizer = loadTokenizer(buildWorldTokenizer(datasetTexts(w.pool, w.eval, w.base)));
  const ds: Dataset = {
    dir: 'mem',
    manifest: { source: 'world', seed: 3, scale: 'smoke' },
    pool: w.pool,
    eval: w.eval,
    dev: w.dev,
    base: w.base,
    baseHeldout: w.baseHeldout,
    tokenizer,
  };

  it('holds multiplier × N traces from other worlds, none an evaluation problem, split by label', () => {
    const r = buildDistillTraces(ds, 8);
    expect(r.traces).toHaveLength(8 * sftCount(ds));
    expect(r.worlds).toBeGreaterThan(1);
    const evalKeys = new Set(w.eval.map((e) => e.key));
    expect(r.traces.some((t) => evalKeys.has(t.meta?.key as string))).toBe(false);
    expect(r.traces.every((t) => t.split === (t.v === 1 ? 'sft_v1' : 'sft_v0'))).toBe(true);
    // not the SFT set again: other worlds' ids
    const own = new Set(w.pool.map((e) => e.raw));
    expect(r.traces.filter((t) => own.has(t.raw)).length).toBeLessThan(r.traces.length / 2);
    expect(buildDistillTraces(ds, 8).traces.map((t) => t.raw)).toEqual(r.traces.map((t) => t.raw));
  });

  it('holds no supplementary problem (Tables 1 and 2 evaluate on them), and its cache key names the set', () => {
    // a supplementary set large enough that other worlds hold some of its problems
    const supplementary = { gsm8k: 400 };
    const supp = new Set(supplementaryProblems(ds, supplementary).map((p) => p.key));
    const unfiltered = buildDistillTraces(ds, 8, { supplementary: {} }).traces.filter((t) => supp.has(t.meta?.key as string));
    expect(unfiltered.length).toBeGreaterThan(0);
    expect(buildDistillTraces(ds, 8, { supplementary }).traces.some((t) => supp.has(t.meta?.key as string))).toBe(false);
    expect(distillDescriptor(ds, 8)).toMatchObject({ supplementary: reproPlan('smoke').supplementary });
    expect(distillDescriptor(ds, 8, supplementary)).not.toEqual(distillDescriptor(ds, 8));
  });

  it('refuses a data folder that is not the world', () => {
    expect(() => buildDistillTraces({ ...ds, manifest: { source: 'openr1' } }, 40)).toThrow(/synthetic world/);
  });
});

describe('paper numbers match the quoted paper text (data/paper/excerpts.md)', () => {
  const text = readFileSync(join(import.meta.dirname, '../..', PAPER_SOURCE.excerpts), 'utf8');
  const row = (label: string) => {
    const line = text.split('\n').find((l) => l.startsWith(label + '\t'));
    if (!line) throw new Error(`no row '${label}'`);
    return line.split('\t').slice(-3).map(Number);
  };
  const three = (x: { gsm8k: number; math: number; amc23: number }) => [x.gsm8k, x.math, x.amc23];
  /** The numbers of the quoted sentence that starts with `start` ("9k" = 9000, "9,848" = 9848),
   *  leaving out digits inside names and citations (DeepSeek-R1, OpenR1-Math-220k, [8]). */
  const numbersOf = (start: string) => {
    const line = text.split('\n').find((l) => l.startsWith(start));
    if (!line) throw new Error(`no sentence '${start}'`);
    return [...line.matchAll(/(?<![\w[-])(\d[\d,]*(?:\.\d+)?)(k?)(?![\w\]])/g)].map((m) => Number(m[1].replace(/,/g, '')) * (m[2] ? 1000 : 1));
  };

  it('Table 1', () => {
    const r = PAPER_TABLE1.rows;
    expect(three(r.base)).toEqual(row('Base (No SFT)'));
    expect(three(r.base_grpo)).toEqual(row('Base + GRPO'));
    expect(three(r.sft)).toEqual(row('SFT (No Masking)'));
    expect(three(r.sft_grpo)).toEqual(row('SFT (No Masking) + GRPO'));
    expect(three(r.vggm)).toEqual(row('SFT (VGGM)'));
    expect(three(r.vggm_grpo)).toEqual(row('SFT (VGGM) + GRPO'));
  });

  it('Table 2', () => {
    const l = PAPER_TABLE2['llama-like'],
      q = PAPER_TABLE2['qwen-like'];
    expect(three(l.base)).toEqual(row('Llama3.1-8B'));
    expect(three(l.sft)).toEqual(row('Llama3.1-8B + SFT (No Masking, 20k)'));
    expect(three(l.vggm)).toEqual(row('Llama3.1-8B + SFT (VGGM, 20k)'));
    expect(three(l.distill)).toEqual(row('DeepSeek-R1-Distill-Llama (No Masking, 800k)'));
    expect(three(q.vggm)).toEqual(row('Qwen2.5-7B + SFT (VGGM, 20k)'));
    expect(three(q.distill)).toEqual(row('DeepSeek-R1-Distill-Qwen (No Masking, 800k)'));
  });

  it('Sec. 3.5 deltas appear in the text', () => {
    for (const v of [...three(PAPER_BUDGET_FORCING.sft), ...three(PAPER_BUDGET_FORCING.vggm)]) {
      expect(text).toMatch(new RegExp(`\\${v > 0 ? '+' : '-'}${String(Math.abs(v)).replace('.', '\\.')}\\\\?%`));
    }
  });

  it('Sec. 3.3 peaks (Fig. 2) and the run length', () => {
    const p = PAPER_FIG2.peakSamples;
    expect(numbersOf('Without masking, accuracy peaks early')).toEqual([p.sft.gsm8k, p.sft.math]);
    expect(numbersOf('In contrast, VGGM continues to improve')).toEqual([p.vggm.gsm8k, p.vggm.math, 2]); // 2: "(Figure 2)"
    expect(PAPER_FIG2.runSamples).toBe(PAPER_DATA.sftV1 + PAPER_DATA.sftV0);
  });

  it('Sec. 2 and 3.4 data sizes', () => {
    // "12k instances with $v_i = 1$, 8k with $v_i = 0$, and reserve 9,848"
    expect(numbersOf('To maintain balance')).toEqual([PAPER_DATA.sftV1, 1, PAPER_DATA.sftV0, 0, PAPER_DATA.grpo]);
    expect(numbersOf('We employ the OpenR1-Math-220k')).toEqual([PAPER_DATA.sftV1 + PAPER_DATA.sftV0 + PAPER_DATA.grpo]);
    expect(numbersOf('While DeepSeek-R1 distill models')).toEqual([PAPER_DATA.distill, PAPER_FIG2.runSamples, PAPER_DATA.distillMultiplier]);
  });
});
