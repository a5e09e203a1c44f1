// Which part of a step a pipeline belongs to, from its label (lib/gpu/pipelines.ts:
// "kernel:entry(CONST=v,...)"). scripts/profile.ts sums per-kernel GPU time into these classes.
import type { KernelTime } from './profiler.ts';

export const KERNEL_CLASSES = [
  'matmul forward',
  'matmul backward dX',
  'matmul backward dW',
  'attention forward',
  'attention backward',
  'loss',
  'optimizer',
  'norms, activations, rope, embedding',
  'copies and reductions',
  'sampling',
  'other',
] as const;
export type KernelClass = (typeof KERNEL_CLASSES)[number];

function constant(label: string, name: string): string | undefined {
  return new RegExp(`[(,]${name}=([^,)]*)`).exec(label)?.[1];
}

/**
 * The class of one pipeline label. Matmuls are told apart by their transposes, as the model
 * launches them: forward y = x W^T (TRANS_B), dX = dY W (none), dW = dY^T X (TRANS_A).
 */
export function kernelClass(label: string): KernelClass {
  const kernel = label.split(':')[0];
  if (kernel === 'matmul' || kernel === 'matmul_naive') {
    if (constant(label, 'TRANS_A') === '1') return 'matmul backward dW';
    if (constant(label, 'TRANS_B') === '1') return 'matmul forward';
    return 'matmul backward dX';
  }
  if (kernel.startsWith('attention_backward')) return 'attention backward';
  if (kernel.startsWith('attention_')) return 'attention forward';
  if (kernel === 'cross_entropy' || kernel === 'grpo_loss') return 'loss';
  if (kernel === 'adamw' || kernel === 'grad_norm_sq') return 'optimizer';
  if (/^(rmsnorm|swiglu|rope|embedding)/.test(kernel)) return 'norms, activations, rope, embedding';
  if (/^(copy_block|add|column_sum|sum_reduce|kv_append)$/.test(kernel)) return 'copies and reductions';
  if (kernel === 'sample') return 'sampling';
  return 'other';
}

export interface ClassTime {
  cls: KernelClass;
  calls: number;
  ms: number;
}

/** Per-pipeline times summed by class, slowest first (classes with no dispatch left out). */
export function byClass(times: readonly KernelTime[]): ClassTime[] {
  const m = new Map<KernelClass, ClassTime>();
  for (const t of times) {
    const cls = kernelClass(t.label);
    const c = m.get(cls) ?? { cls, calls: 0, ms: 0 };
    c.calls += t.calls;
    c.ms += t.ms;
    m.set(cls, c);
  }
  return [...m.values()].sort((a, b) => b.ms - a.ms);
}
