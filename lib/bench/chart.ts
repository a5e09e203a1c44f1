// The benchmark's chart (Vega-Lite): left, ours ÷ peer for every throughput row on a log axis with
// a rule at 1 (parity) and whiskers from the repetitions' ranges; right, peak memory of each side.
import type { TopLevelSpec } from 'vega-lite';
import type { BenchRow } from './results.ts';

export function benchChartSpec(rows: readonly BenchRow[], subtitle: string): TopLevelSpec {
  const speed = rows
    .filter((r) => r.better === 'higher' && Number.isFinite(r.ratio) && r.ratio > 0)
    .map((r) => ({
      name: r.name,
      ratio: r.ratio,
      // Worst and best pairing of the two sides' repetitions.
      lo: r.oursSpread && r.peerSpread ? r.oursSpread.min / r.peerSpread.max : r.ratio,
      hi: r.oursSpread && r.peerSpread ? r.oursSpread.max / r.peerSpread.min : r.ratio,
      label: `${r.ratio >= 0.1 ? r.ratio.toFixed(2) : r.ratio.toPrecision(2)}x`,
    }));
  const memory = rows
    .filter((r) => r.better === 'lower')
    .flatMap((r) => [
      { name: r.name, side: 'ours', value: r.ours },
      { name: r.name, side: 'peer', value: r.peer },
    ]);
  const order = speed.map((s) => s.name);
  // A log axis cannot hold a bar's zero base: dots with whiskers on an explicit domain around parity.
  const lo = Math.min(1, ...speed.map((s) => s.lo));
  const hi = Math.max(1, ...speed.map((s) => s.hi));
  const xScale = { type: 'log', domain: [lo / 1.5, hi * 2.5] };
  const y = { field: 'name', type: 'nominal', title: null, sort: order };
  const speedPanel = {
    title: { text: 'Throughput: ours ÷ peer (higher is better)', anchor: 'start', fontSize: 13 },
    data: { values: speed },
    width: 360,
    height: Math.max(120, speed.length * 18),
    layer: [
      {
        data: { values: [{ one: 1 }] },
        mark: { type: 'rule', strokeDash: [5, 3], color: '#e45756', strokeWidth: 1.5 },
        encoding: { x: { field: 'one', type: 'quantitative', scale: xScale } },
      },
      { mark: { type: 'rule', color: '#222' }, encoding: { y, x: { field: 'lo', type: 'quantitative', scale: xScale }, x2: { field: 'hi' } } },
      {
        mark: { type: 'point', filled: true, size: 60, color: '#4c78a8' },
        encoding: { y, x: { field: 'ratio', type: 'quantitative', title: 'ours ÷ peer (log scale; dashed: parity; whiskers: min–max pairings)', scale: xScale } },
      },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { y, x: { field: 'hi', type: 'quantitative' }, text: { field: 'label' } } },
    ],
  };
  const memPanel = {
    title: { text: 'Peak memory (lower is better)', anchor: 'start', fontSize: 13 },
    data: { values: memory },
    width: 220,
    height: Math.max(80, memory.length * 14),
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'name', type: 'nominal', title: null },
      yOffset: { field: 'side', type: 'nominal' },
      x: { field: 'value', type: 'quantitative', title: 'MiB' },
      color: { field: 'side', type: 'nominal', title: null, scale: { domain: ['ours', 'peer'], range: ['#4c78a8', '#f58518'] } },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'WebGPU (ours) vs numpy/PyTorch (peer)', subtitle },
    hconcat: memory.length ? [speedPanel, memPanel] : [speedPanel],
    spacing: 40,
  } as unknown as TopLevelSpec;
}
