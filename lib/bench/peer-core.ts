// Which OpenBLAS kernel set the benchmark's peer should run. OpenBLAS built with DYNAMIC_ARCH picks
// its kernels by CPU family and model; a CPU newer than the library falls back to a generic core.
// Debian bookworm's OpenBLAS 0.3.21 does not know Sapphire / Emerald Rapids (family 6, model 143 /
// 207): it runs them on "Prescott" (SSE3) kernels, measured at 33 GFLOP/s at 1024^3 on this 2-core
// AVX-512 machine against 197 with the "Cooperlake" kernels on the AVX-512 EPYC of an earlier
// session. Against such a peer every ratio is flattering. So when OpenBLAS's own choice is such a
// fallback, the peer runs the strongest core its CPU's flags support; bench.json says so.
import { readFileSync } from 'node:fs';

/** OpenBLAS cores that mean "this CPU was not recognised" on an x86-64 CPU with AVX. */
export const FALLBACK_CORES: ReadonlySet<string> = new Set(['Prescott', 'Core2', 'Penryn', 'Dunnington', 'Nehalem', 'Atom', 'Banias', 'Northwood', 'Katmai', 'Coppermine']);

/** The strongest OpenBLAS x86-64 core whose instructions `flags` (of /proc/cpuinfo) all include, or null. */
export function coreForFlags(flags: ReadonlySet<string>): string | null {
  const has = (...f: string[]) => f.every((x) => flags.has(x));
  if (has('avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd', 'fma')) return 'SkylakeX';
  if (has('avx2', 'fma')) return 'Haswell';
  if (has('avx')) return 'Sandybridge';
  return null;
}

/** The override for the peer: a core when OpenBLAS chose a fallback below what the CPU supports. */
export function peerCoreOverride(chosen: string | null, flags: ReadonlySet<string>): { core: string; reason: string } | null {
  const best = coreForFlags(flags);
  if (!chosen || !best || !FALLBACK_CORES.has(chosen)) return null;
  return { core: best, reason: `OpenBLAS picked its generic '${chosen}' kernels for this CPU (not in its model table); its flags support '${best}'` };
}

/** The CPU flags of /proc/cpuinfo (empty where there is none). */
export function cpuFlags(cpuinfo = '/proc/cpuinfo'): Set<string> {
  try {
    const line = readFileSync(cpuinfo, 'utf8')
      .split('\n')
      .find((l) => /^flags\s*:/.test(l));
    return new Set(line ? line.split(':')[1].trim().split(/\s+/) : []);
  } catch {
    return new Set();
  }
}
