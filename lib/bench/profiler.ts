// Per-kernel GPU time of a recorded step, from timestamp queries (`--profile` of the benchmark).
// Attach with ctx.rec.timer = profiler; every dispatch then gets its own compute pass with a begin
// and an end timestamp; read() waits for the submitted work and sums the durations per kernel.
// Needs the 'timestamp-query' feature (Gpu.hasTimestamps); lavapipe has it, and lib/gpu/device.ts
// disables Dawn's timestamp quantisation so short kernels are not rounded to ~65 µs.
import type { Gpu } from '../gpu/device.ts';
import type { DispatchTimer } from '../gpu/recorder.ts';

const QUERIES = 4096; // WebGPU's maximum query count per set: 2048 dispatches

interface PendingSet {
  querySet: GPUQuerySet;
  resolve: GPUBuffer;
  readback: GPUBuffer;
  labels: string[];
}

export interface KernelTime {
  /** Pipeline label: kernel file, entry point and override constants. */
  label: string;
  calls: number;
  ms: number;
}

export class DispatchProfiler implements DispatchTimer {
  private current: PendingSet | undefined;
  private readonly submitted: PendingSet[] = [];

  constructor(private readonly gpu: Gpu) {
    if (!gpu.hasTimestamps) throw new Error(`${gpu.adapterName} has no timestamp-query feature: --profile cannot time kernels`);
  }

  private open(): PendingSet {
    const d = this.gpu.device;
    return {
      querySet: d.createQuerySet({ type: 'timestamp', count: QUERIES }),
      resolve: d.createBuffer({ size: QUERIES * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
      readback: d.createBuffer({ size: QUERIES * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
      labels: [],
    };
  }

  beginPass(encoder: GPUCommandEncoder, label: string): GPUComputePassEncoder {
    if (this.current && this.current.labels.length * 2 >= QUERIES) this.flush(encoder);
    this.current ??= this.open();
    const i = this.current.labels.length;
    this.current.labels.push(label);
    return encoder.beginComputePass({
      timestampWrites: { querySet: this.current.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 },
    });
  }

  /** Resolve the open set into `encoder` (a set is resolved once, in the command buffer that wrote it). */
  private flush(encoder: GPUCommandEncoder): void {
    const s = this.current;
    if (!s || s.labels.length === 0) return;
    const n = s.labels.length * 2;
    encoder.resolveQuerySet(s.querySet, 0, n, s.resolve, 0);
    encoder.copyBufferToBuffer(s.resolve, 0, s.readback, 0, n * 8);
    this.submitted.push(s);
    this.current = undefined;
  }

  beforeSubmit(encoder: GPUCommandEncoder): void {
    this.flush(encoder);
  }

  /** Wait for the submitted work and return per-label totals, slowest first; clears what it read. */
  async read(): Promise<KernelTime[]> {
    await this.gpu.device.queue.onSubmittedWorkDone();
    const totals = new Map<string, KernelTime>();
    for (const s of this.submitted.splice(0)) {
      await s.readback.mapAsync(GPUMapMode.READ);
      const ts = new BigUint64Array(s.readback.getMappedRange().slice(0));
      s.readback.unmap();
      s.labels.forEach((label, i) => {
        const ns = ts[2 * i + 1] > ts[2 * i] ? Number(ts[2 * i + 1] - ts[2 * i]) : 0;
        const t = totals.get(label) ?? { label, calls: 0, ms: 0 };
        t.calls++;
        t.ms += ns / 1e6;
        totals.set(label, t);
      });
      s.querySet.destroy();
      s.resolve.destroy();
      s.readback.destroy();
    }
    return [...totals.values()].sort((a, b) => b.ms - a.ms);
  }
}

/** Totals per kernel file (the part of the label before ':'), slowest first. */
export function byKernel(times: readonly KernelTime[]): KernelTime[] {
  const m = new Map<string, KernelTime>();
  for (const t of times) {
    const label = t.label.split(':')[0];
    const k = m.get(label) ?? { label, calls: 0, ms: 0 };
    k.calls += t.calls;
    k.ms += t.ms;
    m.set(label, k);
  }
  return [...m.values()].sort((a, b) => b.ms - a.ms);
}

/** A plain-text top-N table with each kernel's share of the profiled GPU time. */
export function formatProfile(times: readonly KernelTime[], top = 15): string {
  const total = times.reduce((s, t) => s + t.ms, 0);
  const lines = times
    .slice(0, top)
    .map((t) => `${t.ms.toFixed(2).padStart(9)} ms ${((100 * t.ms) / (total || 1)).toFixed(1).padStart(5)}% ${String(t.calls).padStart(5)} calls  ${t.label}`);
  return [`${total.toFixed(2).padStart(9)} ms total GPU time in ${times.reduce((s, t) => s + t.calls, 0)} dispatches`, ...lines].join('\n');
}
