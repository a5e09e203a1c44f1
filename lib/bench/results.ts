// results/bench.json: the contract other tools read. Every row compares one measurement of ours
// with the same measurement of the peer. ratio = ours / peer; `better` says which direction wins
// (throughput rows: higher; memory rows: lower), so a reader never has to guess.
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';
import type { Spread } from './summary.ts';

export interface BenchRow {
  name: string;
  ours: number;
  peer: number;
  ratio: number;
  unit: string;
  better: 'higher' | 'lower';
  /** Spread of the repetitions behind `ours` and `peer` (absent for single readings such as memory). */
  oursSpread?: Spread;
  peerSpread?: Spread;
  note?: string;
}

export interface BenchResult {
  rows: BenchRow[];
  /** Machine, adapter, peer, thread settings, model, commands: everything needed to read the rows. */
  meta: Record<string, unknown>;
}

export const requiredRows = ['matmul_1024', 'train_tokens_per_s', 'sample_tokens_per_s'] as const;

export function makeRow(name: string, unit: string, better: 'higher' | 'lower', ours: number | Spread, peer: number | Spread, note?: string): BenchRow {
  const o = typeof ours === 'number' ? ours : ours.median;
  const p = typeof peer === 'number' ? peer : peer.median;
  return {
    name,
    ours: o,
    peer: p,
    ratio: p > 0 ? o / p : Number.NaN,
    unit,
    better,
    ...(typeof ours === 'number' ? {} : { oursSpread: ours }),
    ...(typeof peer === 'number' ? {} : { peerSpread: peer }),
    ...(note ? { note } : {}),
  };
}

/** Throw a one-line error when a result misses the contract (a row or a field). */
export function checkResult(r: BenchResult): void {
  if (!Array.isArray(r.rows)) throw new Error('bench result: rows is not an array');
  for (const row of r.rows) {
    for (const k of ['name', 'unit'] as const) if (typeof row[k] !== 'string') throw new Error(`bench result: row ${row.name} lacks ${k}`);
    for (const k of ['ours', 'peer', 'ratio'] as const) if (typeof row[k] !== 'number') throw new Error(`bench result: row ${row.name} lacks numeric ${k}`);
  }
  const names = new Set(r.rows.map((x) => x.name));
  const missing = requiredRows.filter((n) => !names.has(n));
  if (missing.length) throw new Error(`bench result: missing rows ${missing.join(', ')}`);
}

/** Write <dir>/bench.json (atomically); returns its path. Non-finite numbers become null in JSON. */
export function writeBenchResult(dir: string, r: BenchResult, name = 'bench'): string {
  const path = join(dir, `${name}.json`);
  writeFileAtomic(path, `${JSON.stringify(r, null, 2)}\n`);
  return path;
}

const fmt = (x: number): string => (!Number.isFinite(x) ? 'n/a' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));

/** A plain-text table of the rows, ratios last (what `npm run bench` prints). */
export function formatTable(rows: readonly BenchRow[]): string {
  const lines = [['row', 'unit', 'ours', 'peer', 'ours/peer']];
  for (const r of rows) {
    const spreadOf = (s?: Spread) => (s ? ` [${fmt(s.min)}-${fmt(s.max)}]` : '');
    lines.push([r.name, r.unit, fmt(r.ours) + spreadOf(r.oursSpread), fmt(r.peer) + spreadOf(r.peerSpread), `${fmt(r.ratio)}x (${r.better} is better)`]);
  }
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  return lines
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
