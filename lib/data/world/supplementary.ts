// A supplementary evaluation set: more held-out problems of the tiers whose problem space is large
// (gsm8k and amc23; the math kinds have only a few hundred distinct problems, which the held-out
// set and the training data already share out), drawn from an RNG stream of their own after the
// world exists. A problem whose key the world holds anywhere (evaluation, development, teacher
// pool, Base corpus) is never taken, so none was trained on and none repeats another evaluation
// problem; the world's own records, and so every model's cache key, stay as they are.
import type { Dataset } from '../dataset.ts';
import type { EvalProblem, Tier } from '../types.ts';
import { Rng } from '../../util/rng.ts';
import { TIERS, WORLD_CONFIG, type WorldConfig } from './config.ts';
import { answerOf, makeProblem, problemKey } from './problems.ts';

/** The stream's salt on the world seed's root generator. generateWorld takes forks 1–4 of its root
 *  in order (evaluation, pool, Base, development); this one is a first fork with its own salt. */
const SUPPLEMENTARY_STREAM = 1001;

/** Every problem key the world's records hold. */
export function worldProblemKeys(ds: Dataset): Set<string> {
  const keys = new Set<string>();
  for (const p of [...ds.eval, ...(ds.dev ?? [])]) if (p.key) keys.add(p.key);
  for (const e of ds.pool) if (typeof e.meta?.key === 'string') keys.add(e.meta.key);
  for (const b of ds.base) if (b.key) keys.add(b.key);
  return keys;
}

/**
 * `sizes[tier]` problems per tier for the world of `ds` (a generated world, whose manifest names
 * its seed), distinct from each other and from every problem of the world. Deterministic.
 */
export function supplementaryProblems(ds: Dataset, sizes: Partial<Record<Tier, number>>, cfg: WorldConfig = WORLD_CONFIG): EvalProblem[] {
  if (ds.manifest.source !== 'world' || typeof ds.manifest.seed !== 'number') {
    if (Object.values(sizes).some((n) => (n ?? 0) > 0)) throw new Error(`${ds.dir}: a supplementary evaluation set needs a generated world (its manifest names no world seed)`);
    return [];
  }
  const seed = ds.manifest.seed;
  const rng = new Rng(seed).fork(SUPPLEMENTARY_STREAM);
  const taken = worldProblemKeys(ds);
  const out: EvalProblem[] = [];
  for (const tier of TIERS) {
    const want = sizes[tier] ?? 0;
    for (let i = 0, tries = 0; i < want; tries++) {
      if (tries > 200 * want + 20000) throw new Error(`supplementary: only ${i} of ${want} new ${tier} problems after ${tries} draws (problem space too small)`);
      const p = makeProblem(tier, rng, cfg);
      const key = problemKey(p);
      if (taken.has(key)) continue;
      taken.add(key);
      out.push({ id: `w${seed}-supp-${tier}-${i}`, tier, problem: p.text, answer: answerOf(p), key });
      i++;
    }
  }
  return out;
}
