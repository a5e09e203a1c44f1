// The LM head, logits = h W^T (+ bias), and its backward, split so that nothing bound at once
// exceeds one storage binding (a real vocabulary makes W and the logits the largest tensors):
//  - token rows: logits / dlogits [rows, vocab] with h / dh [rows, dim] in pieces of whole rows.
//    A logits row is never cut, so the cross-entropy and the sampler (which split the same way)
//    see whole rows and stay exact with no cross-piece logsumexp;
//  - vocabulary rows: W [vocab, dim] (the embedding when tied) in pieces of 64-row multiples (a
//    bias view and the weight view then start aligned). A piece's logits go to a contiguous
//    scratch block and are scattered into the columns they own (matmul writes whole rows only);
//    in the backward, its columns of dlogits are gathered into that block first.
// When everything fits (every model below ~100M parameters on lavapipe), this is exactly the
// matmuls of the unsplit model, with nothing added.
import { alignedRowUnit, lcmUnit, rowSpans, type GpuContext, type Span, type Tensor } from '../gpu/index.ts';
import { copyBlock } from './copy.ts';
import { matmul } from './matmul.ts';
import { scratch } from './scratch.ts';

export interface LmHeadOptions {
  rows: number;
  vocab: number;
  dim: number;
}

interface Plan {
  tokens: Span[];
  pieces: Span[];
  /** Scratch [token piece, vocabulary piece] when W is split; otherwise undefined. */
  block?: Tensor;
}

const VOCAB_UNIT = 64;

/**
 * The token-row pieces of h and the logits (one when they fit); throws a one-line DeviceLimitError
 * when even the smallest aligned piece does not fit. Activations call it to refuse a shape early.
 */
export function tokenSpans(ctx: GpuContext, o: LmHeadOptions, what = `logits [${o.rows}, ${o.vocab}]`): Span[] {
  const unit = lcmUnit(alignedRowUnit(o.vocab), alignedRowUnit(o.dim));
  return rowSpans(o.rows, Math.max(o.vocab, o.dim), ctx.bindElements, what, unit);
}

function plan(ctx: GpuContext, w: Tensor, o: LmHeadOptions): Plan {
  const { vocab, dim } = o;
  const tokens = tokenSpans(ctx, o);
  const pieces = rowSpans(vocab, dim, ctx.bindElements, `LM head ${w.name} [${vocab}, ${dim}]`, VOCAB_UNIT);
  // One block per model shape, whatever the row count: sized for the most token rows any piece
  // can have (the logits rows one binding holds), times the largest vocabulary piece.
  const maxTokens = Math.floor(ctx.bindElements / Math.max(vocab, dim));
  const block = pieces.length > 1 ? scratch(ctx, 'lmhead.block', maxTokens * pieces[0].count) : undefined;
  return { tokens, pieces, block };
}

/** Rows `s` of a row-major matrix of width `width` (the tensor itself when `s` covers all of it). */
function rowsOf(ctx: GpuContext, t: Tensor, s: Span, whole: number, width: number): Tensor {
  return s.start === 0 && s.count === whole ? t : ctx.pool.piece(t, s.start * width, [s.count, width]);
}

/** logits[rows, vocab] = h[rows, dim] W[vocab, dim]^T (+ bias[vocab]). */
export function lmHeadForward(ctx: GpuContext, h: Tensor, w: Tensor, logits: Tensor, o: LmHeadOptions & { bias?: Tensor }): void {
  const { rows, vocab, dim, bias } = o;
  const { tokens, pieces, block } = plan(ctx, w, o);
  for (const t of tokens) {
    const hT = rowsOf(ctx, h, t, rows, dim);
    const lT = rowsOf(ctx, logits, t, rows, vocab);
    if (!block) {
      matmul(ctx, hT, w, lT, { m: t.count, n: vocab, k: dim, transB: true, bias });
      continue;
    }
    for (const p of pieces) {
      const b = bias && ctx.pool.piece(bias, p.start, [p.count]);
      matmul(ctx, hT, rowsOf(ctx, w, p, vocab, dim), block, { m: t.count, n: p.count, k: dim, transB: true, bias: b });
      copyBlock(ctx, block, lT, { rows: t.count, cols: p.count, srcLd: p.count, srcCol: 0, dstLd: vocab, dstCol: p.start });
    }
  }
}

/** dh[rows, dim] = dlogits W;  dW[vocab, dim] += dlogits^T h. */
export function lmHeadBackward(ctx: GpuContext, dlogits: Tensor, h: Tensor, w: Tensor, dw: Tensor, dh: Tensor, o: LmHeadOptions): void {
  const { rows, vocab, dim } = o;
  const { tokens, pieces, block } = plan(ctx, w, o);
  for (const t of tokens) {
    const dT = rowsOf(ctx, dlogits, t, rows, vocab);
    const hT = rowsOf(ctx, h, t, rows, dim);
    const dhT = rowsOf(ctx, dh, t, rows, dim);
    if (!block) {
      matmul(ctx, dT, w, dhT, { m: t.count, n: dim, k: vocab });
      matmul(ctx, dT, hT, dw, { m: vocab, n: dim, k: t.count, transA: true, accumulate: true });
      continue;
    }
    pieces.forEach((p, j) => {
      copyBlock(ctx, dT, block, { rows: t.count, cols: p.count, srcLd: vocab, srcCol: p.start, dstLd: p.count, dstCol: 0 });
      matmul(ctx, block, rowsOf(ctx, w, p, vocab, dim), dhT, { m: t.count, n: dim, k: p.count, accumulate: j > 0 });
      matmul(ctx, block, hT, rowsOf(ctx, dw, p, vocab, dim), { m: p.count, n: dim, k: t.count, transA: true, accumulate: true });
    });
  }
}
