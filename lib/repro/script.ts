// What the five reproduction scripts share: the command line (common options, the world), the
// data, the model store and evaluator, and the end of every run: one ResultsFile (per-seed
// values, mean, 95% CI, the paper's numbers, scale, config, wall time) published through
// lib/report (json, md, vl.json, svg, png) so `npm run figures` re-renders it with the same code.
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { Dataset } from '../data/dataset.ts';
import type { Tier } from '../data/types.ts';
import { TIERS } from '../data/world/config.ts';
import { families, type Family } from '../model/config.ts';
import { publishResults } from '../report/figures.ts';
import { PAPER_CLAIMS } from '../report/paper.ts';
import { commandLine, measured, type Axis, type ResultSet, type ResultsFile } from '../report/results.ts';
import { isCached } from '../train/cache.ts';
import { loadData } from '../train/data.ts';
import { baseKey } from '../train/pipeline.ts';
import { budgetSources, scaleTable } from '../train/scales.ts';
import { writeJsonAtomic } from '../util/atomic.ts';
import { parseCli, runMain, UsageError, type CommonArgs } from '../util/cli.ts';
import { Evaluator } from './evals.ts';
import { ModelStore } from './models.ts';
import { runWorkers, seedGroups, workerArgv, workerFiles } from './parallel.ts';
import { reproPlan, type ReproPlan } from './plan.ts';

export const TIER_AXIS: Axis = { title: 'Benchmark', order: [...TIERS], labels: { gsm8k: 'GSM8K', math: 'MATH', amc23: "AMC'23" } };

export interface Repro {
  args: CommonArgs & { worldSeed: number; family: Family };
  plan: ReproPlan;
  data: Dataset;
  models: ModelStore;
  evals: Evaluator;
}

export interface ReproOutput {
  sets: Record<string, ResultSet>;
  /** what the script measured with (models, counts), beside the plan and scale table */
  config?: Record<string, unknown>;
  notes?: string[];
  /** further results files of the same run (Table 1's diagnostics), published beside the main one
   *  with the same provenance, scale, seeds and wall time */
  companions?: { name: string; title: string; sets: Record<string, ResultSet>; config?: Record<string, unknown>; notes?: string[] }[];
}

export interface ScriptSpec {
  /** results name (lib/report/figures.ts registry key) */
  name: string;
  title: string;
  describe: string;
  /** default student family for single-family scripts */
  family?: Family;
  /** the families whose Base every seed shares (default: the --family one) */
  families?: readonly Family[];
  /** options of this script alone, checked before anything trains; their values reach the body in `args` */
  options?: (y: Argv<{}>) => Argv<{}>;
  /** the line printed before anything trains: what the run will cost, from the plan's cost model */
  eta?: (r: Repro, jobs: number) => string | null;
}

