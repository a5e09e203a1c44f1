// Data order as a pure function of (seed, step): the examples of step s are a slice of the
// permutation of epoch ⌊s·B / N⌋, and that permutation is drawn from an Rng seeded by (seed,
// epoch). A resumed run therefore sees exactly the batches an uninterrupted one would, with no
// RNG state to save.
import { Rng } from '../util/rng.ts';
import { derivedSeed } from '../util/seed.ts';

const permCache = new Map<string, Uint32Array>();

function permutation(n: number, seed: number, epoch: number): Uint32Array {
  const key = `${n}|${seed}|${epoch}`;
  let p = permCache.get(key);
  if (!p) {
    const idx = Array.from({ length: n }, (_, i) => i);
    new Rng(derivedSeed(seed, 'order', epoch)).shuffle(idx);
    p = Uint32Array.from(idx);
    if (permCache.size > 8) permCache.clear();
    permCache.set(key, p);
  }
  return p;
}

/** Indices (into a dataset of n examples) of the batch used at `step`. */
export function batchIndices(seed: number, step: number, n: number, batch: number): number[] {
  if (n <= 0) throw new Error('batchIndices: empty dataset');
  const out: number[] = [];
  for (let j = 0; j < batch; j++) {
    const flat = step * batch + j;
    const epoch = Math.floor(flat / n);
    out.push(permutation(n, seed, epoch)[flat % n]);
  }
  return out;
}
