// Compute pipelines, compiled once per (shader source, override constants, entry point).
// Kernels live one per file in kernels/*.wgsl; tile sizes and workgroup sizes are WGSL
// `override` constants, so one source serves many tile shapes and each shape compiles once.
import { readFileSync } from 'node:fs';
import type { Gpu } from './device.ts';

const kernelDir = new URL('../../kernels/', import.meta.url);
const sources = new Map<string, string>();

/** The WGSL source of kernels/<name>.wgsl (read once). */
export function kernelSource(name: string): string {
  let src = sources.get(name);
  if (src === undefined) {
    src = readFileSync(new URL(`${name}.wgsl`, kernelDir), 'utf8');
    sources.set(name, src);
  }
  return src;
}

export interface Pipeline {
  /** Small integer identity used in bind-group cache keys. */
  id: number;
  label: string;
  pipeline: GPUComputePipeline;
}

export type Constants = Record<string, number>;

export class PipelineCache {
  private readonly byKey = new Map<string, Pipeline>();
  private readonly modules = new Map<string, GPUShaderModule>();
  private nextId = 1;
  constructor(readonly gpu: Gpu) {}

  /** The pipeline for a kernel file with the given override constants. */
  kernel(name: string, constants: Constants = {}, entry = 'main'): Pipeline {
    return this.fromSource(kernelSource(name), constants, entry, name);
  }

  fromSource(code: string, constants: Constants = {}, entry = 'main', label = 'kernel'): Pipeline {
    const constKey = Object.keys(constants)
      .sort()
      .map((k) => `${k}=${constants[k]}`)
      .join(',');
    const key = `${entry}|${constKey}|${code}`;
    let p = this.byKey.get(key);
    if (p) return p;
    let module = this.modules.get(code);
    if (!module) {
      module = this.gpu.device.createShaderModule({ code, label });
      this.modules.set(code, module);
    }
    const pipeline = this.gpu.device.createComputePipeline({
      label: `${label}(${constKey})`,
      layout: 'auto',
      compute: { module, entryPoint: entry, constants },
    });
    p = { id: this.nextId++, label: `${label}:${entry}(${constKey})`, pipeline };
    this.byKey.set(key, p);
    return p;
  }

  get size(): number {
    return this.byKey.size;
  }
}
