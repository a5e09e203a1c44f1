// Token embedding lookup and its deterministic backward (no float atomics). A table larger than
// one storage binding is split into pieces of vocabulary rows (one dispatch per piece); the
// backward also splits at the grid's row limit, since it runs one workgroup row per vocabulary row.
import { Params, rowSpans, type GpuContext, type Span, type Tensor } from '../gpu/index.ts';

const WG_FORWARD = 64;
const ROW_GROUPS = 64; // workgroups along rows in the forward (each walks rows/64 rows)
const WG_BACKWARD = 8; // lanes per vocabulary row; each lane owns 16 columns

export interface EmbeddingOptions {
  rows: number;
  dim: number;
  vocab: number;
}

function check(what: string, ids: Tensor, rowsT: Tensor, table: Tensor, o: EmbeddingOptions): void {
  if (ids.dtype !== 'u32') throw new Error(`${what}: ids ${ids.name} must be u32, got ${ids.dtype}`);
  if (ids.size < o.rows) throw new Error(`${what}: ids ${ids.name} has ${ids.size} elements, needs ${o.rows}`);
  if (rowsT.size < o.rows * o.dim) throw new Error(`${what}: ${rowsT.name} has ${rowsT.size} elements, needs ${o.rows}x${o.dim}`);
  if (table.size < o.vocab * o.dim) throw new Error(`${what}: ${table.name} has ${table.size} elements, needs ${o.vocab}x${o.dim}`);
}

/** The table itself when one piece covers it (the unsplit path binds exactly what it did before). */
function piece(ctx: GpuContext, table: Tensor, s: Span, o: EmbeddingOptions): Tensor {
  return s.start === 0 && s.count === o.vocab ? table : ctx.pool.piece(table, s.start * o.dim, [s.count, o.dim]);
}

/** out[r, :] = table[ids[r], :]; ids >= vocab give zero rows. */
export function embeddingForward(ctx: GpuContext, ids: Tensor, table: Tensor, out: Tensor, opts: EmbeddingOptions): void {
  check('embeddingForward', ids, out, table, opts);
  const { rows, dim, vocab } = opts;
  const rowGroups = Math.min(rows, ROW_GROUPS);
  const p = ctx.pipelines.kernel('embedding_forward', { WG: WG_FORWARD });
  for (const s of rowSpans(vocab, dim, ctx.bindElements, `embedding table ${table.name}`)) {
    const hi = s.start + s.count;
    ctx.rec.dispatch(
      p,
      [Math.ceil(dim / WG_FORWARD), rowGroups],
      [ids, piece(ctx, table, s, opts), out],
      new Params()
        .u32(rows)
        .u32(dim)
        .u32(s.start)
        .u32(hi)
        .u32(hi === vocab ? 1 : 0)
        .u32(rowGroups),
    );
  }
}

/** dtable[v, :] (= | +=) sum of dout[r, :] over rows with ids[r] == v. */
export function embeddingBackward(ctx: GpuContext, ids: Tensor, dout: Tensor, dtable: Tensor, opts: EmbeddingOptions & { accumulate?: boolean }): void {
  check('embeddingBackward', ids, dout, dtable, opts);
  const { rows, dim, vocab, accumulate = false } = opts;
  const p = ctx.pipelines.kernel('embedding_backward', { WG: WG_BACKWARD });
  const maxRows = ctx.gpu.limits.maxComputeWorkgroupsPerDimension;
  for (const s of rowSpans(vocab, dim, ctx.bindElements, `embedding gradient ${dtable.name}`, undefined, maxRows)) {
    const params = new Params()
      .u32(rows)
      .u32(dim)
      .u32(s.start)
      .u32(accumulate ? 1 : 0);
    ctx.rec.dispatch(p, [Math.ceil(dim / (WG_BACKWARD * 16)), s.count], [ids, dout, piece(ctx, dtable, s, opts)], params);
  }
}
