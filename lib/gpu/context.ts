// One object that launchers receive: the device, a pool for tensors, compiled pipelines and
// the current step's recorder.
import { acquireGpu, type Gpu } from './device.ts';
import { PipelineCache } from './pipelines.ts';
import { Recorder } from './recorder.ts';
import { BufferPool } from './tensor.ts';

export class GpuContext {
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly rec: Recorder;
  constructor(readonly gpu: Gpu) {
    this.pool = new BufferPool(gpu);
    this.pipelines = new PipelineCache(gpu);
    this.rec = new Recorder(gpu, this.pipelines);
  }
  destroy(): void {
    this.rec.destroy();
    this.pool.destroy();
  }
}

export async function createContext(): Promise<GpuContext> {
  return new GpuContext(await acquireGpu());
}
