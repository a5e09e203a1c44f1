// One object that launchers receive: the device, a pool for tensors, compiled pipelines, the
// current step's recorder, and the binding limit that launchers split their tensors by.
import { acquireGpu, deviceBindingBytes, holdGpu, letGoGpu, type Gpu } from './device.ts';
import { PipelineCache } from './pipelines.ts';
import { Recorder } from './recorder.ts';
import { BufferPool } from './tensor.ts';

export interface ContextOptions {
  /**
   * Bind at most this many bytes at once instead of the device's limit. Tests force a few KiB so
   * that the split paths (lib/gpu/chunks.ts) run on the tiny models; scripts leave it unset.
   */
  maxBindingBytes?: number;
}

export class GpuContext {
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly rec: Recorder;
  /** Elements (f32/u32) one storage binding may hold: a multiple of 64, so pieces stay aligned. */
  readonly bindElements: number;
  constructor(
    readonly gpu: Gpu,
    opts: ContextOptions = {},
  ) {
    const bytes = Math.min(deviceBindingBytes(gpu), opts.maxBindingBytes ?? Infinity);
    this.bindElements = Math.floor(bytes / 256) * 64;
    if (this.bindElements < 64) throw new Error(`GpuContext: a binding limit of ${bytes} bytes is below 256`);
    this.pool = new BufferPool(gpu);
    this.pipelines = new PipelineCache(gpu);
    this.rec = new Recorder(gpu, this.pipelines, this.bindElements * 4);
    holdGpu();
  }
  /** Free this context's buffers; the last context destroyed also destroys the device. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.rec.destroy();
    this.pool.destroy();
    letGoGpu();
  }
  private destroyed = false;
}

export async function createContext(opts: ContextOptions = {}): Promise<GpuContext> {
  return new GpuContext(await acquireGpu(), opts);
}
