// The ETA a table script (table1, table2) prints before it trains: the work of a fresh run (the shared Base
// unless it is cached, every seed's SFT and GRPO runs, every evaluation and teacher-forced pass)
// times the plan's cost model (seconds per step / problem / trace, each measured alone on the
// 2-core machine: lib/repro/plan.ts, docs/statistics.md "Cost model"), the seeds' part run by
// worker processes side by side, each group of seeds in its own, at the measured side-by-side
// throughput. Models and evaluations other than the Base are not looked up in the cache, so with
// a warm cache the run is shorter than the ETA.
import { SCALES } from '../data/world/config.ts';
import { isCached } from '../train/cache.ts';
import { baseKey } from '../train/pipeline.ts';
import { scaleTable } from '../train/scales.ts';
import { formatDuration } from '../util/cli.ts';
import type { Family } from '../model/config.ts';
import type { ModelSpec } from './models.ts';
import { seedGroups } from './parallel.ts';
import type { Repro } from './script.ts';

export interface EtaParts {
  baseSec: number;
  trainSec: number;
  evalSec: number;
  /** estimated wall time: the Base, then the seed groups' workers side by side */
  wallSec: number;
}

/**
 * Wall time of work (seconds, each as measured alone) done by one worker per entry, side by
 * side: while k workers run, together they go `throughput(k)` times as fast as one alone, in equal
 * shares; when one finishes, the others speed up.
 */
export function sideBySideSec(work: readonly number[], throughput: (k: number) => number): number {
  const ascending = [...work].sort((a, b) => a - b);
  let wall = 0;
  let doneEach = 0; // alone-seconds every still-running worker has done
  ascending.forEach((w, i) => {
    const k = ascending.length - i;
    wall += (w - doneEach) / (throughput(k) / k);
    doneEach = w;
  });
  return wall;
}

/** What a reproduction script trains and evaluates per seed: the model specs of each family in
 *  `families` (default: the run's own), every model evaluated on the table's problems, and, when
 *  `mechanism`, also teacher-forced on the mechanism traces (Table 1's diagnostics). */
export interface EtaWork {
  specs: readonly ModelSpec[];
  families?: readonly Family[];
  mechanism?: boolean;
}

/** The cost of a table's work under the plan's cost model; null where the plan has none. */
export function reproEtaParts(r: Repro, jobs: number, work: EtaWork): EtaParts | null {
  const cost = r.plan.cost;
  if (!cost) return null;
  const { scale, seeds } = r.args;
  const families = work.families ?? [r.args.family];
  const t = scaleTable(scale);
  const sharedBase = t.sharedBase;
  const baseSec = families.reduce((sum, family) => {
    const cached = sharedBase && isCached(baseKey({ scale, family, seed: 1, data: r.data }));
    return sum + (cached ? 0 : t.pretrain.steps * cost.pretrainStep * (sharedBase ? 1 : seeds.length));
  }, 0);
  const sftSteps = r.models.sftOptim(scale).steps;
  // A distill step costs what an SFT step does: the same model, batch and teacher's trace lengths.
  const stepsOf = (m: ModelSpec) =>
    m.kind === 'sft' ? sftSteps * cost.sftStep : m.kind === 'distill' ? Math.round(sftSteps * m.stepsFactor) * cost.sftStep : m.kind === 'grpo' ? t.grpo.steps * cost.grpoStep : 0;
  const perSeedTrain = families.length * work.specs.reduce((s, m) => s + stepsOf(m), 0);
  const perTier = (k: keyof typeof SCALES.cpu.eval) => Math.min(r.plan.evalPerTier[k], SCALES[scale].eval[k]) + (r.plan.supplementary[k] ?? 0);
  const problems = perTier('gsm8k') + perTier('math') + perTier('amc23');
  // each family's shared Base is one model for every seed: evaluated once
  const evaluated = families.length * (work.specs.length * seeds.length - (sharedBase ? seeds.length - 1 : 0));
  const evalSec = evaluated * (problems * cost.evalProblem + (work.mechanism ? r.plan.mechanismTraces * cost.mechanismTrace : 0));
  const trainSec = perSeedTrain * seeds.length;
  // Seeds are split into `jobs` groups (lib/repro/parallel.ts seedGroups), one worker each.
  const perSeed = (trainSec + evalSec) / seeds.length;
  const groups = seedGroups(seeds, jobs).map((g) => g.length * perSeed);
  const seedsSec = sideBySideSec(groups, (k) => (k > 1 ? cost.sideBySide : 1));
  return { baseSec, trainSec, evalSec, wallSec: baseSec + seedsSec };
}

/** The line a table script prints at its start. */
export function reproEta(r: Repro, jobs: number, work: EtaWork): string {
  const p = reproEtaParts(r, jobs, work);
  if (!p) return `no cost model at scale ${r.args.scale}: no ETA (lib/repro/plan.ts cost)`;
  const c = r.plan.cost!;
  return (
    `ETA ${formatDuration(p.wallSec)} for a fresh run (Base ${formatDuration(p.baseSec)}, training ${formatDuration(p.trainSec)} and evaluation ${formatDuration(p.evalSec)} ; seeds in ${Math.min(jobs, r.args.seeds.length)} worker(s)); ` +
    `cost model: pretrain ${c.pretrainStep} s/step, SFT ${c.sftStep} s/step, GRPO ${c.grpoStep} s/step, ${c.evalProblem} s/problem, ${c.mechanismTrace} s/trace, workers side by side ${c.sideBySide}x one; cached SFT/GRPO models and evaluations make it shorter`
  );
}
