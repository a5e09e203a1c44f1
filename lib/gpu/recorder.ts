// The recorder: a whole training (or decoding) step in one command encoder, one submit,
// and no readback in between. Launchers in lib/ops call dispatch(); the caller calls submit().
//
// Binding convention shared by every kernel in kernels/: binding 0 is a uniform `Params`
// struct when the launcher passes params, then the tensors in order at bindings 1, 2, ...
// (0, 1, ... when there are no params). Uniform buffers are cached by content and bind groups
// by (pipeline, buffers), so replaying the same step costs a few map look-ups per dispatch.
// Params must therefore be static across steps (shapes, fixed hyper-parameters): a scalar that
// changes every step (learning rate, Adam's step count) goes in a small tensor written with
// write() before submit, or a new uniform buffer would be made every step.
import { checkBindingFits, type Gpu } from './device.ts';
import type { Pipeline, PipelineCache } from './pipelines.ts';
import type { Tensor } from './tensor.ts';

/** Build the bytes of a uniform Params struct: u32/i32/f32 fields, 4 bytes each, in order. */
export class Params {
  private readonly view: DataView;
  private n = 0;
  constructor(capacity = 16) {
    this.view = new DataView(new ArrayBuffer(capacity * 4));
  }
  u32(v: number): this {
    this.view.setUint32(4 * this.n++, v >>> 0, true);
    return this;
  }
  i32(v: number): this {
    this.view.setInt32(4 * this.n++, v | 0, true);
    return this;
  }
  f32(v: number): this {
    this.view.setFloat32(4 * this.n++, v, true);
    return this;
  }
  /** Bytes padded to 16 (uniform structs are 16-byte aligned). */
  bytes(): Uint8Array<ArrayBuffer> {
    const len = Math.max(16, Math.ceil((this.n * 4) / 16) * 16);
    return new Uint8Array(this.view.buffer as ArrayBuffer, 0, len);
  }
}

export type Grid = [number, number?, number?];

export interface RecorderStats {
  dispatches: number;
  submits: number;
}

/**
 * Opt-in per-dispatch timing (scripts/bench.ts --profile; lib/bench/profiler.ts): when set on a
 * recorder, each dispatch runs in its own compute pass whose timestampWrites the timer provides,
 * and the timer resolves its queries into the command buffer just before submit. Off by default:
 * one pass per dispatch adds barriers, so profiled steps run slower than real ones.
 */
export interface DispatchTimer {
  beginPass(encoder: GPUCommandEncoder, label: string): GPUComputePassEncoder;
  beforeSubmit(encoder: GPUCommandEncoder): void;
}

export class Recorder {
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  private readonly uniforms = new Map<string, GPUBuffer>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private uniformId = new WeakMap<GPUBuffer, number>();
  private nextUniformId = 1;
  readonly stats: RecorderStats = { dispatches: 0, submits: 0 };
  timer: DispatchTimer | undefined;

  /** @param maxBindingBytes the context's binding limit; a tensor bound whole above it is refused. */
  constructor(
    readonly gpu: Gpu,
    readonly pipelines: PipelineCache,
    readonly maxBindingBytes = Infinity,
  ) {}

  private ensurePass(): GPUComputePassEncoder {
    if (!this.encoder) this.encoder = this.gpu.device.createCommandEncoder();
    if (!this.pass) this.pass = this.encoder.beginComputePass();
    return this.pass;
  }

  private endPass(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.gpu.device.createCommandEncoder();
    if (this.pass) {
      this.pass.end();
      this.pass = undefined;
    }
    return this.encoder;
  }

  private uniform(params: Params): GPUBuffer {
    const bytes = params.bytes();
    let key = '';
    for (let i = 0; i < bytes.length; i++) key += String.fromCharCode(bytes[i]);
    let buf = this.uniforms.get(key);
    if (!buf) {
      buf = this.gpu.device.createBuffer({ size: bytes.length, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      this.gpu.device.queue.writeBuffer(buf, 0, bytes);
      this.uniforms.set(key, buf);
      this.uniformId.set(buf, this.nextUniformId++);
    }
    return buf;
  }

  /** Record one compute dispatch. `grid` counts workgroups, not threads. */
  dispatch(p: Pipeline, grid: Grid, tensors: readonly Tensor[], params?: Params): void {
    const [x, y = 1, z = 1] = grid;
    if (x === 0 || y === 0 || z === 0) return;
    const max = this.gpu.limits.maxComputeWorkgroupsPerDimension;
    if (x > max || y > max || z > max) throw new Error(`${p.label}: grid ${x}x${y}x${z} exceeds ${max} workgroups per dimension`);
    const ubuf = params ? this.uniform(params) : undefined;
    let key = `${p.id}`;
    if (ubuf) key += `u${this.uniformId.get(ubuf)}`;
    for (const t of tensors) key += `,${t.id}`;
    let bg = this.bindGroups.get(key);
    if (!bg) {
      // Checked once per bind group (not per dispatch): a launcher that should have split a
      // tensor (lib/gpu/chunks.ts) fails here in one line instead of in a validation error.
      for (const t of tensors) checkBindingFits(this.gpu, this.maxBindingBytes, t.bytes, `${p.label}: tensor ${t.name} [${t.shape.join(', ')}]`);
      const entries: GPUBindGroupEntry[] = [];
      let b = 0;
      if (ubuf) entries.push({ binding: b++, resource: { buffer: ubuf } });
      for (const t of tensors) entries.push({ binding: b++, resource: { buffer: t.buffer, offset: t.offset * 4, size: Math.max(4, t.bytes) } });
      bg = this.gpu.device.createBindGroup({ layout: p.pipeline.getBindGroupLayout(0), entries });
      this.bindGroups.set(key, bg);
    }
    const pass = this.timer ? this.timer.beginPass(this.endPass(), p.label) : this.ensurePass();
    pass.setPipeline(p.pipeline);
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(x, y, z);
    if (this.timer) pass.end();
    this.stats.dispatches++;
  }

  /** Record a buffer copy of `count` elements. */
  copy(src: Tensor, dst: Tensor, count = Math.min(src.size, dst.size), srcOffset = 0, dstOffset = 0): void {
    this.endPass().copyBufferToBuffer(src.buffer, (src.offset + srcOffset) * 4, dst.buffer, (dst.offset + dstOffset) * 4, count * 4);
  }

  /** Zero a tensor (a clearBuffer command, no kernel). */
  clear(t: Tensor): void {
    this.endPass().clearBuffer(t.buffer, t.offset * 4, t.bytes);
  }

  /** Submit everything recorded since the last submit as one command buffer. */
  submit(): void {
    if (!this.encoder) return;
    const enc = this.endPass();
    this.timer?.beforeSubmit(enc);
    this.gpu.device.queue.submit([enc.finish()]);
    this.encoder = undefined;
    this.stats.submits++;
  }

  /** Drop cached bind groups that reference freed tensors (call after freeing many tensors). */
  resetBindGroups(): void {
    this.bindGroups.clear();
  }

  destroy(): void {
    for (const b of this.uniforms.values()) b.destroy();
    this.uniforms.clear();
    this.bindGroups.clear();
  }
}
