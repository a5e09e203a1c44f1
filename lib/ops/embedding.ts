// Token embedding lookup and its deterministic backward (no float atomics).
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';

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

/** out[r, :] = table[ids[r], :]; ids >= vocab give zero rows. */
export function embeddingForward(ctx: GpuContext, ids: Tensor, table: Tensor, out: Tensor, opts: EmbeddingOptions): void {
  check('embeddingForward', ids, out, table, opts);
  const { rows, dim, vocab } = opts;
  const rowGroups = Math.min(rows, ROW_GROUPS);
  ctx.rec.dispatch(ctx.pipelines.kernel('embedding_forward', { WG: WG_FORWARD }), [Math.ceil(dim / WG_FORWARD), rowGroups], [ids, table, out],
    new Params().u32(rows).u32(dim).u32(vocab).u32(rowGroups));
}

/** dtable[v, :] (= | +=) sum of dout[r, :] over rows with ids[r] == v. */
export function embeddingBackward(
  ctx: GpuContext, ids: Tensor, dout: Tensor, dtable: Tensor, opts: EmbeddingOptions & { accumulate?: boolean },
): void {
  check('embeddingBackward', ids, dout, dtable, opts);
  const { rows, dim, vocab, accumulate = false } = opts;
  const params = new Params().u32(rows).u32(dim).u32(vocab).u32(accumulate ? 1 : 0);
  const grid: [number, number] = [Math.ceil(dim / (WG_BACKWARD * 16)), vocab];
  ctx.rec.dispatch(ctx.pipelines.kernel('embedding_backward', { WG: WG_BACKWARD }), grid, [ids, dout, dtable], params);
}
