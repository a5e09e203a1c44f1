// f32 (or u32/i32) tensors living in GPU storage buffers, and the pool that owns them.
// Every buffer is created through a pool so a model or a script can free all of its memory
// with one destroy() call; nothing is garbage-collected implicitly.
import { checkBufferFits, type Gpu } from './device.ts';

export type DType = 'f32' | 'u32' | 'i32';

/**
 * A typed view of (part of) a GPU buffer. `offset` counts elements from the buffer's start:
 * views let all parameters (or all gradients) share one flat buffer, llm.c-style, so AdamW,
 * the gradient norm and zeroing are one dispatch each (one per piece past one storage binding).
 */
export class Tensor {
  constructor(
    readonly buffer: GPUBuffer,
    readonly shape: readonly number[],
    readonly dtype: DType,
    readonly name: string,
    readonly id: number,
    readonly offset = 0,
  ) {}
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  get bytes(): number {
    return this.size * 4;
  }
}

let nextId = 1;

export class BufferPool {
  private readonly owned = new Set<Tensor>();
  private readonly pieces = new WeakMap<Tensor, Map<string, Tensor>>();
  constructor(readonly gpu: Gpu) {}

  /** Allocate an uninitialised (zeroed by WebGPU) tensor. */
  alloc(shape: readonly number[], name: string, dtype: DType = 'f32'): Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    const bytes = Math.max(16, Math.ceil((size * 4) / 16) * 16);
    checkBufferFits(this.gpu, bytes, `tensor ${name} [${shape.join(', ')}]`);
    const buffer = this.gpu.device.createBuffer({
      label: name,
      size: bytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const t = new Tensor(buffer, [...shape], dtype, name, nextId++);
    this.owned.add(t);
    return t;
  }

  /** Allocate and fill from host data. */
  upload(data: ArrayLike<number>, shape: readonly number[], name: string, dtype: DType = 'f32'): Tensor {
    const t = this.alloc(shape, name, dtype);
    write(this.gpu, t, data);
    return t;
  }

  /**
   * A view of `shape` elements of `parent` starting at element `offset`. WebGPU binds storage
   * at offsets that are multiples of minStorageBufferOffsetAlignment (256 bytes = 64 f32), so
   * lay out flat buffers with alignedOffset().
   */
  view(parent: Tensor, offset: number, shape: readonly number[], name: string): Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    const align = this.gpu.limits.minStorageBufferOffsetAlignment / 4;
    const abs = parent.offset + offset;
    if (abs % align !== 0) throw new Error(`view ${name}: offset ${abs} is not a multiple of ${align} elements`);
    if (offset + size > parent.size) throw new Error(`view ${name}: [${offset}, ${offset + size}) exceeds ${parent.name} of ${parent.size}`);
    return new Tensor(parent.buffer, [...shape], parent.dtype, name, nextId++, abs);
  }

  /**
   * view() memoised per (parent, offset, shape): launchers that split a tensor into pieces on
   * every call get the same Tensor objects back, so the recorder's bind-group cache keeps hitting.
   */
  piece(parent: Tensor, offset: number, shape: readonly number[]): Tensor {
    let byKey = this.pieces.get(parent);
    if (!byKey) this.pieces.set(parent, (byKey = new Map()));
    const key = `${offset}:${shape.join('x')}`;
    let t = byKey.get(key);
    if (!t) byKey.set(key, (t = this.view(parent, offset, shape, `${parent.name}@${offset}`)));
    return t;
  }

  free(t: Tensor): void {
    if (this.owned.delete(t)) t.buffer.destroy();
  }

  destroy(): void {
    for (const t of this.owned) t.buffer.destroy();
    this.owned.clear();
  }

  get bytesAllocated(): number {
    let n = 0;
    for (const t of this.owned) n += t.buffer.size;
    return n;
  }
}

function typed(dtype: DType, data: ArrayLike<number>): Float32Array | Uint32Array | Int32Array {
  if (dtype === 'f32') return data instanceof Float32Array ? data : Float32Array.from(data);
  if (dtype === 'u32') return data instanceof Uint32Array ? data : Uint32Array.from(data);
  return data instanceof Int32Array ? data : Int32Array.from(data);
}

/** Write host data into a tensor (queued; ordered before the next submit). */
export function write(gpu: Gpu, t: Tensor, data: ArrayLike<number>, elementOffset = 0): void {
  const arr = typed(t.dtype, data);
  if (arr.length + elementOffset > t.size) {
    throw new Error(`write: ${arr.length} elements do not fit tensor ${t.name} of ${t.size} at offset ${elementOffset}`);
  }
  gpu.device.queue.writeBuffer(t.buffer, (t.offset + elementOffset) * 4, arr.buffer, arr.byteOffset, arr.byteLength);
}

/** Copy a tensor back to the host (waits for all submitted work). */
export async function read(gpu: Gpu, t: Tensor, count = t.size, elementOffset = 0): Promise<Float32Array> {
  const bytes = count * 4;
  const staging = gpu.device.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = gpu.device.createCommandEncoder();
  enc.copyBufferToBuffer(t.buffer, (t.offset + elementOffset) * 4, staging, 0, bytes);
  gpu.device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}

/** Read a u32/i32 tensor as integers. */
export async function readInts(gpu: Gpu, t: Tensor, count = t.size): Promise<Int32Array> {
  const f = await read(gpu, t, count);
  return new Int32Array(f.buffer);
}

/** Round an element offset up so that a view starting there can be bound (256-byte alignment). */
export function alignedOffset(elements: number, alignElements = 64): number {
  return Math.ceil(elements / alignElements) * alignElements;
}
