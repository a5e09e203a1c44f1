// Device acquisition: Dawn (npm `webgpu`) headless, on a GPU or on Mesa's lavapipe.
// We request the adapter's own limits (the defaults cap storage bindings at 128 MiB and
// workgroup storage at 16 KiB, which the model code does not want to be capped below the hardware).
import { create, globals } from 'webgpu';
import { onExit } from '../util/cleanup.ts';

Object.assign(globalThis, globals);

export class GpuUnavailableError extends Error {}
export class DeviceLimitError extends Error {}

export interface Gpu {
  device: GPUDevice;
  /** Human-readable adapter name, e.g. "mesa llvmpipe (software)" or an NVIDIA card. */
  adapterName: string;
  /** True on a CPU software rasteriser (lavapipe/llvmpipe/SwiftShader). */
  isSoftware: boolean;
  limits: GPUSupportedLimits;
  hasTimestamps: boolean;
  /** [min, max] subgroup size when the device has the 'subgroups' feature. */
  subgroupSizes?: [number, number];
  destroy(): void;
}

let live: Gpu | undefined;
// The Dawn instance must outlive every device made from it: if it is garbage-collected while a
// device is alive, the next mapAsync crashes inside Dawn. Holding it here keeps it reachable.
let instance: GPU | undefined;

/** Acquire the process-wide GPU device (created once; later calls return the same one). */
export async function acquireGpu(): Promise<Gpu> {
  if (live) return live;
  // timestamp quantisation rounds lavapipe timestamps to ~65 µs; our per-kernel timings need better.
  instance ??= create(['disable-dawn-features=timestamp_quantization']);
  const adapter = await instance.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new GpuUnavailableError('no WebGPU adapter found (Dawn needs a Vulkan driver): run `npm run setup`, which installs Mesa lavapipe from bookworm-backports');
  }
  const info = adapter.info;
  const adapterName = [info.vendor, info.device || info.description, info.architecture].filter(Boolean).join(' ');
  const isSoftware = /llvmpipe|lavapipe|swiftshader|software/i.test(`${info.device} ${info.description} ${info.architecture}`);
  const requiredLimits: Record<string, number> = {};
  for (const key of [
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX',
    'maxComputeWorkgroupSizeY',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBuffersPerShaderStage',
    'maxBindGroups',
  ] as const) {
    requiredLimits[key] = adapter.limits[key] as number;
  }
  const hasTimestamps = adapter.features.has('timestamp-query');
  // Subgroups let the lavapipe-tuned matmul share loaded tiles across SIMD lanes (lib/ops/matmul.ts).
  const hasSubgroups = adapter.features.has('subgroups');
  const requiredFeatures: GPUFeatureName[] = [];
  if (hasTimestamps) requiredFeatures.push('timestamp-query');
  if (hasSubgroups) requiredFeatures.push('subgroups');
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  device.addEventListener('uncapturederror', (ev) => {
    // Validation errors mean a bug in a launcher; fail loudly rather than compute garbage.
    console.error(`WebGPU error: ${(ev as GPUUncapturedErrorEvent).error.message}`);
    process.exitCode = 1;
  });
  live = {
    device,
    adapterName,
    isSoftware,
    limits: device.limits,
    hasTimestamps,
    subgroupSizes: hasSubgroups && info.subgroupMinSize && info.subgroupMaxSize ? [info.subgroupMinSize, info.subgroupMaxSize] : undefined,
    destroy() {
      device.destroy();
      live = undefined;
    },
  };
  onExit(releaseGpu); // a live Dawn device keeps Node alive: scripts release it before exiting
  return live;
}

/** Destroy the device if one is alive. Scripts call this before exiting so Node can exit. */
export function releaseGpu(): void {
  live?.destroy();
}

// A live Dawn device keeps Node's event loop polling (a core spins) until it is destroyed, so the
// last GpuContext to be destroyed destroys the device: a script that destroys its context exits.
let holders = 0;

/** A GpuContext holds the device from its construction to its destroy(). */
export function holdGpu(): void {
  holders++;
}

/** Let go of the device; the last holder destroys it (the next acquireGpu makes a new one). */
export function letGoGpu(): void {
  if (holders > 0 && --holders === 0) releaseGpu();
}

// Forced (test) limits are a few KiB, real ones hundreds of MiB.
const mib = (n: number) => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${(n / 2 ** 10).toFixed(1)} KiB`);

/** The most bytes one storage binding can hold on this device. */
export function deviceBindingBytes(gpu: Gpu): number {
  return Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize);
}

/** Throw a one-line DeviceLimitError when one buffer of `bytes` cannot be created on this device. */
export function checkBufferFits(gpu: Gpu, bytes: number, what: string): void {
  const max = gpu.limits.maxBufferSize;
  if (bytes > max) {
    throw new DeviceLimitError(`${what} needs a ${mib(bytes)} buffer but ${gpu.adapterName} allows buffers of at most ${mib(max)}: lower the batch, context or model size`);
  }
}

/** Throw a one-line DeviceLimitError when `bytes` bound at once exceed `maxBytes` (a context's binding limit). */
export function checkBindingFits(gpu: Gpu, maxBytes: number, bytes: number, what: string): void {
  if (bytes > maxBytes) {
    throw new DeviceLimitError(`${what} needs a ${mib(bytes)} binding but ${gpu.adapterName} binds at most ${mib(maxBytes)}: lower the batch, context or model size`);
  }
}
