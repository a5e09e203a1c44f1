// Table 2's "distill" data: DeepSeek-R1-Distill was trained on 800k R1 traces, 40× the paper's
// 20k SFT samples, from the same teacher. Ours: `multiplier` × N traces (N = the SFT set) from
// the same synthetic teacher, drawn from extra worlds (same generator and config, other seeds),
// in the raw pool's mix of v=1 and v=0 (R1's own output, not the paper's 12 : 8 balance), with
// every problem Table 2 evaluates on removed: the world's evaluation set and the supplementary set
// (other worlds hold supplementary problems: at the cpu scale 249 of its 1,300 were in the 120k
// traces before they were removed), and the development set. Generated once per (data,
// multiplier, supplementary sizes) into the data cache.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadDataset, writeDataset, type Dataset } from '../data/dataset.ts';
import { tracePrompt } from '../data/prompts.ts';
import type { Example, Tier } from '../data/types.ts';
import { supplementaryProblems } from '../data/world/supplementary.ts';
import { WORLD_CONFIG, type ScaleName } from '../data/world/config.ts';
import { generateWorld } from '../data/world/generate.ts';
import { canonicalJson } from '../util/json.ts';
import { cacheRoot } from '../util/paths.ts';
import { reproPlan } from './plan.ts';

/** Number of SFT examples (v=1 and v=0 splits): the paper's N = 20k. */
export function sftCount(ds: Dataset): number {
  return ds.pool.filter((e) => e.split === 'sft_v1' || e.split === 'sft_v0').length;
}

/** Seed of the i-th extra world of a data set (disjoint from any seed a user would pick). */
export function distillWorldSeed(worldSeed: number, i: number): number {
  return 1_000_000 + worldSeed * 1000 + i;
}

type Sizes = Partial<Record<Tier, number>>;

/** The supplementary set's sizes the distill data avoids: by default the plan's for the data's scale
 *  (lib/repro/plan.ts), the set Tables 1 and 2 evaluate on. */
function supplementarySizes(ds: Dataset, sizes?: Sizes): Sizes {
  return sizes ?? reproPlan(ds.manifest.scale as ScaleName).supplementary;
}

/** What determines the distill data (for cache keys): no generation needed to compute it. */
export function distillDescriptor(ds: Dataset, multiplier: number, supplementary?: Sizes): Record<string, unknown> {
  if (ds.manifest.source !== 'world') throw new Error(`the distill baseline needs the synthetic world (data folder ${ds.dir} is ${ds.manifest.source})`);
  if (!(Number.isInteger(multiplier) && multiplier > 0)) throw new Error(`distill multiplier must be a positive integer, got ${multiplier}`);
  return {
    version: WORLD_CONFIG.version,
    worldSeed: ds.manifest.seed,
    scale: ds.manifest.scale,
    n: sftCount(ds),
    multiplier,
    supplementary: supplementarySizes(ds, supplementary),
    rule: 'extra-worlds-v2',
  };
}

/**
 * The traces: pool examples of worlds distillWorldSeed(seed, 0), (…, 1), … in order, skipping
 * problems of `ds`'s evaluation, development and supplementary sets and traces with tokens outside
 * `ds`'s vocabulary, until multiplier × N are collected. Each is given the SFT split of its label
 * so sftItems takes it.
 */
export function buildDistillTraces(
  ds: Dataset,
  multiplier: number,
  o: { maxWorlds?: number; supplementary?: Sizes } = {},
): { traces: Example[]; worlds: number; droppedEval: number; droppedUnk: number } {
  const d = distillDescriptor(ds, multiplier, o.supplementary);
  const want = multiplier * (d.n as number);
  const maxWorlds = o.maxWorlds ?? 1000;
  // the development problems are held out from training as the evaluation problems are
  const evalKeys = new Set([...ds.eval, ...ds.dev, ...supplementaryProblems(ds, d.supplementary as Sizes)].map((e) => e.key).filter((k): k is string => !!k));
  const unk = ds.tokenizer.unkId;
  const traces: Example[] = [];
  let worlds = 0,
    droppedEval = 0,
    droppedUnk = 0;
  while (traces.length < want) {
    if (worlds >= maxWorlds) throw new Error(`distill: only ${traces.length} of ${want} traces after ${worlds} worlds`);
    const w = generateWorld({ seed: distillWorldSeed(d.worldSeed as number, worlds), scale: d.scale as ScaleName });
    worlds++;
    for (const e of w.pool) {
      if (traces.length >= want) break;
      const key = (e.meta?.key as string | undefined) ?? null;
      if (key && evalKeys.has(key)) {
        droppedEval++;
        continue;
      }
      if ([tracePrompt(e.problem), e.response].some((t) => ds.tokenizer.encode(t).ids.includes(unk))) {
        droppedUnk++;
        continue;
      }
      traces.push({ ...e, id: `distill-${traces.length}`, split: e.v === 1 ? 'sft_v1' : 'sft_v0' });
    }
  }
  return { traces, worlds, droppedEval, droppedUnk };
}

function distillDir(ds: Dataset, multiplier: number): string {
  const h = createHash('sha256')
    .update(canonicalJson(distillDescriptor(ds, multiplier)))
    .digest('hex')
    .slice(0, 16);
  return join(dirname(cacheRoot()), 'data', `distill-${h}`);
}

/** The distill data as a Dataset (the SFT set's tokenizer and eval set), generated on first use. */
export function distillDataset(ds: Dataset, multiplier: number): Dataset {
  const dir = distillDir(ds, multiplier);
  if (!existsSync(join(dir, 'manifest.json'))) {
    const r = buildDistillTraces(ds, multiplier);
    writeDataset(dir, {
      pool: r.traces,
      eval: ds.eval,
      tokenizer: ds.tokenizer.json as never,
      manifest: { source: 'world', distill: distillDescriptor(ds, multiplier), traces: r.traces.length, worlds: r.worlds, droppedEval: r.droppedEval, droppedUnk: r.droppedUnk },
    });
  }
  return loadDataset(dir);
}
