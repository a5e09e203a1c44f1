// The ETA's arithmetic: the plan's cost model times the work of a fresh Table 1 or 2 run, the seeds'
// groups run side by side at the measured side-by-side throughput; no cost model, no ETA.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { reproEta, reproEtaParts, sideBySideSec } from '../../lib/repro/eta.ts';
import type { ModelSpec } from '../../lib/repro/models.ts';
import { reproPlan } from '../../lib/repro/plan.ts';
import type { Repro } from '../../lib/repro/script.ts';
import { loadData } from '../../lib/train/data.ts';
import { scaleTable } from '../../lib/train/scales.ts';

const SPECS: ModelSpec[] = [
  { kind: 'base' },
  { kind: 'grpo', from: 'base' },
  { kind: 'sft', method: 'sft' },
  { kind: 'grpo', from: 'sft' },
  { kind: 'sft', method: 'vggm' },
  { kind: 'grpo', from: 'vggm' },
];
const T1 = { specs: SPECS, mechanism: true };

/** A cpu-scale run of seeds 1-3 with nothing cached and 240 SFT steps (the smoke world's data). */
function cpuRun() {
  process.env.VGGM_CACHE = mkdtempSync(join(tmpdir(), 'eta-'));
  const plan = reproPlan('cpu');
  const r = { args: { scale: 'cpu', family: 'qwen-like', seeds: [1, 2, 3] }, plan, data: loadData('smoke', 1), models: { sftOptim: () => ({ steps: 240 }) } } as unknown as Repro;
  return { plan, c: plan.cost!, t: scaleTable('cpu'), r };
}

it("sums the Base, every seed's training and every evaluation at the plan's costs", () => {
  const { plan, c, t, r } = cpuRun();
  const p = reproEtaParts(r, 2, T1)!;
  expect(p.baseSec).toBeCloseTo(t.pretrain.steps * c.pretrainStep, 9);
  expect(p.trainSec).toBeCloseTo(3 * (2 * 240 * c.sftStep + 3 * t.grpo.steps * c.grpoStep), 9);
  // 700 held-out + 1,300 supplementary problems; the shared Base evaluated once: 1 + 5 × 3 models
  expect(p.evalSec).toBeCloseTo(16 * (2000 * c.evalProblem + plan.mechanismTraces * c.mechanismTrace), 9);
  // seeds 1,3 | 2: while both workers run (one seed's work each) they go sideBySide x one alone,
  // shared; then seed 3 alone at full speed
  const u = (p.trainSec + p.evalSec) / 3;
  expect(p.wallSec).toBeCloseTo(p.baseSec + u / (c.sideBySide / 2) + u, 9);
  expect(reproEtaParts(r, 3, T1)!.wallSec).toBeCloseTo(p.baseSec + u / (c.sideBySide / 3), 9);
  expect(reproEtaParts(r, 1, T1)!.wallSec).toBeCloseTo(p.baseSec + 3 * u, 9);
  expect(reproEta(r, 2, T1)).toMatch(/^ETA (\d+h\d\dm|\d+m\d\ds) for a fresh run .*cost model: pretrain 0.85 s\/step.*workers side by side 1.25x one/);
  const smoke = { ...r, args: { ...r.args, scale: 'smoke' }, plan: reproPlan('smoke') } as unknown as Repro;
  expect(reproEtaParts(smoke, 1, T1)).toBeNull();
  expect(reproEta(smoke, 1, T1)).toMatch(/no cost model at scale smoke/);
}, 60_000);

it("Table 2: both families' Bases, each family's SFT, VGGM and distill runs, evaluations without the mechanism pass", () => {
  const { c, t, r } = cpuRun();
  const specs: ModelSpec[] = [{ kind: 'base' }, { kind: 'sft', method: 'sft' }, { kind: 'sft', method: 'vggm' }, { kind: 'distill', multiplier: 40, stepsFactor: 1.5 }];
  const p = reproEtaParts(r, 1, { specs, families: ['llama-like', 'qwen-like'] })!;
  expect(p.baseSec).toBeCloseTo(2 * t.pretrain.steps * c.pretrainStep, 9);
  expect(p.trainSec).toBeCloseTo(3 * 2 * (2 * 240 + 360) * c.sftStep, 9);
  // per family: the shared Base once, 3 models per seed: 1 + 3 × 3 = 10 models, 2,000 problems each
  expect(p.evalSec).toBeCloseTo(2 * 10 * 2000 * c.evalProblem, 9);
  expect(p.wallSec).toBeCloseTo(p.baseSec + p.trainSec + p.evalSec, 9);
}, 60_000);

it('side by side: unequal groups finish one after another, each speeding up the rest', () => {
  // two workers at 1.25x together: 10 s and 20 s of alone-work take 16 s (both), then 10 s alone
  expect(sideBySideSec([20, 10], (k) => (k > 1 ? 1.25 : 1))).toBeCloseTo(16 + 10, 12);
  expect(sideBySideSec([7], () => 1)).toBe(7);
  expect(sideBySideSec([], () => 1)).toBe(0);
});
