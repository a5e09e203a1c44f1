// What a training configuration asks of a device, before anything is allocated: the buffers the
// model creates (lib/model/params.ts, lib/model/model.ts) with the largest one bound whole, and the
// total. checkTrainingFits refuses, in one line, a configuration over the adapter's maxBufferSize /
// maxStorageBufferBindingSize, so a `gpu`-scale run stops before allocating gigabytes it cannot use.
// Counting, all f32 (docs/gpu.md has the arithmetic at the paper's scale):
//   params, grads, AdamW m and v: one flat buffer each of P floats (bound in row blocks);
//   activations: per layer x, h1, r, h2 [n, d], q, att [n, Hq Dh], k, v [n, Hkv Dh], gate, up, s
//   [n, ffn], stats [n]; the logits [n, vocab] (bound in token-row blocks); their gradients the same
//   again (an upper bound: the backward reuses some); n = batch x seqLen.
import { DeviceLimitError } from '../gpu/index.ts';
import type { ModelConfig } from '../model/config.ts';
import { paramLayout } from '../model/params.ts';

export interface Footprint {
  params: number;
  /** bytes of each flat parameter-sized buffer (params, grads, m, v) */
  flatBytes: number;
  /** the widest activation, bound whole by the kernels */
  widestBindingBytes: number;
  /** one layer matrix, bound whole */
  largestMatrixBytes: number;
  logitsBytes: number;
  /** params + grads + AdamW + activations and their gradients */
  totalBytes: number;
}

export function trainingFootprint(c: ModelConfig, batch: number, seqLen: number): Footprint {
  const layout = paramLayout(c);
  const n = batch * seqLen;
  const hd = c.dModel / c.heads;
  const qd = c.heads * hd,
    kvd = c.kvHeads * hd;
  const perLayer = n * (4 * c.dModel + 2 * qd + 2 * kvd + 3 * c.ffn + 3) + batch * c.heads * seqLen;
  const acts = n * (c.layers + 1 + 2) * c.dModel + c.layers * perLayer + n * c.vocab;
  let largestMatrix = 0;
  for (const e of layout.entries) {
    if (e.name === 'model.embed_tokens.weight' || e.name === 'lm_head.weight' || e.shape.length !== 2) continue;
    largestMatrix = Math.max(largestMatrix, e.size);
  }
  return {
    params: layout.count,
    flatBytes: layout.total * 4,
    widestBindingBytes: n * Math.max(c.dModel, qd, c.ffn) * 4,
    largestMatrixBytes: largestMatrix * 4,
    logitsBytes: n * c.vocab * 4,
    totalBytes: 4 * layout.total * 4 + 2 * acts * 4,
  };
}

export interface DeviceLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

/** Throws a one-line DeviceLimitError naming the first buffer or binding over the limits. */
export function checkTrainingFits(limits: DeviceLimits, adapter: string, c: ModelConfig, batch: number, seqLen: number): Footprint {
  const f = trainingFootprint(c, batch, seqLen);
  const over = (what: string, bytes: number, limit: number, name: string) => {
    if (bytes > limit)
      throw new DeviceLimitError(
        `${what} needs ${gib(bytes)} but ${adapter} allows ${name} ${gib(limit)}: lower the batch (${batch}) or sequence length (${seqLen}), or use a smaller model`,
      );
  };
  over('each flat parameter/gradient/AdamW buffer', f.flatBytes, limits.maxBufferSize, 'maxBufferSize');
  over('the logits buffer', f.logitsBytes, limits.maxBufferSize, 'maxBufferSize');
  over('the widest activation binding', f.widestBindingBytes, limits.maxStorageBufferBindingSize, 'maxStorageBufferBindingSize');
  over('one layer matrix binding', f.largestMatrixBytes, limits.maxStorageBufferBindingSize, 'maxStorageBufferBindingSize');
  return f;
}