/** Parse the command line, run `body`, write and render results/<name>.*; one line per output. */
export function reproMain(spec: ScriptSpec, body: (r: Repro) => Promise<ReproOutput>): Promise<never> {
  return runMain(async () => {
    const t0 = performance.now();
    const own = spec.options ?? ((y: Argv<{}>) => y);
    const args = await parseCli({ name: spec.name, describe: spec.describe, defaultSeeds: (scale) => reproPlan(scale).seeds }, (y: Argv<{}>) =>
      own(
        y
          .option('world-seed', { type: 'number', default: 1, describe: 'seed of the synthetic world (frozen across methods and model seeds)' })
          .option('family', { choices: families, default: spec.family ?? 'qwen-like', describe: 'student family (Table 2 always runs both)' })
          .option('sft-steps', {
            type: 'number',
            describe:
              "the SFT runs' optimizer steps, an explicit override of the pre-registered choice (results/sft-budget.json; without one, the scale's default); every model trained from them follows, and results record it",
          })
          .option('sft-lr', { type: 'number', describe: "the SFT runs' peak learning rate (default: the scale's); as --sft-steps, every model trained from them follows" })
          .option('jobs', {
            type: 'number',
            describe: `seeds trained in parallel processes (default: the cores, ${availableParallelism()}, at most one per seed; 1 at the smoke scale)`,
          })
          .option('warm-only', {
            type: 'string',
            hidden: true,
            describe: 'worker mode: fill the caches for --seeds, write the trained model keys to this file, publish nothing',
          }) as unknown as Argv<{}>,
      ),
    );
    const a = { ...args, worldSeed: (args as { worldSeed?: number }).worldSeed ?? 1, family: (args as { family?: Family }).family ?? spec.family ?? 'qwen-like' };
    const { jobs: jobsArg, warmOnly, sftSteps, sftLr } = args as { jobs?: number; warmOnly?: string; sftSteps?: number; sftLr?: number };
    const jobs = jobsArg ?? (a.scale === 'smoke' ? 1 : availableParallelism());
    if (!(Number.isInteger(jobs) && jobs >= 1)) throw new UsageError(`--jobs must be a positive integer, got ${jobs}`);
    if (sftSteps !== undefined && !(Number.isInteger(sftSteps) && sftSteps >= 1)) throw new UsageError(`--sft-steps must be a positive integer, got ${sftSteps}`);
    if (sftLr !== undefined && !(Number.isFinite(sftLr) && sftLr > 0)) throw new UsageError(`--sft-lr must be a positive number, got ${sftLr}`);
    const data = loadData(a.scale, a.worldSeed);
    const fresh = (force: boolean): Repro => ({
      args: a,
      plan: reproPlan(a.scale),
      data,
      models: new ModelStore(data, force, !warmOnly, sftSteps, sftLr),
      evals: new Evaluator(data.tokenizer, force),
    });
    let r = fresh(a.force);
    const groups = seedGroups(a.seeds, jobs);
    if (!warmOnly && spec.eta) {
      const line = spec.eta(r, groups.length);
      if (line) process.stderr.write(`${spec.name}: ${line}\n`);
    }
    const trainedByWorkers: string[] = [];
    if (!warmOnly && groups.length > 1) {
      // The models every seed shares first (both families at once), each by its own worker.
      if (scaleTable(a.scale).sharedBase) {
        const bases = (spec.families ?? [a.family]).map((family) => ({ family, key: baseKey({ scale: a.scale, family, seed: 1, data }) }));
        const missing = bases.filter((b) => a.force || !isCached(b.key));
        await runWorkers(
          spec.name,
          missing.map(({ family }) => {
            const tag = `${spec.name}-base-${family}`;
            return {
              label: `the ${family} Base`,
              tag,
              script: join(dirname(process.argv[1]), 'pretrain.ts'),
              // --out: the worker's run report (it holds local paths) goes beside its log, not into results/
              args: [
                '--scale',
                a.scale,
                '--family',
                family,
                '--seed',
                '1',
                '--world-seed',
                String(a.worldSeed),
                '--out',
                dirname(workerFiles(tag).log),
                ...(a.force ? ['--force'] : []),
              ],
            };
          }),
        );
        trainedByWorkers.push(...missing.map((b) => b.key));
      }
      const user = hideBin(process.argv);
      trainedByWorkers.push(
        ...(await runWorkers(
          spec.name,
          groups.map((seeds) => {
            const tag = `${spec.name}-seeds-${seeds.join('_')}`;
            return { label: `seeds ${seeds.join(',')}`, tag, script: process.argv[1], args: workerArgv(user, seeds, workerFiles(tag).report) };
          }),
        )),
      );
      // Everything is cached now (the workers honoured --force): collect it without retraining.
      r = fresh(false);
    }
    const out = await body(r);
    if (warmOnly) {
      writeJsonAtomic(warmOnly, { trained: r.models.trained });
      return;
    }
    const t = scaleTable(a.scale);
    const file: ResultsFile = {
      name: spec.name,
      title: spec.title,
      scale: a.scale,
      seeds: a.seeds,
      config: {
        ...out.config,
        worldSeed: a.worldSeed,
        world: data.manifest,
        sftExamples: data.pool.filter((e) => e.split === 'sft_v1' || e.split === 'sft_v0').length,
        plan: r.plan,
        training: { size: t.size, context: t.context, pretrain: t.pretrain, sft: r.models.sftOptim(a.scale), grpo: t.grpo, budgets: budgetSources(a.scale, sftSteps) },
        modelsTrainedHere: [...trainedByWorkers, ...r.models.trained],
        jobs: groups.length,
      },
      wallTimeSec: (performance.now() - t0) / 1000,
      createdBy: commandLine(),
      createdAt: new Date().toISOString(),
      sets: out.sets,
      paperNotes: PAPER_CLAIMS[spec.name],
      notes: out.notes,
    };
    for (const c of out.companions ?? []) {
      const q = await publishResults(a.out, {
        ...file,
        name: c.name,
        title: c.title,
        sets: c.sets,
        config: { ...file.config, ...c.config },
        notes: c.notes,
        paperNotes: PAPER_CLAIMS[c.name],
      });
      for (const f of [q.json, q.md, q.vl, q.svg, q.png]) if (f) process.stdout.write(`${spec.name}: wrote ${f}\n`);
    }
    const p = await publishResults(a.out, file);
    for (const f of [p.json, p.md, p.vl, p.svg, p.png]) if (f) process.stdout.write(`${spec.name}: wrote ${f}\n`);
  });
}

/** Per-seed values → a point (percent scaling done by the caller). */
export function pointOf(group: string, x: string | number, values: number[], paper?: number | null, seeds?: number[]) {
  return { group, x, ...measured(values), ...(paper !== undefined ? { paper } : {}), ...(seeds ? { seeds } : {}) };
}

/** values[seed index] per (group, tier) → points, with the paper's number per cell. */
export function tierPoints(groups: string[], tiers: readonly Tier[], value: (g: string, t: Tier) => number[], paper: (g: string, t: Tier) => number | null | undefined) {
  return groups.flatMap((g) => tiers.map((t) => pointOf(g, t, value(g, t), paper(g, t) ?? null)));
}
