import { describe, expect, it } from 'vitest';
import { coreForFlags, peerCoreOverride } from '../../lib/bench/peer-core.ts';

const AVX512 = new Set('fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16'.split(' '));
const AVX2 = new Set('fpu sse sse2 ssse3 fma sse4_1 sse4_2 avx avx2'.split(' '));

describe('the peer OpenBLAS core', () => {
  it('is the strongest core the CPU flags allow', () => {
    expect(coreForFlags(AVX512)).toBe('SkylakeX');
    expect(coreForFlags(AVX2)).toBe('Haswell');
    expect(coreForFlags(new Set(['sse2', 'avx']))).toBe('Sandybridge');
    expect(coreForFlags(new Set(['sse2']))).toBeNull();
  });

  it('is overridden only when OpenBLAS fell back to a generic core', () => {
    expect(peerCoreOverride('Prescott', AVX512)).toMatchObject({ core: 'SkylakeX' });
    expect(peerCoreOverride('Prescott', AVX2)).toMatchObject({ core: 'Haswell' });
    expect(peerCoreOverride('Cooperlake', AVX512)).toBeNull();
    expect(peerCoreOverride('Zen', AVX2)).toBeNull();
    expect(peerCoreOverride(null, AVX512)).toBeNull();
    expect(peerCoreOverride('Prescott', new Set(['sse2', 'sse3']))).toBeNull();
  });
});
