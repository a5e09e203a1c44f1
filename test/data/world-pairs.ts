// Test helper: the same problem and the same first pass written twice by the world's teacher, once
// with a final verification and once without. Both traces come from one RNG state and a config
// that differs only in pNoVerifyClean (1: never verify a clean first pass, 0: always), so the
// slip draws, and therefore the first pass, are the same; only clean first passes make pairs
// (a slip always verifies).
import { Rng } from '../../lib/util/rng.ts';
import { TIERS, WORLD_CONFIG, type WorldConfig } from '../../lib/data/world/config.ts';
import { makeProblem, type Problem } from '../../lib/data/world/problems.ts';
import { teacherTrace, type TeacherTrace } from '../../lib/data/world/teacher.ts';

export interface TracePair {
  problem: Problem;
  unverified: TeacherTrace;
  verified: TeacherTrace;
}

const withVerify = (p: number): WorldConfig => ({ ...WORLD_CONFIG, verify: { ...WORLD_CONFIG.verify, pNoVerifyClean: p } });

export function tracePairs(n: number, seed = 11): TracePair[] {
  const rng = new Rng(seed);
  const out: TracePair[] = [];
  for (let i = 0; out.length < n; i++) {
    const problem = makeProblem(TIERS[i % TIERS.length], rng, WORLD_CONFIG);
    const state = 1000 + i;
    const unverified = teacherTrace(problem, new Rng(state), withVerify(1));
    const verified = teacherTrace(problem, new Rng(state), withVerify(0));
    if (verified.truth.slip) continue;
    out.push({ problem, unverified, verified });
  }
  return out;
}
