// Kernels correct for every subgroup size an adapter may report (scripts/device/subgroup-check.ts):
// in this process each size is reported to the launchers (below 8 they must pick the plain kernels,
// from 8 on the subgroup ones) while lavapipe runs 8 lanes; a second process with
// LP_NATIVE_VECTOR_WIDTH=512 runs the subgroup kernels on 16 real lanes.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkReportedSize, REPORTED_SIZES } from '../../scripts/device/subgroup-check.ts';
import { useGpu } from '../helpers/gpu.ts';

const SUBGROUP_KERNELS = ['attention_backward_dkdv_sg', 'attention_backward_dq_sg', 'attention_forward_sg', 'matmul'];

describe('subgroup sizes', () => {
  const gpu = useGpu();

  it.each(REPORTED_SIZES)(
    'reported size %i: the path it allows gives the reference result',
    async (size) => {
      const ctx = gpu.ctx();
      if (size >= 8 && !ctx.gpu.subgroupSizes) return; // no 'subgroups' feature: only the plain path exists
      const cases = await checkReportedSize(ctx, size);
      expect(cases).toHaveLength(4);
      for (const c of cases) expect(c.error, `${c.kernel} at ${size}`).toBeLessThanOrEqual(1);
      const ran = new Set(cases.flatMap((c) => c.path));
      for (const k of SUBGROUP_KERNELS) expect(ran.has(k), `${k} at reported size ${size}`).toBe(size >= 8);
      if (size < 8) for (const k of ['matmul_naive', 'attention_forward', 'attention_backward_dq', 'attention_backward_dkdv']) expect(ran.has(k)).toBe(true);
    },
    120_000,
  );

  it('runs the subgroup kernels on 16 real lanes (lavapipe at 512 bits)', () => {
    if (!gpu.ctx().gpu.isSoftware || !gpu.ctx().gpu.subgroupSizes) return; // the 512-bit switch is lavapipe's
    const out = execFileSync('npx', ['tsx', 'scripts/device/subgroup-check.ts'], {
      env: { ...process.env, LP_NATIVE_VECTOR_WIDTH: '512' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as { realSubgroupSizes: [number, number]; cases: { reported: number; error: number; path: string[] }[] };
    if (r.realSubgroupSizes[0] !== 16) return; // this CPU has no 512-bit vectors: lavapipe stays at 8 lanes
    expect(r.cases.filter((c) => c.path.includes('matmul'))).toHaveLength(3 * 4); // reported 8, 16, 32, 64
    for (const c of r.cases) expect(c.error, `${JSON.stringify(c)}`).toBeLessThanOrEqual(1);
  }, 300_000);
});
