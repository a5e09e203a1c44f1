// The ETA a reproduction script prints before it trains: the work of a fresh run (the shared Base
// unless it is cached, every seed's SFT and GRPO runs, every evaluation and teacher-forced pass)
// times the plan's cost model (seconds per step / problem / trace, each measured alone on the
// 2-core machine: lib/repro/plan.ts, docs/statistics.md "Cost model"), the seeds' part taken at
// the share of the largest worker's group of seeds. Models and evaluations other than the Base are not looked up in the
// cache, so with a warm cache the run is shorter than the ETA.
import { SCALES } from '../data/world/config.ts';
import { isCached } from '../train/cache.ts';
import { baseKey } from '../train/pipeline.ts';
import { scaleTable } from '../train/scales.ts';
import { formatDuration } from '../util/cli.ts';
import type { ModelSpec } from './models.ts';
import type { Repro } from './script.ts';

export interface EtaParts {
  baseSec: number;
  trainSec: number;
  evalSec: number;
  /** estimated wall time: the Base, then the largest worker's share of the rest */
  wallSec: number;
}

/** The cost of Table 1's work under the plan's cost model; null where the plan has none. */
export function table1EtaParts(r: Repro, jobs: number, specs: readonly ModelSpec[]): EtaParts | null {
  const cost = r.plan.cost;
  if (!cost) return null;
  const { scale, family, seeds } = r.args;
  const t = scaleTable(scale);
  const sharedBase = t.sharedBase;
  const baseCached = sharedBase && isCached(baseKey({ scale, family, seed: 1, data: r.data }));
  const baseSec = baseCached ? 0 : t.pretrain.steps * cost.pretrainStep * (sharedBase ? 1 : seeds.length);
  const sftSteps = r.models.sftOptim(scale).steps;
  const perSeedTrain = specs.reduce((s, m) => s + (m.kind === 'sft' ? sftSteps * cost.sftStep : m.kind === 'grpo' ? t.grpo.steps * cost.grpoStep : 0), 0);
  const perTier = (k: keyof typeof SCALES.cpu.eval) => Math.min(r.plan.evalPerTier[k], SCALES[scale].eval[k]) + (r.plan.supplementary[k] ?? 0);
  const problems = perTier('gsm8k') + perTier('math') + perTier('amc23');
  // the shared Base is one model for every seed: evaluated once
  const evaluated = specs.length * seeds.length - (sharedBase ? seeds.length - 1 : 0);
  const evalSec = evaluated * (problems * cost.evalProblem + r.plan.mechanismTraces * cost.mechanismTrace);
  const trainSec = perSeedTrain * seeds.length;
  // Seeds are split into `jobs` groups (lib/repro/parallel.ts seedGroups): the largest one decides.
  const share = Math.ceil(seeds.length / Math.max(1, jobs)) / seeds.length;
  return { baseSec, trainSec, evalSec, wallSec: baseSec + (trainSec + evalSec) * share };
}

/** The line table1 prints at its start. */
export function table1Eta(r: Repro, jobs: number, specs: readonly ModelSpec[]): string {
  const p = table1EtaParts(r, jobs, specs);
  if (!p) return `no cost model at scale ${r.args.scale}: no ETA (lib/repro/plan.ts cost)`;
  const c = r.plan.cost!;
  return (
    `ETA ${formatDuration(p.wallSec)} for a fresh run (Base ${formatDuration(p.baseSec)}, training ${formatDuration(p.trainSec)} and evaluation ${formatDuration(p.evalSec)} ; seeds in ${Math.min(jobs, r.args.seeds.length)} worker(s)); ` +
    `cost model: pretrain ${c.pretrainStep} s/step, SFT ${c.sftStep} s/step, GRPO ${c.grpoStep} s/step, ${c.evalProblem} s/problem, ${c.mechanismTrace} s/trace; cached SFT/GRPO models and evaluations make it shorter`
  );
}
