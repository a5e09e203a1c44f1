// Turn what the two halves of the benchmark printed (scripts/bench-ours.ts and scripts/peers/*.py,
// one JSON object each) into rows of results/bench.json. Kept apart from the script so the
// contract can be tested without running either side.
import { makeRow, type BenchRow } from './results.ts';
import type { MatmulShape } from './shapes.ts';
import type { Spread } from './summary.ts';

/** One timed product, as both sides report it (the peer in snake_case, mapped by the caller). */
export interface MatmulReading {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  gflops: Spread;
  ms: Spread;
}

const sameShape = (a: Omit<MatmulReading, 'gflops' | 'ms'>, b: Omit<MatmulReading, 'gflops' | 'ms'>) =>
  a.m === b.m && a.n === b.n && a.k === b.k && a.transA === b.transA && a.transB === b.transB;

function find(readings: readonly MatmulReading[], s: Omit<MatmulReading, 'gflops' | 'ms'>, side: string): MatmulReading {
  const r = readings.find((x) => sameShape(x, s));
  if (!r) throw new Error(`${side} has no timing for matmul ${s.m}x${s.n}x${s.k}`);
  return r;
}

/**
 * matmul_1024, one row per model shape (matmul_<name>), and matmul_model_step: all the products
 * of one training step weighted by how often the step runs them (total flops / total median time).
 */
export function matmulRows(model: readonly MatmulShape[], ours: readonly MatmulReading[], peer: readonly MatmulReading[]): BenchRow[] {
  const cube = { m: 1024, n: 1024, k: 1024, transA: false, transB: false };
  const rows = [makeRow('matmul_1024', 'GFLOP/s', 'higher', find(ours, cube, 'ours').gflops, find(peer, cube, 'peer').gflops, '1024x1024x1024')];
  let flops = 0;
  let tOurs = 0;
  let tPeer = 0;
  for (const s of model) {
    const o = find(ours, s, 'ours');
    const p = find(peer, s, 'peer');
    const shape = `${s.m}x${s.n}x${s.k}${s.transA ? ' A^T' : ''}${s.transB ? ' B^T' : ''}, x${s.count} per step`;
    rows.push(makeRow(`matmul_${s.name}`, 'GFLOP/s', 'higher', o.gflops, p.gflops, shape));
    flops += 2 * s.m * s.n * s.k * s.count;
    tOurs += (o.ms.median / 1000) * s.count;
    tPeer += (p.ms.median / 1000) * s.count;
  }
  if (model.length) {
    rows.push(
      makeRow('matmul_model_step', 'GFLOP/s', 'higher', flops / tOurs / 1e9, flops / tPeer / 1e9, 'all products of one training step, weighted by count (from the medians)'),
    );
  }
  return rows;
}

/** What each side reports for a model task (train or sample). */
export interface ModelReading {
  tokensPerS: Spread;
  /** Peak resident memory of the process (MiB). */
  peakRssMiB: number;
  /** Device memory (MiB) when the work ran on a discrete GPU: our pool's peak, torch's max allocated. */
  deviceMiB?: number;
  params: number;
}

export function modelRows(task: 'train' | 'sample', ours: ModelReading, peer: ModelReading): BenchRow[] {
  if (ours.params !== peer.params) throw new Error(`${task}: ours has ${ours.params} parameters but the peer ${peer.params}: not the same model`);
  const rows = [
    makeRow(`${task}_tokens_per_s`, 'tokens/s', 'higher', ours.tokensPerS, peer.tokensPerS),
    makeRow(`${task}_peak_rss_mib`, 'MiB', 'lower', ours.peakRssMiB, peer.peakRssMiB, 'peak resident set size of the process'),
  ];
  if (ours.deviceMiB !== undefined && peer.deviceMiB !== undefined) {
    rows.push(makeRow(`${task}_device_mib`, 'MiB', 'lower', ours.deviceMiB, peer.deviceMiB, 'peak device memory: our buffer pool vs torch.cuda.max_memory_allocated'));
  }
  return rows;
}
