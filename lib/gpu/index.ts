// The GPU layer: device, tensors and their pool, pipeline cache, step recorder.
export { acquireGpu, releaseGpu, checkBindingFits, checkBufferFits, deviceBindingBytes, GpuUnavailableError, DeviceLimitError, type Gpu } from './device.ts';
export { Tensor, BufferPool, write, read, readInts, alignedOffset, type DType } from './tensor.ts';
export { PipelineCache, kernelSource, type Pipeline, type Constants } from './pipelines.ts';
export { Recorder, Params, type Grid } from './recorder.ts';
export { GpuContext, createContext, type ContextOptions } from './context.ts';
export { rowSpans, alignedRowUnit, lcmUnit, type Span } from './chunks.ts';
