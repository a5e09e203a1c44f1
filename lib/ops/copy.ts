// Column-block copies between row-major matrices of different widths (kernels/copy_block.wgsl).
import { Params, type GpuContext, type Tensor } from '../gpu/index.ts';

const WG = 64;
const ROW_GROUPS = 64;

export interface CopyBlockOptions {
  rows: number;
  cols: number;
  /** Row lengths of src and dst, and the first column of the block in each. */
  srcLd: number;
  srcCol: number;
  dstLd: number;
  dstCol: number;
}

/** dst[r, dstCol + c] = src[r, srcCol + c] for r < rows, c < cols. */
export function copyBlock(ctx: GpuContext, src: Tensor, dst: Tensor, o: CopyBlockOptions): void {
  if (o.srcCol + o.cols > o.srcLd || o.dstCol + o.cols > o.dstLd)
    throw new Error(`copyBlock: ${o.cols} columns from ${o.srcCol} / ${o.dstCol} overrun rows of ${o.srcLd} / ${o.dstLd}`);
  if (src.size < (o.rows - 1) * o.srcLd + o.srcCol + o.cols) throw new Error(`copyBlock: src ${src.name} has ${src.size} elements, too few for ${o.rows} rows of ${o.srcLd}`);
  if (dst.size < (o.rows - 1) * o.dstLd + o.dstCol + o.cols) throw new Error(`copyBlock: dst ${dst.name} has ${dst.size} elements, too few for ${o.rows} rows of ${o.dstLd}`);
  const rowGroups = Math.min(o.rows, ROW_GROUPS);
  const params = new Params().u32(o.rows).u32(o.cols).u32(o.srcLd).u32(o.srcCol).u32(o.dstLd).u32(o.dstCol).u32(rowGroups);
  ctx.rec.dispatch(ctx.pipelines.kernel('copy_block', { WG }), [Math.ceil(o.cols / WG), rowGroups], [src, dst], params);
}
