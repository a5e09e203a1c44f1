// The ETA's arithmetic: the plan's cost model times the work of a fresh Table 1 run, the seeds'
// part at the largest worker group's share; no cost model, no ETA.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { table1Eta, table1EtaParts } from '../../lib/repro/eta.ts';
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

it("sums the Base, every seed's training and every evaluation at the plan's costs", () => {
  process.env.VGGM_CACHE = mkdtempSync(join(tmpdir(), 'eta-')); // nothing cached
  const data = loadData('smoke', 1);
  const plan = reproPlan('cpu');
  const c = plan.cost!;
  const t = scaleTable('cpu');
  const r = { args: { scale: 'cpu', family: 'qwen-like', seeds: [1, 2, 3] }, plan, data, models: { sftOptim: () => ({ steps: 240 }) } } as unknown as Repro;
  const p = table1EtaParts(r, 2, SPECS)!;
  expect(p.baseSec).toBeCloseTo(t.pretrain.steps * c.pretrainStep, 9);
  expect(p.trainSec).toBeCloseTo(3 * (2 * 240 * c.sftStep + 3 * t.grpo.steps * c.grpoStep), 9);
  // 700 held-out + 1,300 supplementary problems; the shared Base evaluated once: 1 + 5 × 3 models
  expect(p.evalSec).toBeCloseTo(16 * (2000 * c.evalProblem + plan.mechanismTraces * c.mechanismTrace), 9);
  expect(p.wallSec).toBeCloseTo(p.baseSec + (2 / 3) * (p.trainSec + p.evalSec), 9); // seeds 1,3 | 2
  expect(table1EtaParts(r, 3, SPECS)!.wallSec).toBeCloseTo(p.baseSec + (p.trainSec + p.evalSec) / 3, 9);
  expect(table1Eta(r, 2, SPECS)).toMatch(/^ETA (\d+h\d\dm|\d+m\d\ds) for a fresh run .*cost model: pretrain 0.71 s\/step/);
  const smoke = { ...r, args: { ...r.args, scale: 'smoke' }, plan: reproPlan('smoke') } as unknown as Repro;
  expect(table1EtaParts(smoke, 1, SPECS)).toBeNull();
  expect(table1Eta(smoke, 1, SPECS)).toMatch(/no cost model at scale smoke/);
}, 60_000);
